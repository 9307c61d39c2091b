"""SL640-SL645: the networks, secrets and configs `docker stack deploy` creates, checked the way
the daemon and swarmkit check them when they are created.

The CLI creates every non-external secret and config (used or not) and every network a
service uses, before it creates any service; a refusal stops the deploy there, with the objects
made so far left behind. Overlapping subnets are the exception: the network is created, but the
allocator cannot give it addresses, so the tasks on it stay `New` for ever (SL644).
"""
from __future__ import annotations

from ..context import Context
from ..diagnostics import Related
from ..lazy_regex import LazyRegex
from ..parsers import go_parse_cidr
from ..refs import context_refs

# swarmkit manager/controlapi/common.go
_DNS_LABEL = LazyRegex(r"^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$")
_OBJECT_NAME = LazyRegex(r"^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$")
# swarmkit api/validation/secrets.go MaxSecretSize, manager/controlapi/config.go MaxConfigSize
MAX_SIZE = {"secrets": 500 * 1024, "configs": 1000 * 1024}
# Drivers the daemon has built in but that do not give a swarm-scoped network.
_LOCAL_DRIVERS = {
    "bridge": "a bridge network is local to one node: the daemon creates it, then refuses the service "
              "(The network {name} cannot be used with services. Only networks scoped to the swarm can be used, "
              "such as those created with the overlay driver.)",
    "host": 'the host network exists once per node (only one instance of "host" network is allowed)',
    "null": 'the null network exists once per node (only one instance of "null" network is allowed)',
    "macvlan": "a macvlan network needs per-node configuration (config_from), which a stack file cannot "
               "give (failed to create network: operation not supported)",
    "ipvlan": "an ipvlan network needs per-node configuration (config_from), which a stack file cannot "
              "give (failed to create network: operation not supported)",
}
_SWARM_DRIVERS = ("overlay",)
# Networks every Swarm node already has, without this stack's label: creating one fails.
_PREDEFINED_NETWORKS = ("bridge", "host", "none", "default", "ingress", "docker_gwbridge")


def _stack_prefix(ctx: Context) -> tuple[str, bool]:
    """The stack name, or a one-letter stand-in (names then get no longer than with any stack)."""
    return (ctx.settings.stack_name, True) if ctx.settings.stack_name else ("s", False)


def _created_networks(ctx: Context) -> dict[str, str]:
    """Key -> the first service attached, for the networks the deploy creates (used, not external).
    Worked out once per lint from the services' references: three checks ask."""
    out = getattr(ctx, "_created_networks_cache", None)
    if out is not None:
        return out
    out = {}
    networks = ctx.model.networks
    for ref in context_refs(ctx):
        if ref.kind != "networks":
            continue
        key = ref.name
        obj = networks.get(key)
        if key not in out and (obj is not None and not obj.external or obj is None and key == "default"):
            out[key] = ref.service
    ctx._created_networks_cache = out
    return out


def name_problem(kind: str, name: str, exact: bool) -> str | None:
    """What swarmkit (or, for a predefined network, the daemon) says when the deploy creates the
    object under this name, as "<what is wrong>: docker stack deploy fails ... (<Docker's text>)".
    `exact` is False when the stack name is a one-letter stand-in: lengths are then lower bounds."""
    if kind == "networks" and name in _PREDEFINED_NETWORKS:
        docker = f"operation is not permitted on predefined {name} network" if name in ("none", "default") else \
            f"network with name {name} already exists"
        return (f"is taken by a network every Swarm node has: docker stack deploy fails when it creates it "
                f"({docker}); to attach to it, declare it external")
    if kind in ("networks", "services"):  # validateAnnotations: the same DNS label for both
        limit, pattern, what = 63, _DNS_LABEL, "is not a DNS label (letters, digits, - and _ between them)"
        bad_text, long_text = "name must be valid as a DNS name component", "name must be 63 characters or fewer"
    else:
        limit, pattern = 64, _OBJECT_NAME
        what = "may hold only letters, digits, '-', '_' and '.', and must start and end with a letter or digit"
        bad_text = long_text = ("invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end "
                                "character must be [a-zA-Z0-9]")
    if pattern.match(name):
        if len(name) <= limit:
            return None
        what = f"is {len(name)} characters long (at most {limit})" if exact else \
            f"is longer than {limit} characters with any stack name"
        bad_text = long_text
    return f"{what}: docker stack deploy fails when it creates it ({bad_text})"


def names(ctx: Context):
    """SL641: a created object's name that swarmkit refuses."""
    stack, known = _stack_prefix(ctx)
    for kind in ("networks", "secrets", "configs"):
        objects = ctx.model.objects(kind)
        keys = _created_networks(ctx) if kind == "networks" else [k for k, o in objects.items() if not o.external]
        for key in keys:
            written = objects[key].name_written if key in objects else None
            name = written.value if written is not None else f"{stack}_{key}"
            problem = name_problem(kind, name, exact=written is not None or known)
            if problem is None:
                continue
            shown = name if written is not None or known else f"<stack>_{key}"
            message = f"{kind[:-1]} name {shown} {problem}"
            if written is not None:
                yield ctx.diag("SL641", message, written.path, stage="deploy")
            else:
                yield ctx.diag("SL641", message, (kind, key), on_key=True, stage="deploy")


def sizes(ctx: Context):
    """SL640: secret and config contents swarmkit refuses: empty, or at or above the limit."""
    if not ctx.path:
        return  # no folder to find the files in
    for kind in ("secrets", "configs"):
        for key, obj in ctx.model.objects(kind).items():
            if obj.external or obj.driver is not None or obj.file is None or not obj.file.value:
                continue
            from pathlib import Path  # here, for a file: a lint that reads none does not import it

            target = Path(obj.file.value)
            target = target if target.is_absolute() else ctx.folder / target
            try:
                if not target.is_file():
                    continue  # SL107
                size = target.stat().st_size
            except OSError:
                continue  # SL107
            limit = MAX_SIZE[kind]
            if 0 < size < limit:
                continue
            what = "is empty" if size == 0 else f"holds {size} bytes (the limit is {limit - 1})"
            yield ctx.diag("SL640", f"{kind[:-1]} {key}: file {obj.file.value} {what}: docker stack deploy fails "
                           f"when it creates the {kind[:-1]} ({kind[:-1]} data must be larger than 0 and less than "
                           f"{limit} bytes)", obj.file.path, stage="deploy")


def drivers(ctx: Context):
    """SL642: a created network whose driver cannot give a swarm-scoped network."""
    networks = ctx.model.networks
    stack, _ = _stack_prefix(ctx)
    for key, service in _created_networks(ctx).items():
        obj = networks.get(key)
        driver = obj.driver if obj is not None else None
        if driver is None or not driver.value or driver.value in _SWARM_DRIVERS:
            continue
        if driver.value in _LOCAL_DRIVERS:
            name = obj.name_written.value if obj.name_written is not None else f"{stack}_{key}"
            why = _LOCAL_DRIVERS[driver.value].format(name=name)
        else:
            import difflib  # only for a did-you-mean
            close = difflib.get_close_matches(driver.value.lower(), list(_SWARM_DRIVERS) + list(_LOCAL_DRIVERS), 1,
                                              0.75)
            if not close:
                continue  # a network plugin: only the managers know whether it is installed
            why = f'no network driver or plugin is called {driver.value} (plugin "{driver.value}" not found); ' \
                  f"did you mean {close[0]}?"
        yield ctx.diag("SL642", f"network {key} (used by service {service}) has driver {driver.value}: {why}; a "
                       "stack network must be swarm-scoped: use overlay", driver.path, stage="deploy")


def subnets(ctx: Context):
    """SL643 (the daemon refuses the subnet) and SL644 (two subnets overlap: never allocated)."""
    parsed = []
    networks = ctx.model.networks
    for key in _created_networks(ctx):
        for subnet in networks[key].ipam_subnets if key in networks else ():
            net = go_parse_cidr(subnet.value)
            if net is not None:
                parsed.append((key, subnet, net))
            else:
                yield ctx.diag("SL643", f"network {key}: subnet {subnet.value} is not an address block in CIDR "
                               "notation (a.b.c.d/n): docker stack deploy fails when it creates the network (Invalid "
                               f"subnet {subnet.value} : invalid CIDR address: {subnet.value})", subnet.path,
                               stage="deploy")
    for i, (key, subnet, net) in enumerate(parsed):
        for other_key, other, other_net in parsed[:i]:
            if net.version == other_net.version and net.overlaps(other_net):
                where = "the same network" if key == other_key else f"network {other_key}"
                yield ctx.diag("SL644", f"network {key}: subnet {subnet.value} overlaps {other.value} of {where}: the "
                               "deploy succeeds, but the Swarm cannot allocate the network (Pool overlaps with "
                               "other one on this address space), so the tasks attached to it never start",
                               subnet.path, related=(Related(f"subnet {other.value}", ctx.doc.value_range(other.path)),))
                break


def ingress(ctx: Context):
    """SL645: a service attached to the Swarm's ingress network, declared external."""
    networks = ctx.model.networks
    for svc in ctx.model.services.values():
        for attachment in svc.networks:
            obj = networks.get(attachment.key)
            if attachment.implicit or obj is None or not obj.external or obj.name != "ingress":
                continue
            yield ctx.diag("SL645", f"service {svc.name} is attached to the ingress network: docker stack deploy "
                           "fails when it creates the service (Service cannot be explicitly attached to the "
                           'ingress network "ingress"); published ports use ingress without it',
                           attachment.path, on_key=attachment.on_key, stage="deploy")

"""SL640-SL645: the networks, secrets and configs `docker stack deploy` creates, checked the way
the daemon and swarmkit check them when they are created.

The CLI creates every non-external secret and config (used or not) and every network a
service uses, before it creates any service; a refusal stops the deploy there, with the objects
made so far left behind. Overlapping subnets are the exception: the network is created, but the
allocator cannot give it addresses, so the tasks on it stay `New` for ever (SL644).
"""
from __future__ import annotations

import difflib
import ipaddress
import re
from pathlib import Path
from typing import Dict, List, Tuple

from ..context import Context, get
from ..refs import context_refs, is_external, swarm_name

# swarmkit manager/controlapi/common.go
_DNS_LABEL = re.compile(r"^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$")
_OBJECT_NAME = re.compile(r"^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$")
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


def _stack_prefix(ctx: Context) -> Tuple[str, bool]:
    """The stack name, or a one-letter stand-in (names then get no longer than with any stack)."""
    return (ctx.settings.stack_name, True) if ctx.settings.stack_name else ("s", False)


def _created_networks(ctx: Context) -> Dict[str, str]:
    """Key -> the service that first uses it, for the networks the deploy creates."""
    out: Dict[str, str] = {}
    networks = ctx.section("networks")
    for ref in context_refs(ctx):
        if ref.kind != "networks" or ref.name in out:
            continue
        decl = networks.get(ref.name)
        if ref.name in networks and not is_external(decl) or ref.name == "default" and ref.name not in networks:
            out[ref.name] = ref.service
    return out


def names(ctx: Context):
    """SL641: a created object's name that swarmkit refuses."""
    stack, known = _stack_prefix(ctx)
    for kind in ("networks", "secrets", "configs"):
        section = ctx.section(kind)
        keys = _created_networks(ctx) if kind == "networks" else \
            [k for k, d in section.items() if isinstance(d, dict) and not is_external(d)]
        for key in keys:
            decl = section.get(key)
            explicit = isinstance(decl, dict) and isinstance(decl.get("name"), str) and decl["name"]
            name = decl["name"] if explicit else f"{stack}_{key}"
            path = (kind, key, "name") if explicit else (kind, key)
            if kind == "networks":
                limit, valid = 63, bool(_DNS_LABEL.match(name))
                docker = "name must be valid as a DNS name component" if not valid else \
                    "name must be 63 characters or fewer"
            else:
                limit, valid = 64, bool(_OBJECT_NAME.match(name))
                docker = ("invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character "
                          "must be [a-zA-Z0-9]")
            too_long = len(name) > limit
            if valid and not too_long:
                continue
            shown = name if explicit or known else f"<stack>_{key}"
            if not valid:
                what = "is not a DNS label (letters, digits, - and _ between them)" if kind == "networks" else \
                    "may hold only letters, digits, '-', '_' and '.', and must start and end with a letter or digit"
            else:
                what = f"is {len(name)} characters long (at most {limit})" if explicit or known else \
                    f"is longer than {limit} characters with any stack name"
            yield ctx.diag("SL641", f"{kind[:-1]} name {shown} {what}: docker stack deploy fails when it creates "
                           f"it ({docker})", path, on_key=not explicit, stage="deploy")


def sizes(ctx: Context):
    """SL640: secret and config contents swarmkit refuses: empty, or at or above the limit."""
    folder = ctx.folder
    if folder is None:
        return
    for kind in ("secrets", "configs"):
        for key, decl in ctx.section(kind).items():
            if not isinstance(decl, dict) or is_external(decl) or decl.get("driver") \
                    or not isinstance(decl.get("file"), str) or not decl["file"]:
                continue
            target = Path(decl["file"])
            target = target if target.is_absolute() else folder / target
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
            yield ctx.diag("SL640", f"{kind[:-1]} {key}: file {decl['file']} {what}: docker stack deploy fails when "
                           f"it creates the {kind[:-1]} ({kind[:-1]} data must be larger than 0 and less than "
                           f"{limit} bytes)", (kind, key, "file"), stage="deploy")


def drivers(ctx: Context):
    """SL642: a created network whose driver cannot give a swarm-scoped network."""
    networks = ctx.section("networks")
    for key, service in _created_networks(ctx).items():
        decl = networks.get(key)
        driver = decl.get("driver") if isinstance(decl, dict) else None
        if not isinstance(driver, str) or not driver or driver in _SWARM_DRIVERS:
            continue
        path = ("networks", key, "driver")
        if driver in _LOCAL_DRIVERS:
            stack, _ = _stack_prefix(ctx)
            why = _LOCAL_DRIVERS[driver].format(name=swarm_name(key, decl) if decl.get("name") else f"{stack}_{key}")
        else:
            close = difflib.get_close_matches(driver.lower(), list(_SWARM_DRIVERS) + list(_LOCAL_DRIVERS), 1, 0.75)
            if not close:
                continue  # a network plugin: only the managers know whether it is installed
            why = f'no network driver or plugin is called {driver} (plugin "{driver}" not found); did you mean ' \
                  f"{close[0]}?"
        yield ctx.diag("SL642", f"network {key} (used by service {service}) has driver {driver}: {why}; a stack "
                       "network must be swarm-scoped: use overlay", path, stage="deploy")


def _subnets(ctx: Context, keys) -> List[Tuple[str, tuple, str]]:
    out = []
    networks = ctx.section("networks")
    for key in keys:
        configs = get(networks.get(key), "ipam", "config")
        for i, entry in enumerate(configs if isinstance(configs, list) else ()):
            subnet = entry.get("subnet") if isinstance(entry, dict) else None
            if isinstance(subnet, str):
                out.append((key, ("networks", key, "ipam", "config", i, "subnet"), subnet))
    return out


def subnets(ctx: Context):
    """SL643 (the daemon refuses the subnet) and SL644 (two subnets overlap: never allocated)."""
    parsed = []
    for key, path, subnet in _subnets(ctx, _created_networks(ctx)):
        try:
            # Go's net.ParseCIDR; host bits may be set (the daemon keeps the network part)
            parsed.append((key, path, subnet, ipaddress.ip_network(subnet, strict=False)))
        except ValueError:
            yield ctx.diag("SL643", f"network {key}: subnet {subnet} is not an address block in CIDR notation "
                           f"(a.b.c.d/n): docker stack deploy fails when it creates the network (Invalid subnet "
                           f"{subnet} : invalid CIDR address: {subnet})", path, stage="deploy")
    for i, (key, path, subnet, net) in enumerate(parsed):
        for other_key, other_path, other_subnet, other in parsed[:i]:
            if net.version == other.version and net.overlaps(other):
                where = "the same network" if key == other_key else f"network {other_key}"
                yield ctx.diag("SL644", f"network {key}: subnet {subnet} overlaps {other_subnet} of {where}: the "
                               "deploy succeeds, but the Swarm cannot allocate the network (Pool overlaps with "
                               "other one on this address space), so the tasks attached to it never start",
                               path, related=(_related(ctx, other_path, other_subnet),))
                break


def _related(ctx: Context, path, subnet):
    from ..diagnostics import Related

    return Related(f"subnet {subnet}", ctx.doc.value_range(path))


def ingress(ctx: Context):
    """SL645: a service attached to the Swarm's ingress network (external, or a stack network named so)."""
    networks = ctx.section("networks")
    for ref in context_refs(ctx):
        if ref.kind != "networks" or ref.implicit:
            continue
        decl = networks.get(ref.name)
        if isinstance(decl, dict) and is_external(decl) and swarm_name(ref.name, decl) == "ingress":
            yield ctx.diag("SL645", f"service {ref.service} is attached to the ingress network: docker stack deploy "
                           "fails when it creates the service (Service cannot be explicitly attached to the "
                           'ingress network "ingress"); published ports use ingress without it',
                           ref.path, on_key=ref.on_key, stage="deploy")

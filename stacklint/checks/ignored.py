"""SL306 ignored-by-stack: service keys the schema accepts but `docker stack deploy` drops.

Three lists, all from docker/cli (`cli/compose/types/types.go`, `cli/compose/convert/service.go`):
the keys it prints as "Ignoring unsupported options", the ones it prints as "Ignoring deprecated
options", and the ones its converter never reads (no warning at all). Docker computes the
warnings on the raw, uninterpolated file, and so do we. `restart` is the odd one: it is listed
as unsupported, yet converted into the restart policy when `deploy.restart_policy` is absent.
"""
from __future__ import annotations

import functools

from ..context import Context, get
from ..diagnostics import Fix
from ..schema_source import known_properties
from ..edits import delete_key

UNSUPPORTED = ("build", "cgroupns_mode", "cgroup_parent", "devices", "domainname", "external_links", "ipc",
               "links", "mac_address", "network_mode", "pid", "privileged", "restart", "security_opt",
               "shm_size", "userns_mode")
DEPRECATED = {
    "container_name": "Setting the container name is not supported.",
    "expose": "Exposing ports is unnecessary - services on the same network can access each other's "
              "containers on any port.",
}
SILENT = ("depends_on", "tmpfs")
SILENT_NETWORK = ("ipv4_address", "ipv6_address")

_WHY = {
    "build": "the image must be built and pushed to a registry every node can pull from",
    "depends_on": "Swarm starts services in no particular order; make the service retry its dependencies "
                  "or wait for them with a healthcheck",
    "tmpfs": "use a volume of `type: tmpfs` in `volumes:` instead",
    "network_mode": "attach the service to networks with `networks:` (host networking is the external "
                    "network `host`)",
    "privileged": "Swarm services cannot run privileged; grant only the capabilities it needs with cap_add",
    "links": "services on a shared network reach each other by service name",
    "external_links": "services on a shared network reach each other by service name",
    "devices": "Swarm services cannot map devices",
    "container_name": "Swarm names containers <stack>_<service>.<slot>.<task id>",
}


_LISTED = frozenset((*UNSUPPORTED, *DEPRECATED, *SILENT))


@functools.lru_cache(maxsize=None)
def _service_keys(version: str) -> frozenset:
    return frozenset(known_properties(version, ["services", "web"]))


def check(ctx: Context):
    raw = ctx.doc.data.get("services") if isinstance(ctx.doc.data, dict) else None
    if not isinstance(raw, dict):
        return
    for name, svc in raw.items():
        if not isinstance(svc, dict):
            continue
        base = ("services", name)
        for key in svc:
            if key not in _LISTED:
                continue
            if key not in _service_keys(ctx.version):  # (the pruned schema: only for a listed key)
                continue  # the schema reports it; Docker refuses the file before warning
            if key in UNSUPPORTED:
                if key == "restart":
                    yield _restart(ctx, name, svc)
                    continue
                message = (f"services.{name}: `{key}` is ignored by `docker stack deploy` (it prints "
                           f"\"Ignoring unsupported options: {key}\")")
            elif key in DEPRECATED:
                message = (f"services.{name}: `{key}` is ignored by `docker stack deploy` (it prints \"Ignoring "
                           f"deprecated options: {key}: {DEPRECATED[key]}\")")
            elif key in SILENT:
                message = f"services.{name}: `{key}` is silently ignored by `docker stack deploy`"
            else:
                continue
            if key in _WHY:
                message += f"; {_WHY[key]}"
            yield _finding(ctx, base + (key,), message, key, safe=True)
        networks = svc.get("networks")
        if isinstance(networks, dict):
            for net, opts in networks.items():
                if not isinstance(opts, dict):
                    continue
                for key in SILENT_NETWORK:
                    if key in opts:
                        yield _finding(ctx, base + ("networks", net, key),
                                       f"services.{name}.networks.{net}: `{key}` is silently ignored by "
                                       "`docker stack deploy`: Swarm assigns task addresses itself; reach the "
                                       "service by its name or a network alias", key, safe=True)


def _finding(ctx: Context, path, message: str, key: str, safe: bool):
    edit = delete_key(ctx.doc, path)
    fix = Fix(f"delete `{key}`", (edit,), safe=safe) if edit else None
    return ctx.diag("SL306", message, path, on_key=True, fix=fix)


def _restart(ctx: Context, name: str, raw_svc: dict):
    path = ("services", name, "restart")
    svc = get(ctx.section("services"), name) or {}
    value = svc.get("restart")
    head = f"services.{name}: `restart` is reported by `docker stack deploy` as unsupported"
    if get(svc, "deploy", "restart_policy") is not None:
        return _finding(ctx, path, f"{head}, and it is: deploy.restart_policy takes its place", "restart",
                        safe=True)
    policy = str(value).split(":", 1)[0] if value is not None else ""
    if policy == "on-failure":
        tail = str(value).partition(":")[2]
        attempts = f" and max_attempts: {tail}" if tail else ""
        return _finding(ctx, path, f"{head}, yet it is used: without deploy.restart_policy it becomes "
                        f"restart_policy condition: on-failure{attempts}; write that under deploy.restart_policy",
                        "restart", safe=False)
    if policy in ("always", "unless-stopped"):
        return _finding(ctx, path, f"{head}, yet it is used: without deploy.restart_policy `{value}` becomes "
                        "restart_policy condition: any, which is Swarm's default anyway", "restart", safe=True)
    if policy == "no":
        return _finding(ctx, path, f"{head}, and `restart: \"no\"` has no effect: Swarm still restarts the "
                        "tasks (condition: any); to stop restarts write deploy.restart_policy.condition: none",
                        "restart", safe=True)
    # Any other value makes `docker stack deploy` fail (SL006's business); still say what restart means.
    return _finding(ctx, path, f"{head}, yet it is used when deploy.restart_policy is absent; write "
                    "deploy.restart_policy instead", "restart", safe=False)

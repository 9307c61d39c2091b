"""Checks Docker's loader makes outside the schema (cli/compose/loader): forbidden service
keys (SL004), conflicting `external` declarations (SL108) and secret driver+file (SL006).
All of these make `docker stack config` itself fail (stage "load")."""
from __future__ import annotations

from ..context import Context

# Service keys Docker refuses outright, with the advice `docker stack deploy` prints.
FORBIDDEN = {
    "extends": "Support for `extends` is not implemented yet.",
    "volume_driver": "Instead of setting the volume driver on the service, define a volume using the "
                     "top-level `volumes` option and specify the driver there.",
    "volumes_from": "To share a volume between services, define it using the top-level `volumes` option "
                    "and reference it from each service that shares it using the service-level `volumes` option.",
    "cpu_quota": "Set resource limits using deploy.resources",
    "cpu_shares": "Set resource limits using deploy.resources",
    "cpuset": "Set resource limits using deploy.resources",
    "mem_limit": "Set resource limits using deploy.resources",
    "memswap_limit": "Set resource limits using deploy.resources",
}


def forbidden_paths(raw) -> list:
    """Paths of forbidden service keys in the raw (uninterpolated) data, as Docker checks them."""
    services = raw.get("services") if isinstance(raw, dict) else None
    if not isinstance(services, dict):
        return []
    return [("services", name, key) for name, svc in services.items() if isinstance(svc, dict)
            for key in sorted(set(svc) & set(FORBIDDEN))]


def forbidden(ctx: Context):
    for path in forbidden_paths(ctx.doc.data):
        _, name, key = path
        yield ctx.diag("SL004", f"services.{name}: `{key}` is forbidden in a stack file: {FORBIDDEN[key]}",
                       path, on_key=True, stage="load")


def external_conflicts(ctx: Context):
    """The load-time half of SL108; the rest (what Docker silently ignores) is in references."""
    for kind in ("volumes", "networks", "secrets", "configs"):
        singular = kind[:-1]
        for name, decl in ctx.section(kind).items():
            if not isinstance(decl, dict):
                continue
            external = decl.get("external")
            path = (kind, name)
            if isinstance(external, dict) and "name" in external and decl.get("name") is not None:
                yield ctx.diag("SL108", f"{singular} {name}: {singular}.external.name and {singular}.name "
                               f"conflict; only use {singular}.name", path + ("external", "name"),
                               on_key=True, stage="load")
            if kind == "volumes" and (external is True or isinstance(external, dict)):
                for key in ("driver", "driver_opts", "labels"):
                    if key in decl:
                        yield ctx.diag("SL108", f'conflicting parameters "external" and "{key}" specified for '
                                       f'volume "{name}": an external volume is created outside the stack',
                                       path + (key,), on_key=True, stage="load")
                        break  # Docker stops at the first
            if kind == "secrets" and decl.get("driver") and decl.get("file") and not external:
                yield ctx.diag("SL006", f"secret {name}: secret.driver and secret.file conflict; only use "
                               "secret.driver", path + ("file",), on_key=True, stage="load")

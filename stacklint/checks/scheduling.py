"""SL650-SL651: plugins the scheduler looks for on the nodes (swarmkit manager/scheduler
PluginFilter): a service's log driver, and the driver of its named volumes.

Every node lists its built-in log drivers and volume drivers, plus the plugins installed on it.
A task whose driver no node lists is never scheduled (`no suitable node (missing plugin on N
nodes)`), while the deploy itself succeeds. A plugin can be called anything, so without a
view of the nodes' plugins only a near miss of a built-in name (`json_file`, `locale`) is
certainly absent; any other name is taken to be a plugin.
"""
from __future__ import annotations


from ..context import Context
from ..node_runtime import BUILTIN_LOG_DRIVERS

_NEVER = ("the deploy succeeds, but no node has such a driver, so the tasks never schedule "
          "(no suitable node (missing plugin on every node))")


def _near_miss(name: str, builtins) -> str | None:
    if name in builtins:
        return None
    import difflib  # only for a did-you-mean
    close = difflib.get_close_matches(name.lower().replace("_", "-"), sorted(builtins), 1, 0.75)
    return close[0] if close else None


def log_drivers(ctx: Context):
    for svc in ctx.model.services.values():
        driver = svc.logging.driver if svc.logging is not None else None
        meant = _near_miss(driver.value, BUILTIN_LOG_DRIVERS) if driver is not None and driver.value else None
        if meant:
            yield ctx.diag("SL650", f"service {svc.name}: log driver {driver.value} is not a Docker log driver (did you "
                           f"mean {meant}?): {_NEVER}", driver.path)


def volume_drivers(ctx: Context):
    volumes = ctx.model.volumes
    users = {}
    for svc in ctx.model.services.values():
        for mount in svc.mounts:
            if mount.volume_name is not None and mount.source is not None:
                users.setdefault(mount.source.value, svc.name)
    for key, service in users.items():
        obj = volumes.get(key)
        driver = obj.driver if obj is not None and not obj.external else None
        meant = _near_miss(driver.value, ("local",)) if driver is not None else None
        if meant:
            yield ctx.diag("SL651", f"volume {key} (used by service {service}): driver {driver.value} is not a Docker "
                           f"volume driver (did you mean {meant}?): {_NEVER}", driver.path)

"""SL650-SL651: plugins the scheduler looks for on the nodes (swarmkit manager/scheduler
PluginFilter): a service's log driver, and the driver of its named volumes.

Every node lists its built-in log drivers and volume drivers, plus the plugins installed on it.
A task whose driver no node lists is never scheduled (`no suitable node (missing plugin on N
nodes)`), while the deploy itself succeeds. A plugin can be called anything, so without a
view of the nodes' plugins only a near miss of a built-in name (`json_file`, `locale`) is
certainly absent; any other name is taken to be a plugin.
"""
from __future__ import annotations

import difflib

from ..context import Context
from ..node_runtime import BUILTIN_LOG_DRIVERS
from ..refs import context_refs, is_external

_NEVER = ("the deploy succeeds, but no node has such a driver, so the tasks never schedule "
          "(no suitable node (missing plugin on every node))")


def _near_miss(name: str, builtins) -> str | None:
    if name in builtins:
        return None
    close = difflib.get_close_matches(name.lower().replace("_", "-"), sorted(builtins), 1, 0.75)
    return close[0] if close else None


def log_drivers(ctx: Context):
    for name, svc in ctx.services():
        logging = svc.get("logging")
        driver = logging.get("driver") if isinstance(logging, dict) else None
        if not isinstance(driver, str) or not driver:
            continue
        meant = _near_miss(driver, BUILTIN_LOG_DRIVERS)
        if meant:
            yield ctx.diag("SL650", f"service {name}: log driver {driver} is not a Docker log driver (did you mean "
                           f"{meant}?): {_NEVER}", ("services", name, "logging", "driver"))


def volume_drivers(ctx: Context):
    volumes = ctx.section("volumes")
    users = {}
    for ref in context_refs(ctx):
        if ref.kind == "volumes":
            users.setdefault(ref.name, ref.service)
    for key, service in users.items():
        decl = volumes.get(key)
        if not isinstance(decl, dict) or is_external(decl) or not isinstance(decl.get("driver"), str):
            continue
        meant = _near_miss(decl["driver"], ("local",))
        if meant:
            yield ctx.diag("SL651", f"volume {key} (used by service {service}): driver {decl['driver']} is not a "
                           f"Docker volume driver (did you mean {meant}?): {_NEVER}", ("volumes", key, "driver"))

"""SL311 relative-bind-path: a bind source that is not an absolute path.

`docker stack deploy` turns it into an absolute path on the machine that runs the command
(against the stack file's folder, `~` against that user's HOME; cli/compose/loader
resolveVolumePaths), and the Swarm then mounts that path on whichever node runs the task.
"""
from __future__ import annotations


from ..context import Context
from ..lazy_regex import LazyRegex

# Docker accepts Unix and Windows absolute paths alike (a Windows client may drive a Linux swarm).
_WINDOWS_ABS = LazyRegex(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def is_relative(source: str) -> bool:
    return not source.startswith("/") and not _WINDOWS_ABS.match(source)


def check(ctx: Context):
    for name, svc in ctx.model.services.items():
        for mount in svc.mounts:
            if mount.type.value != "bind" or mount.source is None or not is_relative(mount.source.value):
                continue
            source, path = mount.source.value, mount.source.path
            where = "the deploying user's home" if source.startswith("~") else "the stack file's folder"
            yield ctx.diag("SL311", f"services.{name}: bind source {source} is not an absolute path: it resolves "
                           f"against {where}, which every node that may run the task must then have", path)

"""SL311 relative-bind-path: a bind source that is not an absolute path.

`docker stack deploy` turns it into an absolute path on the machine that runs the command
(against the stack file's folder, `~` against that user's HOME; cli/compose/loader
resolveVolumePaths), and the Swarm then mounts that path on whichever node runs the task.
"""
from __future__ import annotations

import re

from ..context import Context
from ..parsers import parse_volume

# Docker accepts Unix and Windows absolute paths alike (a Windows client may drive a Linux swarm).
_WINDOWS_ABS = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def is_relative(source: str) -> bool:
    return not source.startswith("/") and not _WINDOWS_ABS.match(source)


def check(ctx: Context):
    for name, svc in ctx.services():
        volumes = svc.get("volumes")
        if not isinstance(volumes, list):
            continue
        for i, vol in enumerate(volumes):
            source = None
            if isinstance(vol, str):
                try:
                    spec = parse_volume(vol)
                except ValueError:
                    continue  # SL006
                if spec.type == "bind":
                    source = spec.source
            elif isinstance(vol, dict) and vol.get("type") == "bind" and isinstance(vol.get("source"), str):
                source = vol["source"]
            if not source or not is_relative(source):
                continue
            path = ("services", name, "volumes", i) + (("source",) if isinstance(vol, dict) else ())
            if source.startswith("~"):
                where = "`~` is the home folder of the user who runs `docker stack deploy`"
            else:
                where = "it is resolved against the stack file's folder on the machine that runs `docker stack deploy`"
            yield ctx.diag("SL311", f"services.{name}: bind source {source} is not an absolute path: {where}, and "
                           "that same path must then exist on every node that may run the task; use an absolute "
                           "path that exists on the nodes, or a named volume or a config", path)

"""SL312: Traefik labels on the containers of a stack whose Traefik reads Swarm services.

`labels:` become container labels, `deploy.labels` service labels (convert.Service; checked on a
real Swarm). Traefik in Swarm mode (v1 `--docker.swarmMode`, v2 `--providers.docker.swarmMode`,
v3 `--providers.swarm`) reads only the service's labels, so routing labels under `labels:` are
invisible to it. It is reported only with evidence that Traefik reads the Swarm: such a Traefik
in the same file, or other services of the file that carry their Traefik labels under
deploy.labels; a Traefik that reads containers (plain docker provider) sees `labels:` fine.
"""
from __future__ import annotations

import re

from ..context import Context
from ..diagnostics import Related
from ..lazy_regex import LazyRegex
from ..model.records import Val

_SWARM_FLAG = LazyRegex(r"--(providers\.swarm|providers\.docker\.swarmmode|docker\.swarmmode)\b(?!\s*=\s*false)",
                         re.IGNORECASE)


def _is_traefik(svc) -> bool:
    return svc.image_name is not None and svc.image_name.last_component == "traefik"


def _swarm_flag(svc) -> Val | None:
    """The command item of a Traefik service that makes it read Swarm services."""
    command = svc.command
    if command is None or not _is_traefik(svc):
        return None
    items = [(command.value, command.path)] if isinstance(command.value, str) else \
        [(item, command.path + (i,)) for i, item in enumerate(command.value) if isinstance(item, str)]
    for text, path in items:
        m = _SWARM_FLAG.search(text)
        if m:
            return Val(m.group(0), path)
    return None


def _traefik_labels(labels) -> dict:
    return {k: v for k, v in labels.items() if k.lower().startswith("traefik.")}


def check(ctx: Context):
    services = ctx.model.services
    flag = next((f for f in map(_swarm_flag, services.values()) if f is not None), None)
    if flag is not None:
        evidence = Related("Traefik reads Swarm services here", ctx.doc.value_range(flag.path))
        why = "Traefik here reads Swarm services"
    else:
        labelled = next((s.name for s in services.values() if _traefik_labels(s.deploy_labels)), None)
        if labelled is None:
            return
        evidence = Related("Traefik labels on the service here", ctx.doc.key_range(("services", labelled)))
        why = f"the Traefik this stack uses reads service labels (service {labelled} puts its own under " \
              "deploy.labels)"
    for svc in services.values():
        on_containers = _traefik_labels(svc.labels)
        if not on_containers:
            continue
        on_service = _traefik_labels(svc.deploy_labels)
        hidden = [(k, v) for k, v in on_containers.items() if k not in on_service]
        if not hidden:
            continue
        key, val = hidden[0]
        more = f" and {len(hidden) - 1} more" if len(hidden) > 1 else ""
        yield ctx.diag("SL312", f"service {svc.name}: {key}{more} under `labels:` go on the containers, but {why} "
                       "and sees only deploy.labels: the service is invisible to it; move them under deploy.labels",
                       val.path, on_key=isinstance(val.path[-1], str), related=(evidence,))

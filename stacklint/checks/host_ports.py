"""SL314: one container port published twice in host mode, where the container keeps only the last.

Docker keeps both mappings in the service spec, but the task's container is created with a port
map keyed by container port: the later mapping replaces the earlier one, which is silently not
published (docker/cli#5020; checked on a real Swarm in tests/test_deploy_truth_rollout.py).
Ingress mode has no such limit: the routing mesh forwards each published port.
"""
from __future__ import annotations

from ..context import Context
from ..diagnostics import Related

# Ranges larger than this are left to SL006/SL309 and the hostile-input limits: nobody maps them twice.
_LARGEST_RANGE = 1024


def check(ctx: Context):
    for svc in ctx.model.services.values():
        published: dict[tuple[int, str], list[tuple[int, object]]] = {}  # (target, protocol) -> (port, entry)
        for entry in svc.ports:
            if entry.mode != "host" or entry.published_start is None:
                continue
            if len(entry.published) > _LARGEST_RANGE or entry.target_end - entry.target_start >= _LARGEST_RANGE:
                continue
            for target, port in entry.pairs():
                published.setdefault((target, entry.protocol), []).append((port, entry))
        # id(entry) -> (entry, [(port lost, protocol, target)]): model records are not hashable
        lost: dict[int, tuple[object, list[tuple[int, str, int]]]] = {}
        kept: dict[tuple[int, str], tuple[int, object]] = {}
        for (target, protocol), items in published.items():
            if len(items) < 2:
                continue
            kept[(target, protocol)] = items[-1]
            for port, entry in items[:-1]:
                lost.setdefault(id(entry), (entry, []))[1].append((port, protocol, target))
        for entry, ports in lost.values():
            port, protocol, target = ports[0]
            last_port, last_entry = kept[(target, protocol)]
            also = f" (and {len(ports) - 1} more)" if len(ports) > 1 else ""
            related = () if last_entry is entry else (
                Related(f"this mapping of {target}/{protocol} wins", ctx.doc.value_range(last_entry.path)),)
            yield ctx.diag("SL314", f"service {svc.name}: container port {target}/{protocol} is published twice "
                           f"in host mode ({port} and {last_port}): the service keeps both, but its containers "
                           f"get only the last mapping, so {port}{also} is silently not published "
                           "(docker/cli#5020); publish each container port once in host mode, or use ingress",
                           entry.path, related=related)

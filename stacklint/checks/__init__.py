"""Explicit registration of every check: which codes a function may report.

A check is `fn(ctx) -> iterable of Diagnostic`. It runs when any of its codes is enabled;
the engine drops what it reports under a code that is not. Metadata (name, severity, docs)
lives once, in rules/SLnnn.md.
"""
from __future__ import annotations

from typing import Callable, Iterable, Tuple

from . import bind_paths, cluster, ignored, loader, operations, placement, swarm, values

Check = Callable[..., Iterable]

# Codes the engine itself produces while reading the file (not from a check function).
CORE_CODES = ("SL001", "SL002", "SL003", "SL004", "SL005", "SL009")

REGISTRY: Tuple[Tuple[Tuple[str, ...], Check], ...] = (
    (("SL004",), loader.forbidden),
    (("SL006",), values.check),
    (("SL006", "SL108"), loader.external_conflicts),
    (("SL301", "SL302", "SL303", "SL304", "SL305"), placement.check),
    (("SL306",), ignored.check),
    (("SL307", "SL308", "SL309", "SL310"), swarm.check),
    (("SL311",), bind_paths.check),
    (("SL401", "SL402", "SL403", "SL404", "SL405"), operations.check),
    (("SL501",), cluster.missing_external),
    (("SL502",), cluster.unschedulable),
    (("SL503",), cluster.insufficient_nodes),
    (("SL504",), cluster.port_in_use),
)


def registered_codes() -> set:
    codes = set(CORE_CODES)
    for group, _ in REGISTRY:
        codes.update(group)
    return codes

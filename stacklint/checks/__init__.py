"""Explicit registration of every check: which codes a function may report.

A check is `fn(ctx) -> iterable of Diagnostic`. It runs when any of its codes is enabled;
the engine drops what it reports under a code that is not. Metadata (name, severity, docs)
lives once, in rules/SLnnn.md.
"""
from __future__ import annotations

from typing import Callable, Iterable, Tuple

from . import bind_paths, cluster, dotenv, ignored, loader, operations, placement, references, security, swarm, values

Check = Callable[..., Iterable]

# Codes the engine itself produces while reading the file (not from a check function).
CORE_CODES = ("SL001", "SL002", "SL003", "SL004", "SL005", "SL009")

REGISTRY: Tuple[Tuple[Tuple[str, ...], Check], ...] = (
    (("SL004",), loader.forbidden),
    (("SL006",), values.check),
    (("SL006", "SL108"), loader.external_conflicts),
    (("SL007",), dotenv.check),
    (("SL101", "SL102", "SL103", "SL104"), references.undefined),
    (("SL105",), references.unused),
    (("SL106",), references.external_prerequisites),
    (("SL107",), references.missing_files),
    (("SL108",), references.external_ignored),
    (("SL201",), security.docker_socket),
    (("SL202",), security.plaintext_secrets),
    (("SL203",), security.unencrypted_overlay),
    (("SL204",), security.capabilities),
    (("SL205",), security.host_network),
    (("SL206",), security.sensitive_mounts),
    (("SL207",), security.file_modes),
    (("SL208",), security.exposed_ports),
    (("SL209",), security.unpinned_images),
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

"""Explicit registration of every check: which codes a function may report.

A check is `fn(ctx) -> iterable of Diagnostic`. It runs when any of its codes is enabled;
the engine drops what it reports under a code that is not. Metadata (name, severity, docs)
lives once, in rules/SLnnn.md.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from . import (bind_paths, cluster, deploy_cli, deploy_daemon, deploy_spec, dotenv, file_objects, hardening,
               host_ports, ignored, loader, objects, operations, placement, references, rollout, scheduling,
               security, swarm, task_failures, traefik, values)

Check = Callable[..., Iterable]

SERVICE_SCOPE = "service"


def per_service(check: Check) -> Check:
    """Declares a check whose findings about each service depend on that service and the top-level
    sections only, never on another service: an editor re-runs it for the services an edit touched
    and keeps the rest (stacklint/incremental.py; tests/test_incremental.py proves each declaration).
    An undeclared check runs over the whole stack every time."""
    check.scope = SERVICE_SCOPE
    return check


def scope_of(check: Check) -> str:
    return getattr(check, "scope", "stack")

# Codes the engine itself produces while reading the file (not from a check function).
CORE_CODES = ("SL001", "SL002", "SL003", "SL004", "SL005", "SL009")

REGISTRY: tuple[tuple[tuple[str, ...], Check], ...] = (
    (("SL004",), loader.forbidden),
    (("SL006",), per_service(values.check)),
    (("SL006", "SL108"), loader.external_conflicts),
    (("SL007",), dotenv.check),
    (("SL101", "SL102", "SL103", "SL104"), per_service(references.undefined)),
    (("SL105",), references.unused),
    (("SL106",), references.external_prerequisites),
    (("SL107",), references.missing_files),
    (("SL108",), references.external_ignored),
    (("SL201",), per_service(security.docker_socket)),
    (("SL202",), per_service(security.plaintext_secrets)),
    (("SL203",), security.unencrypted_overlay),
    (("SL204",), per_service(security.capabilities)),
    (("SL205",), per_service(security.host_network)),
    (("SL206",), per_service(security.sensitive_mounts)),
    (("SL207",), per_service(security.file_modes)),
    (("SL208",), per_service(security.exposed_ports)),
    (("SL209",), per_service(security.unpinned_images)),
    (("SL301", "SL302", "SL303", "SL304", "SL305"), per_service(placement.check)),
    (("SL306",), ignored.check),
    (("SL307", "SL308", "SL309"), swarm.check),
    (("SL310", "SL313", "SL407"), per_service(rollout.check)),
    (("SL314",), per_service(host_ports.check)),
    (("SL311",), per_service(bind_paths.check)),
    (("SL312",), traefik.check),
    (("SL401", "SL402", "SL403", "SL404", "SL405"), per_service(operations.check)),
    (("SL406",), file_objects.check),
    (("SL640",), objects.sizes),
    (("SL641",), objects.names),
    (("SL642",), objects.drivers),
    (("SL643", "SL644"), objects.subnets),
    (("SL645",), objects.ingress),
    (("SL650",), per_service(scheduling.log_drivers)),
    (("SL651",), scheduling.volume_drivers),
    (("SL660", "SL661", "SL662", "SL663", "SL664", "SL665", "SL666", "SL667", "SL668", "SL669", "SL670"),
     per_service(task_failures.check)),
    (("SL671",), task_failures.templates),
    (("SL501",), cluster.missing_external),
    (("SL502",), cluster.unschedulable),
    (("SL503",), cluster.insufficient_nodes),
    (("SL504",), cluster.port_in_use),
    (("SL601", "SL602", "SL603", "SL604", "SL605"), per_service(deploy_cli.check)),
    (("SL606", "SL607", "SL608", "SL609", "SL610"), per_service(deploy_daemon.check)),
    (("SL611", "SL612", "SL613", "SL614", "SL615", "SL616", "SL617"), per_service(deploy_spec.check)),
    (("SL701", "SL702", "SL703", "SL704", "SL705"), per_service(hardening.check)),  # opt-in
)


def registered_codes() -> set:
    codes = set(CORE_CODES)
    for group, _ in REGISTRY:
        codes.update(group)
    return codes

"""SL307-SL310: service mode, endpoint mode, published ports and update settings, as the
Docker CLI converts them (cli/compose/convert/service.go) and the Swarm manager validates them
(swarmkit manager/controlapi/service.go). Messages quote what Docker prints.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from ..context import Context
from ..diagnostics import Related, Severity
from ..model import Service

MODES = ("replicated", "global", "replicated-job", "global-job", "")
# Ports every Swarm node already serves: publishing them takes them over on every node.
NODE_PORTS = {
    (22, "tcp"): "SSH to the nodes",
    (2377, "tcp"): "Swarm cluster management",
    (7946, "tcp"): "Swarm node gossip",
    (7946, "udp"): "Swarm node gossip",
    (4789, "udp"): "overlay network traffic (VXLAN)",
}


class Publication:
    """One published port of one service: what swarmkit's port checks look at."""
    __slots__ = ("service", "port", "protocol", "mode", "path")

    def __init__(self, service: str, port: Optional[int], protocol: str, mode: str, path):
        self.service, self.port, self.protocol, self.mode, self.path = service, port, protocol, mode, path


def check(ctx: Context):
    seen: Dict[Tuple[int, str], Publication] = {}  # (port, protocol) -> the first service to publish it
    for name, svc in ctx.model.services.items():
        yield from _mode(ctx, svc)
        yield from _parallelism(ctx, svc)
        pubs = list(_publications(svc))
        yield from _dnsrr(ctx, svc, pubs)
        yield from _port_conflicts(ctx, name, pubs, seen)


# --- SL307 ----------------------------------------------------------------------------------------
def _mode(ctx: Context, svc: Service):
    name, base = svc.name, svc.path + ("deploy",)
    mode = svc.mode.value if svc.mode is not None else ""
    if mode not in MODES:
        lowered = mode.strip().lower()
        hint = f"; write `{lowered}` (the mode is case-sensitive)" if lowered in MODES and lowered else \
            "; the modes are replicated, global, replicated-job and global-job"
        yield ctx.diag("SL307", f"service {name}: Unknown mode: {mode}{hint}", base + ("mode",), stage="deploy")
        return
    if mode in ("global", "global-job") and svc.replicas is not None:
        yield ctx.diag("SL307", f"service {name}: replicas can only be used with replicated or replicated-job "
                       f"mode (this service is {mode}: one task on every node)", svc.replicas.path,
                       on_key=True, stage="deploy")
    if mode in ("global", "global-job") and svc.placement is not None and svc.placement.max_replicas is not None:
        yield ctx.diag("SL307", f"service {name}: max_replicas_per_node has no effect in {mode} mode, which "
                       "runs exactly one task on every eligible node", svc.placement.max_replicas.path,
                       on_key=True, severity=Severity.WARNING)
    if mode.endswith("-job") and svc.update_config is not None:
        yield ctx.diag("SL307", f"service {name}: Jobs may not have an update config (the Swarm refuses a "
                       f"{mode} service with deploy.update_config)", svc.update_config.path, on_key=True,
                       stage="deploy")


# --- SL310 ----------------------------------------------------------------------------------------
def _parallelism(ctx: Context, svc: Service):
    for key, config, what in (("update_config", svc.update_config, "updates"),
                              ("rollback_config", svc.rollback_config, "rolls back")):
        if config is not None and config.parallelism.value == 0:
            yield ctx.diag("SL310", f"deploy.{key}.parallelism: 0 means no limit: Swarm {what} every task of "
                           "the service at once, so nothing keeps serving while the new tasks start; use 1 "
                           "(the default) or a part of the replicas", config.parallelism.path)


# --- published ports -----------------------------------------------------------------------------
def _publications(svc: Service):
    """One Publication per published port, ranges expanded (as the endpoint spec carries them)."""
    for port in svc.ports:
        for _, published in port.pairs():
            yield Publication(svc.name, published, port.protocol, port.mode, port.path)


# --- SL308 ----------------------------------------------------------------------------------------
def _dnsrr(ctx: Context, svc: Service, pubs: List[Publication]):
    endpoint = svc.endpoint_mode
    if endpoint is None or endpoint.value.lower() != "dnsrr":
        return
    ingress = [p for p in pubs if p.mode == "ingress"]
    if not ingress:
        return
    by_entry: Dict[tuple, List[str]] = {}  # one related entry per port entry, ranges listed together
    for p in ingress:
        by_entry.setdefault(p.path, []).append(f"{p.port or 'a Swarm-chosen port'}/{p.protocol}")
    related = tuple(Related(f"published in ingress mode: {', '.join(ports)}", ctx.doc.value_range(path))
                    for path, ports in by_entry.items())
    yield ctx.diag("SL308", f"service {svc.name}: EndpointSpec: port published with ingress mode can't be used with "
                   "dnsrr mode (publish with `mode: host` in the long port syntax, or use endpoint_mode: vip)",
                   endpoint.path, related=related, stage="deploy")


# --- SL309 ----------------------------------------------------------------------------------------
def _port_conflicts(ctx: Context, name: str, pubs: List[Publication], seen: dict):
    mine: Dict[Tuple[int, str], Publication] = {}
    for p in pubs:
        if p.port is None:
            continue  # no published port (or one Swarm picks): conflicts with nothing
        key = (p.port, p.protocol)
        first = mine.get(key)
        if first is not None:
            if first.path != p.path:
                yield ctx.diag("SL309", f"service {name}: EndpointSpec: duplicate published ports provided "
                               f"({p.port}/{p.protocol} is published twice by this service)", p.path,
                               related=(_related(ctx, first),), stage="deploy")
            continue
        mine[key] = p
        other = seen.get(key)
        if other is None:
            seen[key] = p
            if p.mode == "ingress" and key in NODE_PORTS:
                yield ctx.diag("SL309", f"service {name}: publishes {p.port}/{p.protocol} on the routing mesh, "
                               f"so every Swarm node forwards its own port {p.port} to this service and "
                               f"{NODE_PORTS[key]} on that port stops working; publish another port "
                               f"(e.g. {p.port + 10000 if p.port < 55536 else p.port - 10000}:{p.port})",
                               p.path, severity=Severity.WARNING)
            elif p.mode == "host" and key in NODE_PORTS:
                yield ctx.diag("SL309", f"service {name}: publishes {p.port}/{p.protocol} in host mode, which "
                               f"every Swarm node already uses for {NODE_PORTS[key]}: the task cannot bind it",
                               p.path, severity=Severity.WARNING)
            continue
        if p.mode == "ingress" or other.mode == "ingress":
            yield ctx.diag("SL309", f"service {name}: port '{p.port}' is already in use by service "
                           f"'{other.service}' as {'an ingress' if other.mode == 'ingress' else 'a host-published'} "
                           f"port ({p.port}/{p.protocol}); the Swarm refuses whichever of the two is created second",
                           p.path, related=(_related(ctx, other),), stage="deploy")
        else:
            yield ctx.diag("SL309", f"service {name}: port {p.port}/{p.protocol} is also published in host mode by "
                           f"service '{other.service}': the two can never run on the same node, and their tasks "
                           "stay pending when too few nodes are left", p.path, related=(_related(ctx, other),),
                           severity=Severity.WARNING)


def _related(ctx: Context, p: Publication) -> Related:
    return Related(f"service {p.service} publishes {p.port}/{p.protocol} ({p.mode} mode) here",
                   ctx.doc.value_range(p.path))

"""SL307-SL309: service mode, endpoint mode and published ports, as the
Docker CLI converts them (cli/compose/convert/service.go) and the Swarm manager validates them
(swarmkit manager/controlapi/service.go). Messages quote what Docker prints.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from ..context import Context, get
from ..diagnostics import Related, Severity
from ..parsers import parse_port_spec

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
    for name, svc in ctx.services():
        base = ("services", name)
        deploy = svc.get("deploy") if isinstance(svc.get("deploy"), dict) else {}
        yield from _mode(ctx, name, deploy, base + ("deploy",))
        pubs = list(_publications(name, svc, base))
        yield from _dnsrr(ctx, name, deploy, pubs, base)
        yield from _port_conflicts(ctx, name, pubs, seen)


# --- SL307 ----------------------------------------------------------------------------------------
def _mode(ctx: Context, name: str, deploy: dict, base):
    mode = deploy.get("mode")
    mode = "" if mode is None else mode
    if not isinstance(mode, str):
        return
    if mode not in MODES:
        lowered = mode.strip().lower()
        hint = f"; write `{lowered}` (the mode is case-sensitive)" if lowered in MODES and lowered else \
            "; the modes are replicated, global, replicated-job and global-job"
        yield ctx.diag("SL307", f"service {name}: Unknown mode: {mode}{hint}", base + ("mode",), stage="deploy")
        return
    if mode in ("global", "global-job") and deploy.get("replicas") is not None:
        yield ctx.diag("SL307", f"service {name}: replicas can only be used with replicated or replicated-job "
                       f"mode (this service is {mode}: one task on every node)", base + ("replicas",),
                       on_key=True, stage="deploy")
    if mode in ("global", "global-job") and get(deploy, "placement", "max_replicas_per_node") is not None:
        yield ctx.diag("SL307", f"service {name}: max_replicas_per_node has no effect in {mode} mode, which "
                       "runs exactly one task on every eligible node", base + ("placement", "max_replicas_per_node"),
                       on_key=True, severity=Severity.WARNING)
    if mode.endswith("-job") and deploy.get("update_config") is not None:
        yield ctx.diag("SL307", f"service {name}: Jobs may not have an update config (the Swarm refuses a "
                       f"{mode} service with deploy.update_config)", base + ("update_config",), on_key=True,
                       stage="deploy")


# --- published ports -----------------------------------------------------------------------------
def _publications(name: str, svc: dict, base):
    ports = svc.get("ports")
    if not isinstance(ports, list):
        return
    for i, port in enumerate(ports):
        path = base + ("ports", i)
        if isinstance(port, dict):
            published = _port_number(port.get("published"))
            protocol = port.get("protocol")
            # The daemon upper-cases both and silently falls back to ingress/tcp for unknown names.
            protocol = protocol.lower() if isinstance(protocol, str) and protocol.lower() in ("tcp", "udp", "sctp") \
                else "tcp"
            mode = "host" if str(port.get("mode", "")).lower() == "host" else "ingress"
            yield Publication(name, published, protocol, mode, path)
        elif isinstance(port, (str, int)) and not isinstance(port, bool):
            try:
                mappings = parse_port_spec(str(port))
            except ValueError:
                continue  # SL006 reports it
            for m in mappings:
                yield Publication(name, m.published, m.protocol, "ingress", path)


def _port_number(value) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value or None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value) or None
    return None


# --- SL308 ----------------------------------------------------------------------------------------
def _dnsrr(ctx: Context, name: str, deploy: dict, pubs: List[Publication], base):
    endpoint = deploy.get("endpoint_mode")
    if not isinstance(endpoint, str) or endpoint.lower() != "dnsrr":
        return
    ingress = [p for p in pubs if p.mode == "ingress"]
    if not ingress:
        return
    by_entry: Dict[tuple, List[str]] = {}  # one related entry per port entry, ranges listed together
    for p in ingress:
        by_entry.setdefault(p.path, []).append(f"{p.port or 'a Swarm-chosen port'}/{p.protocol}")
    related = tuple(Related(f"published in ingress mode: {', '.join(ports)}", ctx.doc.value_range(path))
                    for path, ports in by_entry.items())
    yield ctx.diag("SL308", f"service {name}: EndpointSpec: port published with ingress mode can't be used with "
                   "dnsrr mode (publish with `mode: host` in the long port syntax, or use endpoint_mode: vip)",
                   base + ("deploy", "endpoint_mode"), related=related, stage="deploy")


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

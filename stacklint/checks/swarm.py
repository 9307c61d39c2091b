"""SL307-SL309: service mode, endpoint mode and published ports, as the
Docker CLI converts them (cli/compose/convert/service.go) and the Swarm manager validates them
(swarmkit manager/controlapi/service.go). Messages quote what Docker prints.
"""
from __future__ import annotations

from ..context import Context
from ..diagnostics import Related, Severity
from ..limits import MAX_PER_RULE, Omitted
from ..model import Service
from ..port_ranges import Interval, count_overlapping_pairs, describe, overlapping_pairs, points_within
from ..swarm_constraints import PIN_KINDS, ConstraintError, key_kind, parse, value_from_environment

MODES = ("replicated", "global", "replicated-job", "global-job", "")
# Ports every Swarm node already serves: publishing them takes them over on every node.
NODE_PORTS = {
    (22, "tcp"): "SSH to the nodes",
    (2377, "tcp"): "Swarm cluster management",
    (7946, "tcp"): "Swarm node gossip",
    (7946, "udp"): "Swarm node gossip",
    (4789, "udp"): "overlay network traffic (VXLAN)",
}
_NODE_PORT_NUMBERS = sorted({port for port, _ in NODE_PORTS})


class Publication:
    """One published port range of one service: what swarmkit's port checks look at."""
    __slots__ = ("service", "start", "end", "protocol", "mode", "path")

    def __init__(self, service: str, start: int | None, end: int | None, protocol: str, mode: str, path):
        self.service, self.start, self.end = service, start, end
        self.protocol, self.mode, self.path = protocol, mode, path

    def ports(self, start: int = None, end: int = None) -> str:
        """8080/tcp or 8080-8090/tcp (a part of the range when given)."""
        if self.start is None:
            return f"a Swarm-chosen port/{self.protocol}"
        return f"{describe(self.start if start is None else start, self.end if end is None else end)}/{self.protocol}"


def check(ctx: Context):
    everyone: list[Publication] = []
    for name, svc in ctx.model.services.items():
        yield from _mode(ctx, svc)
        if not svc.ports:
            continue  # nothing published: the port parts have nothing to read
        pubs = list(_publications(svc))
        yield from _dnsrr(ctx, svc, pubs)
        yield from _node_ports(ctx, pubs)
        everyone.extend(pubs)
    yield from _port_conflicts(ctx, everyone)


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


# --- published ports -----------------------------------------------------------------------------
def _publications(svc: Service):
    """One Publication per `ports` entry, its range kept as a range."""
    for port in svc.ports:
        yield Publication(svc.name, port.published_start, port.published_end, port.protocol, port.mode, port.path)


# --- SL308 ----------------------------------------------------------------------------------------
def _dnsrr(ctx: Context, svc: Service, pubs: list[Publication]):
    endpoint = svc.endpoint_mode
    if endpoint is None or endpoint.value.lower() != "dnsrr":
        return
    ingress = [p for p in pubs if p.mode == "ingress"]
    if not ingress:
        return
    by_entry: dict[tuple, list[str]] = {}  # one related entry per port entry, ranges listed together
    for p in ingress:
        by_entry.setdefault(p.path, []).append(p.ports())
    # The finding sits on the first ingress port, the line to change; the mode and the others are related.
    first, *others = by_entry
    related = (Related("endpoint_mode: dnsrr is set here", ctx.doc.value_range(endpoint.path)),) + tuple(
        Related(f"also published in ingress mode: {', '.join(by_entry[path])}", ctx.doc.value_range(path))
        for path in others)
    yield ctx.diag("SL308", f"service {svc.name}: EndpointSpec: port published with ingress mode can't be used with "
                   f"dnsrr mode ({', '.join(by_entry[first])} here; publish with `mode: host` in the long port "
                   "syntax, or use endpoint_mode: vip)", first, related=related, stage="deploy")


# --- SL309 ----------------------------------------------------------------------------------------
def _node_ports(ctx: Context, pubs: list[Publication]):
    """One warning per entry that takes over ports every Swarm node itself uses."""
    for p in pubs:
        if p.start is None:
            continue
        taken = [port for port in points_within(_NODE_PORT_NUMBERS, p.start, p.end) if (port, p.protocol) in NODE_PORTS]
        if not taken:
            continue
        if p.start != p.end:
            uses = "; ".join(f"{port} ({NODE_PORTS[port, p.protocol]})" for port in taken)
            how = "on the routing mesh, so every Swarm node forwards these ports of its own to this service" \
                if p.mode == "ingress" else "in host mode, and every Swarm node already uses some of them: the " \
                                            "task cannot bind them"
            yield ctx.diag("SL309", f"service {p.service}: publishes {p.ports()} {how}: {uses}; publish a range "
                           "that leaves them out", p.path, severity=Severity.WARNING)
            continue
        port = p.start
        key = (port, p.protocol)
        if p.mode == "ingress":
            yield ctx.diag("SL309", f"service {p.service}: publishes {port}/{p.protocol} on the routing mesh, so every "
                           f"Swarm node forwards its own port {port} to this service and {NODE_PORTS[key]} on that "
                           f"port stops working; publish another port "
                           f"(e.g. {port + 10000 if port < 55536 else port - 10000}:{port})",
                           p.path, severity=Severity.WARNING)
        else:
            yield ctx.diag("SL309", f"service {p.service}: publishes {port}/{p.protocol} in host mode, which every "
                           f"Swarm node already uses for {NODE_PORTS[key]}: the task cannot bind it",
                           p.path, severity=Severity.WARNING)


def _port_conflicts(ctx: Context, pubs: list[Publication]):
    """One finding per overlapping pair of publications, on the later one, naming the overlap."""
    intervals = [Interval(p.start, p.end, p.protocol, p) for p in pubs if p.start is not None]
    built = 0
    last = None
    for overlap in overlapping_pairs(intervals):
        if built == MAX_PER_RULE:
            yield Omitted("SL309", count_overlapping_pairs(intervals) - built, _worst_conflict(intervals), last.range)
            return
        found = _conflict(ctx, overlap.first.owner, overlap.second.owner, overlap.start, overlap.end)
        if found is None:
            continue
        last = found
        built += 1
        yield last


def _conflict(ctx: Context, first: Publication, p: Publication, lo: int, hi: int) -> object | None:
    one = lo == hi
    shared = p.ports(lo, hi)
    related = (_related(ctx, first, lo, hi),)
    if first.service == p.service:
        return ctx.diag("SL309", f"service {p.service}: EndpointSpec: duplicate published ports provided "
                        f"({shared} {'is' if one else 'are'} published twice by this service)", p.path,
                        related=related, stage="deploy")
    if p.mode == "ingress" or first.mode == "ingress":
        kind = "ingress" if first.mode == "ingress" else "host-published"
        what = f"port '{lo}' is" if one else f"ports {describe(lo, hi)} are"
        as_what = ("an ingress port" if kind == "ingress" else "a host-published port") if one else f"{kind} ports"
        return ctx.diag("SL309", f"service {p.service}: {what} already in use by service '{first.service}' as "
                        f"{as_what} ({shared}); the Swarm refuses whichever of the two is created second",
                        p.path, related=related, stage="deploy")
    if _pinned_apart(ctx, ctx.model.services[p.service], ctx.model.services[first.service]):
        return None  # host-mode ports of services pinned to different nodes never meet
    return ctx.diag("SL309", f"service {p.service}: port{'' if one else 's'} {shared} {'is' if one else 'are'} also "
                    f"published in host mode by service '{first.service}': the two can never run on the same node, "
                    "and their tasks stay pending when too few nodes are left", p.path, related=related,
                    severity=Severity.WARNING)


def _worst_conflict(intervals: list[Interval]) -> Severity:
    """The severity the pairs not built could have: an error unless only host ports of
    different services are involved."""
    host = [iv.owner.service for iv in intervals if iv.owner.mode == "host"]
    if len(host) < len(intervals) or len(set(host)) < len(host):
        return Severity.ERROR
    return Severity.WARNING


def _pins(ctx: Context, svc: Service) -> dict[tuple[str, str], str]:
    """(key, operator) -> value of the constraints that name particular nodes. A value left to a
    variable is kept as written (`${NODE_1}`): two different variables name two nodes."""
    out: dict[tuple[str, str], str] = {}
    for item in svc.placement.constraints if svc.placement is not None else ():
        written = ctx.model.written(item)
        if value_from_environment(written):
            op = "==" if "==" in written else "!="
            key, value = (part.strip() for part in written.split(op, 1))
        else:
            try:
                c = parse(item.value)
            except ConstraintError:
                continue
            key, op, value = c.key, c.operator, c.value
        if key_kind(key) in PIN_KINDS:
            fold = not key.lower().startswith(("node.labels.", "engine.labels."))
            out[(key.lower(), op)] = value.lower() if fold else value
    return out


def _pinned_apart(ctx: Context, a: Service, b: Service) -> bool:
    """Whether no node can satisfy the node-naming constraints of both services: then their
    host-mode ports never meet on one node."""
    pa, pb = _pins(ctx, a), _pins(ctx, b)
    for (key, op), value in pa.items():
        if op == "==" and (pb.get((key, "==")) not in (None, value) or pb.get((key, "!=")) == value):
            return True
    return any(op == "==" and pa.get((key, "!=")) == value for (key, op), value in pb.items())


def _related(ctx: Context, p: Publication, lo: int, hi: int) -> Related:
    return Related(f"service {p.service} publishes {p.ports(lo, hi)} ({p.mode} mode) here",
                   ctx.doc.value_range(p.path))

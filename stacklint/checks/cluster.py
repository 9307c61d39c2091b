"""Cluster-aware checks (SL501-SL504): the stack file against an inventory of the Swarm it will
be deployed to (ctx.settings.inventory, see stacklint.inventory). Without an inventory, or
without the inventory section a rule needs, the rule says nothing.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
import math

from ..context import Context
from ..port_ranges import points_within
from ..diagnostics import Related, Severity
from ..model import Service
from ..refs import KINDS, context_refs
from ..swarm_constraints import ConstraintError, explain, failing, node_matches, parse_all

# External network names `docker stack deploy` never looks up (docker-facts §3.3).
_UNCHECKED_NETWORKS = {"default", "bridge", "host", "none"}

_CREATE = {
    "secret": "docker secret create {name} FILE",
    "config": "docker config create {name} FILE",
    "network": "docker network create --driver overlay {name}",
    "volume": "docker volume create {name}",
}


def _inventory(ctx: Context) -> Mapping | None:
    return ctx.settings.inventory


def _external_name(ctx: Context, kind: str, key: str) -> str | None:
    """The cluster name of an external declaration, or None when it is not external (or not declared)."""
    obj = ctx.model.objects(kind).get(key)
    return obj.name if obj is not None and obj.external else None


def _service_refs(ctx: Context) -> dict[str, dict[str, list[str]]]:
    """kind -> declared key -> services (in file order) that use it, from the shared reference
    reading (stacklint.refs, as `docker stack deploy` looks them up)."""
    refs: dict[str, dict[str, list[str]]] = {kind: {} for kind in KINDS}
    for ref in context_refs(ctx):
        if ref.name:
            users = refs[ref.kind].setdefault(ref.name, [])
            if ref.service not in users:
                users.append(ref.service)
    return refs


def _used_by(services: list[str]) -> str:
    return "used by " + ", ".join(services)


# ----------------------------------------------------------------------------- SL501

def missing_external(ctx: Context) -> Iterator:
    inv = _inventory(ctx)
    if not inv:
        return
    refs = _service_refs(ctx)
    for kind in ("secrets", "configs"):
        if kind not in inv:
            continue
        have = set(inv[kind])
        singular = kind[:-1]
        for key in ctx.section(kind):
            name = _external_name(ctx, kind, str(key))
            users = refs[kind].get(key)
            if name is None or not users or name in have:
                continue  # Docker looks up only the external ones that services use
            yield ctx.diag("SL501", f"{singular} {name} is external but this cluster has no {singular} of that name "
                           f"({_used_by(users)}): `docker stack deploy` fails with \"{singular} not found: {name}\"; "
                           f"create it first: {_CREATE[singular].format(name=name)}",
                           (kind, key), on_key=True, stage="deploy")
    if "networks" in inv:
        scopes = {n["name"]: n.get("scope", "swarm") for n in inv["networks"]}
        for key, users in refs["networks"].items():
            name = _external_name(ctx, "networks", key)
            if name is None or name in _UNCHECKED_NETWORKS or name.startswith("container:"):
                continue
            if name not in scopes:
                msg = (f"network {name} is external but this cluster has no network of that name ({_used_by(users)}): "
                       f"`docker stack deploy` fails; create a swarm-scoped network first: "
                       f"{_CREATE['network'].format(name=name)}")
            elif scopes[name] == "local":
                msg = (f"network {name} is external but it is a local network on this cluster, not swarm-scoped "
                       f"({_used_by(users)}): `docker stack deploy` fails (\"not in the right scope\"); "
                       f"create a swarm-scoped one: {_CREATE['network'].format(name=name)}")
            else:
                continue
            yield ctx.diag("SL501", msg, ("networks", key), on_key=True, stage="deploy")
    if "volumes" in inv:
        have = {v["name"] for v in inv["volumes"]}
        taken_on = inv.get("docker_host") or "the engine the inventory was taken from"
        for key, users in refs["volumes"].items():
            name = _external_name(ctx, "volumes", key)
            if name is None or name in have:
                continue
            yield ctx.diag("SL501", f"volume {name} is external but {taken_on} has no volume of that name "
                           f"({_used_by(users)}): Docker does not check external volumes, and the local driver "
                           f"silently creates an empty one on whichever node runs the task; create it on every "
                           f"node that may run it: {_CREATE['volume'].format(name=name)}",
                           ("volumes", key), on_key=True, severity=Severity.WARNING)


# ----------------------------------------------------------------------------- SL502, SL503

def _schedulable(node: Mapping) -> bool:
    # swarmkit's ReadyFilter: drained, paused and down nodes get no new tasks.
    return node.get("state") == "ready" and node.get("availability") == "active"


def _node_name(node: Mapping) -> str:
    return node.get("hostname") or node.get("id") or "(unnamed node)"


def _constraints(svc: Service) -> tuple[list | None, list | None]:
    """(constraint Vals, parsed) or (None, None) when the service cannot be placed by them
    at all (a constraint swarmkit refuses: SL301's business)."""
    vals = list(svc.placement.constraints) if svc.placement is not None else []
    try:
        return vals, parse_all([v.value for v in vals])
    except ConstraintError:
        return None, None


def _nodes(ctx: Context) -> list[Mapping] | None:
    inv = _inventory(ctx)
    if not inv or "nodes" not in inv or not inv["nodes"]:
        return None
    return list(inv["nodes"])


def unschedulable(ctx: Context) -> Iterator:
    nodes = _nodes(ctx)
    if nodes is None:
        return
    for name, svc in ctx.model.services.items():
        vals, parsed = _constraints(svc)
        if not parsed:
            continue
        base = ("services", name, "deploy", "placement", "constraints")
        ready = [n for n in nodes if _schedulable(n)]
        if any(node_matches(parsed, n) for n in ready):
            continue
        idle = [n for n in nodes if node_matches(parsed, n)]
        if idle:
            states = ", ".join(f"{_node_name(n)} ({n.get('availability') if n.get('state') == 'ready' else n.get('state')})"
                               for n in idle)
            yield ctx.diag("SL502", f"service {name}: its placement constraints match only {states}, and drained, "
                           f"paused or down nodes get no new tasks: its tasks stay pending (\"no suitable node\")",
                           base, on_key=True, stage="deploy")
            continue
        pool = ready or nodes
        closest = min(pool, key=lambda n: len(failing(parsed, n)))
        fails = failing(parsed, closest)
        reasons = " and ".join(f"'{c.text.strip()}' ({explain(c, closest)})" for _, c in fails)
        count = f"{len(ready)} ready, active node{'s' if len(ready) != 1 else ''}" if ready else \
            f"{len(nodes)} node{'s' if len(nodes) != 1 else ''} (none ready and active)"
        first = fails[0][0]
        related = tuple(Related(f"also fails on {_node_name(closest)}: {c.text.strip()}",
                                ctx.doc.value_range(vals[i].path)) for i, c in fails[1:])
        yield ctx.diag("SL502", f"service {name}: no node of this cluster satisfies its placement constraints "
                       f"({count}), so its tasks stay pending (\"no suitable node\"); closest is "
                       f"{_node_name(closest)} ({closest.get('role')}), which fails {reasons}",
                       vals[first].path, related=related, stage="deploy")


def _replicas(svc: Service) -> int | None:
    mode = svc.mode.value if svc.mode is not None else "replicated"
    if mode != "replicated":
        return None  # global services run one task per node; jobs finish and free their node
    return svc.replicas.value if svc.replicas is not None else 1


def _host_ports(svc: Service) -> list[str]:
    return [f"{p.published_start}/{p.protocol}" for p in svc.ports if p.mode == "host" and p.published_start]


def insufficient_nodes(ctx: Context) -> Iterator:
    nodes = _nodes(ctx)
    if nodes is None:
        return
    for name, svc in ctx.model.services.items():
        replicas = _replicas(svc)
        vals, parsed = _constraints(svc)
        if not replicas or parsed is None:
            continue
        limit = svc.placement.max_replicas.value if svc.placement and svc.placement.max_replicas else None
        per_node = limit if limit else math.inf
        host_ports = _host_ports(svc)
        why = f"max_replicas_per_node: {limit}" if per_node != math.inf else ""
        if host_ports:
            per_node = 1  # two tasks cannot bind the same host port on one node
            why = f"host-mode port {host_ports[0]} allows one task per node"
        if per_node == math.inf:
            continue
        matching = [n for n in nodes if _schedulable(n) and node_matches(parsed, n)]
        if not matching:
            continue  # SL502 says it
        capacity = len(matching) * per_node
        if replicas <= capacity:
            continue
        docker_says = "host-mode port already in use" if host_ports else "max replicas per node limit exceed"
        names = ", ".join(_node_name(n) for n in matching)
        plural = "s" if len(matching) != 1 else ""
        nodes_text = (f"only {len(matching)} ready, active node{plural} ({names}) match its placement constraints"
                      if parsed else f"the cluster has only {len(matching)} ready, active node{plural} ({names})")
        yield ctx.diag("SL503", f"service {name}: {replicas} replicas, but {nodes_text} and {why}, so "
                       f"{capacity} task{'s' if capacity != 1 else ''} can run and {replicas - capacity} "
                       f"stay{'s' if replicas - capacity == 1 else ''} pending (\"{docker_says}\")",
                       ("services", name, "deploy", "replicas"), stage="deploy")


# ----------------------------------------------------------------------------- SL504

def port_in_use(ctx: Context) -> Iterator:
    inv = _inventory(ctx)
    if not inv or "services" not in inv:
        return
    own = ctx.settings.stack_name
    published: dict[tuple[int, str], list[tuple[Mapping, str]]] = {}
    for other in inv["services"]:
        if own is not None and other.get("stack") == own:
            continue  # redeploying this very stack updates these services
        for p in other.get("published_ports", []):
            published.setdefault((p["port"], p.get("protocol", "tcp")), []).append((other, p.get("mode", "ingress")))
    if not published:
        return
    numbers: dict[str, list[int]] = {}  # protocol -> sorted published ports: a range is searched, not walked
    for number, proto in sorted(published):
        numbers.setdefault(proto, []).append(number)
    for name, svc in ctx.model.services.items():
        for port in svc.ports:
            if port.published_start is None:
                continue
            for number in points_within(numbers.get(port.protocol, []), port.published_start, port.published_end):
                for other, other_mode in published.get((number, port.protocol), []):
                    if port.mode == "host" and other_mode == "host":
                        continue  # only tasks on the same node collide; the scheduler keeps them apart
                    stack = other.get("stack")
                    owner = f"service {other['name']} of stack {stack}" if stack else \
                        f"service {other['name']} (not part of a stack)"
                    hint = f"; if this file is stack {stack} itself, pass --stack-name {stack}" \
                        if stack and own is None else ""
                    yield ctx.diag("SL504", f"service {name}: port {number}/{port.protocol} is already published "
                                   f"by {owner} ({other_mode} mode): `docker stack deploy` fails with \"port "
                                   f"'{number}' is already in use by service '{other['name']}'\"{hint}",
                                   port.path, stage="deploy")
                    break

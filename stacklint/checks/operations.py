"""SL401-SL405: what keeps a Swarm service healthy and its data alive, beyond what Docker checks.

None of these make Docker refuse the file; they are what an operator asks for in review:
a healthcheck, resource limits, state that survives a reschedule, reservations that fit.
"""
from __future__ import annotations

from .. import databases
from ..context import Context, get
from ..swarm_constraints import PIN_KINDS, ConstraintError, key_kind, parse, value_from_environment
from ..diagnostics import Related
from ..model import Service
from ..parsers import go_parse_ip

REPLICATED_MODES = ("replicated", "replicated-job", "")
# local-driver options that put the data on a file server: every node sees the same data
_REMOTE_LOCAL_TYPES = ("nfs", "nfs4", "cifs", "smb", "smb3", "glusterfs", "ceph")


def check(ctx: Context):
    volumes = ctx.section("volumes")
    raw_services = ctx.doc.data.get("services") if isinstance(ctx.doc.data, dict) else {}
    raw_services = raw_services if isinstance(raw_services, dict) else {}
    for name, svc in ctx.services():
        base = ("services", name)
        raw = raw_services.get(name) if isinstance(raw_services.get(name), dict) else svc
        if "healthcheck" not in raw:
            # the why (Swarm routes to a task as soon as its process starts) is on the rule's page
            yield ctx.diag("SL401", f"services.{name} has no healthcheck", base, on_key=True)
        if not get(svc, "deploy", "resources", "limits"):
            yield ctx.diag("SL402", f"services.{name} has no deploy.resources.limits", base, on_key=True)
        service = ctx.model.services[str(name)]
        if service.mounts:
            yield from _local_unpinned(ctx, service, volumes)
        yield from _stateful(ctx, service)
        if service.resources is not None:
            yield from _reservations(ctx, service)


# --- SL403 ----------------------------------------------------------------------------------------
def _is_node_local(decl) -> bool:
    """A declared, non-external volume whose data lives on the node that runs the task."""
    if decl is None:
        return True
    if not isinstance(decl, dict) or decl.get("external"):
        return False
    driver = decl.get("driver")
    if driver not in (None, "local"):
        return False
    opts = decl.get("driver_opts")
    if isinstance(opts, dict) and (str(opts.get("type", "")).lower() in _REMOTE_LOCAL_TYPES or _binds_host_path(opts)):
        return False
    return True


def _binds_host_path(opts: dict) -> bool:
    """`o: bind` with an absolute `device`: each node mounts its own copy of that host folder, as an
    absolute bind mount does. Whether that folder is the same everywhere (an NFS or Gluster mount)
    or one node's disk is a fact about the nodes' file systems, which the file does not record,
    so it is not judged, as absolute bind sources are not (SL669)."""
    return "bind" in str(opts.get("o", "")).replace(" ", "").split(",") and str(opts.get("device", "")).startswith("/")


def _constraint_texts(svc: Service):
    return [c.value for c in svc.placement.constraints] if svc.placement is not None else []


def _pin(ctx: Context, svc: Service) -> str | None:
    """The constraint that ties the service to particular nodes (hostname, id, a label, an address).

    One whose value is a variable (`node.hostname == ${NODE_1}`) pins to a node this lint
    cannot know, which is still a pin."""
    for item in svc.placement.constraints if svc.placement is not None else ():
        raw = ctx.model.written(item)
        if value_from_environment(raw) and "==" in raw and key_kind(raw.split("==", 1)[0].strip()) in PIN_KINDS:
            return raw
    for text in _constraint_texts(svc):
        try:
            c = parse(text)
        except ConstraintError:
            continue
        if c.operator != "==":
            continue
        kind = key_kind(c.key)
        if kind in PIN_KINDS:
            return text
        if kind == "node.ip" and "/" not in c.value and _is_ip(c.value):
            return text
    return None


def _is_ip(value: str) -> bool:
    return go_parse_ip(value) is not None


def _local_unpinned(ctx: Context, svc: Service, volumes: dict):
    name = svc.name
    mode = svc.mode.value if svc.mode is not None else ""
    if mode not in REPLICATED_MODES:
        return
    local = []
    for m in svc.mounts:
        source = m.source.value if m.source is not None else ""
        if m.type.value != "volume" or not source or m.read_only.value or source not in volumes:
            continue
        if _is_node_local(volumes[source]):
            local.append((m, source))
    if not local or _pin(ctx, svc):  # the constraints only for a service that writes a local volume
        return
    role = _role_constraint(svc)
    why = f" ({role} alone does not)" if role else ""
    for m, source in local:
        yield ctx.diag("SL403", f"services.{name} writes the local volume {source} and nothing pins it to one "
                       f"node{why}: a task rescheduled elsewhere starts with an empty volume", m.path)


def _role_constraint(svc: Service) -> str:
    for text in _constraint_texts(svc):
        try:
            c = parse(text)
        except ConstraintError:
            continue
        if key_kind(c.key) == "node.role":
            return f"'{c.key} {c.operator} {c.value}'"
    return ""


# --- SL404 ----------------------------------------------------------------------------------------
def _covers(target: str, data: str) -> bool:
    t, d = target.rstrip("/") or "/", data.rstrip("/")
    return t == d or d.startswith(t + "/") or t.startswith(d + "/")


def _stateful(ctx: Context, svc: Service):
    name = svc.name
    srv = svc.database
    if srv is None or (srv.cache and (srv.data is None or not databases.persists(svc))):
        return
    # The Docker socket is a door to the engine, not a place to keep data.
    writable = [m.target.value if m.target is not None else "" for m in svc.mounts
                if m.type.value in ("volume", "bind") and not m.read_only.value
                and not (m.source is not None and m.source.value.endswith("docker.sock"))]
    if srv.data:
        if any(_covers(target, srv.data) for target in writable):
            return
        where = f"no volume on its data directory {srv.data}"
    else:
        if any(databases.holds_data(target) for target in writable):
            return
        where = "no volume at all" if not writable else "no volume for its data (only configuration files)"
    family = srv.family
    yield ctx.diag("SL404", f"services.{name} runs {'an' if family[0] in 'aeiou' else 'a'} {family} server with {where}: its data lives in the task's "
                   "container and is lost whenever Swarm replaces the task (update, node failure, reschedule); "
                   "mount a volume there", svc.image.path)


# --- SL405 ----------------------------------------------------------------------------------------
def _reservations(ctx: Context, svc: Service):
    resources = svc.resources
    if resources is None or resources.limits is None or resources.reservations is None:
        return
    limits, reservations = resources.limits, resources.reservations
    for key, field, what in (("memory", "memory_bytes", " of memory"), ("cpus", "nano_cpus", " CPUs")):
        limit, reserved = getattr(limits, field), getattr(reservations, field)
        if limit is None or reserved is None or limit.value == 0 or reserved.value <= limit.value:
            continue
        written_limit, written_reserved = get(svc.raw, *limit.path[2:]), get(svc.raw, *reserved.path[2:])
        yield ctx.diag("SL405", f"deploy.resources.reservations.{key} ({written_reserved}) is above "
                       f"limits.{key} ({written_limit}): Docker accepts it, and the scheduler reserves the full "
                       f"{written_reserved}{what} on the node while the task may only use {written_limit}",
                       reserved.path, related=(Related(f"limits.{key}", ctx.doc.value_range(limit.path)),))

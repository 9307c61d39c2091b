"""SL401-SL405: what keeps a Swarm service healthy and its data alive, beyond what Docker checks.

None of these make Docker refuse the file; they are what an operator asks for in review:
a healthcheck, resource limits, state that survives a reschedule, reservations that fit.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Optional

from ..context import Context, get
from ..swarm_constraints import ConstraintError, key_kind, parse
from ..diagnostics import Related
from ..model import Service

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
            yield ctx.diag("SL401", f"services.{name} has no healthcheck: Swarm counts a task as running as soon as "
                           "its process starts, routes traffic to it and lets a rolling update continue even if it "
                           "never becomes ready (the image may define one; `healthcheck: {disable: true}` states "
                           "that none is wanted)", base, on_key=True)
        if not get(svc, "deploy", "resources", "limits"):
            yield ctx.diag("SL402", f"services.{name} has no deploy.resources.limits: one task can use all the "
                           "memory and CPU of its node and starve every other task there", base, on_key=True)
        service = ctx.model.services[str(name)]
        yield from _local_unpinned(ctx, service, volumes)
        yield from _stateful(ctx, service)
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
    if isinstance(opts, dict) and str(opts.get("type", "")).lower() in _REMOTE_LOCAL_TYPES:
        return False
    return True


def _constraint_texts(svc: Service):
    return [c.value for c in svc.placement.constraints] if svc.placement is not None else []


def _pin(svc: Service) -> Optional[str]:
    """The constraint that ties the service to particular nodes (hostname, id, a label, an address)."""
    for text in _constraint_texts(svc):
        try:
            c = parse(text)
        except ConstraintError:
            continue
        if c.operator != "==":
            continue
        kind = key_kind(c.key)
        if kind in ("node.hostname", "node.id", "node.labels.", "engine.labels."):
            return text
        if kind == "node.ip" and "/" not in c.value and _is_ip(c.value):
            return text
    return None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def _local_unpinned(ctx: Context, svc: Service, volumes: dict):
    name = svc.name
    mode = svc.mode.value if svc.mode is not None else ""
    if mode not in REPLICATED_MODES or _pin(svc):
        return
    role = _role_constraint(svc)
    for m in svc.mounts:
        source = m.source.value if m.source is not None else ""
        if m.type.value != "volume" or not source or m.read_only.value or source not in volumes:
            continue
        if not _is_node_local(volumes[source]):
            continue
        why = f" ({role} alone does not: any such node may run the task)" if role else ""
        yield ctx.diag("SL403", f"services.{name} writes the local volume {source} and nothing pins it to one "
                       f"node{why}: when Swarm reschedules the task on another node it starts there with an "
                       "empty volume; constrain it with node.hostname == <node> or node.labels.<name> == <value>, "
                       "or use a volume driver that shares the data between nodes", m.path)


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
# Image name -> where that server keeps its data (None: a mount anywhere counts).
STATEFUL = {
    "postgres": "/var/lib/postgresql/data", "postgresql": "/var/lib/postgresql/data", "postgis": "/var/lib/postgresql/data",
    "timescaledb": "/var/lib/postgresql/data", "mysql": "/var/lib/mysql", "mariadb": "/var/lib/mysql",
    "percona": "/var/lib/mysql", "galera": "/var/lib/mysql", "mongo": "/data/db", "mongodb": "/data/db",
    "elasticsearch": "/usr/share/elasticsearch/data", "opensearch": "/usr/share/opensearch/data",
    "gitlab": "/var/opt/gitlab", "gitea": "/data", "gogs": "/data", "couchdb": "/opt/couchdb/data",
    "influxdb": "/var/lib/influxdb", "rabbitmq": "/var/lib/rabbitmq", "cassandra": "/var/lib/cassandra",
    "neo4j": "/data", "clickhouse": "/var/lib/clickhouse", "cockroach": "/cockroach/cockroach-data",
    "zookeeper": None, "kafka": None, "etcd": None, "solr": "/var/solr", "minio": None, "nexus3": "/nexus-data",
}
# In-memory stores: stateful only when told to persist.
CACHES = {"redis": "/data", "valkey": "/data", "keydb": "/data"}
# Names of images that talk to a database rather than being one.
_NOT_SERVER = {"exporter", "backup", "admin", "adminer", "client", "cli", "proxy", "ui", "web", "dump",
               "migrate", "migrations", "migration", "operator", "agent", "tools", "init", "commander", "insight",
               "sentinel", "pgadmin", "pgbouncer", "kibana", "logstash", "beat", "filebeat", "express", "hq",
               "curator", "runner"}
_ENV_FAMILY = (("POSTGRES_", "postgres"), ("PGDATA", "postgres"), ("MYSQL_", "mysql"), ("MARIADB_", "mariadb"),
               ("MONGO_INITDB_", "mongo"))


def _family(svc: Service) -> Optional[str]:
    if svc.image_name is None or not svc.image.value:
        return None
    tokens = svc.image_name.tokens
    if _NOT_SERVER & set(tokens):
        return None
    for t in reversed(tokens):  # the last path component names the image best
        if t in STATEFUL or t in CACHES:
            return t
    if {"db", "database"} & set(tokens[-2:]):
        names = [var.key for var in svc.environment]
        for prefix, family in _ENV_FAMILY:
            if any(n.startswith(prefix) for n in names):
                return family
        return "db"
    return None


def _persists(svc: Service) -> bool:
    command = svc.command.value if svc.command is not None else ""
    text = " ".join(map(str, command)) if isinstance(command, list) else command
    return bool(re.search(r"--appendonly\s+yes|--save\s+['\"]?\d", text))


def _covers(target: str, data: str) -> bool:
    t, d = target.rstrip("/") or "/", data.rstrip("/")
    return t == d or d.startswith(t + "/") or t.startswith(d + "/")


def _stateful(ctx: Context, svc: Service):
    name = svc.name
    family = _family(svc)
    if family is None or (family in CACHES and not _persists(svc)):
        return
    data = CACHES.get(family) or STATEFUL.get(family)
    if svc.image_name.tokens[:1] == ("bitnami",):
        data = "/bitnami"  # Bitnami's images keep every server's data below /bitnami
    if family in ("postgres", "postgresql", "postgis", "timescaledb"):
        data = next((var.value for var in svc.environment if var.key == "PGDATA" and var.value is not None), data)
    writable = [m.target.value if m.target is not None else "" for m in svc.mounts
                if m.type.value in ("volume", "bind") and not m.read_only.value]
    if data:
        if any(_covers(target, data) for target in writable):
            return
        where = f"no volume on its data directory {data}"
    else:
        if writable:
            return
        where = "no volume at all"
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

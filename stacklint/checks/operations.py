"""SL401-SL405: what keeps a Swarm service healthy and its data alive, beyond what Docker checks.

None of these make Docker refuse the file; they are what an operator asks for in review:
a healthcheck, resource limits, state that survives a reschedule, reservations that fit.
"""
from __future__ import annotations

import ipaddress
import re
from fractions import Fraction
from typing import Optional

from ..context import Context, get
from ..swarm_constraints import ConstraintError, key_kind, parse
from ..diagnostics import Related
from ..parsers import parse_bytes, parse_cpus, parse_volume

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
        mounts = list(_mounts(svc))
        yield from _local_unpinned(ctx, name, svc, mounts, volumes, base)
        yield from _stateful(ctx, name, svc, mounts, base)
        yield from _reservations(ctx, svc, base)


class Mount:
    __slots__ = ("type", "source", "target", "read_only", "path")

    def __init__(self, type_, source, target, read_only, path):
        self.type, self.source, self.target, self.read_only, self.path = type_, source, target, read_only, path


def _mounts(svc: dict):
    volumes = svc.get("volumes")
    if not isinstance(volumes, list):
        return
    for i, vol in enumerate(volumes):
        path = ("volumes", i)
        if isinstance(vol, str):
            try:
                spec = parse_volume(vol)
            except ValueError:
                continue
            yield Mount(spec.type, spec.source, spec.target, spec.read_only, path)
        elif isinstance(vol, dict):
            yield Mount(str(vol.get("type") or "volume"), str(vol.get("source") or ""), str(vol.get("target") or ""),
                        vol.get("read_only") is True, path)


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


def _pin(svc: dict) -> Optional[str]:
    """The constraint that ties the service to particular nodes (hostname, id, a label, an address)."""
    constraints = get(svc, "deploy", "placement", "constraints")
    if not isinstance(constraints, list):
        return None
    for text in constraints:
        if not isinstance(text, str):
            continue
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


def _local_unpinned(ctx: Context, name: str, svc: dict, mounts, volumes: dict, base):
    mode = get(svc, "deploy", "mode")
    if (mode or "") not in REPLICATED_MODES or _pin(svc):
        return
    role = _role_constraint(svc)
    for m in mounts:
        if m.type != "volume" or not m.source or m.read_only or m.source not in volumes:
            continue
        if not _is_node_local(volumes[m.source]):
            continue
        why = f" ({role} alone does not: any such node may run the task)" if role else ""
        yield ctx.diag("SL403", f"services.{name} writes the local volume {m.source} and nothing pins it to one "
                       f"node{why}: when Swarm reschedules the task on another node it starts there with an "
                       "empty volume; constrain it with node.hostname == <node> or node.labels.<name> == <value>, "
                       "or use a volume driver that shares the data between nodes", base + m.path)


def _role_constraint(svc: dict) -> str:
    constraints = get(svc, "deploy", "placement", "constraints")
    for text in constraints if isinstance(constraints, list) else ():  # not a list: the schema says so
        if isinstance(text, str):
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


def _image_tokens(image: str):
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    repo = name.rsplit(":", 1)[0] if ":" in last else name
    return [t for t in re.split(r"[/_.\-:]+", repo.lower()) if t]


def _family(svc: dict) -> Optional[str]:
    image = svc.get("image")
    if not isinstance(image, str) or not image:
        return None
    tokens = _image_tokens(image)
    if _NOT_SERVER & set(tokens):
        return None
    for t in reversed(tokens):  # the last path component names the image best
        if t in STATEFUL or t in CACHES:
            return t
    if {"db", "database"} & set(tokens[-2:]):
        env = svc.get("environment")
        names = list(env) if isinstance(env, dict) else [str(e).split("=", 1)[0] for e in env or ()]
        for prefix, family in _ENV_FAMILY:
            if any(n.startswith(prefix) for n in names):
                return family
        return "db"
    return None


def _persists(svc: dict) -> bool:
    command = svc.get("command")
    text = " ".join(map(str, command)) if isinstance(command, list) else str(command or "")
    return bool(re.search(r"--appendonly\s+yes|--save\s+['\"]?\d", text))


def _covers(target: str, data: str) -> bool:
    t, d = target.rstrip("/") or "/", data.rstrip("/")
    return t == d or d.startswith(t + "/") or t.startswith(d + "/")


def _stateful(ctx: Context, name: str, svc: dict, mounts, base):
    family = _family(svc)
    if family is None or (family in CACHES and not _persists(svc)):
        return
    data = CACHES.get(family) or STATEFUL.get(family)
    if isinstance(svc.get("image"), str) and _image_tokens(svc["image"])[:1] == ["bitnami"]:
        data = "/bitnami"  # Bitnami's images keep every server's data below /bitnami
    env = svc.get("environment")
    if family in ("postgres", "postgresql", "postgis", "timescaledb") and isinstance(env, dict) \
            and isinstance(env.get("PGDATA"), str):
        data = env["PGDATA"]
    writable = [m for m in mounts if m.type in ("volume", "bind") and not m.read_only]
    if data:
        if any(_covers(m.target, data) for m in writable):
            return
        where = f"no volume on its data directory {data}"
    else:
        if writable:
            return
        where = "no volume at all"
    yield ctx.diag("SL404", f"services.{name} runs {'an' if family[0] in 'aeiou' else 'a'} {family} server with {where}: its data lives in the task's "
                   "container and is lost whenever Swarm replaces the task (update, node failure, reschedule); "
                   "mount a volume there", base + ("image",))


# --- SL405 ----------------------------------------------------------------------------------------
def _amount(value, parser) -> Optional[Fraction]:
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, (int, float)):
            return Fraction(str(value))
        if isinstance(value, str):
            return Fraction(parser(value))
    except (ValueError, ZeroDivisionError):
        return None
    return None


def _reservations(ctx: Context, svc: dict, base):
    limits = get(svc, "deploy", "resources", "limits")
    reservations = get(svc, "deploy", "resources", "reservations")
    if not isinstance(limits, dict) or not isinstance(reservations, dict):
        return
    for key, parser, what in (("memory", parse_bytes, " of memory"), ("cpus", parse_cpus, " CPUs")):
        limit, reserved = _amount(limits.get(key), parser), _amount(reservations.get(key), parser)
        if limit is None or reserved is None or limit == 0 or reserved <= limit:
            continue
        path = base + ("deploy", "resources", "reservations", key)
        yield ctx.diag("SL405", f"deploy.resources.reservations.{key} ({reservations[key]}) is above "
                       f"limits.{key} ({limits[key]}): Docker accepts it, and the scheduler reserves the full "
                       f"{reservations[key]}{what} on the node while the task may only use {limits[key]}",
                       path, related=(Related(f"limits.{key}", ctx.doc.value_range(
                           base + ("deploy", "resources", "limits", key))),))

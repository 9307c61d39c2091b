"""Which services run a database server, of which kind, and where it keeps its data.

One definition for the rules that care: SL404 (a server with no volume on its data directory)
and SL203 (a datastore's clients and its replication cross the network). The image decides,
read the way an operator reads it: the repository's last component must START with the
server's name (`postgres`, `mysql-server`, `cp-kafka`), so `zabbix-server-mysql` (a Zabbix
server that talks to MySQL) and `flask-redis-app` are not servers. Configuration can make any
image a server (`discovery.type` is Elasticsearch, `KAFKA_BROKER_ID` a Kafka broker, `agent
-server` a Consul server); a command that dumps, loops or sleeps makes a server image a client.
The data directory is known only for the official image and a few vendors' builds: a custom
image may keep its data anywhere, so there any writable mount counts.
"""
from __future__ import annotations

import re

from .lazy_regex import LazyRegex
from .memo import memo
from .record import FrozenRecord, tuple_record

TYPE_CHECKING = False  # for annotations only: the model imports this module (Service.database)
if TYPE_CHECKING:
    from .model import Service

# Datastores (clients authenticate to them, their tasks may replicate) -> the official image's data
# directory, or None: a mount anywhere counts.
_SERVERS = {
    "postgres": "/var/lib/postgresql/data", "postgresql": "/var/lib/postgresql/data",
    "postgis": "/var/lib/postgresql/data", "timescaledb": "/var/lib/postgresql/data",
    "mysql": "/var/lib/mysql", "mariadb": "/var/lib/mysql", "percona": "/var/lib/mysql", "galera": "/var/lib/mysql",
    "mongo": "/data/db", "mongodb": "/data/db",
    "elasticsearch": "/usr/share/elasticsearch/data", "opensearch": "/usr/share/opensearch/data",
    "couchdb": "/opt/couchdb/data", "couchbase": "/opt/couchbase/var", "influxdb": "/var/lib/influxdb",
    "rabbitmq": "/var/lib/rabbitmq", "cassandra": "/var/lib/cassandra", "scylla": "/var/lib/scylla",
    "neo4j": "/data", "clickhouse": "/var/lib/clickhouse", "cockroach": "/cockroach/cockroach-data",
    "solr": "/var/solr", "arangodb": "/var/lib/arangodb3", "rethinkdb": "/data", "mssql": "/var/opt/mssql",
    "zookeeper": None, "kafka": None, "etcd": None, "minio": None,
}
# Applications that keep data but are nobody's datastore (Consul encrypts its own gossip and RPC).
_APPLICATIONS = {"consul": "/consul/data", "gitlab": "/var/opt/gitlab", "gitea": "/data", "gogs": "/data", "nexus3": "/nexus-data"}
# In-memory stores: state only when told to persist, replication only when told to replicate.
_CACHES = {"redis": "/data", "valkey": "/data", "keydb": "/data", "memcached": None}
# Namespaces whose images keep the official data directory (or a documented one of their own).
_VENDORS = {"": None, "library": None, "bitnami": "/bitnami", "postgis": None, "timescale": None, "mysql": None,
            "mariadb": None, "percona": None, "elasticsearch": None, "opensearchproject": None, "gitlab": None,
            "gitea": None, "clickhouse": None, "cockroachdb": None, "neo4j": None, "arangodb": None, "mssql": None,
            "confluentinc": None, "apache": None, "hashicorp": None, "minio": None, "influxdata": None}
# Words of an image name that make it a tool around a server, not the server.
_NOT_SERVER = {"exporter", "backup", "admin", "adminer", "client", "cli", "proxy", "ui", "web", "dump",
               "migrate", "migrations", "migration", "operator", "agent", "tools", "init", "commander", "insight",
               "sentinel", "pgadmin", "pgbouncer", "kibana", "logstash", "beat", "filebeat", "express", "hq",
               "curator", "runner", "connect", "rest", "schema", "registry", "manager"}
_DB_WORDS = frozenset(["db", "database"])  # a custom image named so (`shop-db`) may be a database server
_VENDOR_PREFIXES = ("cp", "docker")  # confluentinc/cp-kafka, someone/docker-mysql
# Registries that serve the official and vendors' images; an image from any other registry is custom.
_PUBLIC_REGISTRIES = ("docker.io", "index.docker.io", "registry-1.docker.io", "docker.elastic.co",
                      "mcr.microsoft.com", "quay.io", "ghcr.io", "gcr.io", "public.ecr.aws")
# A command that makes a server image run a client: a dump, a loop, a scheduler.
_CLIENT_COMMAND = LazyRegex(r"\b(pg_dump|pg_dumpall|pg_basebackup|mysqldump|mariadb-dump|mongodump|"
                             r"crond?|sleep|while|psql|mysql\s+-h|mongosh|redis-cli)\b")
# Server settings that make a custom image a server, when its name agrees (a copied
# `discovery.type` on a Logstash image does not make it Elasticsearch).
_ENV_SERVERS = (("discovery.type", "elasticsearch", {"es", "elastic", "elasticsearch", "search", "opensearch"}),
                ("KAFKA_BROKER_ID", "kafka", {"kafka", "broker"}), ("KAFKA_NODE_ID", "kafka", {"kafka", "broker"}),
                ("KAFKA_CFG_NODE_ID", "kafka", {"kafka", "broker"}),
                ("KAFKA_PROCESS_ROLES", "kafka", {"kafka", "broker"}))
_ENV_FAMILY = (("POSTGRES_", "postgres"), ("PGDATA", "postgres"), ("MYSQL_", "mysql"), ("MARIADB_", "mariadb"),
               ("MONGO_INITDB_", "mongo"))
_REPLICATION = LazyRegex(r"--(replicaof|slaveof|cluster-enabled)\b|\bsentinel\b")
_WORD_BREAK = LazyRegex(r"[_.\-]+")
_PERSISTS = LazyRegex(r"--appendonly\s+yes|--save\s+['\"]?\d")
# The command-line option that moves a server's data directory (redis-server --dir, mongod
# --dbpath, mysqld --datadir), as `--option PATH` or `--option=PATH`.
_DATA_OPTIONS = {"redis": "dir", "valkey": "dir", "keydb": "dir", "mongo": "dbpath", "mongodb": "dbpath",
                 "mysql": "datadir", "mariadb": "datadir", "percona": "datadir"}
_DATA_OPTION = {family: LazyRegex(rf"--{option}(?:\s+|=)(['\"]?)([^\s'\"]+)\1")
                for family, option in _DATA_OPTIONS.items()}
_REPLICA_OF = LazyRegex(r"--(replicaof|slaveof)\b")


class Server(FrozenRecord):
    _fields = ("family", "data", "datastore", "cache")
    family: str  # postgres, kafka, redis, gitlab ...
    data: str | None  # where it keeps its data; None: any writable mount counts
    datastore: bool  # clients authenticate to it and its tasks may replicate (not gitlab and the like)
    cache: bool  # in-memory unless configured (redis, memcached)

    def __init__(self, family, data, datastore, cache):
        self._set(family, data, datastore, cache)


def _repository(name: str):
    """(namespace, last component) of an image's repository: the registry dropped, lower-case.
    An image from a private registry gets the namespace "<private>": nobody's official image."""
    parts = name.lower().split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry, parts = parts[0], parts[1:]  # docker.io/bitnami/postgresql is bitnami/postgresql
        if registry not in _PUBLIC_REGISTRIES:
            parts = ["<private>"] + parts[-1:]
    if parts[-1] == "server" and len(parts) > 1:  # mcr.microsoft.com/mssql/server
        parts = parts[:-1]
    return ("/".join(parts[:-1]), parts[-1])


def _words(text: str) -> tuple:
    return tuple(w for w in _WORD_BREAK.split(text) if w)


def _command_text(svc: Service) -> str:
    out = []
    for val in (svc.entrypoint, svc.command):
        value = val.value if val is not None else ""
        out.append(" ".join(map(str, value)) if isinstance(value, list) else str(value))
    return " ".join(out)


def _by_image(words: tuple) -> str | None:
    if not words or _NOT_SERVER & set(words):
        return None
    first = words[1] if words[0] in _VENDOR_PREFIXES and len(words) > 1 else words[0]
    if first in _SERVERS or first in _APPLICATIONS or first in _CACHES:
        return first
    return None


@tuple_record
class _Image:
    """What server() reads of an image's repository, worked out once per repository (a stack
    repeats them, and each was five memo look-ups per service)."""
    namespace: str  # _repository()
    last: str
    family: str | None  # the server the name alone says it runs
    words: frozenset  # the last component's words
    db_named: bool  # its last two words include db or database (a custom database image)


@memo
def _image(repository: str) -> _Image:
    namespace, last = _repository(repository)
    words = _words(last)
    return _Image(namespace, last, _by_image(words), frozenset(words), bool(_DB_WORDS.intersection(words[-2:])))


_NO_IMAGE = _Image("", "", None, frozenset(), False)


def server(svc: Service) -> Server | None:
    """The database (or data-keeping application) this service runs as a server, or None."""
    image = _image(svc.image_name.repository) if svc.image is not None and svc.image.value else _NO_IMAGE
    namespace, last, family = image.namespace, image.last, image.family
    if family is not None:  # the command matters only for a server image (most images are none)
        command = _command_text(svc)
        if _CLIENT_COMMAND.search(command):
            return None  # e.g. a postgres image that runs pg_dump from a loop: a client
        if family == "consul" and not re.search(r"(^|\s)-server\b", command):
            return None  # a client agent keeps no data worth a volume
    official = namespace in _VENDORS
    if family is None:
        # the environment is read only for an image whose name hints at a server
        hinted = [(var, fam) for var, fam, hint in _ENV_SERVERS if image.words & hint]
        if hinted or (last and image.db_named):
            names = [var.key for var in svc.environment]
            family = next((fam for var, fam in hinted if var in names), None)
            if family is None and last and image.db_named:
                family = next((fam for prefix, fam in _ENV_FAMILY if any(n.startswith(prefix) for n in names)), "db")
                official = False  # a custom image: its data directory is its own
    if family is None:
        return None
    data = _SERVERS.get(family) or _APPLICATIONS.get(family) or _CACHES.get(family)
    if not official:
        data = None
    elif _VENDORS.get(namespace):
        data = _VENDORS[namespace]  # Bitnami's images keep every server's data below /bitnami
    if family in ("postgres", "postgresql", "postgis", "timescaledb"):
        data = next((var.value for var in svc.environment if var.key == "PGDATA" and var.value), data)
    elif data is not None and family in _DATA_OPTION:  # `redis-server --dir /srv/redis`: the data is there
        moved = _DATA_OPTION[family].search(_command_text(svc))
        if moved and moved.group(2).startswith("/"):
            data = moved.group(2)
    return Server(family, data, family not in _APPLICATIONS, family in _CACHES)


def holds_data(target: str) -> bool:
    """Whether a mount target may be where a server keeps its data: not a single configuration file
    (`/etc/my.cnf`, `.../elasticsearch.yml`) nor something below /etc."""
    t = target.rstrip("/")
    last = t.rsplit("/", 1)[-1]
    return not (t.startswith("/etc/") or "/config/" in t + "/" or re.search(r"\.(ya?ml|conf|cnf|json|ini|xml|"
                                                                          r"properties|sh|toml|env|txt)$", last))


def persists(svc: Service) -> bool:
    """A cache told to write data of its own to disk (`--appendonly yes`, `--save 60 1`). A replica's
    (`--replicaof primary 6379`) is a copy: a new task fetches it again from the primary."""
    command = _command_text(svc)
    return bool(_PERSISTS.search(command)) and not _REPLICA_OF.search(command)


def replicates(svc: Service, srv: Server) -> bool:
    """Whether the server's tasks talk to each other: a cache only when configured to."""
    return not srv.cache or bool(_REPLICATION.search(_command_text(svc)))

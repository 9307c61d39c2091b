"""Security hazards of a stack on a Swarm (SL201-SL209). Docker accepts all of these.

Each check walks the services once. The network rule (SL203) first groups services by
network, then looks for evidence that credentials or replicated data cross the overlay.
"""
from __future__ import annotations

from collections.abc import Iterator
import functools
import posixpath
import re

from .. import credentials, databases
from ..context import Context
from ..diagnostics import Fix, Related
from ..edits import add_to_section, append_to_mapping, section_lines
from ..model import ImageName, PortRange, Service
from ..refs import context_refs
from ..lazy_regex import LazyRegex


# --- host paths (SL201, SL206) -----------------------------------------------------------------

def _normalise(path: str) -> str:
    if path.startswith("\\\\"):
        return path.lower().replace("/", "\\")  # a Windows named pipe
    if path.startswith("~"):
        return path.rstrip("/") or "~"
    path = posixpath.normpath(path)
    if "//" in path:  # normpath keeps two leading slashes
        path = re.sub(r"/+", "/", path)
    return path


def host_mounts(ctx: Context, svc: Service) -> Iterator[tuple[tuple, str, bool]]:
    """(yaml path, normalised host path, read-only) of every host path a service mounts.

    Bind mounts in short or long syntax, named pipes, and named volumes whose local driver
    binds a host directory (`driver_opts: {type: none, o: bind, device: /path}`). The path is
    the node that holds the host path: the entry in short syntax, its `source:` in long syntax.
    """
    for mount in svc.mounts:
        if mount.source is None:
            continue
        source, kind = mount.source.value, mount.type.value
        where = mount.source.path
        if kind == "volume":
            where = mount.path  # the host path is in the top-level volume; the finding is this use of it
            decl = ctx.model.volumes.get(source)
            opts = decl.driver_opts if decl is not None else {}
            if "o" in opts and "bind" in opts["o"].value and "device" in opts:
                source = opts["device"].value
            else:
                continue
        elif kind not in ("bind", "npipe"):
            continue
        if source.startswith(("/", "~", "\\\\")):
            yield where, _normalise(source), mount.read_only.value


# --- SL201 docker-socket-mount -------------------------------------------------------------------

SOCKETS = frozenset(["/var/run/docker.sock", "/run/docker.sock", "\\\\.\\pipe\\docker_engine"])
SOCKET_PARENTS = frozenset(["/", "/var/run", "/run"])


def docker_socket(ctx: Context):
    for name, svc in ctx.model.services.items():
        if not svc.mounts:
            continue  # no host path, without starting host_mounts
        for path, source, read_only in host_mounts(ctx, svc):
            if source in SOCKETS:
                what = f"the Docker socket {source}"
            elif source in SOCKET_PARENTS:
                what = f"{source}, which contains the Docker socket"
            else:
                continue
            # why it matters (root on the node, the cluster from a manager) is on the rule's page
            ro = " (read-only does not help)" if read_only else ""
            yield ctx.diag("SL201", f"service {name} mounts {what}{ro}", path)


# --- SL206 sensitive-host-mount ------------------------------------------------------------------

# Host directories whose contents give away the node; the value says what they hold.
SENSITIVE = {
    "/etc": "the host's configuration, password hashes and keys",
    "/proc": "the host's processes and kernel settings",
    "/sys": "the host's kernel and device settings",
    "/dev": "the host's devices, disks included",
    "/boot": "the host's kernel and boot loader",
    "/root": "root's home directory (SSH keys, credentials)",
    "/home": "the users' home directories (SSH keys, credentials)",
    "/var/lib/docker": "every container's filesystem, volumes and logs",
    "/var/lib/containerd": "every container's filesystem",
    "/var/lib/kubelet": "the kubelet's credentials and pod volumes",
}
# Only a writable mount of these is a hazard: reading the host's programs is harmless.
SENSITIVE_WHEN_WRITABLE = {
    "/usr": "the host's programs", "/lib": "the host's libraries", "/lib64": "the host's libraries",
    "/bin": "the host's programs", "/sbin": "the host's programs",
}
# Read by many images for the clock or the node's name; nothing secret in them. /dev/shm is shared
# memory a browser or database gets more of that way: not a device.
HARMLESS = ("/etc/localtime", "/etc/timezone", "/etc/hostname", "/usr/share/zoneinfo", "/etc/ssl/certs",
            "/etc/ca-certificates", "/etc/pki/ca-trust", "/dev/shm")
# Below these, only the named paths are sensitive: a single file such as /etc/hosts or /etc/my.cnf,
# or a certificates folder below /root, is not the host's password hashes nor root's SSH keys.
ONLY_NAMED_BELOW = {
    "/etc": {"/etc/shadow": "the host's password hashes", "/etc/gshadow": "the host's password hashes",
             "/etc/sudoers": "who may become root on the host", "/etc/sudoers.d": "who may become root on the host",
             "/etc/ssh": "the host's SSH keys", "/etc/ssl/private": "the host's TLS private keys",
             "/etc/pki/tls/private": "the host's TLS private keys", "/etc/docker": "the Docker engine's "
             "configuration and TLS keys", "/etc/kubernetes": "Kubernetes credentials"},
    "/root": {},  # credential folders below it (.ssh, .docker ...) are CREDENTIAL_DIRS
}
CREDENTIAL_DIRS = ("/.ssh", "/.docker", "/.aws", "/.kube", "/.gnupg", "/.config/gcloud")


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root + "/")


def _sensitive(path: str, read_only: bool) -> str | None:
    if path in SOCKETS or path in SOCKET_PARENTS or any(_under(path, h) for h in HARMLESS):
        return None
    if any(d in path + "/" for d in (c + "/" for c in CREDENTIAL_DIRS)):
        return "credential files"
    if path == "~" or re.fullmatch(r"/home/[^/]+", path):
        return "a user's home directory (SSH keys, credentials)"
    for root, named in ONLY_NAMED_BELOW.items():
        if path.startswith(root + "/"):
            return next((what for child, what in named.items() if _under(path, child)), None)
    for root, what in SENSITIVE.items():
        if root == "/home":
            if path == "/home":
                return what
            continue
        if _under(path, root):
            return what
    if not read_only:
        for root, what in SENSITIVE_WHEN_WRITABLE.items():
            if _under(path, root):
                return what
    return None


def sensitive_mounts(ctx: Context):
    for name, svc in ctx.model.services.items():
        if not svc.mounts:
            continue  # no host path, without starting host_mounts
        for path, source, read_only in host_mounts(ctx, svc):
            what = _sensitive(source, read_only)
            if what:
                mode = "read-only" if read_only else "read-write"
                yield ctx.diag("SL206", f"service {name} mounts the host's {source} ({mode}): {what}, on every "
                               "node the service runs on", path)


# --- SL202 plaintext-secret-in-environment -------------------------------------------------------

def plaintext_secrets(ctx: Context):
    for name, svc in ctx.model.services.items():
        written = ctx.model.written(svc.path + ("environment",))  # before interpolation
        for var, value, path in svc.environment:
            raw = credentials.written_value(written, path[-1])
            if credentials.is_credential_name(var):
                kind = credentials.literal_kind(raw, value)
                if kind == "literal":
                    yield ctx.diag("SL202", f"service {name}: {var} is set to a literal secret (****) in the stack "
                                   f"file; anyone who can read the file or inspect the service sees it. Use a Docker "
                                   f"secret (e.g. {var}_FILE=/run/secrets/...) instead", path)
                    continue
                if kind == "default":
                    yield ctx.diag("SL202", f"service {name}: {var} falls back to a literal secret "
                                   f"({credentials.masked(raw)}) when the variable is unset; deploy it from a "
                                   f"Docker secret or require it with ${{VAR:?message}}", path)
                    continue
            found = credentials.url_password(raw) if isinstance(raw, str) and "://" in raw else None
            if found:
                scheme, user, _ = found
                yield ctx.diag("SL202", f"service {name}: {var} contains a password inside a URL "
                               f"({scheme}://{user}:****@...); pass the password as a Docker secret", path)


# --- SL203 unencrypted-overlay -------------------------------------------------------------------

_HOST_TOKEN = LazyRegex(r"[\s,;]+")


# Variables whose value names the host a service talks to (DB_HOST, API_URL, KAFKA_SERVERS ...).
_HOST_WORDS = frozenset(["HOST", "HOSTS", "HOSTNAME", "SERVER", "SERVERS", "ADDR", "ADDRESS", "ENDPOINT", "URL",
                         "URLS", "URI", "DSN", "NODES", "SEEDS", "PEERS", "BROKERS", "MASTER"])


@functools.lru_cache(maxsize=4096)
def _variable_role(var: str) -> tuple[bool, bool]:
    """(whether a variable's name says it holds a credential or names the file of one, whether it
    says its value names hosts): one look-up per variable of every service, a pure function of
    the name, which a stack repeats across its services."""
    credential = credentials.is_credential_name(var) or credentials.is_secret_file_name(var)
    return credential, bool(_HOST_WORDS.intersection(credentials.words(var)))


def _same_subject(credential: str, host_variable: str) -> bool:
    """Whether a credential variable and a host variable name one subject: their first words agree
    and neither is only its role (DB_PASSWORD and DB_HOST, REDIS_PASSWORD_FILE and REDIS_URL; not
    PGPASSWORD and REDIS_HOST, nor SECRET_KEY_FILE and DATABASE_URL)."""
    left, right = credentials.words(credential), credentials.words(host_variable)
    return len(left) > 1 and len(right) > 1 and left[0] == right[0]


_HOST_END = LazyRegex(r"[:/?]")


def _hosts(value: str) -> Iterator[str]:
    """The host names a variable's value points at (asked when it is a URL or a host-ish variable)."""
    for token in _HOST_TOKEN.split(value):
        token = token.split("://", 1)[-1].rsplit("@", 1)[-1]
        host = _HOST_END.split(token, 1)[0]
        if host.startswith("tasks."):
            host = host[6:]
        if host:
            yield host


class _Profile:
    """What a service brings onto a network: credentials, the hosts it talks to, replication."""

    __slots__ = ("credential", "hosts", "named_by", "url_credentials", "datastore", "replicates", "several_tasks",
                 "image")

    def __init__(self, svc: Service):
        self.credential = None  # the first credential-like variable
        self.hosts = set()
        self.named_by: dict[str, str] = {}  # host -> the first variable that names it
        self.url_credentials: dict[str, str] = {}  # host -> a variable whose URL logs in to it (user:pw@host)
        for var, value, _ in svc.environment:
            if not value:
                continue  # unset or empty (the model's values are strings or None)
            credential, names_hosts = _variable_role(var)
            if credential and self.credential is None:
                self.credential = var
            if names_hosts or "://" in value:
                logs_in = "@" in value and credentials.url_password(value) is not None
                for host in _hosts(value):
                    self.hosts.add(host)
                    self.named_by.setdefault(host, var)
                    if logs_in:
                        self.url_credentials.setdefault(host, var)
        srv = svc.database
        self.datastore = srv.family if srv and srv.datastore else None
        # several Redis tasks (or services) are independent caches unless told to replicate
        self.replicates = bool(srv and srv.datastore and databases.replicates(svc, srv))
        mode = svc.mode.value if svc.mode is not None else None
        self.several_tasks = mode in ("global", "global-job") or (svc.replicas is not None and svc.replicas.value > 1)
        self.image = svc.image.value if svc.image is not None else None

    def is_twin_of(self, other: "_Profile") -> bool:
        """The same image, not a datastore: another instance of one program, not its server or client."""
        return self.image is not None and self.image == other.image and not self.datastore


def _evidence(members: list[str], profiles: dict[str, _Profile], secrets: dict[str, list[str]]):
    """Why credentials or replicated data cross this network: (reason, services involved) or None."""
    on_net = set(members)
    # 1. two services share a Docker secret: one authenticates to the other with it. Two services of
    #    one image that is no datastore are the same program twice (bots, a job and its cron twin):
    #    each uses the secret towards something else, not towards the other.
    counts: dict[str, list[str]] = {}
    for svc in members:
        for secret in secrets.get(svc, ()):
            users = counts.setdefault(secret, [])
            if svc in users:
                continue  # the same secret mounted twice by one service: it shares it with nobody
            for other in users:
                if not profiles[svc].is_twin_of(profiles[other]):
                    return f"services {other} and {svc} share secret {secret}", [other, svc]
            users.append(svc)
    # 2. a service with credentials names another service on the network as the host it talks to
    for svc in members:
        p = profiles[svc]
        hosts = sorted((p.hosts & on_net) - {svc})
        if not hosts or not (p.credential or p.url_credentials):
            continue
        for host in hosts:  # a URL that logs in to the host: the credential is surely for it
            if host in p.url_credentials:
                return f"service {svc} has credentials (in {p.url_credentials[host]}) for service {host}", [svc, host]
        if p.credential:
            for host in hosts:  # DB_PASSWORD and DB_HOST: the same subject
                if _same_subject(p.credential, p.named_by[host]):
                    return f"service {svc} has credentials ({p.credential}) for service {host}", [svc, host]
            # PGPASSWORD beside REDIS_HOST: credentials, and traffic to a service, not known to be one
            return f"service {svc} has credentials ({p.credential}) and talks to service {hosts[0]}", [svc, hosts[0]]
    # 3. a datastore with credentials and other services (its clients) on the network
    for svc in members:
        p = profiles[svc]
        if p.datastore and p.credential and len(members) > 1:
            others = [m for m in members if m != svc]
            shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
            return (f"service {svc} ({p.datastore}, credentials in {p.credential}) serves {shown} over it",
                    [svc] + others[:1])
    # 4. a datastore cluster: its replication traffic carries the data itself between nodes
    by_kind: dict[str, list[str]] = {}
    for svc in members:
        p = profiles[svc]
        if not p.replicates:
            continue
        if p.several_tasks:
            return f"service {svc} ({p.datastore}) runs several tasks that replicate data between nodes", [svc]
        same = by_kind.setdefault(p.datastore, [])
        same.append(svc)
        if len(same) == 2:
            return f"services {same[0]} and {same[1]} ({p.datastore}) replicate data between nodes", same
    return None


def unencrypted_overlay(ctx: Context):
    networks = ctx.model.networks
    members: dict[str, list[str]] = {}
    secrets: dict[str, list[str]] = {}
    for ref in context_refs(ctx):
        if ref.kind == "networks":
            names = members.setdefault(ref.name, [])
            if not names or names[-1] != ref.service:
                names.append(ref.service)
        elif ref.kind == "secrets" and ref.name:
            secrets.setdefault(ref.service, []).append(ref.name)
    services = ctx.model.services
    profiles: dict[str, _Profile] = {}
    for net, names in members.items():
        if net not in networks and net != "default":
            continue  # undefined (SL103)
        decl = networks.get(net)
        if decl is not None and decl.external:
            continue
        if decl is not None and decl.driver is not None and decl.driver.value != "overlay":
            continue
        if decl is not None and "encrypted" in decl.driver_opts:
            continue  # any value, even "false", turns IPsec on
        for svc in names:
            if svc not in profiles:
                profiles[svc] = _Profile(services[svc])
        found = _evidence(names, profiles, secrets)
        if not found:
            continue
        reason, involved = found
        related = tuple(Related(f"service {s} is attached here", ctx.doc.key_range(("services", s)))
                        for s in dict.fromkeys(involved))
        subject = f"network {net}" if net in networks else f"the implicit network {net}"
        message = (f"{subject} is an unencrypted overlay and carries credentials or data between nodes: "
                   f"{reason}; encrypt it with driver_opts: {{encrypted: \"true\"}}")
        if net in networks:
            yield ctx.diag("SL203", message, ("networks", net), on_key=True, related=related,
                           fix=_encrypt_fix(ctx, net))
        else:
            d = ctx.diag("SL203", message, ("services", involved[0]),
                         on_key=True, related=related, fix=_encrypt_fix(ctx, net))
            d.path = ("networks", net)
            yield d


def _encrypt_fix(ctx: Context, net: str) -> Fix | None:
    doc = ctx.doc
    raw = doc.data.get("networks") if isinstance(doc.data, dict) else None
    decl = raw.get(net) if isinstance(raw, dict) else None
    if isinstance(raw, dict) and net in raw:
        if isinstance(decl, dict) and isinstance(decl.get("driver_opts"), dict):
            edit = append_to_mapping(doc, ("networks", net, "driver_opts"), [(0, 'encrypted: "true"')])
        else:
            edit = append_to_mapping(doc, ("networks", net), [(0, "driver_opts:"), (1, 'encrypted: "true"')])
    else:
        edit = add_to_section(doc, "networks", section_lines(net, [(0, "driver_opts:"), (1, 'encrypted: "true"')]))
    if edit is None:
        return None
    # Unsafe: stack deploy never updates an existing network; remove it (or the stack) and deploy again.
    return Fix(f'encrypt network "{net}" (driver_opts.encrypted)', (edit,), safe=False)


# --- SL204 dangerous-capability ------------------------------------------------------------------

CAPABILITIES = {
    "ALL": "every capability: as good as a privileged container",
    "SYS_ADMIN": "mounts, namespaces, BPF and more: the usual way out of a container",
    "NET_ADMIN": "reconfigures interfaces, routes and firewall rules (the node's own with the host network)",
    "SYS_PTRACE": "traces and reads the memory of other processes",
    "SYS_MODULE": "loads kernel modules: full control of the host",
    "DAC_READ_SEARCH": "opens any file by handle, bypassing permissions (the 'shocker' escape)",
    "SYS_RAWIO": "raw access to devices and kernel memory",
    "SYS_TIME": "sets the host's clock (time is not namespaced)",
    "MAC_ADMIN": "changes the AppArmor/SELinux policy that confines containers",
    "MAC_OVERRIDE": "bypasses the AppArmor/SELinux policy that confines containers",
    "BPF": "loads BPF programs into the host kernel",
    "SYSLOG": "reads and clears the host kernel's log",
}


def capabilities(ctx: Context):
    for name, svc in ctx.model.services.items():
        for cap in svc.cap_add:
            norm = cap.value.strip().upper()
            norm = norm[4:] if norm.startswith("CAP_") else norm
            why = CAPABILITIES.get(norm)
            if why:
                yield ctx.diag("SL204", f"service {name} adds capability {norm}: {why}", cap.path)


# --- SL205 host-network --------------------------------------------------------------------------

def host_network(ctx: Context):
    networks = ctx.model.networks
    for ref in context_refs(ctx):
        if ref.kind != "networks" or ref.implicit:
            continue
        decl = networks.get(ref.name)
        if decl is not None and decl.external and decl.name == "host":
            shown = "the external network host" if ref.name == "host" else \
                f"network {ref.name}, the external network \"host\""
            yield ctx.diag("SL205", f"service {ref.service} is attached to {shown}: it shares the node's network "
                           "stack (its ports open on the node, it reaches services bound to the node's "
                           "localhost, and it leaves the overlay's isolation)", ref.path, on_key=ref.on_key)
    for name, svc in ctx.model.services.items():
        if svc.network_mode is not None and svc.network_mode.value == "host":
            yield ctx.diag("SL205", f"service {name} asks for network_mode: host; docker stack deploy ignores "
                           "network_mode (see SL306), so the service stays on the stack's networks. For the "
                           "node's network attach an external network named host, and weigh what it exposes",
                           ("services", name, "network_mode"))


# --- SL207 secret-file-mode ----------------------------------------------------------------------

def file_modes(ctx: Context):
    for name, svc in ctx.model.services.items():
        for kind in ("secrets", "configs"):
            for ref in getattr(svc, kind):
                if ref.mode.path[-1] != "mode":
                    continue  # Docker's default, 0444
                path = ref.mode.path
                message = _mode_problem(ctx.doc.source(ctx.doc.value_range(path)).strip(), ref.mode.value, kind[:-1])
                if message:
                    yield ctx.diag("SL207", f"service {name}: {message}", path)


def _mode_problem(written: str, mode: int, what: str) -> str | None:
    octal_look = re.fullmatch(r"[1-7][0-7]{2,3}", written) is not None
    bad = mode > 0o777 or mode < 0 or mode & 0o022
    if not bad:
        return None
    if octal_look:
        meant = int(written, 8)
        return (f"{what} mode {written} is the decimal number {mode} (= 0o{mode:o}, {_perms(mode)}), not the octal "
                f"0o{written} ({_perms(meant)}); YAML needs a leading zero: write 0{written}")
    if mode > 0o777 or mode < 0:
        return f"{what} mode {written} (= 0o{mode:o}) is not a file permission between 0 and 0o777"
    return f"{what} mode {written} (= 0o{mode:o}, {_perms(mode)}) lets other users write the file"


def _perms(mode: int) -> str:
    if mode < 0 or mode > 0o7777:
        return "?"
    bits = "rwxrwxrwx"
    return "".join(bits[i] if mode & (1 << (8 - i)) else "-" for i in range(9))


# --- SL208 exposed-admin-port --------------------------------------------------------------------

# Container ports that speak a protocol meant for trusted clients only, whatever the image.
ADMIN_PORTS = {
    2375: "the Docker Engine API", 2376: "the Docker Engine API", 2379: "the etcd API (etcd, TiDB PD)",
    2380: "etcd peer traffic",
    3306: "MySQL/MariaDB", 5432: "PostgreSQL", 27017: "MongoDB", 27018: "MongoDB", 27019: "MongoDB",
    6379: "Redis", 9200: "the Elasticsearch REST API", 9300: "the Elasticsearch transport protocol",
    5672: "RabbitMQ (AMQP)", 15672: "the RabbitMQ management API", 11211: "memcached", 9042: "Cassandra (CQL)",
    5984: "CouchDB", 8086: "the InfluxDB API", 7687: "Neo4j (Bolt)", 1433: "SQL Server", 1521: "Oracle Database",
    9092: "Kafka", 2181: "ZooKeeper", 8500: "the Consul HTTP API", 26257: "CockroachDB", 28015: "RethinkDB",
    6032: "the ProxySQL admin interface", 7077: "the Spark master (anyone can submit jobs)", 20160: "TiKV",
    4442: "the Selenium Grid event bus", 4443: "the Selenium Grid event bus",
}
# Ports that are admin interfaces only for particular images.
IMAGE_ADMIN_PORTS = {
    "traefik": {8080: "the Traefik API and dashboard"},
    "kong": {8001: "the Kong Admin API", 8444: "the Kong Admin API"},
    "prometheus": {9090: "Prometheus (no authentication; its admin API when enabled)"},
    # database UIs: whoever reaches them gets a login form to every database they can reach
    "adminer": {8080: "Adminer (a database UI)"}, "phpmyadmin": {80: "phpMyAdmin (a database UI)"},
    "pgadmin4": {80: "pgAdmin (a database UI)", 443: "pgAdmin (a database UI)"},
    "mongo-express": {8081: "mongo-express (a database UI)"}, "redis-commander": {8081: "Redis Commander (a database UI)"},
}


def exposed_ports(ctx: Context):
    for name, svc in ctx.model.services.items():
        if not svc.ports:
            continue  # nothing published (most services): the image's own admin ports do not matter
        extra = IMAGE_ADMIN_PORTS.get(svc.image_name.last_component, {}) if svc.image_name else {}
        for port in svc.ports:
            if port.mode == "host":
                continue  # not on the routing mesh (`mode: HOST` too: the daemon upper-cases it)
            found = _admin_port(port, extra)
            if found is None:
                continue
            target, what = found
            published = port.published_of(target)
            where = f"port {published}" if published else "a port Swarm picks"
            shown = f"port {target}" if published in (None, target) else f"port {target}, published as {published}"
            yield ctx.diag("SL208", f"service {name} publishes {what} ({shown}) on the ingress routing mesh: "
                           f"every node accepts connections on {where}", port.path)


def _admin_port(port: PortRange, extra: dict[int, str]) -> tuple[int, str] | None:
    """The lowest target port of the entry that is an admin interface, and what it is."""
    for target in sorted(set(ADMIN_PORTS) | set(extra)):
        if port.target_start <= target <= port.target_end:
            return target, ADMIN_PORTS.get(target) or extra[target]
    return None


# --- SL209 unpinned-image ------------------------------------------------------------------------

# Tags that move on every build of a pre-release channel.
FLOATING_TAGS = frozenset(["latest", "rc", "edge", "nightly", "dev", "develop", "master", "main", "beta",
                           "alpha", "canary", "unstable", "snapshot"])


def unpinned_images(ctx: Context):
    for name, svc in ctx.model.services.items():
        image = svc.image
        if image is None or not image.value.strip():
            continue
        raw = ctx.model.written(image.path)
        message = _unpinned(image.value, svc.image_name, raw if isinstance(raw, str) else image.value)
        if message:
            yield ctx.diag("SL209", f"service {name}: {message}", image.path)


def _unpinned(image: str, name: ImageName, raw: str) -> str | None:
    if name.digest is not None:
        return None  # a digest pins it
    for m in re.finditer(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", raw) if "${" in raw else ():
        if re.search(r"(^|:)latest$", m.group(1)):
            return f"image {raw} falls back to :latest when the variable is unset; pin a version"
    tag = name.tag
    if tag is None:
        return f"image {image} has no tag (:latest); pin a version"
    if tag in FLOATING_TAGS or tag.endswith(("-latest", "_latest")):
        return f"image {image} uses the moving tag :{tag}; pin a version"
    return None

"""SL201-SL209: security hazards Docker accepts, with exact positions and messages."""
from __future__ import annotations

from stacklint.diagnostics import Severity
from stacklint.engine import lint
from stacklint.settings import Settings

from .test_rules_references import apply_fix


def security(lint_text, text, **settings):
    return [d for d in lint_text(text, None, **settings) if d[0].startswith("SL2")]


def diags(text, code):
    return [d for d in lint(text, None, Settings(env={})) if d.code == code]

SOCKETS_AND_HOST_PATHS = """\
services:
  a:
    image: nginx:1.27
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - /run/docker.sock:/s:ro
      - //var/run//docker.sock/:/x
      - /var/run:/host/run
      - /:/rootfs:ro
      - type: bind
        source: /run
        target: /r
        read_only: true
      - type: volume
        source: sock
        target: /v
      - /var/lib/docker.sock.bak:/y
      - sockdir:/z
  b:
    image: nginx:1.27
    volumes:
      - /etc:/host/etc:ro
      - /etc/localtime:/etc/localtime:ro
      - /proc:/host/proc:ro
      - /sys/fs/cgroup:/cg:ro
      - /var/lib/docker/containers:/c:ro
      - /home/alice:/home
      - /home/alice/project:/src
      - ~/.ssh:/root/.ssh:ro
      - /usr/local/bin:/b
      - /usr/share:/s:ro
      - /dev/fuse:/dev/fuse
      - ./data:/data
volumes:
  sock:
    driver: local
    driver_opts:
      type: none
      o: bind
      device: /var/run/docker.sock
  sockdir:
"""


def test_docker_socket_and_sensitive_host_mounts(lint_text):
    assert security(lint_text, SOCKETS_AND_HOST_PATHS) == [
        ('SL201', 5, 9, 'service a mounts the Docker socket /var/run/docker.sock'),
        ('SL201', 6, 9, 'service a mounts the Docker socket /run/docker.sock (read-only does not help)'),
        ('SL201', 7, 9, 'service a mounts the Docker socket /var/run/docker.sock'),
        ('SL201', 8, 9, 'service a mounts /var/run, which contains the Docker socket'),
        ('SL201', 9, 9, 'service a mounts /, which contains the Docker socket (read-only does not help)'),
        ('SL201', 11, 17, 'service a mounts /run, which contains the Docker socket (read-only does not help)'),
        ('SL201', 14, 9, 'service a mounts the Docker socket /var/run/docker.sock'),
        ('SL206', 22, 9, "service b mounts the host's /etc (read-only): the host's configuration, password "
                         'hashes and keys, on every node the service runs on'),
        ('SL206', 24, 9, "service b mounts the host's /proc (read-only): the host's processes and kernel "
                         'settings, on every node the service runs on'),
        ('SL206', 25, 9, "service b mounts the host's /sys/fs/cgroup (read-only): the host's kernel and device "
                         'settings, on every node the service runs on'),
        ('SL206', 26, 9, "service b mounts the host's /var/lib/docker/containers (read-only): every container's "
                         'filesystem, volumes and logs, on every node the service runs on'),
        ('SL206', 27, 9, "service b mounts the host's /home/alice (read-write): a user's home directory (SSH "
                         'keys, credentials), on every node the service runs on'),
        ('SL206', 29, 9, "service b mounts the host's ~/.ssh (read-only): credential files, on every node the "
                         'service runs on'),
        ('SL206', 30, 9, "service b mounts the host's /usr/local/bin (read-write): the host's programs, on every "
                         'node the service runs on'),
        ('SL206', 32, 9, "service b mounts the host's /dev/fuse (read-write): the host's devices, disks "
                         'included, on every node the service runs on'),
    ]


ENVIRONMENT = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: s3cr3t
      POSTGRES_PASSWORD_FILE: /run/secrets/pw
      PGPASSWORD: 123456
      PASSWORD_MIN_LENGTH: 8
      PWD: /srv
      EMPTY_TOKEN: ""
      NULL_TOKEN:
      FROM_ENV_TOKEN: ${TOKEN}
      REQUIRED_SECRET: ${SECRET:?set it}
      DEFAULT_SECRET: ${SECRET:-changeme}
      EMPTY_DEFAULT_SECRET: ${SECRET:-}
      TEMPLATED_TOKEN: "{{.Service.Name}}"
      ENABLED_PASSWORD: true
  app:
    image: example/app:1.0
    environment:
      - API_KEY=abc
      - DATABASE_URL=postgres://app:pw@db:5432/app
      - CACHE_URL=redis://:pw2@cache:6379
      - SAFE_URL=postgres://app:${DB_PW}@db/app
      - NO_PW_URL=http://app@host/
      - GITHUB_TOKEN
      - SECRET_KEY_BASE=${RAILS_SECRET:-devsecret}
      - PASSWORD_SECRET=/run/secrets/${S:-pw}
"""


def test_plaintext_secrets_in_environment(lint_text):
    assert security(lint_text, ENVIRONMENT) == [
        ('SL202', 6, 26, 'service db: POSTGRES_PASSWORD is set to a literal secret (****) in the stack file; '
                         'anyone who can read the file or inspect the service sees it. Use a Docker secret (e.g. '
                         'POSTGRES_PASSWORD_FILE=/run/secrets/...) instead'),
        ('SL202', 8, 19, 'service db: PGPASSWORD is set to a literal secret (****) in the stack file; anyone who '
                         'can read the file or inspect the service sees it. Use a Docker secret (e.g. '
                         'PGPASSWORD_FILE=/run/secrets/...) instead'),
        ('SL202', 15, 23, 'service db: DEFAULT_SECRET falls back to a literal secret (${SECRET:-****}) when the '
                          'variable is unset; deploy it from a Docker secret or require it with ${VAR:?message}'),
        ('SL203', 19, 3, 'the implicit network default is an unencrypted overlay and carries credentials or data '
                         'between nodes: service app has credentials (in DATABASE_URL) for service db; encrypt it '
                         'with driver_opts: {encrypted: "true"}'),
        ('SL202', 22, 9, 'service app: API_KEY is set to a literal secret (****) in the stack file; anyone who '
                         'can read the file or inspect the service sees it. Use a Docker secret (e.g. '
                         'API_KEY_FILE=/run/secrets/...) instead'),
        ('SL202', 23, 9, 'service app: DATABASE_URL contains a password inside a URL (postgres://app:****@...); '
                         'pass the password as a Docker secret'),
        ('SL202', 24, 9, 'service app: CACHE_URL contains a password inside a URL (redis://:****@...); pass the '
                         'password as a Docker secret'),
        ('SL202', 28, 9, 'service app: SECRET_KEY_BASE falls back to a literal secret (${RAILS_SECRET:-****}) '
                         'when the variable is unset; deploy it from a Docker secret or require it with '
                         '${VAR:?message}'),
    ]


NETWORKS_AND_PORTS = """\
version: "3.8"
services:
  proxy:
    image: traefik:v2.11
    networks: [front]
    secrets: [tls_key]
    ports:
      - "80:80"
      - target: 8080
        published: 8081
      - target: 8080
        published: 8082
        mode: host
  app:
    image: example/app:1.0
    networks: [front, back, plain]
    secrets: [db_password]
    environment:
      REDIS_HOST: cache
      REDIS_PASSWORD_FILE: /run/secrets/redis
  db:
    image: postgres:16
    networks: [back]
    secrets: [db_password]
    ports: ["5432"]
  cache:
    image: redis:7
    networks: [plain, enc]
  search:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0
    networks: [search]
    deploy:
      replicas: 3
  mongo:
    image: mongo:7
    environment:
      MONGO_INITDB_ROOT_PASSWORD_FILE: /run/secrets/m
    networks: [enc, lonely]
networks:
  front:
  back:
    driver: overlay
  plain:
    driver_opts:
      com.docker.network.driver.mtu: "1400"
  search:
  enc:
    driver_opts:
      encrypted: "false"
  lonely:
secrets:
  tls_key: {external: true}
  db_password: {external: true}
"""


def test_unencrypted_overlays_and_exposed_ports(lint_text):
    assert security(lint_text, NETWORKS_AND_PORTS) == [
        ('SL208', 9, 9, 'service proxy publishes the Traefik API and dashboard (port 8080, published as 8081) on '
                        'the ingress routing mesh: every node accepts connections on port 8081'),
        ('SL208', 25, 13, 'service db publishes PostgreSQL (port 5432) on the ingress routing mesh: every node '
                          'accepts connections on a port Swarm picks'),
        ('SL203', 41, 3, 'network back is an unencrypted overlay and carries credentials or data between nodes: '
                         'services app and db share secret db_password; encrypt it with driver_opts: {encrypted: '
                         '"true"}'),
        ('SL203', 43, 3, 'network plain is an unencrypted overlay and carries credentials or data between nodes: '
                         'service app has credentials (REDIS_PASSWORD_FILE) for service cache; encrypt it with '
                         'driver_opts: {encrypted: "true"}'),
        ('SL203', 46, 3, 'network search is an unencrypted overlay and carries credentials or data between '
                         'nodes: service search (elasticsearch) runs several tasks that replicate data between '
                         'nodes; encrypt it with driver_opts: {encrypted: "true"}'),
    ]


CAPS_MODES_IMAGES = """\
version: "3.8"
services:
  a:
    image: nginx
    cap_add: [NET_RAW, net_admin, CAP_SYS_ADMIN, ALL, chown]
    network_mode: host
    networks:
      hostnet:
      h:
    secrets:
      - source: s
        mode: 400
      - source: s
        target: t2
        mode: 0400
      - source: s
        target: t3
        mode: 0o644
      - source: s
        target: t4
        mode: 420
      - source: s
        target: t5
        mode: 0666
      - source: s
        target: t6
        mode: 644
      - source: s
        target: t7
        mode: 4095
      - source: s
        target: t8
        mode: 292
    configs:
      - source: c
        mode: 755
      - source: c2
        mode: 0755
  b:
    image: example/b:${TAG:-latest}
  c:
    image: ${IMG:-kong:latest}
  d:
    image: registry.local:5000/team/d
  e:
    image: example/e:rc
  f:
    image: example/f:latest@sha256:0e3b5d4c2a1f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d
  g:
    image: zabbix/zabbix-web:alpine-latest
  h:
    image: example/h:stable
networks:
  hostnet: {external: true, name: host}
  h: {external: true}
secrets:
  s: {external: true}
configs:
  c: {external: true}
  c2: {external: true}
"""


def test_capabilities_host_network_modes_and_images(lint_text):
    assert security(lint_text, CAPS_MODES_IMAGES) == [
        ('SL209', 4, 12, 'service a: image nginx has no tag (:latest); pin a version'),
        ('SL204', 5, 24, 'service a adds capability NET_ADMIN: reconfigures interfaces, routes and firewall '
                         "rules (the node's own with the host network)"),
        ('SL204', 5, 35, 'service a adds capability SYS_ADMIN: mounts, namespaces, BPF and more: the usual way '
                         'out of a container'),
        ('SL204', 5, 50, 'service a adds capability ALL: every capability: as good as a privileged container'),
        ('SL205', 6, 19, 'service a asks for network_mode: host; docker stack deploy ignores network_mode (see '
                         "SL306), so the service stays on the stack's networks. For the node's network attach an "
                         'external network named host, and weigh what it exposes'),
        ('SL205', 8, 7, 'service a is attached to network hostnet, the external network "host": it shares the '
                        "node's network stack (its ports open on the node, it reaches services bound to the "
                        "node's localhost, and it leaves the overlay's isolation)"),
        ('SL207', 12, 15, 'service a: secret mode 400 is the decimal number 400 (= 0o620, rw--w----), not the '
                          'octal 0o400 (r--------); YAML needs a leading zero: write 0400'),
        ('SL207', 24, 15, 'service a: secret mode 0666 (= 0o666, rw-rw-rw-) lets other users write the file'),
        ('SL207', 27, 15, 'service a: secret mode 644 is the decimal number 644 (= 0o1204, -w----r--), not the '
                          'octal 0o644 (rw-r--r--); YAML needs a leading zero: write 0644'),
        ('SL207', 30, 15, 'service a: secret mode 4095 (= 0o7777) is not a file permission between 0 and 0o777'),
        ('SL207', 36, 15, 'service a: config mode 755 is the decimal number 755 (= 0o1363, -wxrw--wx), not the '
                          'octal 0o755 (rwxr-xr-x); YAML needs a leading zero: write 0755'),
        ('SL209', 40, 12, 'service b: image example/b:${TAG:-latest} falls back to :latest when the variable is '
                          'unset; pin a version'),
        ('SL209', 42, 12, 'service c: image ${IMG:-kong:latest} falls back to :latest when the variable is '
                          'unset; pin a version'),
        ('SL209', 44, 12, 'service d: image registry.local:5000/team/d has no tag (:latest); pin a version'),
        ('SL209', 46, 12, 'service e: image example/e:rc uses the moving tag :rc; pin a version'),
        ('SL209', 50, 12, 'service g: image zabbix/zabbix-web:alpine-latest uses the moving tag :alpine-latest; '
                          'pin a version'),
    ]




def test_secret_values_never_appear_in_any_message():
    values = ["s3cr3t", "123456", "changeme", "abc", "pw2", "devsecret"]
    for d in lint(ENVIRONMENT, None, Settings(env={})):
        for v in values:
            assert v not in d.message, (d.code, d.message)
        if d.fix:
            assert all(v not in e.new_text for e in d.fix.edits for v in values)


def test_good_patterns_are_never_flagged(lint_text):
    text = """\
services:
  db:
    image: postgres:16
    environment:
      - POSTGRES_PASSWORD_FILE=/run/secrets/db_password
      - MYSQL_ROOT_PASSWORD=/run/secrets/root
      - DB_PASSWORD=${DB_PASSWORD}
      - API_TOKEN=${API_TOKEN:?set it}
      - PGPASSFILE=/secret.env
      - POSTGRES_HOST_AUTH_METHOD=trust
"""
    assert [d for d in security(lint_text, text) if d[0] == "SL202"] == []


def test_overlay_decisions(lint_text):
    """Shared secret: yes; only a proxy and its app, each with its own secret: no; encrypted or external: no."""
    text = """\
services:
  reverse_proxy:
    image: example/proxy:1.0
    networks: [front-tier]
    secrets: [revprox_key]
  appserver:
    image: example/app:1.0
    networks: [front-tier, back-tier, payment, ext]
    secrets: [postgres_password]
  database:
    image: example/db:1.0
    networks: [back-tier, ext]
    secrets: [postgres_password]
  payment_gateway:
    image: example/pay:1.0
    networks: [payment]
    secrets: [postgres_password]
networks:
  front-tier:
  back-tier:
  payment:
    driver: overlay
    driver_opts:
      encrypted: 'yes'
  ext:
    external: true
secrets:
  revprox_key: {external: true}
  postgres_password: {external: true}
"""
    got = [d[:3] for d in security(lint_text, text) if d[0] == "SL203"]
    assert got == [("SL203", 20, 3)]
    (d,) = diags(text, "SL203")
    assert d.path == ("networks", "back-tier")
    assert [(r.message, r.range.start.line) for r in d.related] == [
        ("service appserver is attached here", 5), ("service database is attached here", 9)]


def test_datastore_needs_credentials_and_clients(lint_text):
    base = """\
services:
  db:
    image: postgres:16
{env}  app:
    image: example/app:1.0
"""
    no_creds = base.format(env="")
    with_creds = base.format(env="    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/pw\n")
    alone = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: x\n"
    assert [d for d in security(lint_text, no_creds) if d[0] == "SL203"] == []
    assert [d for d in security(lint_text, alone) if d[0] == "SL203"] == []
    assert [d for d in security(lint_text, with_creds) if d[0] == "SL203"] == [
        ("SL203", 2, 3, 'the implicit network default is an unencrypted overlay and carries credentials or data '
                        'between nodes: service db (postgres, credentials in POSTGRES_PASSWORD_FILE) serves app over '
                        'it; encrypt it with driver_opts: {encrypted: "true"}')]


def test_encrypt_fix_keeps_layout_and_silences_the_rule():
    text = NETWORKS_AND_PORTS
    for d in diags(text, "SL203"):
        fixed = apply_fix(text, d.fix)
        assert d.fix.safe is False
        assert [x.path for x in diags(fixed, "SL203")] == [x.path for x in diags(text, "SL203") if x.path != d.path]
    (plain,) = [d for d in diags(text, "SL203") if d.path == ("networks", "plain")]
    assert apply_fix(text, plain.fix).count('      com.docker.network.driver.mtu: "1400"\n      encrypted: "true"\n') == 1


def test_encrypt_fix_for_the_implicit_default_network():
    text = ("services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/p\n"
            "  app:\n    image: example/app:1.0\nnetworks:\n  other:\n")
    (d,) = diags(text, "SL203")
    fixed = apply_fix(text, d.fix)
    assert fixed == text + '  default:\n    driver_opts:\n      encrypted: "true"\n'
    assert diags(fixed, "SL203") == []


def test_default_severities():
    sev = {d.code: d.severity for text in (CAPS_MODES_IMAGES, SOCKETS_AND_HOST_PATHS, ENVIRONMENT, NETWORKS_AND_PORTS)
           for d in lint(text, None, Settings(env={}))}
    assert sev["SL201"] == Severity.ERROR
    assert {sev[c] for c in ("SL202", "SL203", "SL204", "SL205", "SL206", "SL207", "SL208", "SL209")} == {
        Severity.WARNING}


def test_long_syntax_ports_and_bogus_mode_are_ingress(lint_text):
    text = """\
services:
  db:
    image: redis:7
    ports:
      - target: 6379
        published: 6379
        mode: hots
      - "127.0.0.1:6380:6379"
"""
    assert [d[:3] for d in security(lint_text, text) if d[0] == "SL208"] == [("SL208", 5, 9), ("SL208", 8, 9)]


def test_host_mode_in_any_case_is_off_the_routing_mesh(lint_text):
    # moby daemon/cluster/convert endpointSpecToGRPC upper-cases the mode before its enum lookup:
    # `HOST` is host mode, as SL309 and SL504 read it too; a range is checked without expanding it.
    text = """\
services:
  db:
    image: postgres:16
    ports:
      - {target: 5432, published: 5432, mode: HOST}
      - {target: 6379, published: 6379, mode: Host}
      - "1-65535:1-65535"
"""
    assert [d for d in security(lint_text, text) if d[0] == "SL208"] == [
        ('SL208', 7, 9, 'service db publishes SQL Server (port 1433) on the ingress routing mesh: every node '
                        'accepts connections on port 1433')]


def test_sl203_names_the_host_a_credential_is_for_only_when_the_file_says(lint_text):
    """A credential and a host are paired when the variables share a subject (DB_PASSWORD, DB_HOST)
    or a URL logs in to the host; PGPASSWORD beside REDIS_HOST says the service has credentials and
    talks to redis, not that the credentials are redis's (found in a precision review)."""
    text = """\
services:
  api:
    image: example/api:1
    environment:
      - REDIS_HOST=redis
      - PGPASSWORD=${PG_PASSWORD:?}
  worker:
    image: example/worker:1
    environment:
      - DB_HOST=db
      - DB_PASSWORD=${DB_PASSWORD:?}
      - CACHE_HOST=redis
    networks: [back]
  redis:
    image: redis:7
    networks: [default, back]
  db:
    image: postgres:16
    networks: [back]
networks:
  back:
"""
    assert [f for f in security(lint_text, text) if f[0] == "SL203"] == [
        ('SL203', 2, 3, 'the implicit network default is an unencrypted overlay and carries credentials or data '
                        'between nodes: service api has credentials (PGPASSWORD) and talks to service redis; '
                        'encrypt it with driver_opts: {encrypted: "true"}'),
        ('SL203', 21, 3, 'network back is an unencrypted overlay and carries credentials or data between nodes: '
                         'service worker has credentials (DB_PASSWORD) for service db; encrypt it with '
                         'driver_opts: {encrypted: "true"}'),
    ]

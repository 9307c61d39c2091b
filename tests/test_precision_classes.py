"""The false-positive classes of issue 12, each fixed at its cause.

Each test has the shape of a real case that was reported wrongly and the honest neighbour that
must stay reported, with exact positions and messages.
"""
from __future__ import annotations

LOST = ("its data lives in the task's container and is lost whenever Swarm replaces the task (update, node "
        "failure, reschedule); mount a volume there")


def only(findings, code):
    return [f for f in findings if f[0] == code]


# --- names that look like secrets but are switches (SL202, SL203) ------------------------------------

def test_password_switches_are_not_secrets_but_a_password_still_is(lint_text):
    text = """\
services:
  db:
    image: mariadb:11.4
    environment:
      MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: "yes"
      MYSQL_RANDOM_ROOT_PASSWORD: "yes"
      ALLOW_EMPTY_PASSWORD: "yes"
      MYSQL_ONETIME_PASSWORD: "yes"
      MARIADB_PASSWORD: hunter2
"""
    assert only(lint_text(text), "SL202") == [
        ("SL202", 9, 25, "service db: MARIADB_PASSWORD is set to a literal secret (****) in the stack file; anyone "
                         "who can read the file or inspect the service sees it. Use a Docker secret (e.g. "
                         "MARIADB_PASSWORD_FILE=/run/secrets/...) instead"),
    ]


OVERLAY = """\
services:
  db:
    image: mariadb:11.4
    environment:
      MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: "yes"
  app:
    image: example/app:1.0
networks:
  default:
    driver: overlay
"""


def test_overlay_rule_does_not_cite_a_switch_as_a_credential(lint_text):
    assert only(lint_text(OVERLAY), "SL203") == []
    honest = OVERLAY.replace('MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: "yes"', "MARIADB_ROOT_PASSWORD: ${ROOT_PW}")
    assert only(lint_text(honest, env={"ROOT_PW": "x"}), "SL203") == [
        ("SL203", 9, 3, "network default is an unencrypted overlay and carries credentials or data between nodes: "
                        "service db (mariadb, credentials in MARIADB_ROOT_PASSWORD) serves app over it; encrypt "
                        'it with driver_opts: {encrypted: "true"}'),
    ]


SHARED_SECRET = """\
services:
  app:
    image: example/app:1.0
    secrets:
      - db_password
      - source: db_password
        target: /etc/app/db_password
networks:
  default:
    driver: overlay
secrets:
  db_password:
    external: true
"""


def test_a_service_does_not_share_a_secret_with_itself(lint_text):
    assert only(lint_text(SHARED_SECRET), "SL203") == []
    honest = SHARED_SECRET.replace("networks:\n", "  db:\n    image: example/db:1.0\n    secrets: [db_password]\n"
                                   "networks:\n", 1)
    assert only(lint_text(honest), "SL203") == [
        ("SL203", 12, 3, "network default is an unencrypted overlay and carries credentials or data between "
                         "nodes: services app and db share secret db_password; encrypt it with driver_opts: "
                         '{encrypted: "true"}'),
    ]


TWIN_BOTS = """\
services:
  bot-sol:
    image: node:20.0-bullseye-slim
    secrets: [discord_token, datadog_api_key]
  bot-btc:
    image: node:20.0-bullseye-slim
    secrets: [discord_token, datadog_api_key]
networks:
  default:
    driver: overlay
secrets:
  discord_token:
    external: true
  datadog_api_key:
    external: true
"""


def test_two_instances_of_one_program_sharing_an_outside_key_send_it_nothing(lint_text):
    # out-of-sample batch oos1 (RedactDigital/discord-crypto-bot; a restic job and its backup twin):
    # both use the keys towards Discord and Datadog, not towards each other
    assert only(lint_text(TWIN_BOTS), "SL203") == []
    # the same image as a datastore: the nodes of one cluster authenticate to each other
    galera = TWIN_BOTS.replace("node:20.0-bullseye-slim", "mariadb:11.4")
    assert only(lint_text(galera), "SL203") == [
        ("SL203", 9, 3, "network default is an unencrypted overlay and carries credentials or data between "
                        "nodes: services bot-sol and bot-btc share secret discord_token; encrypt it with "
                        'driver_opts: {encrypted: "true"}'),
    ]


CACHES = """\
services:
  cache:
    image: redis:7-alpine
    command: redis-server --requirepass-file /run/secrets/pw
    deploy:
      mode: global
  web:
    image: someone/flask-redis-app-2
    deploy:
      replicas: 2
networks:
  default:
    driver: overlay
"""


def test_independent_cache_tasks_and_app_images_named_after_redis_do_not_replicate(lint_text):
    assert only(lint_text(CACHES), "SL203") == []
    honest = CACHES.replace("--requirepass-file /run/secrets/pw", "--replicaof cache-primary 6379")
    assert only(lint_text(honest), "SL203") == [
        ("SL203", 12, 3, "network default is an unencrypted overlay and carries credentials or data between "
                         "nodes: service cache (redis) runs several tasks that replicate data between nodes; "
                         'encrypt it with driver_opts: {encrypted: "true"}'),
    ]


# --- database detection (SL404) ------------------------------------------------------------------------

NOT_SERVERS = """\
services:
  zabbix:
    image: zabbix/zabbix-server-mysql:alpine-7.0-latest
  backup:
    image: postgres:16
    command: sh -c "while true; do pg_dump -h db app > /backup/app.sql; sleep 3600; done"
  custom:
    image: registry.example.com/shop/orders-postgres:3
    volumes:
      - orders:/srv/pgdata
  agent:
    image: consul:1.15
    command: agent -retry-join consul-server
  manager:
    image: mongo:7
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
volumes:
  orders:
"""


def test_clients_and_custom_data_directories_are_not_ephemeral_servers(lint_text):
    # zabbix-server-mysql talks to MySQL; a pg_dump loop is a client; a custom image keeps its data
    # where it mounts it; a Consul client agent keeps nothing; the socket is not a data volume
    assert only(lint_text(NOT_SERVERS), "SL404") == [
        ("SL404", 15, 12, f"services.manager runs a mongo server with no volume on its data directory /data/db: {LOST}"),
    ]


SERVERS = """\
services:
  a:
    image: docker.io/bitnami/postgresql:16
  b:
    image: bitnami/postgresql:16
  search:
    image: registry.example.com/logs/es-custom:8
    environment:
      - discovery.type=single-node
  logstash:
    image: registry.example.com/logs/ls-custom:8
    environment:
      - discovery.type=single-node
  consul:
    image: hashicorp/consul:1.18
    command: agent -server -bootstrap-expect 3
  broker:
    image: confluentinc/cp-kafka:7.6.1
  mysql:
    image: kijung2/docker-mysql:latest
    volumes:
      - /srv/mysql/my.cnf:/etc/mysql/conf.d/my.cnf
"""


def test_servers_by_configuration_and_registry_prefix_are_found(lint_text):
    assert only(lint_text(SERVERS), "SL404") == [
        ("SL404", 3, 12, f"services.a runs a postgresql server with no volume on its data directory /bitnami: {LOST}"),
        ("SL404", 5, 12, f"services.b runs a postgresql server with no volume on its data directory /bitnami: {LOST}"),
        ("SL404", 7, 12, f"services.search runs an elasticsearch server with no volume at all: {LOST}"),
        ("SL404", 15, 12, f"services.consul runs a consul server with no volume on its data directory /consul/data: "
                          f"{LOST}"),
        ("SL404", 18, 12, f"services.broker runs a kafka server with no volume at all: {LOST}"),
        ("SL404", 20, 12, f"services.mysql runs a mysql server with no volume for its data (only configuration "
                          f"files): {LOST}"),
    ]


REDIS_PAIR = """\
services:
  redis:
    image: redis:7-alpine
    command: redis-server --appendonly yes
  redis-replica:
    image: redis:7-alpine
    command: redis-server --appendonly yes --maxmemory 256mb
      --replicaof redis 6379
"""


def test_a_redis_replica_refetches_its_data_but_its_primary_keeps_its_own(lint_text):
    # out-of-sample batch oos1 (GhoshNet/Distributed-Traffic-Service): a replaced replica task
    # copies the data again from its primary; the primary without a volume loses it
    assert only(lint_text(REDIS_PAIR), "SL404") == [
        ("SL404", 3, 12, f"services.redis runs a redis server with no volume on its data directory /data: {LOST}"),
    ]


# --- SL206 on single files and subfolders -----------------------------------------------------------

def test_single_configuration_files_are_not_the_hosts_secrets(lint_text):
    text = """\
services:
  app:
    image: example/app:1.0
    volumes:
      - /etc/hosts:/etc/hosts:ro
      - /etc/my.cnf:/etc/my.cnf
      - /root/ssl_certificates:/certs
      - /dev/shm:/dev/shm
      - /etc/shadow:/host/shadow:ro
      - /root:/host/root
      - /root/.ssh:/keys:ro
"""
    assert only(lint_text(text), "SL206") == [
        ("SL206", 9, 9, "service app mounts the host's /etc/shadow (read-only): the host's password hashes, on every "
                        "node the service runs on"),
        ("SL206", 10, 9, "service app mounts the host's /root (read-write): root's home directory (SSH keys, "
                         "credentials), on every node the service runs on"),
        ("SL206", 11, 9, "service app mounts the host's /root/.ssh (read-only): credential files, on every node the "
                         "service runs on"),
    ]


# --- SL208: trusted-only protocols that were missing --------------------------------------------------

def test_more_trusted_only_ports_and_database_uis(lint_text):
    text = """\
services:
  proxysql:
    image: proxysql/proxysql:2.6.3
    ports: ["6032:6032", "6033:6033"]
  spark:
    image: bitnami/spark:3.5
    ports: ["7077:7077"]
  tikv:
    image: pingcap/tikv:v8.1.0
    ports: ["20160:20160"]
  hub:
    image: selenium/hub:4.23
    ports: ["4442:4442", "4444:4444"]
  adminer:
    image: adminer:4.8.1
    ports: ["8080:8080"]
  app:
    image: example/app:1.0
    ports: ["8081:8080"]
"""
    tail = "on the ingress routing mesh: every node accepts connections on port {p}"
    assert only(lint_text(text), "SL208") == [
        ("SL208", 4, 13, "service proxysql publishes the ProxySQL admin interface (port 6032) " + tail.format(p=6032)),
        ("SL208", 7, 13, "service spark publishes the Spark master (anyone can submit jobs) (port 7077) "
                         + tail.format(p=7077)),
        ("SL208", 10, 13, "service tikv publishes TiKV (port 20160) " + tail.format(p=20160)),
        ("SL208", 13, 13, "service hub publishes the Selenium Grid event bus (port 4442) " + tail.format(p=4442)),
        ("SL208", 16, 13, "service adminer publishes Adminer (a database UI) (port 8080) " + tail.format(p=8080)),
    ]


# --- pins that exist but were not credited (SL403, SL301) ------------------------------------------

PINNED_BY_VARIABLE = """\
services:
  minio:
    image: minio/minio:RELEASE.2024-08-03T04-33-23Z
    volumes:
      - data:/data
    deploy:
      placement:
        constraints:
          - node.hostname == ${MINIO_NODE}
  db:
    image: postgres:16
    volumes:
      - pg:/var/lib/postgresql/data
    deploy:
      placement:
        constraints:
          - node.role == ${DB_ROLE}
volumes:
  data:
  pg:
"""


def test_a_variable_pin_is_a_pin_and_its_unset_value_is_not_an_error(lint_text):
    found = lint_text(PINNED_BY_VARIABLE)
    # minio is pinned to a node this lint cannot know; a variable role pins nothing (the neighbour)
    assert only(found, "SL403") == [
        ("SL403", 13, 9, "services.db writes the local volume pg and nothing pins it to one node: a task "
                         "rescheduled elsewhere starts with an empty volume"),
    ]
    # MINIO_NODE is unset here, not necessarily where the stack is deployed: SL005 says so, not SL301
    assert only(found, "SL301") == []
    assert [f[:3] for f in found if f[0] == "SL005"] == [("SL005", 9, 30), ("SL005", 17, 26)]
    # linting in the deploy's own environment, the empty value is what Swarm refuses
    assert only(lint_text(PINNED_BY_VARIABLE, strict_env=True), "SL301") == [
        ("SL301", 9, 13, "value '' is invalid"), ("SL301", 17, 13, "value '' is invalid"),
    ]


# --- follow-on findings of a repeated section (SL104 after SL002) -------------------------------------

def test_a_repeated_volumes_section_does_not_make_its_volumes_undefined(lint_text):
    text = """\
services:
  proxy:
    image: traefik:v3.1
    volumes:
      - certs:/certificates
      - logs:/logs
  web:
    image: nginx:1.27
    networks: [front]
volumes:
  logs:
volumes:
  certs:
"""
    found = lint_text(text)
    assert sorted(f for f in found if f[0] in ("SL002", "SL103", "SL104")) == [
        ("SL002", 12, 1, 'mapping key "volumes" already defined at line 10'),
        # the neighbour: nothing repeats `networks:`, so its undefined network stays reported
        ("SL103", 9, 16, 'service web: undefined network "front"'),
    ]


# --- positions: the node that holds the path ------------------------------------------------------------

def test_long_syntax_host_mounts_are_reported_on_their_source(lint_text):
    text = """\
services:
  agent:
    image: portainer/agent:2.21.0
    volumes:
      - type: bind
        target: /var/run/docker.sock
        source: /var/run/docker.sock
      - /var/run/docker.sock:/sock:ro
"""
    assert [f[:3] for f in lint_text(text) if f[0] == "SL201"] == [("SL201", 7, 17), ("SL201", 8, 9)]


# --- SL309: host-mode ports of services pinned to different nodes -----------------------------------

PINNED_APART = """\
services:
  lb1:
    image: haproxy:3.0
    ports:
      - {target: 80, published: 80, mode: host}
    deploy:
      placement:
        constraints: [node.hostname == edge-1]
  lb2:
    image: haproxy:3.0
    ports:
      - {target: 80, published: 80, mode: host}
    deploy:
      placement:
        constraints: [node.hostname == edge-2]
  lb3:
    image: haproxy:3.0
    ports:
      - {target: 443, published: 443, mode: host}
    deploy:
      placement:
        constraints: [node.labels.edge == a]
  lb4:
    image: haproxy:3.0
    ports:
      - {target: 443, published: 443, mode: host}
    deploy:
      placement:
        constraints: [node.labels.edge != a]
  lb5:
    image: haproxy:3.0
    ports:
      - {target: 8443, published: 8443, mode: host}
    deploy:
      placement:
        constraints: ["node.hostname == ${EDGE_A}"]
  lb6:
    image: haproxy:3.0
    ports:
      - {target: 8443, published: 8443, mode: host}
    deploy:
      placement:
        constraints: ["node.hostname == ${EDGE_B}"]
  lb7:
    image: haproxy:3.0
    ports:
      - {target: 80, published: 80, mode: host}
    deploy:
      placement:
        constraints: [node.role == manager]
"""


def test_host_ports_of_services_pinned_to_different_nodes_cannot_collide(lint_text):
    # lb1/lb2 by hostname, lb3/lb4 by a label, lb5/lb6 by two variables: never on one node.
    # The neighbour: lb7 (managers) may share a node with lb1 (edge-1) and with lb2 (edge-2), so it
    # stays reported, once per pair (SL309 reports each overlapping pair).
    found = [f for f in lint_text(PINNED_APART) if f[0] == "SL309"]
    assert [(f[:3], f[3].split("by service ")[1][:5]) for f in found] == [
        (("SL309", 47, 9), "'lb1'"), (("SL309", 47, 9), "'lb2'")]


# --- SL105: configs a proxy reads by label through the Docker API -------------------------------------

BY_LABEL = """\
services:
  caddy:
    image: lucaslorentz/caddy-docker-proxy:2.9
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
configs:
  site:
    file: ./Caddyfile
    labels:
      caddy: ""
  leftover:
    file: ./old.conf
"""


def test_labelled_configs_read_through_the_api_are_used(lint_text):
    # the neighbour: an unlabelled config nobody mounts stays unused
    assert [f[:3] for f in lint_text(BY_LABEL) if f[0] == "SL105"] == [("SL105", 11, 3)]
    # without a service that reads the API, the labels make nobody read it
    no_reader = BY_LABEL.replace("    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n", "")
    assert [f[:3] for f in lint_text(no_reader) if f[0] == "SL105"] == [("SL105", 5, 3), ("SL105", 9, 3)]


def test_a_password_variable_holding_a_file_path_is_not_a_literal_password(lint_text):
    text = """\
services:
  app:
    image: example/app:1.0
    environment:
      KEY_FILE_PASSWORD: /etc/app/key.pass
      ADMIN_PASSWORD_FILE: /etc/app/admin.pass
      SMTP_PASSWORD: /not-a-path
"""
    # the neighbour: one slash is not a path of a file, it is a (strange) password
    assert [f[:3] for f in lint_text(text) if f[0] == "SL202"] == [("SL202", 7, 22)]


def test_a_local_volume_binding_a_host_folder_is_judged_like_a_bind_mount(lint_text):
    # FHEMSwarm's shape: the local driver binding /nfsdata/... (a shared NFS mount on every node)
    text = """\
services:
  fhem:
    image: fhem/fhem:3.0
    volumes:
      - fhem:/opt/fhem
      - cache:/cache
volumes:
  fhem:
    driver: local
    driver_opts:
      type: none
      o: bind
      device: /nfsdata/fhem
  cache:
    driver_opts:
      type: tmpfs
      device: tmpfs
      o: size=100m
"""
    # the neighbour: a tmpfs of the local driver is on the node that runs the task, and empty
    assert [f for f in lint_text(text) if f[0] == "SL403"] == [
        ("SL403", 6, 9, "services.fhem writes the local volume cache and nothing pins it to one node: a task "
                        "rescheduled elsewhere starts with an empty volume")]

"""SL401-SL405: healthchecks, limits, local volumes, stateful services, reservations."""
from __future__ import annotations

from stacklint.engine import lint
from stacklint.settings import Settings

NO_HEALTHCHECK = "has no healthcheck"
NO_LIMITS = "has no deploy.resources.limits"


def test_sl401_sl402_on_the_service_key(lint_text):
    text = """\
services:
  web:
    image: nginx:1.27
  batch:
    image: busybox:1.36
    healthcheck:
      disable: true
    deploy:
      resources:
        limits:
          memory: 64M
  probe:
    image: busybox:1.36
    healthcheck:
      test: ["NONE"]
    deploy:
      resources:
        limits: {}
"""
    assert [f for f in lint_text(text) if f[0] in ("SL401", "SL402")] == [
        ("SL401", 2, 3, f"services.web {NO_HEALTHCHECK}"),
        ("SL402", 2, 3, f"services.web {NO_LIMITS}"),
        ("SL402", 12, 3, f"services.probe {NO_LIMITS}"),
    ]
    severities = {d.code: d.severity.label for d in lint(text, None, Settings(env={}))}
    assert severities["SL401"] == severities["SL402"] == "info"


UNPINNED_TAIL = "a task rescheduled elsewhere starts with an empty volume"

VOLUMES = """\
version: "3.8"
services:
  db:
    image: postgres:16
    volumes:
      - db-data:/var/lib/postgresql/data
    deploy:
      placement:
        constraints: [node.role == manager]
  cache:
    image: redis:7.4
    volumes:
      - type: volume
        source: cache
        target: /data
  pinned:
    image: mariadb:11.4
    volumes:
      - maria:/var/lib/mysql
    deploy:
      placement:
        constraints: ["node.hostname == db-1"]
  labelled:
    image: mongo:7
    volumes:
      - mongo:/data/db
    deploy:
      placement:
        constraints: ["node.labels.mongo == true", "node.role == worker"]
  readers:
    image: nginx:1.27
    volumes:
      - shared:/usr/share/nginx/html:ro
      - type: volume
        source: shared
        target: /srv
        read_only: true
  agent:
    image: portainer/agent:2.21.0
    volumes:
      - agent:/data
    deploy:
      mode: global
  store:
    image: minio/minio:RELEASE.2024-08-17T01-24-54Z
    volumes:
      - nfsdata:/data
      - ext:/ext
      - plugin:/plugin
  job:
    image: busybox:1.36
    volumes:
      - scratch:/scratch
    deploy:
      mode: replicated-job
volumes:
  db-data:
  cache:
    driver: local
  maria:
  mongo:
  shared:
  agent:
  nfsdata:
    driver_opts: {type: nfs, o: "addr=10.0.0.1", device: ":/exports"}
  ext:
    external: true
  plugin:
    driver: rexray/ebs
  scratch:
"""


def test_sl403_local_volumes_without_a_pin(lint_text):
    assert [f for f in lint_text(VOLUMES) if f[0] == "SL403"] == [
        ("SL403", 6, 9, "services.db writes the local volume db-data and nothing pins it to one node "
                        f"('node.role == manager' alone does not): {UNPINNED_TAIL}"),
        ("SL403", 13, 9, f"services.cache writes the local volume cache and nothing pins it to one node: {UNPINNED_TAIL}"),
        ("SL403", 53, 9, f"services.job writes the local volume scratch and nothing pins it to one node: "
                         f"{UNPINNED_TAIL}"),
    ]


def test_sl404_stateful_servers_without_their_data_volume(lint_text):
    text = """\
services:
  search:
    image: docker.elastic.co/elasticsearch/elasticsearch-oss:6.4.0
    volumes:
      - /srv/es.yml:/usr/share/elasticsearch/config/elasticsearch.yml
  db:
    image: dockersamples/atsea_db
    environment:
      POSTGRES_USER: gordonuser
  pg:
    image: postgres:16
    environment:
      PGDATA: /pgdata
    volumes:
      - pg:/var/lib/postgresql/data
  git:
    image: gitlab/gitlab-ce:17.3.0-ce.0
    tmpfs: /var/opt/gitlab
  queue:
    image: redis:7.4
    command: redis-server --appendonly yes
  cache:
    image: redis:7.4
  mq:
    image: bitnami/rabbitmq:3.13
    volumes:
      - mq:/bitnami/rabbitmq/mnesia
  exporter:
    image: prometheuscommunity/postgres-exporter:v0.15.0
  ui:
    image: mongo-express:1.0
  mysql:
    image: mysql:8.4
    volumes:
      - /srv/mysql:/var/lib/mysql
  plain:
    image: example/orders_db
volumes:
  pg:
  mq:
"""
    lost = ("its data lives in the task's container and is lost whenever Swarm replaces the task (update, node "
            "failure, reschedule); mount a volume there")
    assert [f for f in lint_text(text) if f[0] == "SL404"] == [
        ("SL404", 3, 12, "services.search runs an elasticsearch server with no volume on its data directory "
                         f"/usr/share/elasticsearch/data: {lost}"),
        # a custom image built on postgres: its data directory is its own, so no mount at all is the finding
        ("SL404", 7, 12, f"services.db runs a postgres server with no volume at all: {lost}"),
        ("SL404", 11, 12, f"services.pg runs a postgres server with no volume on its data directory /pgdata: {lost}"),
        ("SL404", 17, 12, f"services.git runs a gitlab server with no volume on its data directory /var/opt/gitlab: "
                          f"{lost}"),
        ("SL404", 20, 12, f"services.queue runs a redis server with no volume on its data directory /data: {lost}"),
        ("SL404", 37, 12, f"services.plain runs a db server with no volume at all: {lost}"),
    ]


def test_sl404_a_data_directory_moved_on_the_command_line(lint_text):
    """redis-server --dir, mongod --dbpath, mysqld --datadir move the data: a volume there keeps it
    (a precision review found redis --dir /home/opc/gpmap_data/redis under a volume flagged)."""
    text = """\
services:
  kept:
    image: redis:7-alpine
    command: redis-server --save 60 1 --dir /srv/app/redis
    volumes: [app:/srv/app]
  lost:
    image: redis:7-alpine
    command: ["redis-server", "--appendonly", "yes", "--dir", "/srv/redis"]
    volumes: [cache:/data]
  mongo:
    image: mongo:7
    command: mongod --dbpath=/db
    volumes: [db:/db]
  maria:
    image: mariadb:11
    command: --datadir '/var/db'
volumes:
  app:
  cache:
  db:
"""
    lost = ("its data lives in the task's container and is lost whenever Swarm replaces the task (update, node "
            "failure, reschedule); mount a volume there")
    assert [f for f in lint_text(text) if f[0] == "SL404"] == [
        ("SL404", 7, 12, f"services.lost runs a redis server with no volume on its data directory /srv/redis: {lost}"),
        ("SL404", 15, 12, f"services.maria runs a mariadb server with no volume on its data directory /var/db: {lost}"),
    ]


def test_sl405_reservations_above_limits(lint_text):
    text = """\
services:
  web:
    image: nginx:1.27
    deploy:
      resources:
        limits: {memory: 512M, cpus: "0.5"}
        reservations: {memory: 1G, cpus: "1/2"}
  worker:
    image: busybox:1.36
    deploy:
      resources:
        limits: {cpus: "0.25", memory: 1073741824}
        reservations: {cpus: 0.5, memory: 1024M}
"""
    assert [f for f in lint_text(text) if f[0] == "SL405"] == [
        ("SL405", 7, 32, "deploy.resources.reservations.memory (1G) is above limits.memory (512M): Docker accepts "
                         "it, and the scheduler reserves the full 1G of memory on the node while the task may only "
                         "use 512M"),
        ("SL405", 13, 30, "deploy.resources.reservations.cpus (0.5) is above limits.cpus (0.25): Docker accepts it, "
                          "and the scheduler reserves the full 0.5 CPUs on the node while the task may only use 0.25"),
    ]
    [first, _] = [d for d in lint(text, None, Settings(env={})) if d.code == "SL405"]
    [rel] = first.related
    assert (rel.message, rel.range.start.line, rel.range.start.column) == ("limits.memory", 5, 25)

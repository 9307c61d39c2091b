"""SL501-SL504 on hand-written inventories: exact (code, line, column, message)."""
from __future__ import annotations

import pytest

from stacklint.inventory import parse_inventory

CLUSTER = parse_inventory({
    "format": "stacklint-inventory", "version": 1,
    "docker_host": "tcp://swarm.example:2376",
    "nodes": [
        {"hostname": "m1", "role": "manager", "platform": {"os": "linux", "arch": "x86_64"}},
        {"hostname": "w1", "role": "worker", "labels": {"zone": "eu"}, "platform": {"os": "linux", "arch": "x86_64"}},
        {"hostname": "w2", "role": "worker", "labels": {"zone": "eu", "gpu": "yes"}, "availability": "drain"},
        {"hostname": "w3", "role": "worker", "labels": {"zone": "us"}, "state": "down"},
    ],
    "secrets": ["db_password", "shared_token"],
    "configs": ["nginx_conf"],
    "networks": [{"name": "proxy", "driver": "overlay", "scope": "swarm"},
                 {"name": "lan", "driver": "macvlan", "scope": "local"}],
    "volumes": [{"name": "pgdata", "driver": "local", "scope": "local"}],
    "services": [
        {"name": "shop_web", "stack": "shop", "published_ports": [{"port": 80, "target": 80}]},
        {"name": "shop_dns", "stack": "shop", "published_ports": [{"port": 53, "protocol": "udp"}]},
        {"name": "edge", "stack": None, "published_ports": [{"port": 9000, "mode": "host"}]},
    ],
})


def only(found, *codes):
    return [f for f in found if f[0] in codes]


def test_without_inventory_the_rules_are_silent(lint_text):
    text = ("services:\n  a:\n    image: x:1\n    secrets: [nope]\n    ports: ['80:80']\n"
            "    deploy: {replicas: 9, placement: {constraints: [node.labels.x == y], max_replicas_per_node: 1}}\n"
            "secrets:\n  nope:\n    external: true\n")
    assert only(lint_text(text), "SL501", "SL502", "SL503", "SL504") == []


def test_sl501_secrets_configs_networks_volumes(lint_text):
    text = """\
version: "3.8"
services:
  api:
    image: example/api:1
    secrets: [db_password, api_key, {source: renamed}]
    configs: [nginx_conf, {source: site}]
    networks: [proxy, lan, backend, host_net]
    volumes: ["pgdata:/data", "cache:/cache", "/srv:/srv"]
secrets:
  db_password:
    external: true
  api_key:
    external: true
  renamed:
    external: true
    name: shared_token
  unused_missing:
    external: true
configs:
  nginx_conf:
    external: true
  site:
    external:
      name: site_v2
networks:
  proxy:
    external: true
  lan:
    external: true
  backend:
  host_net:
    external: true
    name: host
volumes:
  pgdata:
    external: true
  cache:
    external: true
"""
    assert only(lint_text(text, inventory=CLUSTER), "SL501") == [
        ("SL501", 12, 3, "secret api_key is external but this cluster has no secret of that name (used by api): "
                         "`docker stack deploy` fails with \"secret not found: api_key\"; create it first: "
                         "docker secret create api_key FILE"),
        ("SL501", 22, 3, "config site_v2 is external but this cluster has no config of that name (used by api): "
                         "`docker stack deploy` fails with \"config not found: site_v2\"; create it first: "
                         "docker config create site_v2 FILE"),
        ("SL501", 28, 3, "network lan is external but it is a local network on this cluster, not swarm-scoped "
                         "(used by api): `docker stack deploy` fails (\"not in the right scope\"); create a "
                         "swarm-scoped one: docker network create --driver overlay lan"),
        ("SL501", 37, 3, "volume cache is external but tcp://swarm.example:2376 has no volume of that name "
                         "(used by api): Docker does not check external volumes, and the local driver silently "
                         "creates an empty one on whichever node runs the task; create it on every node that "
                         "may run it: docker volume create cache"),
    ]
    severities = {d.range.start.line + 1: d.severity.label for d in _lint(text, CLUSTER) if d.code == "SL501"}
    assert severities == {12: "error", 22: "error", 28: "error", 37: "warning"}


def test_sl501_missing_network_and_absent_sections(lint_text):
    text = ("services:\n  a:\n    image: x:1\n    networks: [ext]\n    secrets: [s]\n"
            "networks:\n  ext:\n    external: true\nsecrets:\n  s:\n    external: true\n")
    assert only(lint_text(text, inventory=CLUSTER), "SL501") == [
        ("SL501", 7, 3, "network ext is external but this cluster has no network of that name (used by a): "
                        "`docker stack deploy` fails; create a swarm-scoped network first: "
                        "docker network create --driver overlay ext"),
        ("SL501", 10, 3, "secret s is external but this cluster has no secret of that name (used by a): "
                         "`docker stack deploy` fails with \"secret not found: s\"; create it first: "
                         "docker secret create s FILE"),
    ]
    # A section the inventory leaves out is unknown, not empty.
    nodes_only = parse_inventory({"format": "stacklint-inventory", "version": 1, "nodes": []})
    assert only(lint_text(text, inventory=nodes_only), "SL501") == []


def _lint(text, inventory, **kw):
    from stacklint.engine import lint
    from stacklint.settings import Settings

    return lint(text, None, Settings(env={}, inventory=inventory, **kw))


PLACED = """\
services:
  pay:
    image: example/pay:1
    deploy:
      placement:
        constraints:
          - node.role == worker
          - node.labels.pcidss == yes
          - node.labels.zone == eu
  gpu:
    image: example/gpu:1
    deploy:
      placement:
        constraints: [node.labels.gpu == yes]
  us:
    image: example/us:1
    deploy:
      mode: global
      placement:
        constraints: ["node.labels.zone==us", "node.role==worker"]
  ok:
    image: example/ok:1
    deploy:
      placement:
        constraints: [node.labels.zone == EU]
  broken:
    image: example/broken:1
    deploy:
      placement:
        constraints: [node.labels.zone = eu, node.labels.nope == x]
"""


def test_sl502(lint_text):
    found = only(lint_text(PLACED, inventory=CLUSTER), "SL502")
    assert found == [
        ("SL502", 8, 13, "service pay: no node of this cluster satisfies its placement constraints (2 ready, "
                         "active nodes), so its tasks stay pending (\"no suitable node\"); closest is w1 (worker), "
                         "which fails 'node.labels.pcidss == yes' (it has no label 'pcidss')"),
        ("SL502", 14, 9, "service gpu: its placement constraints match only w2 (drain), and drained, paused or "
                         "down nodes get no new tasks: its tasks stay pending (\"no suitable node\")"),
        ("SL502", 20, 9, "service us: its placement constraints match only w3 (down), and drained, paused or "
                         "down nodes get no new tasks: its tasks stay pending (\"no suitable node\")"),
    ]


def test_sl502_closest_node_lists_every_failing_constraint():
    text = ("services:\n  a:\n    image: x:1\n    deploy:\n      placement:\n        constraints:\n"
            "          - node.labels.zone == asia\n          - node.platform.arch == amd64\n")
    (d,) = [d for d in _lint(text, CLUSTER) if d.code == "SL502"]
    assert (d.range.start.line + 1, d.range.start.column + 1) == (7, 13)
    assert d.message == ("service a: no node of this cluster satisfies its placement constraints (2 ready, active "
                         "nodes), so its tasks stay pending (\"no suitable node\"); closest is m1 (manager), which "
                         "fails 'node.labels.zone == asia' (it has no label 'zone') and 'node.platform.arch == "
                         "amd64' (its architecture is 'x86_64')")
    assert [(r.message, r.range.start.line + 1) for r in d.related] == [
        ("also fails on m1: node.platform.arch == amd64", 8)]


def test_sl503(lint_text):
    text = """\
version: "3.8"
services:
  capped:
    image: x:1
    deploy:
      replicas: 3
      placement:
        max_replicas_per_node: 1
        constraints: [node.role == worker]
  hostport:
    image: x:1
    ports:
      - {target: 80, published: 8080, mode: host}
    deploy:
      replicas: 3
  fits:
    image: x:1
    deploy:
      replicas: 4
      placement: {max_replicas_per_node: 2}
  ingress:
    image: x:1
    ports: ["8081:80"]
    deploy: {replicas: 10}
  global:
    image: x:1
    ports:
      - {target: 80, published: 8082, mode: host}
    deploy: {mode: global}
"""
    assert only(lint_text(text, inventory=CLUSTER), "SL503") == [
        ("SL503", 6, 17, "service capped: 3 replicas, but only 1 ready, active node (w1) match its placement "
                         "constraints and max_replicas_per_node: 1, so 1 task can run and 2 stay pending "
                         "(\"max replicas per node limit exceed\")"),
        ("SL503", 15, 17, "service hostport: 3 replicas, but the cluster has only 2 ready, active nodes (m1, w1) "
                          "and host-mode port 8080/tcp allows one task per node, so 2 tasks can run and 1 stays "
                          "pending (\"host-mode port already in use\")"),
    ]


PORTS = """\
services:
  web:
    image: x:1
    ports:
      - "80:8080"
      - "53:53/udp"
      - "53:53/tcp"
      - target: 9000
        published: 9000
        mode: host
      - "9000:9000"
      - "8000-8001:80"
"""


def test_sl504(lint_text):
    assert only(lint_text(PORTS, inventory=CLUSTER), "SL504") == [
        ("SL504", 5, 9, "service web: port 80/tcp is already published by service shop_web of stack shop "
                        "(ingress mode): `docker stack deploy` fails with \"port '80' is already in use by service "
                        "'shop_web'\"; if this file is stack shop itself, pass --stack-name shop"),
        ("SL504", 6, 9, "service web: port 53/udp is already published by service shop_dns of stack shop "
                        "(ingress mode): `docker stack deploy` fails with \"port '53' is already in use by service "
                        "'shop_dns'\"; if this file is stack shop itself, pass --stack-name shop"),
        ("SL504", 11, 9, "service web: port 9000/tcp is already published by service edge (not part of a stack) "
                         "(host mode): `docker stack deploy` fails with \"port '9000' is already in use by service "
                         "'edge'\""),
    ]


def test_sl504_ignores_the_stack_being_deployed(lint_text):
    assert [f[1] for f in only(lint_text(PORTS, inventory=CLUSTER, stack_name="shop"), "SL504")] == [11]


@pytest.mark.parametrize("code", ["SL502", "SL503"])
def test_node_rules_need_nodes(lint_text, code):
    no_nodes = parse_inventory({"format": "stacklint-inventory", "version": 1, "secrets": []})
    assert only(lint_text(PLACED, inventory=no_nodes), code) == []

"""SL310, SL313, SL407: rolling updates that stop everything, stall, or cannot see a failure."""
from __future__ import annotations

from stacklint.diagnostics import Severity
from stacklint.engine import lint
from stacklint.settings import Settings


def only(findings, code):
    return [f for f in findings if f[0] == code]


ATSEA = """\
services:
  appserver:
    image: dockersamples/atsea_app:1.0
    deploy:
      replicas: 2
      update_config:
        parallelism: 2
        failure_action: rollback
  starts_first:
    image: example/api:2.3
    deploy:
      replicas: 2
      update_config:
        parallelism: 2
        order: start-first
  below:
    image: example/api:2.3
    deploy:
      replicas: 3
      update_config:
        parallelism: 2
"""


def test_sl310_parallelism_covering_every_replica_with_stop_first(lint_text):
    # the atsea example's appserver; start-first keeps the old tasks until the new ones run;
    # a parallelism below the replicas keeps some serving
    assert only(lint_text(ATSEA), "SL310") == [
        ("SL310", 7, 22, "deploy.update_config.parallelism: 2 with 2 replicas and order stop-first: Swarm stops all "
                         "2 tasks of service appserver together before their replacements start, so nothing serves "
                         "meanwhile; use a parallelism below the replicas, or order: start-first"),
    ]


def test_sl407_rollback_that_cannot_see_a_failure(lint_text):
    assert only(lint_text(ATSEA), "SL407") == [
        ("SL407", 8, 25, "service appserver: update_config.failure_action: rollback, but with no healthcheck and "
                         "no monitor Swarm sees a failed update only when a task exits within 5s"),
    ]
    healthy = ATSEA.replace("        failure_action: rollback\n",
                            "        failure_action: rollback\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n")
    assert only(lint_text(healthy), "SL407") == []
    monitored = ATSEA.replace("        failure_action: rollback\n", "        failure_action: rollback\n"
                              "        monitor: 60s\n")
    assert only(lint_text(monitored), "SL407") == []
    disabled = ATSEA.replace("        failure_action: rollback\n",
                             "        failure_action: rollback\n    healthcheck:\n      disable: true\n")
    assert [f[:3] for f in only(lint_text(disabled), "SL407")] == [("SL407", 8, 25)]
    [d] = [d for d in lint(ATSEA, None, Settings(env={})) if d.code == "SL407"]
    assert d.severity == Severity.INFO


HOST_PORT = """\
services:
  proxy:
    image: traefik:v3.1
    ports:
      - "8080:8080"
      - target: 80
        published: 80
        mode: host
    deploy:
      mode: global
      update_config:
        order: start-first
  api:
    image: example/api:2.3
    ports:
      - target: 8000
        published: 8000
        mode: host
    deploy:
      rollback_config:
        order: start-first
  mesh:
    image: example/api:2.3
    ports:
      - "9000:9000"
    deploy:
      update_config:
        order: start-first
"""


def test_sl313_start_first_with_a_host_mode_port(lint_text):
    assert only(lint_text(HOST_PORT), "SL313") == [
        ("SL313", 12, 16, "deploy.update_config.order: start-first while service proxy publishes port 80 in host "
                          "mode: the new task cannot bind the port on the node where the old one still holds it, "
                          "so Swarm leaves it pending (\"host-mode port already in use\") and the update stalls; "
                          "with mode: global every node runs a task, so it never does. Use order: stop-first, or "
                          "publish the port on ingress"),
        ("SL313", 21, 16, "deploy.rollback_config.order: start-first while service api publishes port 8000 in host "
                          "mode: the new task cannot bind the port on the node where the old one still holds it, "
                          "so Swarm leaves it pending (\"host-mode port already in use\") and the update stalls; it "
                          "goes on only where another eligible node has the port free. Use order: stop-first, or "
                          "publish the port on ingress"),
    ]
    [d] = [d for d in lint(HOST_PORT, None, Settings(env={})) if d.code == "SL313" and d.path[1] == "proxy"]
    assert [(r.message, r.range.start.line + 1) for r in d.related] == [("published in host mode here", 6)]

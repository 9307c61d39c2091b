"""SL312, SL314, SL406: hazards operators report that Docker accepts without a word."""
from __future__ import annotations

from stacklint.diagnostics import Severity
from stacklint.engine import lint
from stacklint.settings import Settings


def only(findings, code):
    return [f for f in findings if f[0] == code]


TRAEFIK = """\
services:
  proxy:
    image: traefik:v2.11
    command:
      - --providers.docker.swarmMode=true
      - --providers.docker.exposedbydefault=false
  web:
    image: nginx:1.27
    labels:
      traefik.enable: "true"
      traefik.http.routers.web.rule: Host(`example.com`)
  api:
    image: example/api:2.3
    labels:
      - traefik.enable=true
      - com.example.team=api
    deploy:
      labels:
        - traefik.enable=true
  docs:
    image: nginx:1.27
    labels:
      - com.example.team=docs
"""


def test_sl312_traefik_labels_on_containers_when_traefik_reads_swarm(lint_text):
    # api repeats its label under deploy.labels and docs has no Traefik label: both are fine
    assert only(lint_text(TRAEFIK), "SL312") == [
        ("SL312", 10, 7, "service web: traefik.enable and 1 more under `labels:` go on the containers, but Traefik "
                         "here reads Swarm services and sees only deploy.labels: the service is invisible to it; move "
                         "them under deploy.labels"),
    ]
    [d] = [d for d in lint(TRAEFIK, None, Settings(env={})) if d.code == "SL312"]
    assert [(r.message, r.range.start.line + 1, r.range.start.column + 1) for r in d.related] == [
        ("Traefik reads Swarm services here", 5, 9)]


def test_sl312_needs_evidence_that_traefik_reads_the_swarm(lint_text):
    no_service_labels = TRAEFIK.replace("    deploy:\n      labels:\n        - traefik.enable=true\n", "")
    # a Traefik reading containers (no swarm mode) sees `labels:` fine
    plain = no_service_labels.replace("      - --providers.docker.swarmMode=true\n", "")
    assert only(lint_text(plain), "SL312") == []
    off = no_service_labels.replace("--providers.docker.swarmMode=true", "--providers.docker.swarmMode=false")
    assert only(lint_text(off), "SL312") == []
    # Traefik lives in another stack, but this file's api labels its service for it: web's are lost
    elsewhere = TRAEFIK.replace("      - --providers.docker.swarmMode=true\n", "")
    assert only(lint_text(elsewhere), "SL312") == [
        ("SL312", 9, 7, "service web: traefik.enable and 1 more under `labels:` go on the containers, but the "
                        "Traefik this stack uses reads service labels (service api puts its own under deploy.labels) "
                        "and sees only deploy.labels: the service is invisible to it; move them under deploy.labels"),
    ]


HOST_TWICE = """\
services:
  web:
    image: nginx:1.27
    ports:
      - target: 80
        published: 7500
        mode: host
      - target: 80
        published: 7501
        mode: host
      - target: 90
        published: 7502
        mode: host
      - "8080:80"
      - "8081:80"
"""


def test_sl314_second_host_mapping_of_a_container_port(lint_text):
    # the ingress pair (8080, 8081 -> 80) is fine: the routing mesh forwards both
    assert only(lint_text(HOST_TWICE), "SL314") == [
        ("SL314", 5, 9, "service web: container port 80/tcp is published twice in host mode (7500 and 7501): the "
                        "service keeps both, but its containers get only the last mapping, so 7500 is silently not "
                        "published (docker/cli#5020); publish each container port once in host mode, or use "
                        "ingress"),
    ]
    udp = HOST_TWICE.replace("        published: 7501\n", "        published: 7501\n        protocol: udp\n")
    assert only(lint_text(udp), "SL314") == []


FILES = """\
services:
  web:
    image: nginx:1.27
secrets:
  token:
    file: ./token.txt
  token_v2:
    file: ./token.txt
  rotated:
    name: rotated_${ROTATED_VERSION}
    file: ./rotated.txt
  outside:
    external: true
configs:
  nginx_conf:
    name: nginx-conf
    file: ./nginx.conf
  dated:
    name: app-2024-06-01
    file: ./app.conf
"""


def test_sl406_file_objects_under_a_name_that_never_changes(lint_text):
    assert only(lint_text(FILES, env={"ROTATED_VERSION": "3"}), "SL406") == [
        ("SL406", 5, 3, "secret token is made from file ./token.txt under the fixed name STACK_token: a deploy "
                        "with changed content fails (\"only updates to Labels are allowed\")"),
        ("SL406", 15, 3, "config nginx_conf is made from file ./nginx.conf under the fixed name nginx-conf: a "
                         "deploy with changed content fails (\"only updates to Labels are allowed\")"),
    ]
    assert {d.severity for d in lint(FILES, None, Settings(env={})) if d.code == "SL406"} == {Severity.INFO}

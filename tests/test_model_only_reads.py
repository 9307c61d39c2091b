"""Acceptance (issue 11): no check reads a service's ports, mounts or image from raw data.

How: every registered check runs on a stack whose service mappings record who reads their
`ports`, `volumes`, `tmpfs` and `image` keys (in the interpolated data and in the raw
document alike). The reader is the innermost stacklint frame outside stacklint.context's
helpers; only stacklint.model may read them. The stack exercises every rule that looks at
ports, mounts or images (SL006, SL101-SL108, SL201-SL209, SL3xx, SL4xx, SL5xx with an
inventory), so a check that went back to raw data makes this test fail.
"""
from __future__ import annotations

import sys

from stacklint.checks import REGISTRY
from stacklint.context import Context
from stacklint.document import parse
from stacklint.settings import Settings

WATCHED = frozenset(["ports", "volumes", "tmpfs", "image"])
ALLOWED = ("stacklint.model",)

STACK = """\
version: "3.8"
services:
  web:
    image: traefik:latest
    ports: ["80:80", "8080:8080", {target: 5432, published: 5432, mode: HOST}, "7000-7010:7000-7010", 8.5, "x"]
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - ./conf:/conf
      - data:/data
      - {type: bind, source: /etc, target: /host-etc}
      - {type: bind, target: /nosource}
      - {type: volume, source: bound, target: /b}
      - ":::"
    tmpfs: /run
    networks: [back]
    secrets: [db_password]
    environment: [DB_HOST=db, DB_PASSWORD=hunter2]
  db:
    image: postgres
    ports: ["5432:5432"]
    volumes: ["a:/data", "undeclared:/u"]
    networks: [back]
    secrets: [db_password]
    deploy:
      replicas: 3
      endpoint_mode: dnsrr
      placement:
        constraints: [node.role == manager, node.labels.zone == a]
volumes:
  data: {}
  a: {}
  bound: {driver_opts: {type: none, o: bind, device: /root}}
networks:
  back: {}
secrets:
  db_password: {external: true}
"""

INVENTORY = {
    "nodes": [{"id": "n1", "hostname": "one", "ip": "10.0.0.1", "role": "manager", "availability": "active",
               "state": "ready", "platform": {"os": "linux", "arch": "x86_64"}, "labels": {}, "engine_labels": {}}],
    "secrets": [], "configs": [], "networks": [], "volumes": [],
    "services": [{"name": "other", "stack": "x", "published_ports": [{"port": 80, "target": 80,
                                                                       "protocol": "tcp", "mode": "ingress"}]}],
}


class Watched(dict):
    """A service mapping that records which module reads a watched key."""
    reads: list = []

    def _note(self, key):
        if key not in WATCHED:
            return
        frame = sys._getframe(2)
        while frame is not None:
            module = frame.f_globals.get("__name__", "")
            if module.startswith("stacklint.") and module != "stacklint.context":
                if not module.startswith(ALLOWED):
                    Watched.reads.append((module, key, frame.f_code.co_name))
                return
            frame = frame.f_back

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


def _watch(data: dict) -> dict:
    out = dict(data)
    out["services"] = {name: Watched(svc) for name, svc in data["services"].items()}
    return out


def test_only_the_model_reads_ports_mounts_and_images():
    doc = parse(STACK)
    doc.data = _watch(doc.data)
    ctx = Context(path=None, doc=doc, data=_watch(doc.data), version="3.8", declared="3.8",
                  settings=Settings(env={}, inventory=INVENTORY))
    Watched.reads = []
    codes = set()
    for _, check in REGISTRY:
        codes.update(d.code for d in check(ctx))
    # the stack does exercise the rules that read ports, mounts and images
    assert {"SL006", "SL104", "SL105", "SL201", "SL206", "SL208", "SL209", "SL308", "SL311", "SL404",
            "SL504"} <= codes
    assert sorted(set(Watched.reads)) == []


def test_the_watch_catches_a_raw_read():
    # the guard itself: a read from outside stacklint.model is recorded
    svc = Watched({"image": "nginx"})
    Watched.reads = []
    from stacklint import credentials  # any stacklint module other than the model and context

    exec("svc.get('image')", {"__name__": credentials.__name__, "svc": svc})
    assert Watched.reads == [("stacklint.credentials", "image", "<module>")]
    Watched.reads = []

"""SL701-SL705, the opt-in hardening set: off by default, exact positions once selected."""
from __future__ import annotations

import subprocess
import sys

from stacklint.engine import lint
from stacklint.settings import Settings

HARDENING = frozenset({"SL701", "SL702", "SL703", "SL704", "SL705"})

STACK = """\
services:
  bare:
    image: nginx:1.27
  root:
    image: example/admin:1.0
    user: "0:0"
    read_only: false
    cap_drop: [NET_RAW]
    logging:
      driver: none
    deploy:
      restart_policy:
        condition: on-failure
  hardened:
    image: example/api:2.3
    user: "1000:1000"
    read_only: true
    cap_drop: [all]
    logging:
      driver: json-file
    deploy:
      restart_policy:
        condition: any
        max_attempts: 5
  never:
    image: example/job:1.0
    user: app
    read_only: true
    cap_drop: [CAP_ALL]
    restart: "no"
"""


def hardening(text, **settings):
    settings.setdefault("env", {})
    return [(d.code, d.range.start.line + 1, d.range.start.column + 1)
            for d in lint(text, None, Settings(**settings)) if d.code in HARDENING]


def test_off_by_default():
    assert hardening(STACK) == []
    assert hardening(STACK, select=frozenset({"SL201"})) == []


def test_each_rule_once_selected_with_exact_positions():
    # `hardened` and `never` (restart "no", CAP_ALL spelled with its prefix) pass every rule
    assert sorted(hardening(STACK, select=HARDENING)) == [
        ("SL701", 2, 3), ("SL701", 6, 11),
        ("SL702", 2, 3), ("SL702", 7, 16),
        ("SL703", 2, 3), ("SL703", 8, 5),
        ("SL704", 10, 15),
        ("SL705", 2, 3), ("SL705", 12, 7),
    ]


def test_messages_say_what_swarm_does():
    found = {(d.code, d.path[1]): d.message for d in lint(STACK, None, Settings(env={}, select=HARDENING))}
    assert found[("SL701", "root")] == ("service root runs as root (user: 0:0); a process that escapes the container "
                                       "is root on the node; use a non-root user")
    assert found[("SL705", "bare")] == ("service bare has no restart_policy: Swarm restarts a failing task for ever "
                                       "(condition any, no max_attempts); set deploy.restart_policy.max_attempts "
                                       "(with a window)")


def test_selected_from_the_command_line(tmp_path):
    path = tmp_path / "docker-stack.yml"
    path.write_text(STACK)
    run = lambda *args: subprocess.run([sys.executable, "-m", "stacklint", "--format", "json", *args, str(path)],  # noqa: E731
                                       capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert '"SL70' not in run().stdout
    selected = run("--select", "SL7").stdout
    assert {c for c in HARDENING if f'"{c}"' in selected} == HARDENING

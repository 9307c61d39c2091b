"""The bundled atsea example gets exactly what an operator expects from the references and
security rules: SL201 on the visualizer's docker.sock, SL106 for the four external secrets,
SL203 on back-tier (the app and the database share the database password over it) and not on
the encrypted payment network nor on front-tier, SL209 for the four untagged images, and
nothing on the correct placement constraints."""
from __future__ import annotations

from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import EXAMPLE


def _diagnostics():
    return lint(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE), Settings(env={}))


def test_references_and_security_findings_are_exactly_these():
    got = [(d.code, d.range.start.line + 1, d.range.start.column + 1) for d in _diagnostics()
           if d.code.startswith(("SL1", "SL2"))]
    assert got == [
        ("SL209", 8, 12),    # reverse_proxy: no tag
        ("SL209", 21, 12),   # database: no tag
        ("SL209", 36, 12),   # appserver: no tag
        ("SL201", 63, 9),    # visualizer: /var/run/docker.sock
        ("SL209", 72, 12),   # payment_gateway: no tag
        ("SL203", 88, 3),    # back-tier
        ("SL106", 95, 3),    # postgres_password
        ("SL106", 97, 3),    # staging_token
        ("SL106", 99, 3),    # revprox_key
        ("SL106", 101, 3),   # revprox_cert
    ]


def test_the_operator_facing_messages():
    by_line = {(d.code, d.range.start.line + 1): d for d in _diagnostics()}
    assert by_line[("SL203", 88)].message.startswith(
        "network back-tier is an unencrypted overlay and carries credentials or data between nodes: services "
        "database and appserver share secret postgres_password")
    assert by_line[("SL106", 95)].message == (
        "secret postgres_password is external: create it before deploying with "
        "`docker secret create postgres_password -` (reads the value from standard input)")
    assert by_line[("SL201", 63)].message.startswith("service visualizer mounts the Docker socket /var/run/docker.sock")


def test_nothing_on_the_correct_constraints():
    constraint_lines = {33, 48, 69, 83, 84}
    assert [(d.code, d.range.start.line + 1) for d in _diagnostics()
            if d.range.start.line + 1 in constraint_lines] == []

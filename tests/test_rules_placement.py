"""SL301-SL305: placement constraints and preferences, with exact positions and messages.

Every row of the modelled swarmkit verdicts (`../shared/oracle/constraint_results.tsv`) is a
case: REJECT gives SL301 with Swarm's message, UNKNOWN-KEY gives SL302, OK gives neither (and
the rows the model marks suspicious give SL303).
"""
from __future__ import annotations

import csv
import json

import pytest

from stacklint.swarm_constraints import ConstraintError, parse

from .conftest import SHARED

ORACLE = SHARED / "oracle" / "constraint_results.tsv"
# Rows the model accepts but that can never match what the key means: SL303's business.
SUSPICIOUS = {"node.role==master", "node.platform.arch==amd64", "node.labels.zone==eu*"}


def _oracle_rows():
    if not ORACLE.exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=f"{ORACLE} is absent"))]
    with open(ORACLE, newline="") as fh:
        return [pytest.param(r["constraint"], r["result"], r["detail"], id=r["constraint"])
                for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def _stack(constraint: str) -> str:
    # A JSON string is a YAML double-quoted scalar; `$$` keeps a literal `$` through interpolation.
    return ("services:\n  web:\n    image: nginx:1.27\n    deploy:\n      placement:\n        constraints:\n"
            f"          - {json.dumps(constraint.replace('$', '$$'))}\n")


@pytest.mark.parametrize("constraint,result,detail", _oracle_rows())
def test_oracle_row(lint_text, constraint, result, detail):
    found = [f for f in lint_text(_stack(constraint)) if f[0] in ("SL301", "SL302", "SL303", "SL304")]
    codes = [f[0] for f in found]
    if result == "REJECT":
        assert found == [("SL301", 7, 13, detail)]
        with pytest.raises(ConstraintError) as err:
            parse(constraint)
        assert str(err.value) == detail
    elif result == "UNKNOWN-KEY":
        assert codes == ["SL302"]
    elif constraint in SUSPICIOUS:
        assert codes == ["SL303"]
    else:
        assert result == "OK" and codes == []


def test_parse_splits_like_swarmkit():
    c = parse(" node.role != worker ")
    assert (c.key, c.operator, c.value) == ("node.role", "!=", "worker")
    # `==` is tried first, even when `!=` comes earlier in the text
    with pytest.raises(ConstraintError, match=r"^key 'node.labels.a!=b' is invalid$"):
        parse("node.labels.a!=b==c")
    # Go's \s is ASCII: a vertical tab inside the value is refused, around it trimmed
    with pytest.raises(ConstraintError, match=r"^value 'a\x0bb' is invalid$"):
        parse("node.labels.x==a\x0bb")
    assert parse("node.labels.x==\x0ba\x0b").value == "a"


SYNTAX = """\
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.role = manager
          - node.role<>worker
          - "node.role===manager"
          - node.role!==manager
          - node.labels.zone==${ZONE}
          - node.labels.rack==${RACK:?set RACK}
"""


def test_sl301_messages_positions_and_fixes(lint_text):
    found = [f for f in lint_text(SYNTAX) if f[0] == "SL301"]
    assert found == [
        ("SL301", 7, 13, "constraint expected one operator from ==, !="),
        ("SL301", 8, 13, "constraint expected one operator from ==, !="),
        ("SL301", 9, 13, "value '=manager' is invalid"),
        ("SL301", 10, 13, "key 'node.role!' is invalid"),
        # ZONE is unset in this lint's environment, which is not the deploy's (strict_env off): the
        # deploy's environment decides the value, SL005 warns that it is unset here (issue 12)
        # a failing `${RACK:?}` stops Docker earlier (SL005); the value is unknown, not invalid
    ]
    # linting in the deploy's own environment: Docker substitutes "" and Swarm refuses the empty value
    strict = [f for f in lint_text(SYNTAX, strict_env=True) if f[0] == "SL301"]
    assert ("SL301", 11, 13, "value '' is invalid") in strict


def test_sl301_fix_rewrites_the_slip_and_keeps_quotes():
    from stacklint.engine import lint
    from stacklint.settings import Settings

    fixes = {d.range.start.line + 1: d.fix for d in lint(SYNTAX, None, Settings(env={}, strict_env=True))
             if d.code == "SL301"}
    assert fixes[11] is None
    edits = {line: (f.title, f.safe, f.edits[0].new_text) for line, f in fixes.items() if f}
    assert edits == {
        7: ("write `node.role == manager`", False, "node.role == manager"),
        8: ("write `node.role!=worker`", False, "node.role!=worker"),
        9: ("write `node.role==manager`", False, '"node.role==manager"'),
        10: ("write `node.role!=manager`", False, "node.role!=manager"),
    }
    r = fixes[9].edits[0].range
    assert (r.start.line, r.start.column, r.end.line, r.end.column) == (8, 12, 8, 33)


NEVER = "so the service never schedules (its tasks stay pending: no suitable node)"


def test_sl302_unknown_keys_with_suggestions(lint_text):
    text = """\
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.rol == manager
          - node.labels == x
          - node.name == web-1
          - node.label.zone == eu
          - Node.Labels.zone == eu
          - ENGINE.labels.ssd == true
          - host.cpu == 8
"""
    head = "is not one Swarm knows: the constraint matches no node, " + NEVER
    assert [f for f in lint_text(text) if f[0] == "SL302"] == [
        ("SL302", 7, 13, f"constraint key 'node.rol' {head}; did you mean 'node.role'?"),
        ("SL302", 8, 13, f"constraint key 'node.labels' {head}; did you mean 'node.labels.<name>'?"),
        ("SL302", 9, 13, f"constraint key 'node.name' {head}; did you mean 'node.hostname'?"),
        ("SL302", 10, 13, f"constraint key 'node.label.zone' {head}; did you mean 'node.labels.zone'?"),
        ("SL302", 13, 13, f"constraint key 'host.cpu' {head}; Swarm knows node.id, node.hostname, node.ip, "
                          "node.role, node.platform.os, node.platform.arch, node.labels.<name> and "
                          "engine.labels.<name>"),
    ]


def test_sl303_values_no_node_has(lint_text):
    text = """\
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.role == master
          - node.role != master
          - node.platform.arch == arm64
          - node.platform.os == ubuntu
          - node.ip == 10.0.0.300
          - node.ip != 10.0.0.0/255.255.255.0
          - node.hostname == web-*
          - node.platform.arch == X86_64
          - node.ip == 2001:db8::1
          - node.ip != 10.0.0.5/24
"""
    from stacklint.engine import lint
    from stacklint.settings import Settings

    sev = {d.range.start.line + 1: d.severity.label for d in lint(text, None, Settings(env={})) if d.code == "SL303"}
    assert [f for f in lint_text(text) if f[0] == "SL303"] == [
        ("SL303", 7, 13, "'node.role == master': a node's role is manager or worker (did you mean 'manager'?); "
                         f"as written it matches no node, {NEVER}"),
        ("SL303", 8, 13, "'node.role != master': a node's role is manager or worker (did you mean 'manager'?); "
                         "as written it matches every node and excludes nothing"),
        ("SL303", 9, 13, "'node.platform.arch == arm64': node.platform.arch is the node's `uname -m` (x86_64, "
                         "aarch64, armv7l), not Go's architecture name: write 'aarch64' instead of 'arm64'; "
                         f"as written it matches no node, {NEVER}"),
        ("SL303", 10, 13, "'node.platform.os == ubuntu': node.platform.os is the engine's OS type, linux or "
                          f"windows (not a distribution name); as written it matches no node, {NEVER}"),
        ("SL303", 11, 13, "'node.ip == 10.0.0.300': node.ip takes an IP address or a CIDR subnet (10.0.0.5, "
                          "10.0.0.0/24); '10.0.0.300' is neither, and Swarm then matches no node with either "
                          f"operator, {NEVER}"),
        ("SL303", 12, 13, "'node.ip != 10.0.0.0/255.255.255.0': node.ip takes an IP address or a CIDR subnet "
                          "(10.0.0.5, 10.0.0.0/24); '10.0.0.0/255.255.255.0' is neither, and Swarm then matches "
                          f"no node with either operator, {NEVER}"),
        ("SL303", 13, 13, "'node.hostname == web-*': Swarm compares the whole value literally "
                          "(case-insensitively): 'web-*' is not a glob or a regular expression, it only matches "
                          f"that exact text; as written it matches no node, {NEVER}"),
    ]
    assert sev == {7: "error", 8: "warning", 9: "error", 10: "error", 11: "error", 12: "error", 13: "error"}


def test_sl304_contradictions(lint_text):
    text = """\
services:
  a:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.role == manager
          - node.labels.zone == eu
          - node.role == worker
          - node.labels.zone != EU
  b:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.role != manager
          - node.role != worker
          - node.ip == 10.0.0.5
          - node.ip != 10.0.0.0/24
  ok:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.role == manager
          - node.role == MANAGER
          - node.role != worker
          - node.labels.zone != eu
          - node.labels.zone != us
          - node.labels.Zone == eu
          - node.ip == 10.0.0.5
          - node.ip == 10.0.0.0/24
"""
    tail = f"constraints all apply together and no node can satisfy both, {NEVER}"
    assert [f for f in lint_text(text) if f[0] == "SL304"] == [
        ("SL304", 9, 13, f"'node.role == worker' contradicts 'node.role == manager' (constraint 0): {tail}"),
        ("SL304", 10, 13, f"'node.labels.zone != EU' contradicts 'node.labels.zone == eu' (constraint 1): {tail}"),
        ("SL304", 17, 13, f"'node.role != worker' contradicts 'node.role != manager' (constraint 0): {tail}"),
        ("SL304", 19, 13, f"'node.ip != 10.0.0.0/24' contradicts 'node.ip == 10.0.0.5' (constraint 2): {tail}"),
    ]


def test_sl304_related_points_at_the_other_constraint():
    from stacklint.engine import lint
    from stacklint.settings import Settings

    text = "services:\n  a:\n    image: nginx:1.27\n    deploy:\n      placement:\n        constraints:\n" \
           "          - node.role == manager\n          - node.role == worker\n"
    [d] = [d for d in lint(text, None, Settings(env={})) if d.code == "SL304"]
    [rel] = d.related
    assert rel.message == "contradicted constraint 0"
    assert (rel.range.start.line, rel.range.start.column) == (6, 12)


def test_sl305_preferences(lint_text):
    text = """\
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        preferences:
          - spread: node.labels.zone
          - spread: ENGINE.LABELS.rack
          - spread: node.hostname
          - spread: spread=node.labels.rack
          - spread: node.labels.
          - spread: node.role.manager
"""
    head = "is silently ignored: Swarm only spreads over node.labels.<name> or engine.labels.<name>"
    assert [f for f in lint_text(text) if f[0] == "SL305"] == [
        ("SL305", 9, 21, f"placement preference spread: node.hostname {head}; spreading over node.hostname is "
                         "not supported; Swarm already spreads a service's tasks over the nodes by default"),
        ("SL305", 10, 21, f"placement preference spread: spread=node.labels.rack {head}; 'spread=node.labels.rack' "
                          "is the `docker service create --placement-pref` flag syntax; in a stack file write "
                          "`spread: node.labels.rack`"),
        ("SL305", 11, 21, f"placement preference spread: node.labels. {head}; 'node.labels.' names no label; "
                          "write node.labels.<name>"),
        ("SL305", 12, 21, f"placement preference spread: node.role.manager {head}; a preference cannot select a "
                          "role"),
    ]


def test_atsea_example_constraints_are_clean(lint_text):
    from .conftest import EXAMPLE

    found = [f for f in lint_text(EXAMPLE.read_text(), str(EXAMPLE)) if f[0] in ("SL301", "SL302", "SL303",
                                                                                   "SL304", "SL305")]
    assert found == []

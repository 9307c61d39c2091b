"""swarmkit's constraint parser and NodeMatches, re-implemented (stacklint.swarm_constraints).
tests/test_inventory_swarm.py checks the same cases against the real Swarm's scheduler."""
from __future__ import annotations

import csv

import pytest

from stacklint.swarm_constraints import ConstraintError, explain, node_matches, node_value, parse, parse_all

from .conftest import shared_or_skip

NODE = {
    "id": "zh1w3q1qpla1w46qj8si1pbfd", "hostname": "vm", "ip": "10.0.0.5", "role": "manager",
    "platform": {"os": "linux", "arch": "x86_64"},
    "labels": {"pcidss": "Yes", "zone": "eu-west-1", "Disk": "ssd", "com.example.tier": "front"},
    "engine_labels": {"ssd": "true"},
}


@pytest.mark.parametrize("text, message", [
    ("node.role = manager", "constraint expected one operator from ==, !="),
    ("node.role<>manager", "constraint expected one operator from ==, !="),
    ("node.role===manager", "value '=manager' is invalid"),
    ("node.role!==manager", "key 'node.role!' is invalid"),
    ("node.labels.zone==", "value '' is invalid"),
    ("==manager", "key '' is invalid"),
    ("n==x", "key 'n' is invalid"),
    ("node.labels.a==b,c", "value 'b,c' is invalid"),
    ("node.labels.zone==${ZONE}", "value '${ZONE}' is invalid"),
    ("node.labels.zone==\v", "value '' is invalid"),  # Go's TrimSpace strips \v ...
    ("node.labels.zone==a\vb", "value 'a\vb' is invalid"),  # ... but its regexp \s does not match it
])
def test_parse_refuses_what_swarmkit_refuses(text, message):
    with pytest.raises(ConstraintError) as err:
        parse(text)
    assert str(err.value) == message


def test_parse_splits_at_the_first_operator_and_trims():
    c = parse("  node.labels.zone == eu west ")
    assert (c.key, c.operator, c.value) == ("node.labels.zone", "==", "eu west")
    with pytest.raises(ConstraintError) as err:  # `==` is tried first, wherever it is
        parse("node.labels.a!=b==c")
    assert str(err.value) == "key 'node.labels.a!=b' is invalid"
    c = parse("node.labels.a!=b")
    assert (c.key, c.operator, c.value) == ("node.labels.a", "!=", "b")


def test_parse_agrees_with_the_oracle_table():
    table = shared_or_skip("oracle", "constraint_results.tsv")
    rows = list(csv.reader(table.open(encoding="utf-8"), delimiter="\t"))[1:]
    assert len(rows) > 30
    for text, result, detail in rows:
        if result == "REJECT":
            with pytest.raises(ConstraintError) as err:
                parse(text)
            assert str(err.value) == detail, text
        else:
            c = parse(text)
            assert (node_value(c.key, NODE) is None) == (result == "UNKNOWN-KEY"), text


@pytest.mark.parametrize("constraint, matches", [
    ("node.role == manager", True),
    ("node.role == MANAGER", True),
    ("NODE.ROLE == Manager", True),
    ("node.role == worker", False),
    ("node.role != worker", True),
    ("node.role == master", False),
    ("node.role != master", True),
    ("node.hostname == VM", True),
    ("node.id == zh1w3q1qpla1w46qj8si1pbfd", True),
    ("node.id == zh1w3q", False),  # no prefix matching
    ("node.platform.os == Linux", True),
    ("node.platform.arch == x86_64", True),
    ("node.platform.arch == amd64", False),  # uname -m, not GOARCH
    ("node.platform.arch != amd64", True),
    ("node.labels.pcidss == yes", True),  # values compare case-insensitively
    ("node.labels.PCIDSS == yes", False),  # names are case-sensitive
    ("node.labels.PCIDSS != yes", True),
    ("node.labels.disk == ssd", False),
    ("node.labels.Disk == SSD", True),
    ("Node.Labels.Disk == ssd", True),  # the prefix is not
    ("node.labels.com.example.tier == front", True),
    ("node.labels.zone == eu*", False),  # no globs
    ("node.labels.missing != x", True),  # a missing label compares as ""
    ("node.labels.missing == x", False),
    ("engine.labels.ssd == TRUE", True),
    ("engine.labels.hdd != true", True),
    ("node.name == vm", False),  # unknown key: never matches ...
    ("node.name != vm", False),  # ... whatever the operator
    ("node.labels == x", False),
    ("node.ip == 10.0.0.5", True),
    ("node.ip == ::ffff:10.0.0.5", True),  # Go compares v4 and v4-in-v6 as equal
    ("node.ip != 10.0.0.5", False),
    ("node.ip == 10.0.0.0/24", True),
    ("node.ip == 10.0.0.9/24", True),  # host bits are fine
    ("node.ip != 10.0.0.0/24", False),
    ("node.ip != 10.0.1.0/24", True),
    ("node.ip == 10.0.1.0/24", False),
    ("node.ip == 2001:db8::/32", False),
    ("node.ip == 10.0.0", False),  # malformed: never matches ...
    ("node.ip != 10.0.0", False),  # ... whatever the operator
    ("node.hoſtname == vm", True),  # Go's EqualFold folds the long s into s
    ("node.hostname == VM\u212a", False),
])
def test_node_matches(constraint, matches):
    assert node_matches([parse(constraint)], NODE) is matches


def test_missing_description_compares_as_empty():
    bare = {"role": "worker"}
    assert node_matches(parse_all(["node.hostname != vm", "node.platform.os != linux", "node.labels.a != b",
                                   "engine.labels.a != b"]), bare)
    assert node_matches(parse_all(["node.ip != 10.0.0.1"]), bare)  # no address: not equal
    assert not node_matches(parse_all(["node.ip == 10.0.0.0/8"]), bare)


def test_all_constraints_must_hold():
    assert node_matches(parse_all(["node.role == manager", "node.labels.pcidss == yes"]), NODE)
    assert not node_matches(parse_all(["node.role == manager", "node.labels.pcidss == no"]), NODE)
    assert node_matches([], NODE)


@pytest.mark.parametrize("constraint, why", [
    ("node.role == worker", "its role is 'manager'"),
    ("node.labels.pci == yes", "it has no label 'pci'"),
    ("node.labels.disk == ssd", "it has no label 'disk'; label names are case-sensitive: it has 'Disk'"),
    ("node.labels.zone == us", "its label zone is 'eu-west-1'"),
    ("engine.labels.gpu == yes", "it has no engine label 'gpu'"),
    ("node.platform.arch == amd64", "its architecture is 'x86_64'"),
    ("node.name == vm", "'node.name' is not a constraint key Swarm knows, so no node ever matches it"),
    ("node.ip == 10.0.0", "'10.0.0' is neither an IP address nor a CIDR network, so no node ever matches it"),
    ("node.hostname == web1", "its hostname is 'vm'"),
])
def test_explain(constraint, why):
    assert explain(parse(constraint), NODE) == why

"""Swarm placement constraints as swarmkit reads and matches them.

A model of swarmkit `manager/constraint/constraint.go`: `parse` is its `Parse` for one
expression (same operator order, same split, same regular expressions, same messages) and
`key_kind` is the key dispatch of its `NodeMatches`. The Docker CLI sends constraint strings
verbatim; the manager validates them when the service is created.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Optional

# Tried in this order; the expression is split at the first occurrence of the first one present.
OPERATORS = ("==", "!=")
# Go RE2: `\s` is ASCII whitespace only and `$` is the end of the text, hence fullmatch and the
# explicit class. `(?i)` folds like Go's (Python's Unicode folding matches Go's simple folding
# for the letters involved, Kelvin sign and long s included).
_KEY = re.compile(r"(?i)[a-z_][a-z0-9\-_.]+")
_VALUE = re.compile(r"(?i)[a-z0-9:\-_\t\n\f\r \.\*\(\)\?\+\[\]\\\^\$\|\/]+")

# Go's unicode.IsSpace, which strings.TrimSpace uses.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
            "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

NODE_LABELS = "node.labels."
ENGINE_LABELS = "engine.labels."
# Keys NodeMatches compares with a node attribute (case-insensitive).
FIXED_KEYS = ("node.id", "node.hostname", "node.ip", "node.role", "node.platform.os", "node.platform.arch")


@dataclass(frozen=True)
class Constraint:
    key: str
    operator: str  # "==" or "!="
    value: str

    @property
    def kind(self) -> Optional[str]:
        return key_kind(self.key)

    @property
    def label(self) -> str:
        """The label name of a node.labels./engine.labels. key (case-sensitive, as Swarm reads it)."""
        kind = self.kind
        if kind in (NODE_LABELS, ENGINE_LABELS):
            return self.key[len(kind):]
        return ""


class ConstraintError(ValueError):
    """Swarm rejects the service: the message is swarmkit's, verbatim."""


def parse(expression: str) -> Constraint:
    for op in OPERATORS:
        if op not in expression:
            continue
        raw_key, _, raw_value = expression.partition(op)
        key = raw_key.strip(_GO_SPACE)
        if not _KEY.fullmatch(key):
            raise ConstraintError(f"key '{key}' is invalid")
        value = raw_value.strip(_GO_SPACE)
        if not _VALUE.fullmatch(value):
            raise ConstraintError(f"value '{value}' is invalid")
        return Constraint(key, op, value)
    raise ConstraintError("constraint expected one operator from ==, !=")


def key_kind(key: str) -> Optional[str]:
    """Which NodeMatches branch a key takes: a FIXED_KEYS entry, a label prefix, or None
    (the default branch: the constraint matches no node at all)."""
    low = key.lower()
    if low in FIXED_KEYS:
        return low
    for prefix in (NODE_LABELS, ENGINE_LABELS):
        if len(key) > len(prefix) and low.startswith(prefix):
            return prefix
    return None


def is_ip_or_cidr(value: str) -> bool:
    """What node.ip accepts (net.ParseIP, then net.ParseCIDR); anything else matches no node."""
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        pass
    addr, _, bits = value.partition("/")
    if not bits.isdigit() or not bits.isascii():
        return False  # Go's ParseCIDR wants a decimal prefix length, not a netmask
    try:
        # Go's ParseCIDR allows host bits (10.0.0.5/24); strict=False does the same.
        ipaddress.ip_network(value, strict=False)
        return True
    except ValueError:
        return False

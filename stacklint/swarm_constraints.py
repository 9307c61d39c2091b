"""Swarm placement constraints: swarmkit's parser and its NodeMatches, re-implemented exactly
(swarmkit manager/constraint/constraint.go; docker-facts §4.1, §4.2).

Nodes are inventory node records (see stacklint.inventory): id, hostname, ip, role, platform
{os, arch}, labels, engine_labels. Missing fields behave like swarmkit's missing description:
compared as "".
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from .memo import memo
from .parsers import go_parse_cidr, go_parse_ip
from .record import FrozenRecord

# swarmkit's patterns, `^(?i)[a-z_][a-z0-9\-_.]+$` for keys and
# `^(?i)[a-z0-9:\-_\s\.\*\(\)\?\+\[\]\\\^\$\|\/]+$` for values, as the characters they
# allow. Go's (?i)[a-z] also matches U+017F (long s) and U+212A (Kelvin sign), and its \s is
# ASCII whitespace without \v. (As sets: compiling the two patterns, classes with non-Latin-1
# letters, was 3M instructions of a 260M small lint, more than checking its constraints.)
# (string.ascii_letters and .digits written out: importing string builds its Template class,
# compiling a pattern, for two constants.)
_DIGITS = "0123456789"
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\u017f\u212a")
_KEY_START = _LETTERS | frozenset("_")
_KEY_CHARS = _LETTERS | frozenset(_DIGITS + "-_.")
_VALUE_CHARS = _LETTERS | frozenset(_DIGITS + ":-_\t\n\f\r .*()?+[]\\^$|/")
# unicode.IsSpace, which strings.TrimSpace uses (Python's str.strip also strips \x1c-\x1f).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
            "\u200a\u2028\u2029\u202f\u205f\u3000"
OPERATORS = ("==", "!=")
NODE_LABELS, ENGINE_LABELS = "node.labels.", "engine.labels."


class ConstraintError(ValueError):
    """Swarmkit's own words for a constraint it refuses at service create."""


class Constraint(FrozenRecord):
    _fields = ("key", "operator", "value", "text")
    key: str
    operator: str  # "==" or "!="
    value: str
    text: str  # as written

    def __init__(self, key, operator, value, text):
        self._set(key, operator, value, text)

    def __str__(self) -> str:
        return f"{self.key} {self.operator} {self.value}"


@memo  # several checks parse each service's constraints, and stacks repeat them
def parse(text: str) -> Constraint:
    for op in OPERATORS:
        if op not in text:
            continue
        key, value = text.split(op, 1)
        key, value = key.strip(_GO_SPACE), value.strip(_GO_SPACE)
        if not (len(key) > 1 and key[0] in _KEY_START and _KEY_CHARS.issuperset(key[1:])):
            raise ConstraintError(f"key '{key}' is invalid")
        if not (value and _VALUE_CHARS.issuperset(value)):
            raise ConstraintError(f"value '{value}' is invalid")
        return Constraint(key, op, value, text)
    raise ConstraintError("constraint expected one operator from ==, !=")


# Constraint keys that name particular nodes (a pin), as key_kind returns them.
PIN_KINDS = ("node.hostname", "node.id", "node.labels.", "engine.labels.")


def value_from_environment(written) -> bool:
    """A constraint whose value the stack file leaves to a variable (`node.hostname == ${NODE_1}`):
    what it selects is known only where the stack is deployed, and unknown is not "no pin"."""
    if not isinstance(written, str):
        return False
    for op in OPERATORS:
        if op in written:
            return "$" in written.split(op, 1)[1].replace("$$", "")
    return False


def parse_all(texts: Sequence[str]) -> list[Constraint]:
    return [parse(t) for t in texts]


def _fold(text: str) -> str:
    # strings.EqualFold for strings whose one side is made of _VALUE_CHARS: the only non-ASCII letters
    # that fold to ASCII are long s and the Kelvin sign.
    return text.translate(_FOLD)


_FOLD = {ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_FOLD.update({0x17F: "s", 0x212A: "k"})


def _equal_fold(a: str, b: str) -> bool:
    return _fold(a) == _fold(b)


def _matches(c: Constraint, candidate: str) -> bool:
    equal = _equal_fold(c.value, candidate)
    return equal if c.operator == "==" else not equal


def _ip(text: str):
    import ipaddress

    addr = go_parse_ip(text)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        return addr.ipv4_mapped  # Go's net.IP compares v4 and v4-in-v6 as equal
    return addr


def _network(text: str):
    import ipaddress

    net = go_parse_cidr(text)
    if isinstance(net, ipaddress.IPv6Network) and net.network_address.ipv4_mapped and net.prefixlen >= 96:
        return ipaddress.ip_network(f"{net.network_address.ipv4_mapped}/{net.prefixlen - 96}", strict=False)
    return net


def node_value(key: str, node: Mapping) -> str | None:
    """What the constraint key compares for this node; None for a key swarmkit never matches."""
    k = _fold(key)
    if k == "node.id":
        return node.get("id") or ""
    if k == "node.hostname":
        return node.get("hostname") or ""
    if k == "node.ip":
        return node.get("ip") or ""
    if k == "node.role":
        return (node.get("role") or "").upper()  # the proto enum name: MANAGER / WORKER
    if k == "node.platform.os":
        return (node.get("platform") or {}).get("os") or ""
    if k == "node.platform.arch":
        return (node.get("platform") or {}).get("arch") or ""
    for prefix, field in ((NODE_LABELS, "labels"), (ENGINE_LABELS, "engine_labels")):
        if len(key) > len(prefix) and _fold(key[:len(prefix)]) == prefix:
            # the label name keeps its case: labels are case-sensitive
            return (node.get(field) or {}).get(key[len(prefix):], "")
    return None


FIXED_KEYS = ("node.id", "node.hostname", "node.ip", "node.role", "node.platform.os", "node.platform.arch")


def key_kind(key: str) -> str | None:
    """Which NodeMatches branch a key takes: one of FIXED_KEYS, NODE_LABELS or ENGINE_LABELS for
    a label, or None for a key that matches no node (the linter's SL302)."""
    k = _fold(key)
    if k in FIXED_KEYS:
        return k
    for prefix in (NODE_LABELS, ENGINE_LABELS):
        if len(key) > len(prefix) and _fold(key[:len(prefix)]) == prefix:
            return prefix
    return None


def satisfies(c: Constraint, node: Mapping) -> bool:
    """One constraint of NodeMatches."""
    value = node_value(c.key, node)
    if value is None:
        return False  # unknown key: never matches, whatever the operator
    if _fold(c.key) == "node.ip":
        node_ip = _ip(value)
        want = _ip(c.value)
        if want is not None:
            inside = node_ip is not None and node_ip == want
        else:
            net = _network(c.value)
            if net is None:
                return False  # a malformed address never matches
            inside = node_ip is not None and node_ip.version == net.version and node_ip in net
        return inside if c.operator == "==" else not inside
    return _matches(c, value)


def node_matches(constraints: Sequence[Constraint], node: Mapping) -> bool:
    return all(satisfies(c, node) for c in constraints)


def failing(constraints: Sequence[Constraint], node: Mapping) -> list[tuple[int, Constraint]]:
    """(index, constraint) of each constraint this node fails."""
    return [(i, c) for i, c in enumerate(constraints) if not satisfies(c, node)]


def explain(c: Constraint, node: Mapping) -> str:
    """Why this node fails c, in the node's terms."""
    k = _fold(c.key)
    value = node_value(c.key, node)
    if value is None:
        return f"'{c.key}' is not a constraint key Swarm knows, so no node ever matches it"
    for prefix, field, what in ((NODE_LABELS, "labels", "label"), (ENGINE_LABELS, "engine_labels", "engine label")):
        if k.startswith(prefix):
            name = c.key[len(prefix):]
            labels = node.get(field) or {}
            if name not in labels:
                near = [n for n in labels if n.lower() == name.lower()]
                hint = f"; label names are case-sensitive: it has {near[0]!r}" if near else ""
                return f"it has no {what} {name!r}{hint}"
            return f"its {what} {name} is {labels[name]!r}"
    if k == "node.ip" and _ip(c.value) is None and _network(c.value) is None:
        return f"'{c.value}' is neither an IP address nor a CIDR network, so no node ever matches it"
    names = {"node.id": "ID", "node.hostname": "hostname", "node.ip": "address", "node.role": "role",
             "node.platform.os": "OS", "node.platform.arch": "architecture"}
    shown = value.lower() if k == "node.role" else value
    return f"its {names[k]} is {shown!r}" if shown else f"its {names[k]} is unknown"

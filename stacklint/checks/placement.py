"""SL301-SL305: placement constraints and preferences, judged the way the Swarm manager and
scheduler judge them (swarmkit manager/constraint, manager/scheduler/nodeset.go).

The CLI sends constraints verbatim; the manager rejects a bad expression when the service is
created (SL301, stage "deploy"), and accepts every expression that parses, even one no node
can ever match: then the tasks stay pending with `no suitable node` (SL302-SL304).
"""
from __future__ import annotations

from ..context import Context
from ..model import Val
from ..parsers import go_parse_cidr, go_parse_ip
from ..swarm_constraints import (ENGINE_LABELS, FIXED_KEYS, NODE_LABELS, OPERATORS, Constraint, ConstraintError,
                                 key_kind, parse, satisfies, value_from_environment)
from ..diagnostics import Fix, Related, Severity
from ..edits import replace_scalar

_NEVER = "so the service never schedules (its tasks stay pending: no suitable node)"

# Mistakes seen in real files, mapped to the key that was meant.
_KEY_ALIASES = {
    "node.name": "node.hostname", "node.host": "node.hostname", "node.os": "node.platform.os",
    "node.arch": "node.platform.arch", "node.platform.architecture": "node.platform.arch",
    "node.address": "node.ip", "node.addr": "node.ip", "node.type": "node.role",
    "engine.os": "node.platform.os", "engine.arch": "node.platform.arch",
}
# Go's GOARCH names are not what Docker reports: node.platform.arch is `uname -m`.
_GOARCH_TO_UNAME = {"amd64": "x86_64", "arm64": "aarch64", "386": "i686", "arm": "armv7l"}
_ROLES = ("manager", "worker")
_OSES = ("linux", "windows")
_PATTERN_CHARS = set("*?[]^$|")


def check(ctx: Context):
    for svc in ctx.model.services.values():
        placement = svc.placement
        if placement is None:
            continue
        if placement.constraints:
            yield from _constraints(ctx, placement.constraints, placement.path + ("constraints",))
        if placement.preferences:
            yield from _preferences(ctx, placement.preferences)


def _constraints(ctx: Context, items: tuple[Val, ...], base):
    usable: list[tuple[int, Constraint]] = []
    for item in items:
        text, path = item.value, item.path
        i = path[-1]
        if _not_interpolated(ctx, item) or _left_to_environment(ctx, item):
            continue  # a `${VAR:?...}` Docker refuses first, or an unset variable: SL005 says so
        try:
            c = parse(text)
        except ConstraintError as err:
            yield ctx.diag("SL301", str(err), path, fix=_syntax_fix(ctx, path, text), stage="deploy")
            continue
        if key_kind(c.key) is None:
            yield ctx.diag("SL302", _unknown_key_message(c), path)
            continue
        bad = _bad_value(c)
        if bad:
            message, severity = bad
            yield ctx.diag("SL303", message, path, severity=severity)
            continue
        usable.append((i, c))
    if len(usable) > 1:  # a contradiction takes two
        yield from _contradictions(ctx, usable, base)


def _not_interpolated(ctx: Context, item: Val) -> bool:
    """Interpolation kept the raw text: a substitution failed (SL005), the value is unknown."""
    raw = ctx.model.written(item.path)
    return isinstance(raw, str) and "$" in raw and raw == item.value


def _left_to_environment(ctx: Context, item: Val) -> bool:
    """A variable that this lint's environment lacks emptied the value (`node.hostname == ${NODE}`):
    the deploy's environment decides it, unless that environment is the one we were given."""
    return (not ctx.settings.strict_env and item.value.rstrip(" \t").endswith(OPERATORS)
            and value_from_environment(ctx.model.written(item.path)))


# --- SL301 ----------------------------------------------------------------------------------------
def _syntax_fix(ctx: Context, path, text: str) -> Fix | None:
    """The one-character slips that have an obvious meaning: `=`, `<>`, `===`, `!==`."""
    candidates = []
    if "===" in text:
        candidates.append(text.replace("===", "==", 1))
    if "!==" in text:
        candidates.append(text.replace("!==", "!=", 1))
    if "<>" in text:
        candidates.append(text.replace("<>", "!=", 1))
    if text.count("=") == 1 and "!=" not in text and "<" not in text and ">" not in text:
        candidates.append(text.replace("=", "==", 1))
    for new in candidates:
        try:
            c = parse(new)
        except ConstraintError:
            continue
        if key_kind(c.key) is None:
            continue
        edit = replace_scalar(ctx.doc, path, text, new)
        if edit:
            # Unsafe: the service goes from "refused" to "placed", on our reading of the intent.
            return Fix(f"write `{new.strip()}`", (edit,), safe=False)
    return None


# --- SL302 ----------------------------------------------------------------------------------------
def _unknown_key_message(c: Constraint) -> str:
    key, low = c.key, c.key.lower()
    suggestion = None
    for wrong, right in ((NODE_LABELS[:-1], NODE_LABELS), (ENGINE_LABELS[:-1], ENGINE_LABELS),
                         ("node.label.", NODE_LABELS), ("engine.label.", ENGINE_LABELS),
                         ("node.labels", NODE_LABELS), ("engine.labels", ENGINE_LABELS)):
        if low == wrong or low == right:
            suggestion = f"{right}<name>"
            break
        if low.startswith(wrong) and not low.startswith(right):
            suggestion = right + key[len(wrong):].lstrip(".")
            break
    if suggestion is None:
        suggestion = _KEY_ALIASES.get(low)
    if suggestion is None:
        import difflib  # only for a did-you-mean
        close = difflib.get_close_matches(low, FIXED_KEYS + ("node.labels.<name>", "engine.labels.<name>"), n=1)
        suggestion = close[0] if close else None
    hint = f"; did you mean '{suggestion}'?" if suggestion else (
        "; Swarm knows node.id, node.hostname, node.ip, node.role, node.platform.os, node.platform.arch, "
        "node.labels.<name> and engine.labels.<name>")
    return f"constraint key '{key}' is not one Swarm knows: the constraint matches no node, {_NEVER}{hint}"


# --- SL303 ----------------------------------------------------------------------------------------
def _bad_value(c: Constraint) -> tuple[str, Severity | None] | None:
    """A value the key can never have. With `==` nothing matches (error); with `!=` everything
    does, so the constraint excludes nothing (warning) - except node.ip, which matches no node
    for any operator when the value is not an address."""
    kind, value, op = key_kind(c.key), c.value, c.operator
    low = value.lower()
    where = f"'{c.key} {op} {value}'"
    if kind == "node.ip":
        if not is_ip_or_cidr(value):
            return (f"{where}: node.ip takes an IP address or a CIDR subnet (10.0.0.5, 10.0.0.0/24); "
                    f"'{value}' is neither, and Swarm then matches no node with either operator, {_NEVER}"), None
        return None
    reason = None
    if kind == "node.role" and low not in _ROLES:
        import difflib  # only for a did-you-mean
        close = difflib.get_close_matches(low, _ROLES + ("master",), n=1)
        hint = "manager" if close == ["master"] else (close[0] if close else None)
        reason = "a node's role is manager or worker" + (f" (did you mean '{hint}'?)" if hint else "")
    elif kind == "node.platform.arch" and low in _GOARCH_TO_UNAME:
        reason = (f"node.platform.arch is the node's `uname -m` (x86_64, aarch64, armv7l), not Go's "
                  f"architecture name: write '{_GOARCH_TO_UNAME[low]}' instead of '{value}'")
    elif kind == "node.platform.os" and low not in _OSES:
        reason = "node.platform.os is the engine's OS type, linux or windows (not a distribution name)"
    elif _PATTERN_CHARS & set(value):
        reason = (f"Swarm compares the whole value literally (case-insensitively): '{value}' is not a glob "
                  "or a regular expression, it only matches that exact text")
    if reason is None:
        return None
    if op == "==":
        return f"{where}: {reason}; as written it matches no node, {_NEVER}", None
    return f"{where}: {reason}; as written it matches every node and excludes nothing", Severity.WARNING


# --- SL304 ----------------------------------------------------------------------------------------
def is_ip_or_cidr(value: str) -> bool:
    """What node.ip can match: net.ParseIP, else net.ParseCIDR (a decimal prefix length, no netmask)."""
    return go_parse_ip(value) is not None or go_parse_cidr(value) is not None


def _norm_key(c: Constraint) -> str:
    kind = key_kind(c.key)
    return kind + c.key[len(kind):] if kind in (NODE_LABELS, ENGINE_LABELS) else kind


def _node_with(key: str, value: str) -> dict:
    """A node record (stacklint.inventory's shape) whose attribute for key is value."""
    kind = key_kind(key)
    if kind in (NODE_LABELS, ENGINE_LABELS):
        return {"labels" if kind == NODE_LABELS else "engine_labels": {key[len(kind):]: value}}
    if kind.startswith("node.platform."):
        return {"platform": {kind.rsplit(".", 1)[1]: value}}
    return {kind.split(".", 1)[1]: value}


def _satisfiable(group: list[Constraint]) -> bool:
    """Whether some node satisfies every constraint of a group on one key: only a value one of
    the `==` names can (for node.ip a plain address), or any value at all if there is no `==`."""
    kind = key_kind(group[0].key)
    candidates = [c.value for c in group if c.operator == "==" and (kind != "node.ip" or "/" not in c.value)]
    if not candidates:
        if kind != "node.role":
            # a value none of the `!=` names always exists (node.ip with only subnets: not decided)
            return True
        candidates = list(_ROLES)  # the only two values a role can have
    return any(all(satisfies(c, _node_with(c.key, cand)) for c in group) for cand in candidates)


def _contradictions(ctx: Context, usable: list[tuple[int, Constraint]], base):
    by_key: dict[str, list[tuple[int, Constraint]]] = {}
    for i, c in usable:
        by_key.setdefault(_norm_key(c), []).append((i, c))
    for group in by_key.values():
        if len(group) < 2 or _satisfiable([c for _, c in group]):
            continue
        # Report the first constraint that makes the set unsatisfiable, against one it contradicts.
        for j in range(1, len(group)):
            if not _satisfiable([c for _, c in group[:j + 1]]):
                break
        jpos, later = group[j]
        partners = [(i, c) for i, c in group[:j] if not _satisfiable([c, later])] or group[:j]
        ipos, earlier = partners[0]
        yield ctx.diag(
            "SL304",
            f"'{later.key} {later.operator} {later.value}' contradicts '{earlier.key} {earlier.operator} "
            f"{earlier.value}' (constraint {ipos}): constraints all apply together and no node can satisfy "
            f"both, {_NEVER}",
            base + (jpos,),
            related=(Related(f"contradicted constraint {ipos}", ctx.doc.value_range(base + (ipos,))),))


# --- SL305 ----------------------------------------------------------------------------------------
def _preferences(ctx: Context, items: tuple[Val, ...]):
    for item in items:
        path, spread = item.path, item.value
        low = spread.lower()
        if any(len(spread) > len(p) and low.startswith(p) for p in (NODE_LABELS, ENGINE_LABELS)):
            continue
        descriptor = spread.strip()
        low = descriptor.lower()
        fix = None
        if low.startswith("spread="):
            meant = descriptor[len("spread="):].strip()
            why = (f"'{spread}' is the `docker service create --placement-pref` flag syntax; in a stack file "
                   f"write `spread: {meant}`")
            edit = replace_scalar(ctx.doc, path, spread, meant)
            if edit:
                fix = Fix(f"write `spread: {meant}`", (edit,), safe=False)
        elif low in ("node.id", "node.hostname"):
            why = (f"spreading over {descriptor} is not supported; Swarm already spreads a service's tasks "
                   "over the nodes by default")
        elif low.startswith("node.role"):
            why = "a preference cannot select a role"
        elif low in (NODE_LABELS, ENGINE_LABELS, NODE_LABELS[:-1], ENGINE_LABELS[:-1]):
            why = f"'{spread}' names no label; write {descriptor.rstrip('.')}.<name>"
        else:
            why = f"'{spread}' is not a node or engine label"
        yield ctx.diag("SL305", f"placement preference spread: {spread} is silently ignored: Swarm only "
                       f"spreads over node.labels.<name> or engine.labels.<name>; {why}", path, fix=fix)

"""How many findings one file can produce: a cap per rule and per file, with a closing note.

A 141-byte file can hold 65,535 port clashes; a report that size helps nobody and costs
memory in every front end (a 47 MB editor message per keystroke). Past a cap the findings
are counted, not shown, and one closing finding per rule says how many were left out. Its
severity is the highest of those it stands for, so the exit code does not change.
"""
from __future__ import annotations

from collections.abc import Iterable

from .diagnostics import Diagnostic, Range, Severity
from .record import FrozenRecord

MAX_PER_RULE = 200
MAX_PER_FILE = 1000


class Omitted(FrozenRecord):
    """Yielded by a check in place of findings it counted but did not build (past any cap)."""
    _fields = ("code", "count", "severity", "range")
    code: str
    count: int
    severity: Severity
    range: Range  # where the closing finding goes (the last finding the check did build)

    def __init__(self, code, count, severity, range):
        self._set(code, count, severity, range)


def split(found: Iterable) -> tuple[list[Diagnostic], list[Omitted]]:
    diagnostics, omitted = [], []
    for item in found:
        (omitted if isinstance(item, Omitted) else diagnostics).append(item)
    return diagnostics, omitted


def cap(diagnostics: list[Diagnostic], omitted: list[Omitted]) -> list[Diagnostic]:
    """At most MAX_PER_RULE findings of a rule and MAX_PER_FILE in all (in position order),
    plus one closing finding for each rule that lost some. `diagnostics` must be sorted."""
    hidden: dict[str, list] = {}  # code -> [count, severity, range of the first hidden one]

    def hide(code: str, count: int, severity: Severity, where: Range) -> None:
        entry = hidden.setdefault(code, [0, severity, where])
        entry[0] += count
        entry[1] = max(entry[1], severity)

    for o in omitted:
        hide(o.code, o.count, o.severity, o.range)
    per_rule: dict[str, int] = {}
    shown: list[Diagnostic] = []
    for d in diagnostics:
        n = per_rule.get(d.code, 0)
        if n >= MAX_PER_RULE or len(shown) >= MAX_PER_FILE:
            hide(d.code, 1, d.severity, d.range)
            continue
        per_rule[d.code] = n + 1
        shown.append(d)
    for code, (count, severity, where) in hidden.items():
        limit = f"{MAX_PER_RULE} per rule" if per_rule.get(code, 0) >= MAX_PER_RULE else f"{MAX_PER_FILE} per file"
        shown.append(Diagnostic(code, f"{count:,} more {code} finding{'s' if count != 1 else ''} not shown "
                                f"(stacklint shows at most {limit}); fix these and run again",
                                severity, where))
    return shown

"""Suppression comments, and SL009 for the ones that are unknown or suppress nothing.

    image: nginx  # stacklint: ignore[SL209] pinned by digest at deploy
    # stacklint: ignore[SL201,SL205] the agent needs the socket   <- applies to the next line
    # stacklint: ignore-file[SL401]                                 <- the whole file
Codes or rule names are accepted; a reason after the bracket is free text.
"""
from __future__ import annotations

import re

from .diagnostics import Diagnostic, Range, Severity
from .lazy_regex import LazyRegex
from .record import Record

# What every pragma, well-formed or not, contains: a text without it has none.
MARK = "stacklint:"
_PRAGMA = LazyRegex(r"(?:^|\s)#\s*stacklint:\s*(ignore-file|ignore)\s*\[([^\]]*)\]")
_ANY_PRAGMA = LazyRegex(r"(?:^|\s)#\s*stacklint:\s*(\S*)")


class Pragma(Record):
    _fields = ("line", "applies_to", "codes", "used")
    line: int  # where the comment is
    applies_to: int  # the line it covers (-1: the whole file)
    codes: dict[str, Range]  # code -> where it is written
    used: set[str]

    def __init__(self, line, applies_to, codes, used=None):
        self.line = line
        self.applies_to = applies_to
        self.codes = codes
        self.used = set() if used is None else used


def find(lines: list[str], resolve) -> tuple:
    """Pragmas in the text and SL009 problems with the pragmas themselves.

    resolve(selector) -> tuple of codes, raising KeyError for unknown ones.
    """
    pragmas: list[Pragma] = []
    problems: list[Diagnostic] = []
    for i, line in enumerate(lines):
        if MARK not in line:  # both patterns need it: most lines are told without them
            continue
        m = _PRAGMA.search(line)
        if not m:
            bad = _ANY_PRAGMA.search(line)
            if bad:
                col = bad.start(1)
                problems.append(Diagnostic("SL009", f"malformed stacklint comment `{bad.group(0).strip()}`: "
                                "write `# stacklint: ignore[SL201] reason` or `# stacklint: ignore-file[SL401]`",
                                Severity.WARNING, Range.of(i, col, i, len(line.rstrip()))))
            continue
        kind, inside = m.group(1), m.group(2)
        own_line = line[:m.start()].strip() == ""
        if kind == "ignore-file":
            target = -1
        elif own_line:
            target = _next_content_line(lines, i)
        else:
            target = i
        codes: dict[str, Range] = {}
        offset = m.start(2)
        for part in re.finditer(r"[^,\s]+", inside):
            r = Range.of(i, offset + part.start(), i, offset + part.end())
            try:
                for code in resolve(part.group()):
                    codes[code] = r
            except KeyError:
                problems.append(Diagnostic("SL009", f"unknown rule `{part.group()}` in a stacklint comment",
                                           Severity.WARNING, r))
        pragmas.append(Pragma(i, target, codes))
    return pragmas, problems


def _next_content_line(lines: list[str], i: int) -> int:
    for j in range(i + 1, len(lines)):
        stripped = lines[j].strip()
        if stripped and not stripped.startswith("#"):
            return j
    return i + 1


def apply(diagnostics: list[Diagnostic], pragmas: list[Pragma]) -> list[Diagnostic]:
    """The diagnostics no pragma covers; marks the pragmas that were used."""
    if not pragmas:
        return diagnostics
    by_line: dict[int, list[Pragma]] = {}
    whole = [p for p in pragmas if p.applies_to == -1]
    for p in pragmas:
        if p.applies_to >= 0:
            by_line.setdefault(p.applies_to, []).append(p)
    kept = []
    for d in diagnostics:
        covering = [p for p in whole + by_line.get(d.range.start.line, []) if d.code in p.codes]
        if covering:
            for p in covering:
                p.used.add(d.code)
        else:
            kept.append(d)
    return kept


def unused(pragmas: list[Pragma], enabled) -> list[Diagnostic]:
    out = []
    for p in pragmas:
        for code, r in p.codes.items():
            if code not in p.used and enabled(code) and code != "SL009":
                out.append(Diagnostic("SL009", f"unused suppression: no {code} finding here",
                                      Severity.WARNING, r))
    return out

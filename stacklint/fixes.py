"""Applying fixes to a file's text: what `--fix` and `--diff` do with the findings' fixes.

The same minimal edits the editor's quick fixes make (comments, anchors, quoting and layout
around them untouched). A fix whose edits overlap an edit already taken is left for the next
run, so one run never applies two edits to the same text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Diagnostic
from .document import line_starts, offset_in


@dataclass
class Applied:
    text: str
    fixed: list[Diagnostic] = field(default_factory=list)
    # fixes not applied because they overlap one that was: a second run picks them up
    overlapping: list[Diagnostic] = field(default_factory=list)


def fixable(d: Diagnostic, unsafe: bool) -> bool:
    return d.fix is not None and bool(d.fix.edits) and (d.fix.safe or unsafe)


def apply_fixes(text: str, diagnostics: list[Diagnostic], unsafe: bool = False) -> Applied:
    """text with the fixes of diagnostics applied (safe ones only unless unsafe).

    Positions count the text without a leading BOM, as the engine's do; a BOM stays in place.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    starts = line_starts(body)
    result = Applied(text)
    taken: list[tuple[int, int]] = []
    edits: list[tuple[int, int, str]] = []
    for d in sorted((d for d in diagnostics if fixable(d, unsafe)), key=Diagnostic.sort_key):
        spans = [(offset_in(starts, body, e.range.start), offset_in(starts, body, e.range.end), e.new_text)
                 for e in d.fix.edits]
        if any(_overlaps(a, b, c, dd) for a, b, _ in spans for c, dd in taken):
            result.overlapping.append(d)
            continue
        taken.extend((a, b) for a, b, _ in spans)
        edits.extend(spans)
        result.fixed.append(d)
    for start, end, new_text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        body = body[:start] + new_text + body[end:]
    result.text = bom + body
    return result


def _overlaps(a: int, b: int, c: int, d: int) -> bool:
    """Two edits [a, b) and [c, d) touch the same text (two insertions at one point count too)."""
    return a < d and c < b or a == b == c == d or (a == b and c < a < d) or (c == d and a < c < b)



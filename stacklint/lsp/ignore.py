"""The "Ignore SLnnn on this line" edit, in engine coordinates.

The engine matches a suppression to a finding by the finding's first line, so the comment goes
there: appended to the line, or merged into the stacklint comment already on it. A comment must
never land inside a value: when the line ends inside a multi-line scalar (a block scalar, a
quoted or plain scalar that continues) the comment goes on its own line above instead, which
covers the next line; when the line starts inside such a scalar there is no place for it.
"""
from __future__ import annotations

import re

from ..diagnostics import Range, TextEdit
from ..document import Document
from ..suppress import _PRAGMA

# Codes a suppression comment cannot silence: SL009 is about the comments themselves.
UNSUPPRESSABLE = ("SL009",)
_BLOCK_SCALAR = re.compile(r"(?:[&!]\S*\s+)*[|>]")


def _multiline_scalars(doc: Document) -> list[tuple[Range, bool]]:
    """(value range, is a block scalar) of every scalar that spans lines."""
    out = []
    for path, span in doc.spans.items():
        r = span.value
        if r.start.line == r.end.line or not path:
            continue
        value = _value_at(doc.data, path)
        if isinstance(value, (dict, list)):
            continue
        line = doc.lines[r.start.line] if r.start.line < len(doc.lines) else ""
        out.append((r, bool(_BLOCK_SCALAR.match(line[r.start.column:]))))
    return out


def _value_at(data, path):
    for key in path:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def _line_end_inside(scalars, line: int) -> bool:
    for r, block in scalars:
        first = r.start.line + 1 if block else r.start.line
        if first <= line < r.end.line:
            return True
    return False


def _line_start_inside(scalars, line: int) -> bool:
    for r, block in scalars:
        last = r.end.line - 1 if block else r.end.line
        if r.start.line < line <= last:
            return True
    return False


def ignore_edit(code: str, line: int, lines: list[str], doc: Document | None = None,
                newline: str = "\n") -> TextEdit | None:
    """The edit that suppresses code on line, or None when no comment can do it."""
    if code in UNSUPPRESSABLE or not code:
        return None
    text = lines[line] if 0 <= line < len(lines) else ""
    scalars = _multiline_scalars(doc) if doc is not None and not doc.failed else []
    m = _PRAGMA.search(text)
    if m and m.group(1) == "ignore" and text[:m.start()].strip():
        # A trailing `# stacklint: ignore[...]` already: add the code to its list.
        inside = m.group(2)
        if code in re.findall(r"[^,\s]+", inside):
            return None
        at = m.end(2)
        sep = "," if inside.strip() else ""
        return TextEdit(Range.point(line, at), sep + code)
    if not m and not _line_end_inside(scalars, line):
        end = len(text.rstrip())
        comment = f"  # stacklint: ignore[{code}]" if text.strip() else f"# stacklint: ignore[{code}]"
        return TextEdit(Range.of(line, end, line, len(text)), comment)
    if _line_start_inside(scalars, line):
        return None
    indent = text[:len(text) - len(text.lstrip(" "))]
    return TextEdit(Range.point(line, 0), f"{indent}# stacklint: ignore[{code}]{newline}")

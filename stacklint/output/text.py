"""`path:line:col: CODE message [name]`, one line a finding, then one summary line."""
from __future__ import annotations

import os
from typing import List

from ..diagnostics import FileResult, Severity
from .escape import escape_control

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_RESET = "\x1b[0m"


def use_colour(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def render(results: List[FileResult], colour: bool = False, quiet: bool = False, **_) -> str:
    lines = []
    counts = {s: 0 for s in Severity}
    for result in results:
        path = escape_control(result.path)
        for d in result.diagnostics:
            counts[d.severity] += 1
            code = f"{_COLOURS[d.severity]}{d.code}{_RESET}" if colour else d.code
            name = f" [{d.name}]" if d.name else ""
            lines.append(f"{path}:{d.range.start.line + 1}:{d.range.start.column + 1}: {code} "
                         f"{escape_control(d.message)}{name}")
    if not quiet:
        total = sum(counts.values())
        unread = sum(1 for r in results if r.input_error)
        files = len(results) - unread
        if total:
            parts = [f"{counts[s]} {s.label}{'s' if counts[s] != 1 and s != Severity.INFO else ''}"
                     for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
            lines.append(f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) "
                         f"in {files} file{'s' if files != 1 else ''}.")
        elif files:
            lines.append(f"No problems in {files} file{'s' if files != 1 else ''}.")
        if unread:
            lines.append(f"{unread} file{'s' if unread != 1 else ''} could not be read (see above).")
    return "\n".join(lines) + ("\n" if lines else "")

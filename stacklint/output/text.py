"""Text for people: `path:line:col: SEVERITY CODE message [name]`, then a code frame (the line, a
marker under the range, the fix's title), as ruff's full format does; `concise` is the same
first line without the frame, for scripts. A summary line ends both, with the info findings that
repeat across a file grouped by rule.
"""
from __future__ import annotations

from collections.abc import Sequence
import os
import unicodedata
from collections import Counter

from ..credentials import mask_source_line
from ..diagnostics import Diagnostic, FileResult, Severity
from .escape import escape_control

_COLOURS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.INFO: "\x1b[1;36m"}
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"
COLOR_MODES = ("auto", "always", "never")
TAB_WIDTH = 4
# An info rule that fires on this many places of one run is summed up by rule under the summary.
GROUP_AT = 3


def use_colour(stream, mode: str = "auto", env=None) -> bool:
    """--color: always, never, or auto (NO_COLOR off, FORCE_COLOR on, else only on a terminal)."""
    if mode != "auto":
        return mode == "always"
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _width(char: str) -> int:
    """Terminal columns a character of the frame takes (after escaping and tab expansion)."""
    if char == "\t":
        return TAB_WIDTH
    shown = escape_control(char)
    if shown != char:
        return len(shown)
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _columns(text: str) -> int:
    """Terminal columns a piece of the frame's line takes."""
    if text.isascii() and text.isprintable():  # most lines: one column a character, no tab, no escape
        return len(text)
    return sum(_width(c) for c in text)


def _show(line: str) -> str:
    return escape_control(line.replace("\t", " " * TAB_WIDTH))


def frame(lines: Sequence[str], d: Diagnostic, colour: bool = False) -> list[str]:
    """The finding's first line with carets under its range (to the line's end when it goes on)."""
    r = d.range
    if r.start.line >= len(lines):
        return []
    line = mask_source_line(lines[r.start.line])  # the file's own line, but never a credential's value
    end = r.end.column if r.end.line == r.start.line else len(line)
    start = min(r.start.column, len(line))
    pad = _columns(line[:start])
    carets = "^" * max(1, _columns(line[start:max(end, start)]))
    number = str(r.start.line + 1)
    gutter = " " * len(number)
    bar = f"{_DIM}|{_RESET}" if colour else "|"
    mark = f"{_COLOURS[d.severity]}{carets}{_RESET}" if colour else carets
    out = [f"{gutter} {bar}", f"{number} {bar} {_show(line)}".rstrip(), f"{gutter} {bar} {' ' * pad}{mark}"]
    if d.fix is not None:
        kind = "fix" if d.fix.safe else "unsafe fix"
        out[-1] += f" {kind}: {escape_control(d.fix.title)}"
    return out


def headline(path: str, d: Diagnostic, colour: bool = False) -> str:
    where = f"{path}:{d.range.start.line + 1}:{d.range.start.column + 1}:"
    severity, code = d.severity.label, d.code
    if colour:
        where = f"{_BOLD}{where}{_RESET}"
        severity = f"{_COLOURS[d.severity]}{severity}{_RESET}"
    name = f" [{d.name}]" if d.name else ""
    return f"{where} {severity} {code} {escape_control(d.message)}{name}"


def summary(results: list[FileResult]) -> list[str]:
    tally: Counter = Counter()
    for r in results:
        tally.update(r.tally())
    counts = Counter()
    for (severity, _, _), n in tally.items():
        counts[severity] += n
    total = sum(counts.values())
    unread = sum(1 for r in results if r.input_error)
    files = len(results) - unread
    lines = []
    if total:
        parts = [f"{counts[s]} {s.label}{'s' if counts[s] != 1 and s != Severity.INFO else ''}"
                 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
        lines.append(f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) "
                     f"in {files} file{'s' if files != 1 else ''}.")
        repeated = {(code, name): n for (severity, code, name), n in tally.items() if severity == Severity.INFO}
        groups = [f"{code} [{name}] x{n}" for (code, name), n in sorted(repeated.items()) if n >= GROUP_AT]
        if groups:
            lines.append(f"Repeated info findings: {', '.join(groups)} (`stacklint explain CODE` says why).")
    elif files:
        lines.append(f"No problems in {files} file{'s' if files != 1 else ''}.")
    if unread:
        lines.append(f"{unread} file{'s' if unread != 1 else ''} could not be read (see above).")
    return lines


def render_part(result: FileResult, colour: bool = False, concise: bool = False) -> str:
    """One file's part of the report: each finding's line, and its frame unless concise."""
    lines: list[str] = []
    path = escape_control(result.path)
    source = result.lines
    for d in result.diagnostics:
        lines.append(headline(path, d, colour))
        if not concise:
            lines.extend(frame(source, d, colour))
            lines.append("")
    return "\n".join(lines) + "\n" if lines else ""


def with_part(result: FileResult, colour: bool = False, concise: bool = False) -> FileResult:
    """The result with its part of the report rendered (FileResult.rendered): where it was linted,
    so that `--jobs` workers render their files in parallel (at 12,000 findings rendering takes
    about a quarter of a second, which the main process would otherwise add at the end).

    Its source (text and bytes, kept for --fix) is dropped: the part is all a report reads of it,
    and a worker would otherwise send each file back twice over (13 of the 16 MB that
    benchmarks/jobs.py's 200 files sent). So are its findings, counted first (FileResult.tally:
    what the summary and the exit status read): sending them back as objects took the workers
    and the main process 0.07 s of CPU there, and the run 5% longer."""
    result.rendered = ((colour, concise), render_part(result, colour, concise))
    result.counted = result.tally()
    result.text = result.data = result.diagnostics = None
    return result


def _part(result: FileResult, colour: bool, concise: bool) -> str:
    rendered = result.rendered
    if rendered is None:
        return render_part(result, colour, concise)
    if rendered[0] != (colour, concise):  # its frames cannot be rendered again: the source is gone
        raise ValueError(f"{result.path}: its part of the report was rendered with other options")
    return rendered[1]


def render(results: list[FileResult], colour: bool = False, quiet: bool = False, concise: bool = False,
           **_) -> str:
    parts = [_part(result, colour, concise) for result in results]
    closing = [] if quiet else summary(results)
    if closing:
        parts.append("\n".join(closing) + "\n")
    return "".join(parts)

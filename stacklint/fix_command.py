"""`--fix` and `--diff` on linted files: apply the findings' fixes, write or show the result.

A file is written only when its bytes are still the ones that were linted (an editor or another
tool may have changed it meanwhile); standard input's fixed text goes to standard output.
"""
from __future__ import annotations

import codecs
import difflib
import sys
from collections import Counter
from dataclasses import dataclass, field

from .credentials import mask_source_line
from .diagnostics import FileResult
from .fixes import apply_fixes
from .output.escape import escape_control


@dataclass
class Outcome:
    fixed: Counter = field(default_factory=Counter)  # code -> how many findings were fixed
    overlapping: int = 0
    changed_files: int = 0
    diffs: int = 0
    wrote_stdout: bool = False
    failed: bool = False

    def exit_code(self, results: list[FileResult]) -> int:
        if self.failed or any(r.input_error for r in results):
            return 2
        return 1 if self.diffs else 0


def fix_files(results: list[FileResult], diff: bool, unsafe: bool) -> Outcome:
    outcome = Outcome()
    for result in results:
        if result.input_error or result.text is None:
            continue
        applied = apply_fixes(result.text, result.diagnostics, unsafe=unsafe)
        outcome.overlapping += len(applied.overlapping)
        if applied.text == result.text:
            if result.path == "<stdin>" and not diff:
                _write_stdout(result.text, outcome)
            continue
        outcome.fixed.update(d.code for d in applied.fixed)
        if diff:
            outcome.diffs += 1
            sys.stdout.write(_unified(result.path, result.text, applied.text))
        elif result.path == "<stdin>":
            _write_stdout(applied.text, outcome)
        elif _write(result, applied.text):
            outcome.changed_files += 1
        else:
            outcome.failed = True
    _summary(outcome, diff)
    return outcome


def _write_stdout(text: str, outcome: Outcome) -> None:
    sys.stdout.write(text.lstrip("\ufeff"))
    outcome.wrote_stdout = True


def _unified(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(before.lstrip("\ufeff").splitlines(keepends=True),
                                 after.lstrip("\ufeff").splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    out = []
    masked = 0
    for n, line in enumerate(lines):
        if n >= 2 and line[:1] in (" ", "-", "+"):  # past the two file headers: the file's own lines
            shown = line[:1] + mask_source_line(line[1:])
            masked += shown != line
            line = shown
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    if masked:
        # The diff is for reading (a CI log); the masked lines no longer match the file.
        print(f"stacklint: {escape_control(path)}: the diff shows {masked} line{'s' if masked != 1 else ''} with a "
              "credential's value as asterisks, so it does not apply as a patch; --fix applies the change",
              file=sys.stderr)
    return "".join(out)


def _write(result: FileResult, text: str) -> bool:
    """Write the fixed text unless the file changed since it was read; keep its BOM."""
    try:
        with open(result.path, "rb") as fh:
            now = fh.read(len(result.data) + 1)
    except OSError as err:
        print(f"stacklint: {escape_control(result.path)}: not fixed ({err.strerror or err})", file=sys.stderr)
        return False
    if now != result.data:
        print(f"stacklint: {escape_control(result.path)}: not fixed, it changed while stacklint read it",
              file=sys.stderr)
        return False
    body = text.lstrip("\ufeff").encode("utf-8")
    if result.data.startswith(codecs.BOM_UTF8):
        body = codecs.BOM_UTF8 + body
    try:
        with open(result.path, "wb") as fh:
            fh.write(body)
    except OSError as err:
        print(f"stacklint: {escape_control(result.path)}: not fixed ({err.strerror or err})", file=sys.stderr)
        return False
    return True


def _summary(outcome: Outcome, diff: bool) -> None:
    total = sum(outcome.fixed.values())
    if not total and not outcome.overlapping:
        return
    codes = ", ".join(f"{code} x{n}" if n > 1 else code for code, n in sorted(outcome.fixed.items()))
    verb = "would fix" if diff else "fixed"
    line = f"stacklint: {verb} {total} finding{'s' if total != 1 else ''}" + (f" ({codes})" if codes else "")
    if outcome.overlapping:
        line += (f"; {outcome.overlapping} fix{'es' if outcome.overlapping != 1 else ''} overlap another and "
                 "wait for the next run")
    print(line, file=sys.stderr)

"""What every lint result must satisfy, whatever the input: the checks the fuzzers apply."""
from __future__ import annotations

import json
import re
from xml.etree import ElementTree
from typing import Iterable, List

from stacklint.diagnostics import Diagnostic, FileResult, Range
from stacklint.output import FORMATS, render

# Lines as an editor (and the Language Server Protocol) counts them.
_BREAK = re.compile(r"\r\n|\r|\n")


def editor_lines(text: str) -> List[str]:
    if text.startswith("\ufeff"):
        text = text[1:]  # not content: editors do not show it and do not count it as a column
    return _BREAK.split(text)


def check_range(r: Range, lines: List[str], what: str) -> None:
    for name, pos in (("start", r.start), ("end", r.end)):
        assert 0 <= pos.line < len(lines), f"{what}: {name} line {pos.line} outside the file ({len(lines)} lines)"
        width = len(lines[pos.line])
        assert 0 <= pos.column <= width, \
            f"{what}: {name} column {pos.column} outside line {pos.line} ({width} characters)"
    assert r.end >= r.start, f"{what}: end {r.end} before start {r.start}"


def check_diagnostics(text: str, diagnostics: Iterable[Diagnostic]) -> None:
    lines = editor_lines(text)
    for d in diagnostics:
        assert isinstance(d, Diagnostic)
        assert re.fullmatch(r"SL\d{3}", d.code), d.code
        assert d.message and isinstance(d.message, str), d
        label = f"{d.code} {d.message!r}"
        check_range(d.range, lines, label)
        for rel in d.related:
            check_range(rel.range, lines, label + " related")
        if d.fix is not None:
            for edit in d.fix.edits:
                check_range(edit.range, lines, label + " fix")


def check_input_error(result: FileResult) -> None:
    """A clean input error says which file and where (a line or a byte offset)."""
    assert result.input_error, result
    assert not result.diagnostics
    assert result.input_error.startswith(result.path + ": "), result.input_error
    assert re.search(r"\b(line|byte) \d+", result.input_error), \
        f"input error without a location: {result.input_error!r}"


def check_rendering(results: List[FileResult]) -> dict:
    """Every registered output format renders the results (whatever formats exist by then);
    returns format -> the rendered text."""
    outputs = {}
    for fmt in FORMATS:
        out = outputs[fmt] = render(fmt, results, colour=False, quiet=False)
        assert isinstance(out, str), fmt
        if fmt == "json":
            parsed = json.loads(out)
            assert len(parsed) == sum(len(r.diagnostics) + bool(r.input_error) for r in results)
        elif out.lstrip().startswith(("{", "[")):
            json.loads(out)  # a JSON-based format (SARIF, ...) must stay valid JSON
        elif out.lstrip().startswith("<"):
            ElementTree.fromstring(out.encode("utf-8"))  # an XML format (JUnit, ...) must stay valid XML
    return outputs

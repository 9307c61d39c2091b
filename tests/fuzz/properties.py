"""The properties the fuzzers check, as plain functions of one input (shared by the short run in
tests/test_fuzz.py, the long run in run.py and the atheris harness)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from stacklint import document
from stacklint.diagnostics import FileResult
from stacklint.engine import lint
from stacklint.inventory import load_inventory
from stacklint.runner import lint_path
from stacklint.schema import validate
from stacklint.settings import Settings
from stacklint.source import decode
from stacklint.stack import lint_stack
from stacklint.fixes import apply_fixes

from .invariants import check_diagnostics, check_input_error, check_range, check_rendering, editor_lines

# Interpolation sees a fixed environment with a few set variables (and secret-looking values);
# the cluster-aware rules get the catalogue's example inventory.
ENV = {"VAR": "value", "SECRET": "s3cr3t-value", "X": "", "A": "1"}
INVENTORY = load_inventory(str(Path(__file__).resolve().parents[2] / "rules" / "fixtures" / "swarm-example.json"))
SETTINGS = Settings(env=ENV, inventory=INVENTORY)
_TMP = tempfile.mkdtemp(prefix="stacklint-fuzz-")


def text_property(text: str) -> None:
    """The whole engine on a text: findings inside the file, every output format renders them."""
    doc = document.parse(text)
    lines = editor_lines(text)
    for path, span in doc.spans.items():
        check_range(span.value, lines, f"span of {path}")
        if span.key is not None:
            check_range(span.key, lines, f"key span of {path}")
        check_range(doc.value_range(path), lines, f"value_range of {path}")
    check_diagnostics(text, doc.problems)
    diagnostics = lint(text, "fuzz.yml", SETTINGS)
    check_diagnostics(text, diagnostics)
    for d in diagnostics:
        if d.code == "SL005" and d.range != doc.value_range(d.path):
            # narrowed to the substitution itself: the text there must be it
            assert doc.source(d.range).startswith("$"), (d, doc.source(d.range))
    check_rendering([FileResult("fuzz.yml", diagnostics)])


def schema_property(data, version: str) -> None:
    """The schema layer on arbitrary data for a version: SL004 diagnostics, never an exception."""
    doc = document.parse("{}")
    for d in validate(doc, data, version, version):
        assert d.code == "SL004" and d.message, d


def bytes_property(data: bytes) -> None:
    """Bytes on disk through the CLI's path: a result or a clean input error with a location."""
    fd, path = tempfile.mkstemp(suffix=".yml", dir=_TMP)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        result = lint_path(path, lambda _p: SETTINGS)
    finally:
        os.unlink(path)
    if result.input_error:
        check_input_error(result)
    else:
        check_diagnostics(decode(data).text, result.diagnostics)
    check_rendering([result])


def hostile_property(case) -> None:
    """Port ranges, typed-field interpolation and env files through the file path: clean
    findings, every format renders, and no value from the environment or an env file shows."""
    from .generators import HOSTILE_ENV, HOSTILE_MARKERS

    text, files = case
    folder = tempfile.mkdtemp(dir=_TMP)
    try:
        for name, raw in files.items():
            Path(folder, name).write_bytes(raw)
        stack = Path(folder, "docker-stack.yml")
        stack.write_text(text, encoding="utf-8")
        result = lint_path(str(stack), lambda _p: Settings(env=HOSTILE_ENV, inventory=INVENTORY))
    finally:
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)
    assert not result.input_error, result.input_error
    check_diagnostics(text, result.diagnostics)
    for fmt, out in check_rendering([result]).items():
        leaked = [m for m in HOSTILE_MARKERS if m in out]
        assert not leaked, (fmt, leaked, [d.message for d in result.diagnostics if any(m in d.message for m in leaked)])


def _markers():
    from .generators import HOSTILE_MARKERS, LITERAL_MARKERS

    return HOSTILE_MARKERS + LITERAL_MARKERS


def _lint_files(files):
    from .generators import HOSTILE_ENV

    return lint_stack(files, Settings(env=HOSTILE_ENV, inventory=INVENTORY))


def multifile_property(files) -> None:
    """A stack of several files merged: every finding in the file it names and inside it (related
    places in theirs), every format renders, no environment value or literal secret shows."""
    per_file = _lint_files(files)
    assert len(per_file) == len(files)
    names = [name for _text, name in files]
    lines = {name: editor_lines(text) for text, name in files}
    for (text, name), found in zip(files, per_file):
        for d in found:
            label = f"{name}: {d.code} {d.message!r}"
            check_range(d.range, lines[name], label)
            for rel in d.related:
                assert rel.path is None or rel.path in names, (label, rel.path)
                check_range(rel.range, lines[rel.path or name], label + " related")
            for edit in d.fix.edits if d.fix is not None else ():
                check_range(edit.range, lines[name], label + " fix")
    results = [FileResult(name, found, text=text) for (text, name), found in zip(files, per_file)]
    for fmt, out in check_rendering(results).items():
        leaked = [m for m in _markers() if m in out]
        assert not leaked, (fmt, leaked)


def fix_property(files) -> None:
    """Every fix applied (safe and unsafe, as `--fix --unsafe-fixes` does) to each file of a stack:
    each fixed file still parses, and the findings it fixed are gone when the stack is linted again."""
    per_file = _lint_files(files)
    fixed_files, fixed = [], set()
    for (text, name), found in zip(files, per_file):
        applied = apply_fixes(text, found, unsafe=True)
        if applied.text != text:
            assert not document.parse(applied.text).failed, (name, applied.text)
        fixed_files.append((applied.text, name))
        fixed.update((name, d.code, d.path) for d in applied.fixed)
    if not fixed:
        return
    again = {(name, d.code, d.path) for (_t, name), found in zip(fixed_files, _lint_files(fixed_files))
             for d in found}
    assert not fixed & again, (sorted(fixed & again, key=str), fixed_files)

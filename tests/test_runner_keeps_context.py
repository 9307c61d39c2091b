"""The command line keeps the last file's lint context (document, data, model) until the next
file's lint starts: it exits without freeing them (runner._KeepingContext)."""
from __future__ import annotations

import weakref

from stacklint.runner import _KeepingContext, lint_path
from stacklint.settings import Settings

from .conftest import EXAMPLE

SETTINGS = Settings(env={})


def test_the_last_files_context_outlives_its_lint_and_goes_when_the_next_starts(tmp_path):
    first, second = tmp_path / "first-stack.yml", tmp_path / "second-stack.yml"
    first.write_text(EXAMPLE.read_text())
    second.write_text("services:\n  web:\n    image: nginx:1.27\n")
    result = lint_path(str(first), lambda _p: SETTINGS)
    kept = weakref.ref(_KeepingContext.last.doc)
    assert kept().text == EXAMPLE.read_text()
    assert result.diagnostics  # the example has findings: the lint ran to the checks
    lint_path(str(second), lambda _p: SETTINGS)
    assert kept() is None  # freed by reference counting, not left for the cyclic GC
    assert _KeepingContext.last.doc.text == second.read_text()


def test_a_split_lint_keeps_its_context_too(tmp_path):
    stack = tmp_path / "docker-stack.yml"
    stack.write_text(EXAMPLE.read_text())
    _KeepingContext.last = None
    lint_path(str(stack), lambda _p: SETTINGS, split=True)
    assert _KeepingContext.last.doc.text == EXAMPLE.read_text()

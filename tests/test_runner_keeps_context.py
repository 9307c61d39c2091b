"""The command line keeps the last file's lint context (document, data, model) until the next
file's lint starts, out of the GC's collections: it exits without freeing them
(runner.lint_path's keep)."""
from __future__ import annotations

import gc
import weakref

import pytest

from stacklint.runner import _KeepingContext, lint_path
from stacklint.settings import Settings

from .conftest import EXAMPLE

SETTINGS = Settings(env={})


@pytest.fixture
def unfrozen():
    """A kept lint freezes what is alive; this test process is not about to exit."""
    _KeepingContext.last = None
    yield
    _KeepingContext.last = None
    gc.unfreeze()


def test_the_last_files_context_outlives_its_lint_and_goes_when_the_next_starts(tmp_path, unfrozen):
    first, second = tmp_path / "first-stack.yml", tmp_path / "second-stack.yml"
    first.write_text(EXAMPLE.read_text())
    second.write_text("services:\n  web:\n    image: nginx:1.27\n")
    result = lint_path(str(first), lambda _p: SETTINGS, keep=True)
    kept = weakref.ref(_KeepingContext.last.doc)
    assert kept().text == EXAMPLE.read_text()
    assert result.diagnostics  # the example has findings: the lint ran to the checks
    lint_path(str(second), lambda _p: SETTINGS, keep=True)
    assert kept() is None  # freed by reference counting, not left for the cyclic GC
    assert _KeepingContext.last.doc.text == second.read_text()


def test_what_is_kept_is_out_of_the_young_generation(tmp_path, unfrozen):
    # Else the first collection after the lint scans every object the lint made.
    stack = tmp_path / "docker-stack.yml"
    stack.write_text(EXAMPLE.read_text())
    gc.collect()
    lint_path(str(stack), lambda _p: SETTINGS, keep=True)
    young, _, _ = gc.get_count()
    assert young < 100
    assert gc.get_freeze_count() > 1000  # the document's data and model among them
    assert gc.isenabled()


def test_a_split_lint_keeps_its_context_too(tmp_path, unfrozen):
    stack = tmp_path / "docker-stack.yml"
    stack.write_text(EXAMPLE.read_text())
    lint_path(str(stack), lambda _p: SETTINGS, split=True, keep=True)
    assert _KeepingContext.last.doc.text == EXAMPLE.read_text()


def test_without_keep_nothing_is_kept_or_frozen(tmp_path, unfrozen):
    stack = tmp_path / "docker-stack.yml"
    stack.write_text(EXAMPLE.read_text())
    frozen = gc.get_freeze_count()
    lint_path(str(stack), lambda _p: SETTINGS)
    assert _KeepingContext.last is None
    assert gc.get_freeze_count() == frozen

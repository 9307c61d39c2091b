"""A lint frees what it built by reference counting alone.

The engine pauses the cyclic GC while it lints (collector.gc_paused). Any reference cycle through
the document or the deploy model then keeps the whole node tree and model alive until the next
collection, which scans all of it: a tenth of a lint on a 1,000-service stack, and in a
directory run, the garbage of one file after another.
"""
from __future__ import annotations

import gc
from collections import Counter

import pytest

from stacklint.engine import lint
from stacklint.settings import Settings
from stacklint.stack import lint_stack

from .conftest import EXAMPLE, ROOT

OVERRIDE = ROOT / "tests" / "fixtures" / "rich-stack.yml"


def _cyclic_garbage_of(run) -> Counter:
    """Instances of stacklint's own classes that only the cyclic GC would free after run()."""
    gc.collect()
    gc.disable()
    try:
        run()
        gc.set_debug(gc.DEBUG_SAVEALL)  # keep what a collection finds, to look at it
        gc.collect()
        return Counter(type(o).__qualname__ for o in gc.garbage
                       if type(o).__module__.startswith("stacklint"))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


@pytest.mark.parametrize("run", [
    lambda: lint(EXAMPLE.read_text(), str(EXAMPLE), Settings(env={})),
    lambda: lint_stack([(EXAMPLE.read_text(), str(EXAMPLE)), (OVERRIDE.read_text(), str(OVERRIDE))],
                       Settings(env={})),
], ids=["one file", "a stack of two files"])
def test_nothing_a_lint_builds_is_left_for_the_cyclic_gc(run):
    assert _cyclic_garbage_of(run) == Counter()

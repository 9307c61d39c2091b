"""When the cyclic garbage collector may run: one definition for every place that pauses it."""
from __future__ import annotations

import gc


class gc_paused:
    """A lint allocates hundreds of thousands of acyclic objects and frees them together; the
    cyclic GC only rescans them (measured: a third of the time on a 1,000-service stack).

    Wrap a call, not the work itself: the GC resumes after the callee's frame has freed the
    document and the model. Were they still alive, the first collection after it would scan all
    of them once (about a tenth of a lint). The document and the model hold no reference cycles,
    so reference counting frees them.

    (A class, not @contextlib.contextmanager: importing contextlib was 1% of a small lint.)"""
    __slots__ = ("_was_enabled",)

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info) -> None:
        if self._was_enabled:
            gc.enable()


def keep_out_of_collections() -> None:
    """Leave every object alive now out of all later collections (gc.freeze): for what a process
    keeps to its end, where a collection would only scan it. They are still freed by reference
    counting when dropped; a reference cycle among them is never collected."""
    gc.freeze()

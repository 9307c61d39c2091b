"""The cyclic garbage collector waits while an edit's lint is pending, running or being published.

The lint thread pauses the collector for the lint itself (server._lint_guarded); but the objects a
lint leaves (the spliced document, the findings) were then all young at once, and the collections
they set off ran on the next allocation: while the findings were converted and serialised, or
under the next keystroke's lint (tens of milliseconds, a full collection over a 1,000-service
document's nodes over half a second). Held from the edit to its publish, they run after it.
"""
from __future__ import annotations

import asyncio
import gc


class CollectorPause:
    """Counts the push tasks in flight; the collector runs again when the last one is done."""

    def __init__(self) -> None:
        self._held = 0
        self._was_enabled = True

    def hold_until_done(self, task: asyncio.Task) -> None:
        if not self._held:
            self._was_enabled = gc.isenabled()
            gc.disable()
        self._held += 1
        # a done callback also runs for a task cancelled before it started (its finally would not)
        task.add_done_callback(self._release)

    def _release(self, _task: asyncio.Task) -> None:
        self._held -= 1
        if not self._held and self._was_enabled:
            gc.enable()

"""Leaving the command without the interpreter's teardown when the teardown has nothing to do.

A small lint's process ends by freeing every module, class and function it imported (about 6M
instructions, 3% of the whole run). That work changes nothing anyone sees once the standard
streams are flushed, unless something still waits for the end: an atexit callback (a process
pool's, a logging handler's, a weakref.finalize) or a thread the interpreter would join. Then,
and whenever flushing fails (a reader that left: the interpreter's own last flush then reports
it, as it always has), the exit is the ordinary one.
"""
from __future__ import annotations

import atexit
import os
import sys


def _teardown_has_work() -> bool:
    count = getattr(atexit, "_ncallbacks", None)  # CPython's; without it, assume there is work
    if count is None or count():
        return True
    threading = sys.modules.get("threading")
    if threading is None:
        return False
    main = threading.main_thread()
    return any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate())


def exit_now(code: int) -> None:
    """End the process with `code`: at once where the teardown has nothing to do, else as
    sys.exit does."""
    if not _teardown_has_work():
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
        except (OSError, ValueError):
            pass  # the ordinary exit below flushes again and reports it as before
        else:
            os._exit(code)
    sys.exit(code)

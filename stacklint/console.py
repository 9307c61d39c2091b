"""The process's standard streams at their edges: closed, full or gone."""
from __future__ import annotations

import os
import sys


def say(message: str) -> None:
    """One line on standard error, or nothing when it is closed: never on standard output,
    where it would be taken for the report."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(f"stacklint: {message}\n")
        stream.flush()
    except (OSError, ValueError):  # closed or full: there is nowhere left to say it
        pass


def silence_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush of what could not be
    written does not print a second error (or a traceback) at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass

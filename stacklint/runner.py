"""Linting files on disk: finding them, reading them, and turning input errors into results."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Iterable, List

from .diagnostics import FileResult
from .document import MAX_BYTES, split_lines, too_large
from .engine import finish_unread, lint
from .settings import Settings
from .source import NotText, decode
from .stack_files import is_stack_name

_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


def expand(paths: Iterable[str]) -> List[str]:
    """Files as given; directories searched (sorted, hidden folders skipped) for stack files."""
    out: List[str] = []
    for p in paths:
        if p != "-" and os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                found.extend(os.path.join(root, f) for f in files if is_stack_name(f))
            out.extend(sorted(found))
        else:
            out.append(p)
    return out


def lint_path(path: str, settings_for: Callable[[str], Settings]) -> FileResult:
    shown = "<stdin>" if path == "-" else path
    try:
        # Never more than the size limit plus one byte in memory, whatever is on disk.
        if path == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            size = len(data)
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
                size = max(len(data), os.fstat(fh.fileno()).st_size)
    except FileNotFoundError:
        return FileResult(shown, input_error=f"{shown}: no such file")
    except IsADirectoryError:
        return FileResult(shown, input_error=f"{shown}: is a directory")
    except PermissionError:
        return FileResult(shown, input_error=f"{shown}: permission denied")
    except OSError as err:
        return FileResult(shown, input_error=f"{shown}: cannot read ({err.strerror or err})")
    try:
        settings = settings_for(path)
    except ValueError as err:  # an invalid configuration file
        return FileResult(shown, input_error=str(err))
    file_path = None if path == "-" else str(Path(path))
    if len(data) > MAX_BYTES:
        unread = finish_unread([too_large(size, exact=path != "-")], file_path, settings)
        return FileResult(shown, unread, threshold=settings.threshold)
    try:
        decoded = decode(data)
    except NotText as err:
        return FileResult(shown, input_error=f"{shown}: {err}")
    reader_findings = [decoded.problem] if decoded.problem is not None else []
    return FileResult(shown, lint(decoded.text, file_path, settings, reader_findings), threshold=settings.threshold,
                      lines=split_lines(decoded.text))

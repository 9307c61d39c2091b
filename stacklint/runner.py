"""Linting files on disk: finding them, reading them, and turning input errors into results."""
from __future__ import annotations

import fnmatch
import os
import sys
from pathlib import Path
from typing import Callable, Iterable, List

from .diagnostics import FileResult
from .document import MAX_BYTES, too_large
from .engine import lint
from .files import NotRegular, TooLarge, read_regular
from .settings import Settings
from .source import NotText, decode

# Names stacklint picks up when given a directory (and the pre-commit hook's defaults).
STACK_PATTERNS = ("docker-stack*.yml", "docker-stack*.yaml", "*stack*.yml", "*stack*.yaml",
                  "docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


def is_stack_name(name: str) -> bool:
    # stacklint's own config (.stacklint.yaml) matches *stack*.yaml but is not a stack file
    if name in (".stacklint.yaml", ".stacklint.yml"):
        return False
    return any(fnmatch.fnmatch(name, p) for p in STACK_PATTERNS)


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
    read = _read(path, shown, settings_for)
    if isinstance(read, FileResult):
        return read
    decoded, settings, data = read
    diagnostics = lint(decoded.text, None if path == "-" else str(Path(path)), settings)
    return FileResult(shown, _with_decode_problem(diagnostics, decoded, settings), text=decoded.text, data=data)


def lint_stack_paths(paths: List[str], settings_for: Callable[[str], Settings]) -> List[FileResult]:
    """The files of one stack (`-c base.yml -c prod.yml`), merged as `docker stack deploy` merges
    them; the first file's configuration applies to all of them."""
    from .stack import lint_stack

    reads = [_read(p, "<stdin>" if p == "-" else p, settings_for) for p in paths]
    failed = [r for r in reads if isinstance(r, FileResult)]
    if failed:
        # Docker stops at a file it cannot read; so do we, and say which.
        return failed
    settings = reads[0][1]
    texts = [(decoded.text, None if p == "-" else str(Path(p))) for p, (decoded, _, _) in zip(paths, reads)]
    per_file = lint_stack(texts, settings)
    return [FileResult("<stdin>" if p == "-" else p, _with_decode_problem(found, decoded, settings),
                       text=decoded.text, data=data)
            for p, (decoded, _, data), found in zip(paths, reads, per_file)]


def _with_decode_problem(diagnostics, decoded, settings: Settings):
    if decoded.problem is not None and settings.enabled("SL001"):
        decoded.problem.name = "yaml-syntax"
        diagnostics.insert(0, decoded.problem)
    return diagnostics


def _read(path: str, shown: str, settings_for: Callable[[str], Settings]):
    """(decoded text, settings, bytes read), or the FileResult that says why the file cannot be linted."""
    try:
        # Never more than the size limit plus one byte in memory, whatever is on disk; only
        # regular files (a FIFO named like a stack file would block forever).
        if path == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            size = len(data)
        else:
            data = read_regular(path, MAX_BYTES)
            size = len(data)
    except TooLarge as err:
        data, size = None, err.size
    except FileNotFoundError:
        return FileResult(shown, input_error=f"{shown}: no such file")
    except NotRegular as err:
        return FileResult(shown, input_error=f"{shown}: is a directory" if err.kind == "a directory"
                          else f"{shown}: {err}")
    except IsADirectoryError:
        return FileResult(shown, input_error=f"{shown}: is a directory")
    except PermissionError:
        return FileResult(shown, input_error=f"{shown}: permission denied")
    except OSError as err:
        return FileResult(shown, input_error=f"{shown}: cannot read ({err.strerror or err})")
    except ValueError:  # a NUL in the name (no file has one), or standard input closed under us
        return FileResult(shown, input_error=f"{shown}: cannot read (no such file)")
    try:
        settings = settings_for(path)
    except ValueError as err:  # an invalid configuration file
        return FileResult(shown, input_error=str(err))
    if data is None or len(data) > MAX_BYTES:
        problem = too_large(size, exact=path != "-")
        problem.name = "yaml-syntax"
        return FileResult(shown, [problem] if settings.enabled("SL001") else [])
    try:
        decoded = decode(data)
    except NotText as err:
        return FileResult(shown, input_error=f"{shown}: {err}")
    return decoded, settings, data

"""Linting files on disk: finding them, reading them, and turning input errors into results."""
from __future__ import annotations

from collections.abc import Iterable
import functools
import os
import sys
from collections.abc import Callable, Sequence

from .declared_stacks import DeclaredStack, stack_of, stack_settings
from .diagnostics import FileResult
from .document import MAX_BYTES, too_large
from .collector import gc_paused, keep_out_of_collections
from .context import Context
from .engine import Checks, finish_unread, lint
from .files import NotRegular, TooLarge, pathlib_form, read_regular
from .settings import Settings
from .source import NotText, decode
from .stack_files import is_stack_name

_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


def expand(paths: Iterable[str]) -> list[str]:
    """Files as given; directories searched (sorted, hidden folders skipped) for stack files."""
    out: list[str] = []
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


def default_jobs() -> int:
    """The CPUs this process may run on (what `--jobs` defaults to)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def lint_paths(paths: list[str], settings_for: Callable[[str], Settings], jobs: int = 1,
               split: bool = False, keep: bool = False,
               then: Callable[[FileResult], FileResult] | None = None) -> list[FileResult]:
    """lint_path for each path, the results in the order of paths whatever jobs is.

    With jobs > 1 the files are shared among that many worker processes (settings_for must then
    be picklable: a module-level function or a partial of one). Standard input is read here.
    split: when files are linted one after the other and jobs > 1, a big file's checks may use a
    second process (split_checks.py; it costs memory, so the command line asks for it only when
    --jobs is given). keep: see lint_path (files linted here only). then: applied to each result
    where it is linted, in the worker with jobs > 1 (picklable, as settings_for): the command line
    renders each file's part of the report there (output/text.py: with_part)."""
    files = [p for p in paths if p != "-"]
    # at least two files a worker: for one small file, starting a process costs about what linting it does
    workers = min(jobs, len(files) // 2)
    if workers <= 1:
        return [_then(lint_path(p, settings_for, split and jobs > 1, keep), then) for p in paths]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: the workers start with everything imported (spawn would pay start-up again, per worker)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # Largest first, a few files a round trip: the last files handed out are the smallest, so
    # no worker idles long at the end while another finishes a big batch.
    largest_first = sorted(files, key=_size, reverse=True)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        linted = pool.map(functools.partial(_lint_then, settings_for=settings_for, then=then), largest_first,
                          chunksize=_CHUNK)
        # (the workers are forked by now, with the GC as it was.) The findings come back as
        # many small acyclic objects; unpickling them with the GC on took three times as long.
        with gc_paused():
            by_file = dict(zip(largest_first, linted))
    return [_then(lint_path(p, settings_for), then) if p == "-" else by_file[p] for p in paths]


def _then(result: FileResult, then: Callable[[FileResult], FileResult] | None) -> FileResult:
    return result if then is None else then(result)


def _lint_then(path: str, settings_for: Callable[[str], Settings],
               then: Callable[[FileResult], FileResult] | None) -> FileResult:
    """A --jobs worker's task: lint_path, then `then` (lint_paths), both in the worker."""
    return _then(lint_path(path, settings_for), then)


class _KeepingContext(Checks):
    """Runs another Checks and keeps the lint's context (the document, its data and model) until
    the next kept lint starts (lint_path's keep)."""
    last: Context | None = None  # a class attribute: one context at most, whatever the files

    def __init__(self, inner: Checks) -> None:
        self._inner = inner

    def start(self, ctx: Context) -> None:
        self._inner.start(ctx)

    def results(self, ctx: Context, settings: Settings) -> list:
        _KeepingContext.last = ctx
        return self._inner.results(ctx, settings)


# Files a worker takes at a time: one round trip costs well under a millisecond, a stack file
# tens of milliseconds; at the end a worker waits at most for its last few small files.
_CHUNK = 2


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0  # lint_path says why


def lint_path(path: str, settings_for: Callable[[str], Settings], split: bool = False,
              keep: bool = False) -> FileResult:
    """split: a big file's checks may use a second process (split_checks.py).

    keep: for a process that ends without freeing (the command line leaves with os._exit,
    quick_exit.py). The lint's objects are not freed one by one as it returns, which took 0.06 s of
    a 0.9 s lint at 1,000 services and 0.35 s of 4.5 s at 5,000: they are kept until the next kept
    lint starts, and left out of the GC's collections (collector.keep_out_of_collections), or the
    first one after the lint would scan them all: 0.23-0.33 s at 1,000 services, 0.9-1.6 s at 5,000.
    """
    shown = "<stdin>" if path == "-" else path
    read = _read(path, shown, settings_for)
    if isinstance(read, FileResult):
        return read
    decoded, settings, data = read
    checks = Checks()
    if split:
        from .split_checks import SplitChecks

        checks = SplitChecks()
    shown_path = None if path == "-" else pathlib_form(path)
    if not keep:
        diagnostics = lint(decoded.text, shown_path, settings, _reader_findings(decoded), checks)
    else:
        _KeepingContext.last = None  # the previous file's objects go before this file's are made
        with gc_paused():  # (lint's own pause then leaves the GC off for the freeze below)
            diagnostics = lint(decoded.text, shown_path, settings, _reader_findings(decoded),
                               _KeepingContext(checks))
            keep_out_of_collections()
    return FileResult(shown, diagnostics, text=decoded.text, data=data, threshold=settings.threshold)


def lint_stack_paths(paths: list[str], settings_for: Callable[[str], Settings]) -> list[FileResult]:
    """The files of one stack (`-c base.yml -c prod.yml`), merged as `docker stack deploy` merges
    them; the first file's configuration applies to all of them."""
    from .stack import lint_stack

    reads = [_read(p, "<stdin>" if p == "-" else p, settings_for) for p in paths]
    failed = [r for r in reads if isinstance(r, FileResult)]
    if failed:
        # Docker stops at a file it cannot read; so do we, and say which.
        return failed
    settings = reads[0][1]
    texts = [(decoded.text, None if p == "-" else pathlib_form(p)) for p, (decoded, _, _) in zip(paths, reads)]
    per_file = lint_stack(texts, settings, [_reader_findings(decoded) for decoded, _, _ in reads])
    return [FileResult("<stdin>" if p == "-" else p, found, text=decoded.text, data=data, threshold=settings.threshold)
            for p, (decoded, _, data), found in zip(paths, reads, per_file)]


StacksFor = Callable[[str], Sequence[DeclaredStack]]


def plan(given: list[str], files: list[str], stacks_for: StacksFor) -> tuple[list[str], list[DeclaredStack]]:
    """The files to lint alone, and the declared stacks to lint merged (each once, in the order
    first met). given: the command line's paths; files: what they expand to. A file of a declared
    stack brings in its whole stack; a directory brings in the stacks its configuration declares
    under it, whatever their files are named. stacks_for raises ValueError for an invalid
    configuration: the file is then linted alone, which reports it."""
    alone: list[str] = []
    stacks: list[DeclaredStack] = []
    for path in given:
        if path != "-" and os.path.isdir(path):
            inside = os.path.abspath(path)
            for stack in _declared(path, stacks_for):
                if stack not in stacks and any(os.path.commonpath([inside, f]) == inside for f in stack.files):
                    stacks.append(stack)
    for path in files:
        stack = stack_of(path, _declared(path, stacks_for)) if path != "-" else None
        if stack is None:
            alone.append(path)
        elif stack not in stacks:
            stacks.append(stack)
    return alone, stacks


def _declared(path: str, stacks_for: StacksFor) -> Sequence[DeclaredStack]:
    try:
        return stacks_for(path)
    except ValueError:
        return ()


def lint_declared_stack(stack: DeclaredStack, settings_for: Callable[[str], Settings],
                        spelled: Iterable[str] = ()) -> list[FileResult]:
    """A stack from the configuration, merged as `-c` merges it, with its env files and name.
    Its files are shown as the command line spelled them or the folder they were found in
    (spelled: the paths given and found), else relative to here."""
    shown = [_spelling(f, spelled) for f in stack.files]
    return lint_stack_paths(shown, lambda p: stack_settings(stack, settings_for(p)))


def _spelling(path: str, spelled: Iterable[str]) -> str:
    for given in spelled:
        if given == "-":
            continue
        absolute = os.path.normpath(os.path.abspath(given))
        if absolute == path:
            return given
        if os.path.isdir(given) and os.path.commonpath([absolute, path]) == absolute:
            return os.path.join(given, os.path.relpath(path, absolute))
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _reader_findings(decoded) -> list:
    """What decoding the bytes found (invalid UTF-8); the engine's final pass filters it like the rest."""
    return [decoded.problem] if decoded.problem is not None else []


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
    file_path = None if path == "-" else pathlib_form(path)
    if data is None or len(data) > MAX_BYTES:
        unread = finish_unread([too_large(size, exact=path != "-")], file_path, settings)
        return FileResult(shown, unread, threshold=settings.threshold)
    try:
        decoded = decode(data)
    except NotText as err:
        return FileResult(shown, input_error=f"{shown}: {err}")
    return decoded, settings, data

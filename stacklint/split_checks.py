"""The checks of one big file on two cores, for the command line (Docker's loader uses two too).

Once the file is parsed and interpolated, a forked worker runs the per-service checks (on the
copy-on-write document and context) while this process validates the schema and runs the
stack-wide checks; the worker sends its findings back pickled over a pipe, and they are put
together in the order a serial run_checks gives them (REGISTRY order). engine.lint stays serial
unless given SplitChecks() as its `checks`.

Used only where it pays: fork available, a second CPU, and a file with many services. When the
worker fails in any way, its share runs here, so the result is always the serial one.

The cost is memory: both processes touch (reference counts) nearly every page the parse made, so
copy-on-write gives the worker its own copy of most of them (1,000 services: about 45 MiB next
to this process's 77; benchmarks/run.py counts both), and together they use more CPU time (a
quarter more at 5,000 services), which pays only where a CPU is idle. So the command line splits
only when asked: `--jobs N` given with N > 1.
"""
from __future__ import annotations

import os

from . import redact
from .checks import REGISTRY, SERVICE_SCOPE, scope_of
from .context import Context
from .engine import Checks, run_checks
from .runner import default_jobs  # (runner imports this module only when a file is split)
from .settings import Settings

# Below this many services, forking and pickling cost about what the worker saves.
MIN_SERVICES = 200


def worth_it(services: int) -> bool:
    return services >= MIN_SERVICES and hasattr(os, "fork") and default_jobs() > 1


class SplitChecks(Checks):
    """engine.Checks whose per-service checks run in a worker process, started before the schema
    is validated (when the file is big enough: else run_checks)."""

    def __init__(self, always: bool = False) -> None:
        self._always = always  # split even a small file (the tests' way to compare)
        self._worker: _Worker | None = None
        self._enabled: list = []

    def start(self, ctx: Context) -> None:
        if not (self._always or worth_it(len(ctx.section("services")))):
            return
        self._enabled = [(i, check) for i, (codes, check) in enumerate(REGISTRY)
                         if any(ctx.settings.enabled(c) for c in codes)]
        self._worker = _Worker(ctx, _shares(self._enabled)[1])

    def results(self, ctx: Context, settings: Settings) -> list:
        if self._worker is None:
            return run_checks(ctx, settings)
        mine, theirs = _shares(self._enabled)
        try:
            found = _run(ctx, mine)
            done = self._worker.results()
        finally:
            self._worker.close()
            self._worker = None
        # the worker failed: its checks run here
        found.update(done if done is not None else _run(ctx, theirs))
        out = [d for i, _ in self._enabled for d in found[i]]
        redact.apply(out, ctx.from_env)
        return out


def _shares(enabled) -> tuple[list, list]:
    """This process's checks and the worker's: the worker takes the per-service ones (on the
    benchmark stacks, about what the schema and the stack-wide checks cost here)."""
    per_service = [(i, check) for i, check in enabled if scope_of(check) == SERVICE_SCOPE]
    return [(i, check) for i, check in enabled if scope_of(check) != SERVICE_SCOPE], per_service


def _run(ctx: Context, checks) -> dict[int, list]:
    return {i: list(check(ctx)) for i, check in checks}


class _Worker:
    """A forked process running checks on a context; results() reads what it found."""

    def __init__(self, ctx: Context, checks) -> None:
        import pickle  # noqa: F401 - both processes need it: loaded once, before the fork

        self._reader, writer = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the worker: never returns
            os.close(self._reader)
            _work(ctx, checks, writer)
        os.close(writer)

    def results(self):
        """The worker's findings per check index, or None when it did not deliver them all."""
        import pickle

        with os.fdopen(self._reader, "rb", closefd=False) as pipe:
            data = pipe.read()
        try:
            found = pickle.loads(data)
        except Exception:  # cut short: the worker died or could not pickle a finding
            return None
        return found if isinstance(found, dict) else None

    def close(self) -> None:
        os.close(self._reader)  # a worker still writing stops at the broken pipe
        os.waitpid(self._pid, 0)


def _work(ctx: Context, checks, writer: int) -> None:
    status = 1
    try:
        import pickle  # (not at the top: a small file's lint never needs it)

        data = pickle.dumps(_run(ctx, checks), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # noqa: BLE001 - whatever happens, the parent runs the share itself
        pass
    finally:
        # no atexit handlers, no flushing of buffers copied from the parent
        os._exit(status)

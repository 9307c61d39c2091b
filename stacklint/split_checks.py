"""The checks of one big file on two cores, for the command line (Docker's loader uses two too).

Once the file is parsed and interpolated, a forked worker runs the per-service checks over the
last services of the file (on the copy-on-write document and context) while this process
validates the schema, runs the per-service checks over the first services and runs the
stack-wide checks. A per-service check finds about a service in a context holding only some of
the services what it finds in the whole stack (checks/__init__.py: per_service, proved by
tests/test_incremental.py), so each process checks only the services of its share and touches
(and converts to the model) only their part of the file. The worker sends its findings back
pickled over a pipe; they are put together in REGISTRY order, each per-service check's findings
on the first services before those on the last. engine.lint stays serial unless given
SplitChecks() as its `checks`.

Used only where it pays: fork available, a second CPU, and a file with many services. When the
worker fails in any way, its share runs here, so the result is always the serial one.

The cost is memory, whichever share each process takes. Every page either process writes while
both run is copied, and reading an object writes its reference count: reading the parsed data
alone (which the schema, the model and every check do) writes about 24 of the 54 MiB the two
share at 1,000 services, and each finding's position (the span index, its nodes and marks)
writes pages scattered over the rest. Together about 37 MiB are copied at 1,000 services
whether the worker takes the per-service checks or the last services' checks, and the peak
(both processes' pages, benchmarks/split.py) is 1.5 to 1.6x a serial lint's at 1,000 and 5,000
services: over issue 13's memory target. Together they also use about a quarter more CPU time
(the copies; the stack-wide checks convert the worker's services to the model again). So the
command line splits only when asked: `--jobs N` given with N > 1. (The GC is paused for the
whole lint, so gc.freeze() before the fork would change nothing.)

Splitting the parse too does not pay (measured at 5,000 services, where parsing is half of a
lint). A worker can compose the last services' text alone (the other services' lines made
comments of the same length, so every position holds), saving half of the 2.0 s parse, but their
positions must come back with their data: turning its span index into marks (SpanIndex.compact)
took 0.47 s, pickling and unpickling them 0.43 s. A prototype split that way took 5.0-5.7 s
against 4.6-5.2 s serial (same findings).
"""
from __future__ import annotations

import os

from . import redact
from .checks import REGISTRY, SERVICE_SCOPE, scope_of
from .context import Context
from .engine import Checks, run_checks
from .runner import default_jobs  # (runner imports this module only when a file is split)
from .settings import Settings

# Where the split starts to pay: the critical path of a split lint in CPU time against a serial
# lint (benchmarks/split.py on a loaded machine, median of 7): 100 services 0.98, 200 0.92,
# 400 0.94, 1,000 0.85 (0.63 in another sitting). Below 200, forking, copying pages and pickling
# cost about what the worker saves.
MIN_SERVICES = 200
# The worker's share of the services: this process also validates the schema and runs the
# stack-wide checks (converting the worker's services to the model again). At 85%, both sides
# took the same CPU time within about 10% on the 1,000 and 5,000-service benchmark stacks.
WORKER_SHARE = 0.85


def worth_it(services: int) -> bool:
    return services >= MIN_SERVICES and hasattr(os, "fork") and default_jobs() > 1


class SplitChecks(Checks):
    """engine.Checks whose per-service checks run over the last services in a worker process,
    started before the schema is validated (when the file is big enough: else run_checks)."""

    def __init__(self, always: bool = False) -> None:
        self._always = always  # split even a small file (the tests' way to compare)
        self._worker: _Worker | None = None
        self._enabled: list = []
        self._shares: tuple[list, list] = ([], [])

    def start(self, ctx: Context) -> None:
        names = list(ctx.section("services"))
        if len(names) < 2 or not (self._always or worth_it(len(names))):
            return
        self._enabled = [(i, check) for i, (codes, check) in enumerate(REGISTRY)
                         if any(ctx.settings.enabled(c) for c in codes)]
        per_service = _per_service(self._enabled)
        if not per_service:
            return
        self._shares = _shares(names)
        self._worker = _Worker(ctx, self._shares[1], per_service)

    def results(self, ctx: Context, settings: Settings) -> list:
        if self._worker is None:
            return run_checks(ctx, settings)
        per_service = _per_service(self._enabled)
        mine, theirs = self._shares
        try:
            first = _run(ctx.for_services(mine), per_service)
            whole = _run(ctx, [(i, check) for i, check in self._enabled if scope_of(check) != SERVICE_SCOPE])
            last = self._worker.results()
        finally:
            self._worker.close()
            self._worker = None
        if last is None:  # the worker failed: its share runs here
            last = _run(ctx.for_services(theirs), per_service)
        out = []
        for i, _ in self._enabled:
            if i in whole:
                out.extend(whole[i])
            else:
                out.extend(first[i])
                out.extend(last[i])
        redact.apply(out, ctx.from_env)
        return out


def _per_service(enabled) -> list:
    return [(i, check) for i, check in enabled if scope_of(check) == SERVICE_SCOPE]


def _shares(names: list) -> tuple[list, list]:
    """The services this process checks (the first ones) and the worker's (the rest): each at
    least one."""
    cut = min(max(len(names) - round(len(names) * WORKER_SHARE), 1), len(names) - 1)
    return names[:cut], names[cut:]


def _run(ctx: Context, checks) -> dict[int, list]:
    return {i: list(check(ctx)) for i, check in checks}


class _Worker:
    """A forked process running checks over some services; results() reads what it found."""

    def __init__(self, ctx: Context, services: list, checks) -> None:
        import pickle  # noqa: F401 - both processes need it: loaded once, before the fork

        self._reader, writer = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the worker: never returns
            os.close(self._reader)
            _work(ctx, services, checks, writer)
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


def _work(ctx: Context, services: list, checks, writer: int) -> None:
    status = 1
    try:
        import pickle  # (not at the top: a small file's lint never needs it)

        data = pickle.dumps(_run(ctx.for_services(services), checks), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # noqa: BLE001 - whatever happens, the parent runs the share itself
        pass
    finally:
        # no atexit handlers, no flushing of buffers copied from the parent
        os._exit(status)

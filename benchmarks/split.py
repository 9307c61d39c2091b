#!/usr/bin/env python3
"""One big file on one process or two (split_checks.py): where the split starts to pay.

    python3 benchmarks/split.py [--sizes 100 200 400 1000] [--repeat 7]

For each size, `../shared/bench/gen_stack.py N` writes an N-service stack; `stacklint --no-env
--quiet --jobs 1 FILE` (never split) and `--jobs 2` (split from split_checks.MIN_SERVICES up,
forced below it here) run --repeat times each, interleaved, as whole processes. Prints the
median wall and CPU time (the worker's included) and the peak memory (run.py's measure: a forked
worker's pages count) of each, and the ratios split/serial. The wall gain needs a CPU the
machine is not using: on a loaded machine the split only costs. So the last columns time one
lint in this process in CPU time, which other load barely moves: a serial lint, and the split's
critical path (this process's CPU time, with the part the worker overlapped counted as the
longer of the two), what its wall time would be with a CPU each.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import resource
import tempfile
import time
from pathlib import Path

from run import GEN, ROOT, measure

sys.path.insert(0, str(ROOT))
from stacklint import engine, split_checks  # noqa: E402
from stacklint.settings import Settings  # noqa: E402

# Split every file whatever its size: the threshold is what this measures.
_FORCE = ("from stacklint import split_checks; split_checks.MIN_SERVICES = 2; "
          "from stacklint.__main__ import entry; entry()")


class _Timed(split_checks.SplitChecks):
    """SplitChecks noting this process's CPU time at the fork and when it turns to the worker's
    findings; close() reaps the worker, whose CPU time then shows in RUSAGE_CHILDREN."""

    def start(self, ctx) -> None:
        super().start(ctx)
        self.forked = time.process_time()
        worker = self._worker
        if worker is not None:
            results = worker.results

            def noted():
                self.waited = time.process_time()
                return results()
            worker.results = noted


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _critical_path(stack: Path, repeat: int) -> tuple[float, float]:
    """Median CPU seconds of a serial lint of stack, and of a split one's critical path."""
    text, settings = stack.read_text(encoding="utf-8"), Settings(env={})
    serial, critical = [], []
    engine.lint(text, str(stack), settings, checks=_Timed(always=True))  # imports and caches warm
    for _ in range(repeat):
        start = time.process_time()
        engine.lint(text, str(stack), settings)
        serial.append(time.process_time() - start)
        timed, children = _Timed(always=True), _children_cpu()
        start = time.process_time()
        engine.lint(text, str(stack), settings, checks=timed)
        total, worker = time.process_time() - start, _children_cpu() - children
        overlapped = timed.waited - timed.forked
        critical.append(total - overlapped + max(overlapped, worker))
    return statistics.median(serial), statistics.median(critical)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 1000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not GEN.exists():
        print(f"needs {GEN}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="stacklint-split-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(work / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"{'services':>8} | {'wall 1 s':>8} {'wall 2 s':>8} {'ratio':>6} | {'cpu 1 s':>7} {'cpu 2 s':>7} "
          f"{'ratio':>6} | {'MiB 1':>6} {'MiB 2':>6} {'ratio':>6} | {'lint cpu':>8} {'critical':>8} {'ratio':>6}")
    for n in args.sizes:
        stack = work / f"stack-{n}.yml"
        subprocess.run([sys.executable, str(GEN), str(n), "-o", str(stack)], check=True, stdout=subprocess.DEVNULL)
        runs = {jobs: [sys.executable, "-c", _FORCE, "--no-env", "--quiet", "--jobs", jobs, str(stack)]
                for jobs in ("1", "2")}
        for cmd in runs.values():  # bytecode and page cache warm
            measure(cmd, env)
        got = {jobs: [] for jobs in runs}
        for _ in range(args.repeat):  # interleaved, so drift on a shared machine hits both alike
            for jobs, cmd in runs.items():
                got[jobs].append(measure(cmd, env))
        wall = {j: statistics.median(w for w, _, _ in got[j]) for j in got}
        cpu = {j: statistics.median(c for _, _, c in got[j]) for j in got}
        mem = {j: max(m for _, m, _ in got[j]) for j in got}
        serial, critical = _critical_path(stack, args.repeat)
        print(f"{n:>8} | {wall['1']:>8.3f} {wall['2']:>8.3f} {wall['2'] / wall['1']:>6.2f} | "
              f"{cpu['1']:>7.3f} {cpu['2']:>7.3f} {cpu['2'] / cpu['1']:>6.2f} | "
              f"{mem['1']:>6.1f} {mem['2']:>6.1f} {mem['2'] / mem['1']:>6.2f} | "
              f"{serial:>8.3f} {critical:>8.3f} {critical / serial:>6.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

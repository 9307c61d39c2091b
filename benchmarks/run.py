#!/usr/bin/env python3
"""stacklint against Docker's own loader, on the same files in the same run.

    python3 benchmarks/run.py [--sizes 1000 5000] [--repeat 5]

For each size, `../shared/bench/gen_stack.py N` writes a realistic N-service stack; then
`stacklint --no-env FILE` and `docker stack config -c FILE` run --repeat times each, as whole
processes (start-up included, as a user or CI sees them). Prints median wall time, peak
memory (of the process and any worker it forks: see measure) and the ratios stacklint/docker.
Targets (issue 13): wall at most 0.7 at 1,000 services and 0.6 at 5,000, memory at most 0.6. The
first stacklint run (page cache and bytecode cold) is reported separately.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the shared folder sits beside the checkout (or beside its worktrees folder)
GEN = next((p / "shared" / "bench" / "gen_stack.py" for p in (ROOT.parent, ROOT.parent.parent)
            if (p / "shared").is_dir()), ROOT.parent / "shared" / "bench" / "gen_stack.py")


def measure(cmd, env=None):
    """(wall seconds, peak memory in MiB, CPU seconds) of one process and the processes it starts.

    Peak memory: the larger of the largest max RSS among them (what the kernel reports at wait)
    and the largest sum of their proportional set sizes seen while they run (sampled every few
    milliseconds): a forked worker's own pages count on top of its parent's, the pages they still
    share once."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    sampler = _PssSampler(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    peak = max(usage.ru_maxrss, sampler.stop())
    return wall, peak / 1024, usage.ru_utime + usage.ru_stime


class _PssSampler:
    """The peak summed PSS (KiB) of a process tree, from /proc (0 where /proc does not say)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._done = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak

    def _run(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, sum(_pss(p) for p in _tree(self.pid)))


def _tree(pid: int):
    yield pid
    children = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):  # a child of any of its threads
            children += Path(f"/proc/{pid}/task/{task}/children").read_text().split()
    except OSError:  # it has just ended, or this is not Linux
        pass
    for child in children:
        yield from _tree(int(child))


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    docker = shutil.which("docker")
    if not GEN.exists() or not docker:
        print(f"needs {GEN} and the docker CLI", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="stacklint-bench-"))
    # bytecode compiled on the first run into a private prefix, as an installed wheel has it
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(work / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    docker_env = {"PATH": os.environ["PATH"], "HOME": str(work), "DOCKER_CONFIG": str(work / ".docker")}
    stacklint = [sys.executable, "-m", "stacklint", "--no-env", "--quiet"]
    print(f"{'services':>8} {'lines':>7} | {'stacklint s':>11} {'docker s':>9} {'ratio':>6} | "
          f"{'stacklint MiB':>13} {'docker MiB':>10} {'ratio':>6} | cpu ratio | cold s | target")
    for n in args.sizes:
        stack = work / f"stack-{n}.yml"
        subprocess.run([sys.executable, str(GEN), str(n), "-o", str(stack)], check=True, stdout=subprocess.DEVNULL)
        lines = stack.read_text().count("\n")
        cold = measure(stacklint + [str(stack)], env)[0]
        ours, theirs = [], []
        for _ in range(args.repeat):  # interleaved, so drift on a shared machine hits both alike
            ours.append(measure(stacklint + [str(stack)], env))
            theirs.append(measure([docker, "stack", "config", "-c", str(stack)], docker_env))
        t_ours = statistics.median(w for w, _, _ in ours)
        t_theirs = statistics.median(w for w, _, _ in theirs)
        m_ours = max(m for _, m, _ in ours)
        m_theirs = max(m for _, m, _ in theirs)
        cpu = statistics.median(c for _, _, c in ours) / statistics.median(c for _, _, c in theirs)
        target = 0.7 if n <= 1000 else 0.6
        met = t_ours / t_theirs <= target and m_ours / m_theirs <= 0.6
        print(f"{n:>8} {lines:>7} | {t_ours:>11.3f} {t_theirs:>9.3f} {t_ours / t_theirs:>6.2f} | "
              f"{m_ours:>13.1f} {m_theirs:>10.1f} {m_ours / m_theirs:>6.2f} | {cpu:>9.2f} | {cold:>6.3f} | "
              f"wall <= {target}, memory <= 0.6: {'met' if met else 'NOT met'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A directory of 200 stack files: `--jobs 2` against `--jobs 1`, in the same run.

    python3 benchmarks/jobs.py [--files 200] [--jobs 2] [--repeat 5]

`../shared/bench/gen_stack.py` writes the files (10 to 49 services each, each its own seed),
then `stacklint --quiet DIR` runs with `--jobs 1` and `--jobs N`, interleaved, as whole processes.
Prints median wall times and the ratio; target: at most 0.6 for `--jobs 2`. Also the CPU time
of each run with its workers (what parallel linting adds) and the load average: on a shared
machine the wall ratio drifts with the other work. Both runs' reports are compared too:
parallel output must be the serial output.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the shared folder sits beside the checkout (or beside its worktrees folder)
GEN = next((p / "shared" / "bench" / "gen_stack.py" for p in (ROOT.parent, ROOT.parent.parent)
            if (p / "shared").is_dir()), ROOT.parent / "shared" / "bench" / "gen_stack.py")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd, env):
    """(wall seconds, CPU seconds of the process and its workers, standard output)."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, capture_output=True, env=env)
    return time.perf_counter() - start, _children_cpu() - cpu, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not GEN.exists():
        print(f"needs {GEN}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="stacklint-jobs-"))
    folder = work / "stacks"
    folder.mkdir()
    for i in range(args.files):
        subprocess.run([sys.executable, str(GEN), str(10 + i % 40), "--seed", str(i), "-o",
                        str(folder / f"docker-stack-{i:03d}.yml")], check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(work / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    base = [sys.executable, "-m", "stacklint", "--no-env", "--quiet", str(folder)]
    serial_cmd, parallel_cmd = base + ["--jobs", "1"], base + ["--jobs", str(args.jobs)]
    run(serial_cmd, env)  # warm the page cache and the bytecode
    serial, parallel = [], []
    same = True
    for _ in range(args.repeat):
        t1, c1, out1 = run(serial_cmd, env)
        t2, c2, out2 = run(parallel_cmd, env)
        serial.append((t1, c1))
        parallel.append((t2, c2))
        same &= out1 == out2
    shutil.rmtree(work, ignore_errors=True)
    t1, t2 = (statistics.median(t for t, _ in runs) for runs in (serial, parallel))
    c1, c2 = (statistics.median(c for _, c in runs) for runs in (serial, parallel))
    print(f"{args.files} files, median of {args.repeat}: --jobs 1 {t1:.2f} s, --jobs {args.jobs} {t2:.2f} s, "
          f"ratio {t2 / t1:.2f} (target <= 0.60); CPUs available: {len(os.sched_getaffinity(0))}")
    # On a machine other work keeps busy the wall ratio says little; the CPU the workers add does not change.
    print(f"CPU (all processes): --jobs 1 {c1:.2f} s, --jobs {args.jobs} {c2:.2f} s ({c2 / c1 - 1:+.0%}); "
          f"load average {os.getloadavg()[0]:.1f}")
    print("reports identical" if same else "REPORTS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""The long fuzz run: `python3 -m tests.fuzz.run --cases 100000` from the repository root.

Runs the same properties as tests/test_fuzz.py, in chunks of hypothesis runs with different
seeds, round-robin over the input families so that a run cut short is still balanced. A failing
chunk is shrunk to a minimal example, recorded, and the run goes on. Ctrl-C, SIGTERM or
--minutes end it early with an honest count. Exit status 1 if anything failed.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import traceback

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from stacklint.versions import SUPPORTED

from . import generators, properties

FAMILIES = {  # name -> (strategy, property, share of the cases)
    "stack": (generators.stack_texts(), properties.text_property, 40),
    "noise": (generators.yaml_noise, properties.text_property, 20),
    "corpus": (generators.mutated_corpus(), properties.text_property, 20),
    "bytes": (generators.raw_bytes(), properties.bytes_property, 15),
    "schema": (st.tuples(generators.stack_data, st.sampled_from(SUPPORTED)),
               lambda args: properties.schema_property(*args), 5),
    "hostile": (generators.hostile_stacks(), properties.hostile_property, 15),
    "multifile": (generators.stack_file_sets(), properties.multifile_property, 10),
    "fix": (generators.stack_file_sets(), properties.fix_property, 10),
}


class Stop(KeyboardInterrupt):
    """SIGTERM, SIGINT or --minutes. A KeyboardInterrupt: hypothesis lets that one through at
    once; any other exception raised in a case is that case failing (it would shrink it, report
    it as a failure and go on)."""


def _call(prop, counter):
    def case(value):
        counter[0] += 1
        prop(value)
    return case


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.fuzz.run", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="generated cases in all (default 100000)")
    parser.add_argument("--chunk", type=int, default=250, help="cases per hypothesis run (default 250)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="first seed (default: the time)")
    parser.add_argument("--minutes", type=float, default=0, help="stop after this long (default: no limit)")
    parser.add_argument("--only", choices=sorted(FAMILIES), action="append", help="only these families")
    parser.add_argument("--report", help="write a JSON summary (counts, failures) to this file")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes, each with its own seeds")
    args = parser.parse_args(argv)
    if args.jobs > 1:
        return _parallel(args, argv if argv is not None else sys.argv[1:])

    families = {n: f for n, f in FAMILIES.items() if not args.only or n in args.only}
    if not generators.corpus_files():
        families.pop("corpus", None)
        print("fuzz: ../shared/corpus is absent; the mutated-corpus family is skipped", file=sys.stderr)
    total_share = sum(f[2] for f in families.values())
    quota = {n: args.cases * f[2] // total_share for n, f in families.items()}
    quota[next(iter(quota))] += args.cases - sum(quota.values())
    done = {n: 0 for n in families}
    failures = []
    deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
    started = time.monotonic()

    def on_signal(signum, frame):
        raise Stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    chunk_seed = args.seed
    try:
        while any(done[n] < quota[n] for n in families):
            for name, (strategy, prop, _share) in families.items():
                size = min(args.chunk, quota[name] - done[name])
                if size <= 0:
                    continue
                if deadline and time.monotonic() > deadline:
                    raise Stop()
                calls = [0]  # the cases of this chunk that ran (shrinking calls included)
                run = settings(max_examples=size, deadline=None, database=None,
                               phases=[Phase.generate, Phase.shrink],
                               suppress_health_check=list(HealthCheck))(seed(chunk_seed)(given(strategy)(_call(prop, calls))))
                try:
                    run()
                except Stop:
                    done[name] += max(calls[0] - 1, 0)  # the interrupted case does not count
                    raise
                except Exception as err:  # a property failed: keep the minimal example, go on
                    parts = list(err.exceptions) if isinstance(err, BaseExceptionGroup) else [err]
                    notes = "\n".join(f"{type(e).__name__}: {str(e)[:300]}\n" + "\n".join(getattr(e, "__notes__", []))
                                      for e in parts)
                    failures.append({"family": name, "seed": chunk_seed, "error": f"{type(err).__name__}: {err}"[:2000],
                                     "example": notes[:4000],
                                     "where": traceback.format_exception(err)[-2][:1000] if err.__traceback__ else ""})
                    print(f"fuzz: FAILURE in {name} (seed {chunk_seed}): {type(err).__name__}: {str(err)[:300]}\n"
                          f"{notes[:1500]}", file=sys.stderr, flush=True)
                done[name] += size  # a chunk counts as generated in full (shrinking calls are extra)
                chunk_seed += 1
            elapsed = time.monotonic() - started
            print(f"fuzz: {sum(done.values())}/{args.cases} cases, {len(failures)} failures, {elapsed:.0f} s "
                  f"({sum(done.values()) / max(elapsed, 1e-9):.0f}/s) " + " ".join(f"{n}={c}" for n, c in done.items()),
                  flush=True)
    except Stop:
        print("fuzz: stopped early", file=sys.stderr)
    elapsed = time.monotonic() - started
    summary = {"cases": sum(done.values()), "asked": args.cases, "by_family": done, "failures": failures,
               "seconds": round(elapsed, 1), "first_seed": args.seed}
    print(f"fuzz: done: {summary['cases']} cases in {elapsed:.0f} s, {len(failures)} failures")
    if args.report:
        with open(args.report, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=2)
    return 1 if failures else 0


def _parallel(args, argv) -> int:
    """Split the cases over worker processes (seeds a million apart) and merge their reports."""
    import os
    import subprocess
    import tempfile

    base = [a for a in argv]
    for flag in ("--jobs", "--cases", "--seed", "--report"):
        while flag in base:
            i = base.index(flag)
            del base[i:i + 2]
        base = [a for a in base if not a.startswith(flag + "=")]
    tmp = tempfile.mkdtemp(prefix="stacklint-fuzz-")
    reports = [os.path.join(tmp, f"worker{i}.json") for i in range(args.jobs)]
    workers = [subprocess.Popen([sys.executable, "-m", "tests.fuzz.run", *base,
                                 "--cases", str(args.cases // args.jobs + (i < args.cases % args.jobs)),
                                 "--seed", str(args.seed + i * 1_000_003), "--report", reports[i]])
               for i in range(args.jobs)]
    try:
        for w in workers:
            w.wait()
    except KeyboardInterrupt:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait()
    merged = {"cases": 0, "asked": args.cases, "by_family": {}, "failures": [], "seconds": 0, "first_seed": args.seed,
              "jobs": args.jobs}
    for path in reports:
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as fh:
            part = json.load(fh)
        merged["cases"] += part["cases"]
        merged["failures"] += part["failures"]
        merged["seconds"] = max(merged["seconds"], part["seconds"])
        for name, count in part["by_family"].items():
            merged["by_family"][name] = merged["by_family"].get(name, 0) + count
    print(f"fuzz: all workers: {merged['cases']} cases in {merged['seconds']:.0f} s, "
          f"{len(merged['failures'])} failures")
    if args.report:
        with open(args.report, "w", encoding="utf-8") as fh:
            json.dump(merged, fh, indent=2)
    return 1 if merged["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Whole-process time on a small file: what a pre-commit hook or an editor restart pays.

    python3 benchmarks/startup.py [--repeat 21] [--compose-lint PATH] [--instructions]

Runs, interleaved so that drift on a shared machine hits all alike: `stacklint` on the bundled
example, compose-lint 0.36 on the same file (a peer linter; install it in a throwaway venv:
`python3 -m venv /tmp/composelint-venv && /tmp/composelint-venv/bin/pip install compose-lint==0.36.2`;
skipped with a message when absent), and `-c pass` of the interpreter that runs stacklint.
Bytecode is compiled first into a private PYTHONPYCACHEPREFIX, as an installed wheel has it.
Prints median wall and CPU (user+sys) times and the ratios; targets: stacklint <= compose-lint,
stacklint < 5x `-c pass`. With --instructions, each command also runs once under valgrind's
callgrind and the instructions it executed are compared: a figure the load of a shared machine
does not move (wall and CPU times there can double from one run to the next).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "docker-stack.yml"
COMPOSE_LINT = Path("/tmp/composelint-venv/bin/compose-lint")


def stacklint_command() -> list:
    """What a user runs: the `stacklint` console script that `pip install` put next to this
    interpreter (pip's wrapper imports re and compiles a pattern: about 5M instructions, 2%,
    more than `python -m stacklint`); `-m stacklint` where there is none."""
    script = Path(sys.executable).parent / "stacklint"
    if not script.is_file():
        return [sys.executable, "-m", "stacklint"]
    module = _entry_module()
    if module and f"from {module} import" not in script.read_text(encoding="utf-8", errors="replace"):
        # a wrapper installed before pyproject.toml's entry point changed runs other code than a
        # fresh install does (it once skipped __main__'s start-up work: 217M instructions, not 195M)
        sys.exit(f"{script} does not import {module}, the entry point pyproject.toml names: it is from an "
                 "older install; reinstall (pip install -e .) and run again")
    return [str(script)]


def _entry_module() -> str | None:
    """The module of pyproject.toml's `stacklint` console script (None where tomllib is missing)."""
    try:
        import tomllib  # novermin: the ImportError below is the 3.10 path
    except ImportError:  # Python 3.10
        return None
    with open(ROOT / "pyproject.toml", "rb") as fh:
        target = tomllib.load(fh)["project"]["scripts"]["stacklint"]
    return target.split(":", 1)[0]


def measure(cmd, env):
    """(wall seconds, CPU seconds) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def instructions(cmd, env) -> int:
    """Instructions one process executes (valgrind --tool=callgrind), children not followed."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1])
    raise RuntimeError(f"valgrind printed no count for {cmd}: {proc.stderr[-500:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--compose-lint", type=Path, default=COMPOSE_LINT)
    parser.add_argument("--instructions", action="store_true",
                        help="also count each command's instructions under valgrind (load-independent)")
    args = parser.parse_args()
    if args.instructions and not shutil.which("valgrind"):
        parser.error("--instructions needs valgrind")
    work = Path(tempfile.mkdtemp(prefix="stacklint-startup-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(work / "pycache"), NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "stacklint")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    commands = {
        "stacklint": [*stacklint_command(), str(EXAMPLE)],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    if args.compose_lint.exists():
        commands["compose-lint"] = [str(args.compose_lint), str(EXAMPLE)]
    else:
        print(f"compose-lint not found at {args.compose_lint}: skipped (see --help to install it)")
    for cmd in commands.values():  # warm the page cache and the bytecode
        measure(cmd, env)
    times = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            times[name].append(measure(cmd, env))
    counts = {name: instructions(cmd, env) for name, cmd in commands.items()} if args.instructions else {}
    shutil.rmtree(work, ignore_errors=True)
    wall = {n: statistics.median(w for w, _ in t) for n, t in times.items()}
    cpu = {n: statistics.median(c for _, c in t) for n, t in times.items()}
    print(f"stacklint runs as: {' '.join(Path(c).name for c in commands['stacklint'][:-1])}")
    print(f"{'command':<16} {'wall ms':>8} {'cpu ms':>8}   (median of {args.repeat}, {EXAMPLE.name})")
    for name in commands:
        print(f"{name:<16} {wall[name] * 1000:>8.1f} {cpu[name] * 1000:>8.1f}")
    ok = True
    base = "python -c pass"
    ratio = wall["stacklint"] / wall[base]
    print(f"stacklint / python -c pass: wall {ratio:.2f}x, cpu {cpu['stacklint'] / cpu[base]:.2f}x (target < 5)")
    ok &= ratio < 5
    if "compose-lint" in commands:
        ratio = wall["stacklint"] / wall["compose-lint"]
        print(f"stacklint / compose-lint:   wall {ratio:.2f}x, cpu {cpu['stacklint'] / cpu['compose-lint']:.2f}x "
              f"(target <= 1)")
        ok &= ratio <= 1
    if counts:
        print(f"instructions (millions): " + ", ".join(f"{n} {c / 1e6:.0f}" for n, c in counts.items()))
        print(f"stacklint / python -c pass: instructions {counts['stacklint'] / counts[base]:.2f}x")
        if "compose-lint" in counts:
            print(f"stacklint / compose-lint:   instructions {counts['stacklint'] / counts['compose-lint']:.2f}x")
    print("targets met" if ok else "targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Hostile inputs through the real CLI: what stacklint reports, wall time and peak memory.

    python3 benchmarks/hostile.py [--large] [--only TEXT]    # a Markdown table on stdout

Each case is written to a temporary file and run as `/usr/bin/time -f '%e %U %S %M' python3 -m
stacklint --no-env FILE` (falling back to resource.getrusage when /usr/bin/time is missing),
in a shell when a case closes or redirects a standard stream. Wall time and CPU time (user +
system) are both printed: on a loaded machine wall time measures the neighbours, CPU time the
work. The first row is a tiny valid file: interpreter start-up and imports, for comparison.
--large adds gen_stack files of 5,000, 15,000 and 18,500 services (legitimate, large) to show
what linting near the 20 MiB limit costs. Acceptance (issue 15): every case under 5 s and 1 GB.

Measured 2026-11-30 on the shared 2-core machine (load ~10), `python3 benchmarks/hostile.py --large`
(each run compiling its modules, about 0.3 s CPU, as PYTHONDONTWRITEBYTECODE was set): all cases
within 5 s CPU and 1 GB except 20,000 minimal services (4.3 to 5.6 s CPU from run to run, linear)
and the legitimate gen_stack files (6 / 21 / 27 s CPU for 5,000 / 15,000 / 18,500 services).
18,500 services peak at 966 MB: above 8 MiB the span index keeps marks instead of ruamel's node
tree (document.SpanIndex.compact), which had held the peak at 1,139 MB in the same sitting.
"""
from __future__ import annotations

import argparse
import codecs
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GEN = next((p / "shared" / "bench" / "gen_stack.py" for p in (ROOT.parent, ROOT.parent.parent)
            if (p / "shared" / "bench" / "gen_stack.py").exists()), None)

STACK = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    labels:\n      caf\u00e9: "na\u00efve"\n'


def billion_laughs() -> bytes:
    lines = ['version: "3.8"', 'x-a0: &a0 [' + ", ".join(['"lol"'] * 10) + "]"]
    lines += [f"x-a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return ("\n".join(lines + ["services:", "  web:", "    image: nginx:1.27", "    labels: *a9"]) + "\n").encode()


def shared_anchor(keys: int, uses: int) -> bytes:
    lines = ['version: "3.8"', "x-labels: &labels"] + [f'  l{i}: "v"' for i in range(keys)] + ["services:"]
    for u in range(uses):
        lines += [f"  s{u}:", "    image: nginx:1.27", "    labels: *labels"]
    return ("\n".join(lines) + "\n").encode()


def alias_chain(n: int) -> bytes:
    lines = ['version: "3.8"', 'x-a0: &a0 ["x"]'] + [f"x-a{i}: &a{i} [*a{i - 1}]" for i in range(1, n)]
    return ("\n".join(lines + ["services:", "  web:", "    image: nginx:1.27", f"    command: *a{n - 1}"]) + "\n").encode()


def fifty_megabytes(path: Path) -> None:
    with open(path, "w") as fh:
        fh.write('version: "3.8"\nservices:\n')
        for i in range(1_000_000):
            fh.write(f"  s{i:07}:\n    image: nginx:1.27\n      # {'x' * 16}\n")


def full_ranges(services: int) -> bytes:
    return ('version: "3.8"\nservices:\n' + "".join(
        f'  s{i}:\n    image: nginx:1.27\n    ports: ["1-65535:1-65535"]\n' for i in range(services))).encode()


def minimal_services(n: int) -> bytes:
    return ('version: "3.8"\nservices:\n' + "".join(f"  s{i}:\n    image: x\n" for i in range(n))).encode()


def long_lists(n: int) -> bytes:
    """One service with n environment entries, n labels and n constraints: every list is long."""
    env = "".join(f"      - V{i}=x\n" for i in range(n))
    labels = "".join(f"        l{i}: v\n" for i in range(n))
    constraints = "".join(f"          - node.labels.l{i} == v\n" for i in range(n))
    return (f'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    environment:\n{env}'
            f"    deploy:\n      labels:\n{labels}      placement:\n        constraints:\n{constraints}").encode()


def many_ports(n: int) -> bytes:
    """One service publishing n single ports, every one twice (n overlapping pairs)."""
    ports = "".join(f'      - "{10000 + i % (n // 2)}:{80 + i}"\n' for i in range(n))
    return f'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n{ports}'.encode()


def ranges_in_two_files() -> dict:
    """`-c base.yml -c prod.yml`: the override adds a full range to a service that has one."""
    return {"docker-stack.yml": full_ranges(2),
            "prod.yml": b'version: "3.8"\nservices:\n  s0:\n    ports: ["1-65535:1-65535/udp"]\n'}


def same_range_in_two_files() -> dict:
    """`-c base.yml -c prod.yml` with the same full range on the same service (issue 15 item 1
    through the merge: Docker keys merged ports by published port, 65,535 keys)."""
    return {"docker-stack.yml": b'version: "3.8"\nservices:\n  s0:\n    image: nginx:1.27\n'
                                b'    ports: ["1-65535:1-65535"]\n',
            "prod.yml": b'version: "3.8"\nservices:\n  s0:\n    ports: ["1-65535:1-65535"]\n'}


def fifo(path: Path) -> None:
    os.mkfifo(path)


def gen_stack(n: int):
    if GEN is None:
        return None
    return subprocess.run([sys.executable, str(GEN), str(n)], capture_output=True, check=True).stdout


CASES = [
    ("tiny valid file (baseline)", lambda: STACK.encode()),
    ("billion laughs (10 levels x 10 aliases, 10^10 nodes)", billion_laughs),
    ("largest alias expansion Docker accepts (1,000-key anchor x 141)", lambda: shared_anchor(1000, 141)),
    ("one alias more (x 142: Docker: excessive aliasing)", lambda: shared_anchor(1000, 142)),
    ("recursive alias (services: &s {web: *s})", lambda: b'version: "3.8"\nservices: &s\n  web: *s\n'),
    ("10,000-deep flow nesting", lambda: b'version: "3.8"\nx-deep: ' + b"[" * 10_000 + b"]" * 10_000 + b"\n"),
    ("10,000-deep block nesting (- - - ...)", lambda: b'version: "3.8"\nx-deep:\n  ' + b"- " * 10_000 + b"x\n"),
    ("150-deep alias chain", lambda: alias_chain(150)),
    ("50 MB file", fifty_megabytes),
    ("NUL byte", lambda: b'version: "3.8"\nservices:\n  web:\n    image: ngi\x00nx\n'),
    ("UTF-16 LE with BOM", lambda: codecs.BOM_UTF16_LE + STACK.encode("utf-16-le")),
    ("UTF-16 BE with BOM", lambda: codecs.BOM_UTF16_BE + STACK.encode("utf-16-be")),
    ("Latin-1", lambda: STACK.encode("latin-1")),
    ("UTF-8 BOM, version: 3.8 unquoted", lambda: codecs.BOM_UTF8 + STACK.replace('"3.8"', "3.8").encode()),
    ("CRLF line endings, version: 3.8 unquoted", lambda: STACK.replace('"3.8"', "3.8").replace("\n", "\r\n").encode()),
    ("2 services publishing 1-65535:1-65535 (141 bytes)", lambda: full_ranges(2)),
    ("4 services publishing 1-65535:1-65535", lambda: full_ranges(4)),
    ("101 services publishing 1-65535:1-65535 (5,050 pairs)", lambda: full_ranges(101)),
    ("20,000 minimal services", lambda: minimal_services(20_000)),
    ("a 20,000-entry environment, label map and constraint list", lambda: long_lists(20_000)),
    ("20,000 published ports, each host port twice", lambda: many_ports(20_000)),
    ("two files (-c -c), both publishing 1-65535 on one service", ranges_in_two_files,
     ["-c", "docker-stack.yml", "-c", "prod.yml"]),
    ("two files (-c -c), the same 1-65535:1-65535 on one service", same_range_in_two_files,
     ["-c", "docker-stack.yml", "-c", "prod.yml"]),
    ("FIFO named docker-stack.yml", fifo),
    ("--inventory /dev/zero", lambda: STACK.encode(), ["--inventory", "/dev/zero"]),
    ("--config /dev/zero", lambda: STACK.encode(), ["--config", "/dev/zero"]),
    ("--env-file /dev/zero", lambda: STACK.encode(), ["--env-file", "/dev/zero"]),
    ("standard output closed", lambda: full_ranges(2), [], ">&-"),
    ("standard input closed, reading -", lambda: STACK.encode(), ["-"], "<&-"),
    ("standard error closed (a YAML error to report)", lambda: b"a: [", [], "2>&-"),
    ("output to /dev/full", lambda: full_ranges(2), [], ">/dev/full"),
]
LARGE = [("gen_stack 5000 (5.5 MB, legitimate)", lambda: gen_stack(5000)),
         ("gen_stack 15000 (16 MB, legitimate)", lambda: gen_stack(15000)),
         ("gen_stack 18500 (just under the 20 MiB limit, legitimate)", lambda: gen_stack(18500))]


def measure(path: Path, extra=(), redirect: str = "") -> tuple:
    """(exit code, stdout, stderr, wall s, CPU s (user + system), peak RSS KB) of one run, in
    its own shell when the case redirects or closes a standard stream."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    files = [] if any(a in ("-c", "-") for a in extra) else [str(path)]
    cmd = [sys.executable, "-m", "stacklint", "--no-env", *extra, *files]
    if redirect:
        cmd = ["sh", "-c", f'exec "$@" {redirect}', "sh", *cmd]
    if os.path.exists("/usr/bin/time"):
        report = path.parent / "time.out"  # not stderr: some cases close it
        proc = subprocess.run(["/usr/bin/time", "-o", str(report), "-f", "%e %U %S %M", *cmd], capture_output=True,
                              text=True, env=env, errors="replace", cwd=path.parent)
        wall, user, system, kb = report.read_text().split("\n")[-2].split()
        return proc.returncode, proc.stdout, proc.stderr, float(wall), float(user) + float(system), int(kb)
    import resource
    import time
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, errors="replace", cwd=path.parent)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start, cpu, after.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="add large legitimate files (slow)")
    parser.add_argument("--only", default="", metavar="TEXT", help="only the cases whose name contains TEXT")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stacklint-hostile-"))
    print("| input | stacklint reports | exit | wall | CPU | peak RSS | within 5 s CPU, 1 GB |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, make, *rest in CASES + (LARGE if args.large else []):
        if args.only not in name:
            continue
        extra, redirect = (rest[0] if rest else []), (rest[1] if len(rest) > 1 else "")
        path = tmp / "docker-stack.yml"
        if make in (fifty_megabytes, fifo):
            make(path)  # writes (or makes) the file itself
        else:
            made = make()
            if made is None:
                continue
            for file_name, data in (made if isinstance(made, dict) else {path.name: made}).items():
                (tmp / file_name).write_bytes(data)
        code, out, err, seconds, cpu, kb = measure(path, extra, redirect)
        err_lines = [line for line in err.splitlines() if line.startswith("stacklint:")]
        out_lines = out.strip().splitlines()
        # the finding the case is about (SL001/SL003), else the summary line (how many findings)
        first = (err_lines or [line for line in out_lines if re.search(r" SL00[13] ", line)] or out_lines[-1:]
                 or [""])[0]
        first = first.replace(str(path), "FILE").replace("|", "\\|")
        if len(first) > 150:
            first = first[:147] + "..."
        within = "yes" if cpu < 5 and kb < 1024 * 1024 else "NO"
        print(f"| {name} | `{first}` | {code} | {seconds:.2f} s | {cpu:.2f} s | {kb / 1024:.0f} MB | {within} |",
              flush=True)
        for leftover in tmp.iterdir():
            leftover.unlink()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

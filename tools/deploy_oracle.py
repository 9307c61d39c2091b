#!/usr/bin/env python3
"""Docker's answer to every deploy case: deploy each one on a real Swarm and record what happens.

    STACKLINT_TEST_ENGINE=1 DOCKER_HOST=unix:///tmp/swarm-a/docker.sock \\
        python3 tools/deploy_oracle.py [--check] [--only GLOB ...] [--sample N]

Each case (tests/deploy_cases/<class>/<id>.yml, header format in tests/deploy_cases/README.md) is
deployed with `docker stack deploy --detach=true --resolve-image never -c FILE st`, its tasks are
watched (bounded) and the outcome is one of `deploy-fails`, `never-schedules`, `task-fails`, `ok`,
with Docker's own first line of text. Then the stack and everything it created is removed, so the
next case starts from the same empty Swarm. Without --check the rows are written to results.tsv
(rows of cases not run are kept); with --check they are compared with the recorded ones.

Images cannot be pulled here: a tiny static binary (it waits for a signal, and exits on SIGTERM so
`docker stack rm` is quick) is imported as an image and tagged as every image name the cases use,
except names under `absent/` (for cases about a missing image).

It refuses to run unless the engine was started for it (STACKLINT_TEST_ENGINE=1, or a DOCKER_HOST
socket under /tmp): it creates and removes stacks, networks, secrets and configs.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "deploy_cases"
RESULTS = CASES / "results.tsv"
ENGINE_FILE = CASES / "ENGINE"
STACK = "st"  # what messages and lint settings call the stack
OUTCOMES = ("deploy-fails", "never-schedules", "task-fails", "ok")
NAMESPACE_LABEL = "com.docker.stack.namespace"

# The image's program: wait for any signal; exit 0 on SIGTERM (docker stop) at once.
PROBE_C = r"""
#include <signal.h>
#include <unistd.h>
static void done(int sig) { (void)sig; _exit(0); }
int main(void) { signal(SIGTERM, done); signal(SIGINT, done); for (;;) pause(); }
"""


# --- Cases ----------------------------------------------------------------------------------------

@dataclass
class Case:
    id: str  # "<class>/<name>", the results.tsv key
    path: Path
    klass: str
    mutated: Tuple[int, ...]  # 1-based lines of the file the mutation touched
    files: Dict[str, str] = field(default_factory=dict)
    env: Dict[str, str] = field(default_factory=dict)
    objects: Tuple[Tuple[str, str, str], ...] = ()  # (kind, name, option) created before the deploy
    wait: float = 0.0  # extra seconds to watch running tasks (healthchecks, late failures)
    desc: str = ""
    inventory: str = ""  # "swarm": lint it with an inventory of the test Swarm (see swarm_inventory)


HEADER = re.compile(r"#\s*([a-z]+):\s?(.*)$")


def read_case(path: Path, root: Path = CASES) -> Case:
    """The header comments of a case file (only the leading comment lines count)."""
    headers: Dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = HEADER.match(line)
        if not m:
            break
        headers[m.group(1)] = m.group(2).strip()
    rel = path.relative_to(root).with_suffix("")
    mutated = tuple(int(x) for x in re.split(r"[,\s]+", headers.get("mutated", "")) if x)
    return Case(id=rel.as_posix(), path=path, klass=headers.get("class", rel.parts[0]), mutated=mutated,
                files=_pairs(headers.get("files", "")), env=_pairs(headers.get("env", "")),
                objects=tuple(_object(o) for o in headers.get("objects", "").split(";") if o.strip()),
                wait=float(headers.get("wait", "0") or 0), desc=headers.get("desc", ""),
                inventory=headers.get("inventory", ""))


def _pairs(text: str) -> Dict[str, str]:
    # "a=1;b=x\ny": values may use \n and \t escapes; "@bytes:N" is N bytes of "x"
    out = {}
    for item in text.split(";"):
        if "=" in item:
            key, value = item.split("=", 1)
            if value.startswith("@bytes:"):
                value = "x" * int(value[len("@bytes:"):])
            out[key.strip()] = value.replace("\\n", "\n").replace("\\t", "\t")
    return out


def _object(text: str) -> Tuple[str, str, str]:
    # "network:NAME[:driver]", "secret:NAME", "config:NAME"
    kind, name, *rest = text.strip().split(":")
    if kind not in ("network", "secret", "config"):
        raise ValueError(f"unknown object kind {kind!r} in '# objects:' (network, secret or config)")
    return kind, name, rest[0] if rest else ""


def swarm_inventory(case: Case, engine: str) -> Dict:
    """What `stacklint inventory` would record for the Swarm a case is deployed on: the runner's
    one-node engine with its ingress network and the case's `# objects:`."""
    networks = [{"name": "ingress", "driver": "overlay", "scope": "swarm"}]
    for kind, name, option in case.objects:
        if kind == "network":
            driver = option or "overlay"
            networks.append({"name": name, "driver": driver, "scope": "swarm" if driver == "overlay" else "local"})
    return {"format": "stacklint-inventory", "version": 1,
            "nodes": [{"id": "node1", "hostname": "node1", "role": "manager", "availability": "active",
                       "state": "ready", "platform": {"os": "linux", "arch": "x86_64"}, "engine_version": engine}],
            "secrets": [n for k, n, _ in case.objects if k == "secret"],
            "configs": [n for k, n, _ in case.objects if k == "config"],
            "networks": networks, "volumes": [], "services": []}


def all_cases(root: Path = CASES) -> List[Case]:
    return [read_case(p, root) for p in sorted(root.glob("*/*.yml"))]


def read_results(path: Path = RESULTS) -> Dict[str, Tuple[str, str]]:
    rows = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            case, outcome, message = (line.split("\t") + ["", ""])[:3]
            rows[case] = (outcome, message)
    return rows


def write_results(rows: Dict[str, Tuple[str, str]], path: Path = RESULTS) -> None:
    lines = ["case\toutcome\tmessage"] + [f"{c}\t{o}\t{m}" for c, (o, m) in sorted(rows.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- The engine -----------------------------------------------------------------------------------

def engine_env(host: Optional[str] = None) -> Dict[str, str]:
    """The environment docker commands get; refuses an engine that was not started for this."""
    host = host or os.environ.get("DOCKER_HOST", "")
    if not host:
        raise SystemExit("deploy_oracle: DOCKER_HOST is unset; start an engine with ../shared/tools/swarm.sh")
    if os.environ.get("STACKLINT_TEST_ENGINE") != "1" and not host.startswith("unix:///tmp/"):
        raise SystemExit(f"deploy_oracle: refusing to deploy to {host}: set STACKLINT_TEST_ENGINE=1 for an "
                         "engine started for these tests (it creates and removes stacks)")
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOCKER_HOST": host,
            "HOME": os.environ.get("HOME", "/root")}


def docker(env: Dict[str, str], *args: str, input: Optional[str] = None, cwd=None,
           timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], input=input, capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)


def engine_version(env: Dict[str, str]) -> str:
    out = docker(env, "version", "--format", "{{.Server.Version}}")
    if out.returncode != 0:
        raise SystemExit(f"deploy_oracle: no engine at {env['DOCKER_HOST']}: {out.stderr.strip()}")
    return out.stdout.strip()


IMAGE_LINE = re.compile(r"""^\s*image:\s*["']?([^"'\s#]+)""", re.M)


def build_probe_image(env: Dict[str, str], cases: List[Case]) -> None:
    """Compile the probe statically, import it and tag it as every image the cases name."""
    with tempfile.TemporaryDirectory() as tmp:
        src, binary = Path(tmp, "probe.c"), Path(tmp, "probe")
        src.write_text(PROBE_C)
        subprocess.run(["gcc", "-static", "-Os", "-s", "-o", str(binary), str(src)], check=True)
        subprocess.run(["tar", "-C", tmp, "-cf", str(Path(tmp, "probe.tar")), "probe"], check=True)
        out = docker(env, "import", "-c", 'CMD ["/probe"]', str(Path(tmp, "probe.tar")), "stacklint-probe:base")
        if out.returncode != 0:
            raise SystemExit(f"deploy_oracle: docker import failed: {out.stderr.strip()}")
    names = {"probe:1"}
    for case in cases:
        names.update(m.group(1) for m in IMAGE_LINE.finditer(case.path.read_text(encoding="utf-8")))
    for name in sorted(names):
        if "$" not in name and not name.startswith("absent/"):
            docker(env, "tag", "stacklint-probe:base", name)  # refused names (`nginx:`) stay untagged


# --- One deploy -----------------------------------------------------------------------------------

# stderr lines that are progress or the ignored/deprecated-options notices, not the error
NOTICE = re.compile(r"^(Creating |Updating |Ignoring |Since --detach|Waiting for the stack|(container_name|expose): )")
IDS = [(re.compile(r"\b[0-9a-f]{64}\b"), "<id>"), (re.compile(r"\b[0-9a-z]{25}\b"), "<id>"),
       (re.compile(r"\(([0-9a-z]{12,25})\)"), "(<id>)")]


def normalise(text: str, folder: str = "", stack: str = STACK) -> str:
    if folder:
        text = text.replace(folder, "<dir>")
    if stack != STACK:
        text = re.sub(rf"\b{stack}_", f"{STACK}_", text)
    for pattern, repl in IDS:
        text = pattern.sub(repl, text)
    return " ".join(text.split())


def error_line(stderr: str, folder: str, stack: str) -> str:
    """Docker's error: the last line that is not a progress or ignored-options notice."""
    lines = [l for l in stderr.splitlines() if l.strip() and not NOTICE.match(l)]
    return normalise(lines[-1] if lines else stderr.strip(), folder, stack)


def deploy(env: Dict[str, str], case: Case, timeout: float = 20.0, stack: str = STACK) -> Tuple[str, str]:
    """Deploy one case as `stack`, watch it, remove it: (outcome, message)."""
    with tempfile.TemporaryDirectory(prefix="deploy-case-") as folder:
        stack_file = Path(folder, "stack.yml")
        shutil.copyfile(case.path, stack_file)
        for name, content in case.files.items():
            Path(folder, name).parent.mkdir(parents=True, exist_ok=True)
            Path(folder, name).write_text(content, encoding="utf-8")
        created = _create_objects(env, case, folder)
        try:
            run_env = dict(env, **case.env)
            out = docker(run_env, "stack", "deploy", "--detach=true", "--resolve-image", "never",
                         "-c", str(stack_file), stack, cwd=folder)
            if out.returncode != 0:
                return "deploy-fails", error_line(out.stderr, folder, stack)
            return _watch(env, stack, timeout, case.wait, folder)
        finally:
            remove_stack(env, stack)
            for kind, name in created:
                docker(env, kind, "rm", name)


def _create_objects(env, case: Case, folder: str) -> List[Tuple[str, str]]:
    created = []
    for kind, name, option in case.objects:
        if kind == "network":
            args = ["network", "create", "-d", option or "overlay"] + (["--attachable"] if not option else [])
            out = docker(env, *args, name)
        else:
            out = docker(env, kind, "create", name, "-", input=option or "x")
        if out.returncode != 0:
            raise RuntimeError(f"{case.id}: could not create {kind} {name}: {out.stderr.strip()}")
        created.append((kind, name))
    return created


def _watch(env, stack: str, timeout: float, extra: float, folder: str) -> Tuple[str, str]:
    """Poll the stack's tasks until every service runs (or completed), a task fails, or time runs out."""
    deadline = time.monotonic() + timeout
    settled_at = unschedulable_since = None
    while True:
        tasks = _json_lines(docker(env, "stack", "ps", stack, "--no-trunc", "--format", "{{json .}}"))
        for task in tasks:
            state = task.get("CurrentState", "")
            if state.startswith(("Failed", "Rejected")):
                return "task-fails", normalise(_task_error(task) or state.split()[0], folder, stack)
        services = _json_lines(docker(env, "stack", "services", stack, "--format", "{{json .}}"))
        if all(_satisfied(s.get("Replicas", "")) for s in services):
            settled_at = settled_at or time.monotonic()
            if time.monotonic() - settled_at >= extra:
                return "ok", ""
            time.sleep(0.3)
            continue
        if any("no suitable node" in _task_error(t) for t in tasks):
            # the scheduler's verdict; give it a few seconds to change its mind, not the whole timeout
            unschedulable_since = unschedulable_since or time.monotonic()
        if time.monotonic() > deadline or (unschedulable_since and time.monotonic() - unschedulable_since > 3):
            pending = [t for t in tasks if t.get("DesiredState") in ("Running", "Complete")]
            reason = next((_task_error(t) for t in pending if _task_error(t)), "")
            state = pending[0].get("CurrentState", "no task").split()[0] if pending else "no task"
            return "never-schedules", normalise(reason or f"task stays {state}", folder, stack)
        time.sleep(0.3)


def _task_error(task: dict) -> str:
    error = task.get("Error", "")
    return error[1:-1] if len(error) > 1 and error[0] == error[-1] == '"' else error  # docker quotes it


def _satisfied(replicas: str) -> bool:
    # "1/1", "0/0", "3/3 (max 1 per node)", jobs: "0/1 (1/1 completed)"
    m = re.match(r"(\d+)/(\d+)(?: \((\d+)/(\d+) completed\))?", replicas)
    if not m:
        return False
    running, desired, done, total = m.groups()
    return running == desired or (done is not None and done == total)


def _json_lines(out: subprocess.CompletedProcess) -> List[dict]:
    return [json.loads(l) for l in out.stdout.splitlines() if l.strip().startswith("{")]


def remove_stack(env, stack: str = STACK, timeout: float = 60) -> None:
    """`docker stack rm`, then wait until no container, network or volume of the stack is left."""
    docker(env, "stack", "rm", stack, timeout=timeout)
    label = f"label={NAMESPACE_LABEL}={stack}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [docker(env, kind, "ls", "-q", "--filter", label).stdout.split()
                for kind in ("network", "secret", "config")]
        containers = docker(env, "ps", "-aq", "--filter", label).stdout.split()
        if containers:
            docker(env, "rm", "-f", *containers)
        for kind, ids in zip(("network", "secret", "config"), left):
            if ids and "not found" in docker(env, kind, "rm", *ids).stderr:
                # the manager has removed it; the node's own copy (a load-balancer endpoint) lingers a while
                left[left.index(ids)] = []
        volumes = docker(env, "volume", "ls", "-q", "--filter", label).stdout.split()
        if volumes:
            docker(env, "volume", "rm", "-f", *volumes)
        if not containers and not volumes and not any(left):
            return
        time.sleep(0.3)
    raise RuntimeError(f"stack {stack} was not removed within {timeout}s")


# --- Command line ---------------------------------------------------------------------------------

def sample(cases: List[Case], size: int) -> List[Case]:
    """A deterministic sample spread over every class: every k-th case in id order."""
    if size <= 0 or size >= len(cases):
        return cases
    step = len(cases) / size
    return [cases[int(i * step)] for i in range(size)]


def lanes(cases: List[Case], count: int) -> List[List[Case]]:
    """Cases that publish ports, name objects explicitly or create objects share lane 0 (they could
    collide with each other); the rest are spread over the other lanes."""
    out: List[List[Case]] = [[] for _ in range(max(1, count))]
    others = 0
    for case in cases:
        text = case.path.read_text(encoding="utf-8")
        if len(out) == 1 or case.objects or re.search(r"^\s*(ports|name):", text, re.M):
            out[0].append(case)
        else:
            out[1 + others % (len(out) - 1)].append(case)
            others += 1
    return out


def stack_names(env):
    """Fresh two-character stack names (as long as STACK, so name-length limits hit alike), skipping
    every namespace something on the engine still carries: a removed overlay network can linger on
    the node for a while, and a stack of the same name would then find it instead of creating it."""
    import itertools
    import threading

    used = set()
    for kind in ("network", "secret", "config"):
        out = docker(env, kind, "ls", "--format", f'{{{{.Label "{NAMESPACE_LABEL}"}}}}')
        used.update(out.stdout.split())
    names = (a + b for a, b in itertools.product("abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz0123456789")
             if a + b not in used)
    lock = threading.Lock()

    def take() -> str:
        with lock:
            return next(names)

    return take


def run(env, cases: List[Case], lane_count: int = 4, timeout: float = 20.0, report=None) -> Dict[str, Tuple[str, str]]:
    """Deploy every case (lanes in parallel, each lane's cases one after the other): {id: (outcome, message)}."""
    from concurrent.futures import ThreadPoolExecutor

    got: Dict[str, Tuple[str, str]] = {}
    fresh = stack_names(env)

    def lane(index: int, todo: List[Case]):
        for case in todo:
            stack = fresh()
            t0 = time.monotonic()
            got[case.id] = deploy(env, case, timeout, stack)
            if report:
                report(case, got[case.id], time.monotonic() - t0)

    with ThreadPoolExecutor(max_workers=lane_count) as pool:
        for future in [pool.submit(lane, i, todo) for i, todo in enumerate(lanes(cases, lane_count)) if todo]:
            future.result()
    return got


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with results.tsv instead of writing it")
    ap.add_argument("--only", nargs="*", default=[], help="case ids or globs (e.g. 'swarmkit-spec/*')")
    ap.add_argument("--sample", type=int, default=0, help="a deterministic sample of N cases")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for tasks to run")
    ap.add_argument("--missing", action="store_true", help="only the cases results.tsv has no row for")
    ap.add_argument("--lanes", type=int, default=4, help="stacks deployed in parallel")
    args = ap.parse_args(argv)
    env = engine_env()
    cases = all_cases()
    if args.only:
        cases = [c for c in cases if any(fnmatch.fnmatch(c.id, g) for g in args.only)]
    if args.missing:
        cases = [c for c in cases if c.id not in read_results()]
    cases = sample(cases, args.sample)
    version = engine_version(env)
    build_probe_image(env, cases)
    recorded = read_results()
    rows = dict(recorded)
    disagree = []

    def report(case, answer, seconds):
        rows[case.id] = answer
        mark = ""
        if args.check and recorded.get(case.id) != answer:
            disagree.append(case.id)
            mark = f"   <-- recorded {recorded.get(case.id)}"
        print(f"{case.id}\t{answer[0]}\t{answer[1]}\t({seconds:.1f}s){mark}", flush=True)
        if not args.check:
            write_results(rows)  # as we go: an interrupted run keeps what it learned

    start = time.monotonic()
    run(env, cases, args.lanes, args.timeout, report)
    elapsed = time.monotonic() - start
    print(f"{len(cases)} cases on engine {version} in {elapsed:.0f}s with {args.lanes} lanes")
    if args.check:
        print(f"{len(cases) - len(disagree)}/{len(cases)} agree with {RESULTS.relative_to(ROOT)}")
        return 1 if disagree else 0
    ENGINE_FILE.write_text(version + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

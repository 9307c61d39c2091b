"""Deploy-time truth for the Swarm rules: what a real Swarm does with the files they flag.

Each case is deployed with `docker stack deploy` on the test engine named by
STACKLINT_TEST_DOCKER_HOST (scripts/test-engine.sh starts one; `.ci/run` does: Debian's docker.io
20.10 engine with the 28.x CLI) and linted by stacklint:

- SL301, SL307, SL308, SL309: Docker refuses the file; the test finds Docker's exact failure
  text in its output, and stacklint reports the code (as an error at stage "deploy").
- SL302, SL303, SL304: Docker creates the service, and the scheduler never places it: its task
  stays pending with `no suitable node (...)`. Images cannot be pulled here, so the test asserts
  on that scheduling message, never on a running state.

Messages recorded on the 20.10 engine (they match docker-facts §3.8/§4 except where noted):
  rpc error: code = Unknown desc = constraint expected one operator from ==, !=
  rpc error: code = Unknown desc = key 'node.role!' is invalid / value '' is invalid
  service web: replicas can only be used with replicated or replicated-job mode   (CLI)
  service web: Unknown mode: Replicated                                          (CLI)
  rpc error: code = InvalidArgument desc = Jobs may not have an update config
  rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode
  rpc error: code = InvalidArgument desc = EndpointSpec: duplicate published ports provided
  rpc error: code = InvalidArgument desc = port '18081' is already in use by service 'S_a' (ID) as an ingress port
  task error: no suitable node (scheduling constraints not satisfied on 1 node)
Two services publishing the same port in host mode are accepted (the scheduler keeps them apart):
stacklint reports that as a warning, not an error.

Every stack, network and service created here is prefixed `rules-swarm-` and removed afterwards.
"""
from __future__ import annotations

import os
import re
import subprocess
import time

import pytest

from stacklint.diagnostics import Severity
from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import engine_env, swarm_manager_or_skip

pytestmark = pytest.mark.swarm

PREFIX = "rules-swarm-"
NEVER_SCHEDULED = re.compile(r"no suitable node \(scheduling constraints not satisfied on \d+ nodes?\)")


def _docker(*args: str, timeout: int = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "RULES_SWARM_UNSET_ZONE"}  # used as an unset variable
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, env=engine_env(env))


@pytest.fixture(scope="module")
def swarm():
    return swarm_manager_or_skip()


@pytest.fixture
def deploy(swarm, tmp_path):
    """deploy(name, text) -> (stack, output); every stack deployed is removed at the end."""
    stacks = []

    def run(name: str, text: str):
        stack = f"{PREFIX}{name}-{os.getpid() % 100000}"
        path = tmp_path / f"{name}.yml"
        path.write_text(text)
        stacks.append(stack)
        proc = _docker("stack", "deploy", "--detach=true", "-c", str(path), stack)
        return stack, proc.returncode, proc.stdout + proc.stderr, path

    yield run
    for stack in stacks:
        _docker("stack", "rm", stack)


def _lint(path) -> list:
    # strict_env: the deploys here run without the variables these files use, so an empty
    # environment is the deploy's own (an unset variable is the deploy's problem, not CI's)
    return lint(path.read_text(), str(path), Settings(env={}, strict_env=True))


def _errors(path, code: str) -> list:
    return [d for d in _lint(path) if d.code == code and d.severity == Severity.ERROR and d.stage == "deploy"]


def _task_errors(service: str, wait: float = 15.0) -> str:
    """The tasks' error column, polled until the scheduler has said something (or the wait is over)."""
    deadline = time.monotonic() + wait
    text = ""
    while time.monotonic() < deadline:
        proc = _docker("service", "ps", "--no-trunc", "--format", "{{.CurrentState}}|{{.Error}}", service)
        text = proc.stdout
        if NEVER_SCHEDULED.search(text):
            return text
        time.sleep(0.5)
    return text


def _running(service: str) -> str:
    return _docker("service", "ls", "--filter", f"name={service}", "--format", "{{.Replicas}}").stdout.strip()


REFUSED = [
    ("sl301-op", "SL301", """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.role = manager
""", "Error response from daemon: rpc error: code = Unknown desc = constraint expected one operator from ==, !="),
    ("sl301-key", "SL301", """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.role!==manager
""", "rpc error: code = Unknown desc = key 'node.role!' is invalid"),
    ("sl301-empty", "SL301", """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.labels.zone==${RULES_SWARM_UNSET_ZONE}
""", "rpc error: code = Unknown desc = value '' is invalid"),
    ("sl307-replicas", "SL307", """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    deploy:
      mode: global
      replicas: 2
""", "service web: replicas can only be used with replicated or replicated-job mode"),
    ("sl307-mode", "SL307", """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    deploy:
      mode: Replicated
""", "service web: Unknown mode: Replicated"),
    ("sl307-job", "SL307", """\
version: "3.9"
services:
  web:
    image: nginx:1.27
    deploy:
      mode: replicated-job
      update_config:
        parallelism: 1
""", "rpc error: code = InvalidArgument desc = Jobs may not have an update config"),
    ("sl308", "SL308", """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    ports:
      - "80"
    deploy:
      endpoint_mode: dnsrr
""", "rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used "
     "with dnsrr mode"),
    ("sl309-dup", "SL309", """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    ports:
      - "18080:80"
      - "18080:81"
""", "rpc error: code = InvalidArgument desc = EndpointSpec: duplicate published ports provided"),
]


@pytest.mark.parametrize("name,code,text,docker_says", REFUSED, ids=[c[0] for c in REFUSED])
def test_docker_refuses_what_stacklint_reports(deploy, name, code, text, docker_says):
    stack, rc, output, path = deploy(name, text)
    assert rc != 0, output
    assert docker_says in output, output
    assert _errors(path, code), [(d.code, d.message) for d in _lint(path)]


def test_two_services_on_one_ingress_port(deploy):
    text = """\
version: "3.8"
services:
  a:
    image: nginx:1.27
    ports:
      - "18081:80"
  b:
    image: nginx:1.27
    ports:
      - "18081:80"
"""
    stack, rc, output, path = deploy("sl309-two", text)
    assert rc != 0, output
    # Docker creates the services in map order: either one may be the one refused.
    assert re.search(rf"rpc error: code = InvalidArgument desc = port '18081' is already in use by service "
                     rf"'{stack}_[ab]' \(\w+\) as an ingress port", output), output
    assert [d.path[:2] for d in _errors(path, "SL309")] == [("services", "b")]


def test_two_services_on_one_host_port_are_accepted(deploy):
    text = """\
version: "3.8"
services:
  a:
    image: nginx:1.27
    ports:
      - {target: 80, published: 18082, mode: host}
  b:
    image: nginx:1.27
    ports:
      - {target: 80, published: 18082, mode: host}
"""
    stack, rc, output, path = deploy("sl309-host", text)
    assert rc == 0, output
    found = [d for d in _lint(path) if d.code == "SL309"]
    assert [(d.severity, d.stage) for d in found] == [(Severity.WARNING, "")]


NEVER = [
    ("sl302", "SL302", "node.rol == manager"),
    ("sl302-label", "SL302", "node.label.zone == eu"),
    ("sl303-role", "SL303", "node.role == master"),
    ("sl303-arch", "SL303", "node.platform.arch == amd64"),
    ("sl303-glob", "SL303", "node.hostname == *"),
]


@pytest.mark.parametrize("name,code,constraint", NEVER, ids=[c[0] for c in NEVER])
def test_never_scheduled(deploy, name, code, constraint):
    text = f"""\
version: "3.8"
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - {constraint}
"""
    stack, rc, output, path = deploy(name, text)
    assert rc == 0, output
    errors = _task_errors(f"{stack}_web")
    assert NEVER_SCHEDULED.search(errors), errors
    assert _running(f"{stack}_web").startswith("0/"), _running(f"{stack}_web")
    assert [d.severity for d in _lint(path) if d.code == code] == [Severity.ERROR]


def test_contradiction_never_scheduled(deploy):
    text = """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.role == manager
          - node.role == worker
"""
    stack, rc, output, path = deploy("sl304", text)
    assert rc == 0, output
    errors = _task_errors(f"{stack}_web")
    assert NEVER_SCHEDULED.search(errors), errors
    assert _running(f"{stack}_web").startswith("0/")
    # each constraint alone is satisfiable on this one-manager Swarm; together they are not
    assert [(d.code, d.range.start.line + 1) for d in _lint(path) if d.code.startswith("SL30")] == [("SL304", 9)]


def test_correct_constraints_schedule(deploy):
    """The control: the same service with constraints this manager satisfies is scheduled (its task
    then fails to pull the image, which is not a scheduling message)."""
    text = """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    deploy:
      placement:
        constraints:
          - node.role == manager
          - node.platform.arch == x86_64
          - node.platform.os == linux
          - node.role != worker
"""
    arch = _docker("node", "inspect", "self", "--format", "{{.Description.Platform.Architecture}}").stdout.strip()
    if arch != "x86_64":
        pytest.skip(f"this control assumes an x86_64 node; the node here is {arch}")
    stack, rc, output, path = deploy("control", text)
    assert rc == 0, output
    errors = _task_errors(f"{stack}_web", wait=4.0)
    assert not NEVER_SCHEDULED.search(errors), errors
    assert [d for d in _lint(path) if d.code in ("SL301", "SL302", "SL303", "SL304", "SL305")] == []

"""Deploy truth for the rules a running Swarm judges: SL310, SL313, SL314, SL406 and the SL70x set.

Opt-in: runs only when STACKLINT_TEST_DOCKER_HOST names the Swarm manager this test run started
(e.g. unix:///tmp/swarm-p/docker.sock, from ../shared/tools/swarm.sh); its value is the
DOCKER_HOST of every docker command here, a plain DOCKER_HOST is never used. Images cannot be
pulled, so the tests build their own: a static `pause` binary compiled here and imported as
`stacklint-truth/idle:<pid>` (skipped without gcc), removed at the end with every stack deployed.

Recorded on Debian's docker.io 20.10.24 engine with the 28.2.2 CLI:
- SL313: after a change, the start-first task stays Pending with
  `no suitable node (host-mode port already in use on 1 node)`; the update stays "updating".
- SL310: replicas 2, parallelism 2, stop-first: both old tasks are shut down before a new one runs.
- SL314: ports 80->18500 and 80->18501 in host mode: the service spec keeps both, the task's
  container publishes only 18501 (docker/cli#5020).
- SL312: `labels:` land in ContainerSpec.Labels only, `deploy.labels` in the service's Spec.Labels.
- SL406: a second deploy of a `file:` secret with new content fails with
  `only updates to Labels are allowed`.
- SL701-SL705: user, read_only, cap_drop, logging.driver and restart_policy.max_attempts all
  reach the service spec and the task's container.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time

import pytest

from stacklint.engine import lint
from stacklint.settings import Settings

pytestmark = pytest.mark.swarm

HOST = os.environ.get("STACKLINT_TEST_DOCKER_HOST", "")
PREFIX = "truth-rollout-"
IDLE_C = """\
#include <signal.h>
#include <unistd.h>
static void bye(int s) { (void)s; _exit(0); }
int main(void) { signal(SIGTERM, bye); for (;;) pause(); }
"""


def docker(*args: str, timeout: int = 60) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"),
           "DOCKER_HOST": HOST}
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    if not HOST:
        pytest.skip("STACKLINT_TEST_DOCKER_HOST is unset: no Swarm started for this run")
    info = docker("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}", timeout=20)
    if info.returncode != 0 or info.stdout.split() != ["active", "true"]:
        pytest.skip(f"no Swarm manager at STACKLINT_TEST_DOCKER_HOST={HOST}")
    if not shutil.which("gcc"):
        pytest.skip("gcc is needed to build the test image (images cannot be pulled here)")
    work = tmp_path_factory.mktemp("idle")
    (work / "idle.c").write_text(IDLE_C)
    built = subprocess.run(["gcc", "-static", "-O2", "-o", str(work / "idle"), str(work / "idle.c")],
                           capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip(f"cannot build a static binary: {built.stderr.strip()[:200]}")
    with tarfile.open(work / "idle.tar", "w") as tar:
        tar.add(work / "idle", arcname="idle")
    tag = f"stacklint-truth/idle:{os.getpid()}"
    imported = docker("import", "-c", 'CMD ["/idle"]', str(work / "idle.tar"), tag)
    assert imported.returncode == 0, imported.stderr
    yield tag
    docker("image", "rm", "-f", tag)


@pytest.fixture
def stack(image, tmp_path):
    """deploy(name, text) -> (stack name, returncode, output, path); every stack is removed afterwards."""
    made = []

    def deploy(name: str, text: str, stack_name: str = ""):
        stack_name = stack_name or f"{PREFIX}{name}-{os.getpid() % 100000}"
        path = tmp_path / f"{name}.yml"
        path.write_text(text.replace("IMAGE", image))
        if stack_name not in made:
            made.append(stack_name)
        proc = docker("stack", "deploy", "--detach=true", "-c", str(path), stack_name)
        return stack_name, proc.returncode, proc.stdout + proc.stderr, path

    yield deploy
    for name in made:
        docker("stack", "rm", name)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
            docker("network", "ls", "-q", "--filter", f"label=com.docker.stack.namespace={n}").stdout.strip()
            for n in made):
        time.sleep(0.5)


def codes(path, code: str):
    return [d for d in lint(path.read_text(), str(path), Settings(env={})) if d.code == code]


def wait_for(predicate, seconds: float = 30.0, step: float = 0.3):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def tasks(service: str, fmt: str = "{{.DesiredState}}|{{.CurrentState}}|{{.Error}}") -> list:
    return docker("service", "ps", "--no-trunc", "--format", fmt, service).stdout.splitlines()


START_FIRST = """\
services:
  web:
    image: IMAGE
    environment:
      ROUND: "1"
    ports:
      - target: 80
        published: 18610
        mode: host
    deploy:
      update_config:
        order: start-first
"""


def test_sl313_start_first_update_never_gets_the_host_port(stack):
    name, rc, out, path = stack("sl313", START_FIRST)
    assert rc == 0, out
    assert wait_for(lambda: any(t.startswith("Running|Running") for t in tasks(f"{name}_web"))), tasks(f"{name}_web")
    _, rc, out, path = stack("sl313", START_FIRST.replace('ROUND: "1"', 'ROUND: "2"'), stack_name=name)
    assert rc == 0, out
    stuck = wait_for(lambda: [t for t in tasks(f"{name}_web")
                              if "no suitable node (host-mode port already in use on 1 node)" in t])
    assert stuck, tasks(f"{name}_web")
    state = docker("service", "inspect", "--format", "{{.UpdateStatus.State}}", f"{name}_web").stdout.strip()
    assert state == "updating"
    assert [(d.range.start.line + 1, d.path[-1]) for d in codes(path, "SL313")] == [(12, "order")]


ALL_AT_ONCE = """\
services:
  app:
    image: IMAGE
    environment:
      ROUND: "1"
    deploy:
      replicas: 2
      update_config:
        parallelism: 2
        delay: 10s
"""


def test_sl310_parallelism_equal_to_replicas_stops_every_task(stack):
    name, rc, out, path = stack("sl310", ALL_AT_ONCE)
    assert rc == 0, out
    running = lambda: [t for t in tasks(f"{name}_app") if t.startswith("Running|Running")]  # noqa: E731
    assert wait_for(lambda: len(running()) == 2), tasks(f"{name}_app")
    _, rc, out, _ = stack("sl310", ALL_AT_ONCE.replace('ROUND: "1"', 'ROUND: "2"'), stack_name=name)
    assert rc == 0, out
    # a moment with no task running at all: both old ones stopped before either new one ran
    assert wait_for(lambda: len(running()) == 0 and len(tasks(f"{name}_app")) > 2, seconds=20, step=0.1), \
        tasks(f"{name}_app")
    assert [(d.range.start.line + 1, d.path[-1]) for d in codes(path, "SL310")] == [(9, "parallelism")]


TWICE = """\
services:
  web:
    image: IMAGE
    ports:
      - {target: 80, published: 18620, mode: host}
      - {target: 80, published: 18621, mode: host}
      - {target: 90, published: 18622, mode: host}
"""


def test_sl314_second_host_mapping_of_a_port_drops_the_first(stack):
    name, rc, out, path = stack("sl314", TWICE)
    assert rc == 0, out
    spec = docker("service", "inspect", "--format",
                  "{{range .Endpoint.Ports}}{{.PublishedPort}} {{end}}", f"{name}_web").stdout.split()
    assert spec == ["18620", "18621", "18622"]
    ports = wait_for(lambda: docker("ps", "--filter", f"label=com.docker.swarm.service.name={name}_web",
                                    "--format", "{{.Ports}}").stdout.strip())
    assert "18621->80/tcp" in ports and "18622->90/tcp" in ports and "18620" not in ports, ports
    assert [(d.range.start.line + 1, d.range.start.column + 1) for d in codes(path, "SL314")] == [(5, 9)]


SECRET = """\
services:
  web:
    image: IMAGE
    secrets: [token]
secrets:
  token:
    file: ./token.txt
"""


def test_sl406_changed_file_object_cannot_be_deployed_again(stack, tmp_path):
    (tmp_path / "token.txt").write_text("one\n")
    name, rc, out, path = stack("sl406", SECRET)
    assert rc == 0, out
    (tmp_path / "token.txt").write_text("two\n")
    _, rc, out, _ = stack("sl406", SECRET, stack_name=name)
    assert rc != 0
    assert f"failed to update secret {name}_token" in out and "only updates to Labels are allowed" in out, out
    assert [(d.range.start.line + 1, d.range.start.column + 1) for d in codes(path, "SL406")] == [(6, 3)]


LABELS = """\
services:
  web:
    image: IMAGE
    labels:
      traefik.http.routers.web.rule: Host(`example.com`)
    deploy:
      labels:
        traefik.enable: "true"
"""


def test_sl312_service_labels_come_only_from_deploy_labels(stack):
    # the split SL312 reports: traefik.enable reaches the service, the router rule only the containers
    name, rc, out, path = stack("sl312", LABELS)
    assert rc == 0, out
    fmt = "{{json .Spec.Labels}} {{json .Spec.TaskTemplate.ContainerSpec.Labels}}"
    service, container = docker("service", "inspect", "--format", fmt, f"{name}_web").stdout.split(" ", 1)
    assert '"traefik.enable":"true"' in service and "traefik.http.routers" not in service, service
    assert '"traefik.http.routers.web.rule":"Host(`example.com`)"' in container, container
    # what Traefik in Swarm mode reads is the first: the router label is not there
    assert [(d.range.start.line + 1, d.range.start.column + 1) for d in codes(path, "SL312")] == [(5, 7)]


HARDENED = """\
services:
  web:
    image: IMAGE
    user: "1000"
    read_only: true
    cap_drop: [ALL]
    logging:
      driver: none
    deploy:
      restart_policy:
        condition: on-failure
        max_attempts: 3
"""


def test_sl70x_hardening_settings_reach_the_task(stack):
    name, rc, out, path = stack("sl70x", HARDENED)
    assert rc == 0, out
    spec = docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.User}} "
                  "{{.Spec.TaskTemplate.ContainerSpec.ReadOnly}} {{.Spec.TaskTemplate.ContainerSpec.CapabilityDrop}} "
                  "{{.Spec.TaskTemplate.LogDriver.Name}} {{.Spec.TaskTemplate.RestartPolicy.MaxAttempts}}",
                  f"{name}_web").stdout.split()
    assert spec == ["1000", "true", "[ALL]", "none", "3"]
    container = wait_for(lambda: docker("ps", "-q", "--filter", f"label=com.docker.swarm.service.name={name}_web")
                         .stdout.strip())
    assert container
    inspect = docker("inspect", "--format", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} "
                     "{{.HostConfig.LogConfig.Type}}", container.splitlines()[0]).stdout.split()
    assert inspect == ["1000", "true", "[ALL]", "none"]
    # what the set reports on this file: only the logging driver
    found = [d.code for d in lint(path.read_text(), str(path), Settings(env={}, select=frozenset(
        {"SL701", "SL702", "SL703", "SL704", "SL705"})))]
    assert found == ["SL704"]

"""Deploy-time truth for the reference rules: the real `docker stack deploy` on the Swarm of
the test engine (STACKLINT_TEST_DOCKER_HOST, started by scripts/test-engine.sh) fails on each file
with Docker's message, and stacklint reports the same problem under its code. Skipped when
STACKLINT_TEST_DOCKER_HOST is unset or the engine does not answer.

Stacks, networks, secrets and configs are named `rulesrefsec_*` (the Swarm is shared) and
removed afterwards.
"""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import SHARED, engine_env, swarm_manager_or_skip

pytestmark = pytest.mark.swarm
PREFIX = "rulesrefsec_"


def _docker(*args, cwd=None, timeout=60):
    return subprocess.run(["docker", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          env=engine_env({"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}))


@pytest.fixture(scope="module")
def swarm():
    swarm_manager_or_skip()
    yield
    _remove_leftovers()


def _remove_leftovers():
    for kind in ("secret", "config", "network"):
        names = _docker(kind, "ls", "--format", "{{.Name}}").stdout.split()
        for name in names:
            if name.startswith(PREFIX):
                _docker(kind, "rm", name)


def deploy(folder: Path, stack: str, text: str) -> str:
    """Deploy text as folder/docker-stack.yml; return Docker's output after removing the stack."""
    path = folder / "docker-stack.yml"
    path.write_text(text)
    name = PREFIX + stack
    try:
        result = _docker("stack", "deploy", "--detach=true", "--resolve-image", "never", "-c", str(path), name,
                         cwd=folder)
        assert result.returncode != 0, f"docker stack deploy accepted the file:\n{result.stdout}{result.stderr}"
        return result.stdout + result.stderr
    finally:
        _docker("stack", "rm", name)
        for _ in range(50):  # the stack's networks go away asynchronously
            left = [n for n in _docker("network", "ls", "--format", "{{.Name}}").stdout.split()
                    if n.startswith(name + "_")]
            if not left:
                break
            time.sleep(0.2)


def stacklint(folder: Path, text: str):
    return lint(text, str(folder / "docker-stack.yml"), Settings(env={}))


CASES = {
    "secret": ("SL101", 'service web: undefined secret "nope"', """\
services:
  web:
    image: busybox:1.36
    secrets: [nope]
"""),
    "secret_nosource": ("SL101", 'service web: undefined secret ""', """\
services:
  web:
    image: busybox:1.36
    secrets:
      - target: x
"""),
    "config": ("SL102", 'service web: undefined config "app"', """\
services:
  web:
    image: busybox:1.36
    configs: [app]
"""),
    "credspec": ("SL102", 'service web: undefined config "cs"', """\
version: "3.8"
services:
  web:
    image: busybox:1.36
    credential_spec:
      config: cs
"""),
    "network": ("SL103", 'service web: undefined network "back"', """\
services:
  web:
    image: busybox:1.36
    networks: [back]
"""),
    "volume": ("SL104", 'service web: undefined volume "data"', """\
services:
  web:
    image: busybox:1.36
    volumes:
      - data:/data
"""),
    "volume_long": ("SL104", 'service web: undefined volume "data"', """\
services:
  web:
    image: busybox:1.36
    volumes:
      - type: volume
        source: data
        target: /data
"""),
    "ext_volume_driver": ("SL108", 'conflicting parameters "external" and "driver" specified for volume "data"', """\
services:
  web:
    image: busybox:1.36
    volumes:
      - data:/data
volumes:
  data:
    external: true
    driver: local
"""),
    "ext_network_names": ("SL108", "network n: network.external.name and network.name conflict; only use network.name",
                          """\
version: "3.8"
services:
  web:
    image: busybox:1.36
    networks: [n]
networks:
  n:
    name: rulesrefsec_n
    external:
      name: rulesrefsec_other
"""),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_docker_fails_and_stacklint_says_so(swarm, tmp_path, case):
    code, docker_says, text = CASES[case]
    output = deploy(tmp_path, case, text)
    assert docker_says in output
    ours = [d for d in stacklint(tmp_path, text) if d.code == code]
    assert ours, f"stacklint does not report {code}"
    assert any(docker_says in d.message for d in ours), [d.message for d in ours]
    assert {d.stage for d in ours if d.severity.name == "ERROR"} <= {"load", "deploy"}


def test_missing_secret_file(swarm, tmp_path):
    text = """\
services:
  web:
    image: busybox:1.36
secrets:
  gone:
    file: ./secrets/gone.txt
"""
    docker_says = f"open {tmp_path}/secrets/gone.txt: no such file or directory"
    assert docker_says in deploy(tmp_path, "file", text)
    (d,) = [d for d in stacklint(tmp_path, text) if d.code == "SL107"]
    assert docker_says in d.message and d.stage == "deploy"


def test_secret_file_is_a_directory(swarm, tmp_path):
    (tmp_path / "dir").mkdir()
    text = "services:\n  web:\n    image: busybox:1.36\nconfigs:\n  c:\n    file: ./dir\n"
    docker_says = f"read {tmp_path}/dir: is a directory"
    assert docker_says in deploy(tmp_path, "dir", text)
    (d,) = [d for d in stacklint(tmp_path, text) if d.code == "SL107"]
    assert docker_says in d.message


def test_secret_without_file_external_or_driver(swarm, tmp_path):
    text = "services:\n  web:\n    image: busybox:1.36\nsecrets:\n  s:\n    labels: {a: b}\n"
    docker_says = f"read {tmp_path}: is a directory"
    assert docker_says in deploy(tmp_path, "nosource", text)
    (d,) = [d for d in stacklint(tmp_path, text) if d.code == "SL107"]
    assert docker_says in d.message


@pytest.mark.slow
def test_no_deploy_error_claim_on_corpus_files_that_deploy_cleanly(swarm):
    """Every corpus file that the real Swarm deploys gets no SL1xx/SL2xx error that claims Docker fails.

    (SL201 is an error by policy, not a claim about the deploy: its stage is empty.)
    """
    files = SHARED / "corpus" / "files"
    if not files.is_dir():
        pytest.skip("../shared/corpus is absent")
    clean, claims = [], []
    for i, path in enumerate(sorted(files.iterdir())):
        name = f"{PREFIX}corpus{i}"
        try:
            rc = _docker("stack", "deploy", "--detach=true", "--resolve-image", "never", "-c", str(path), name,
                         cwd=files).returncode
        finally:
            _docker("stack", "rm", name)
        if rc != 0:
            continue
        clean.append(path.name)
        for d in lint(path.read_text(encoding="utf-8"), str(path), Settings(env={})):
            if d.code.startswith(("SL1", "SL2")) and d.severity.name == "ERROR" and d.stage:
                claims.append((path.name, d.code, d.range.start.line + 1, d.message))
    assert clean, "no corpus file deployed cleanly: is the Swarm healthy?"
    assert claims == []

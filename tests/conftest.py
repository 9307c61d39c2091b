"""Shared test helpers: where things are, and running the CLI as a user would."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The longest any single wait of a test (a server's start, one request, one notification) may
# take. Generous: on a loaded 2-core machine a server's start alone took over 20 s. A failing
# test still ends: every wait is bounded by this, none sleeps in place of a condition.
TIMEOUT = float(os.environ.get("STACKLINT_TEST_TIMEOUT", "120"))
# ../shared next to the checkout; a worktree under /work/wt/NAME finds it one level further up.
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
              ROOT.parent / "shared")
EXAMPLE = ROOT / "examples" / "docker-stack.yml"

# A test run writes only into the checkout's ignored .tmp/ (issue 14): pytest's tmp_path (which
# follows tempfile.gettempdir()), every temporary file of this process and of the programs the
# tests start (TMPDIR, always: a machine-wide one would lead outside), and the caches of pip,
# virtualenv (pre-commit's, build's) and npm unless the environment names its own.
# scripts/check-test-writes.sh proves it.
SCRATCH = ROOT / ".tmp"
(SCRATCH / "tmp").mkdir(parents=True, exist_ok=True)
os.environ["TMPDIR"] = str(SCRATCH / "tmp")
tempfile.tempdir = None  # recomputed from TMPDIR on next use
for _var, _folder in (("PIP_CACHE_DIR", "pip"), ("VIRTUALENV_OVERRIDE_APP_DATA", "virtualenv"),
                      ("npm_config_cache", "npm")):
    os.environ.setdefault(_var, str(SCRATCH / "cache" / _folder))


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared, or skip: users of the project do not have it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is only on the developers' and CI's machines)")
    return path


def docker_or_skip() -> str:
    docker = shutil.which("docker")
    if not docker:
        pytest.skip("no docker client installed: the differential tests against Docker are skipped")
    return docker


def run_cli(*args: str, input: str | bytes | None = None, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    """`python -m stacklint ARGS` with this checkout's package first on the path; text output."""
    if isinstance(input, bytes):
        input = input.decode("utf-8")
    full_env = dict(os.environ if env is None else env)
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.setdefault("NO_COLOR", "1")
    return subprocess.run([sys.executable, "-m", "stacklint", *args], input=input, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=full_env, cwd=cwd or ROOT, timeout=120)


@pytest.fixture
def lint_text():
    """lint(text) with an empty environment; returns (code, line, col, message) tuples, 1-based."""
    from stacklint.engine import lint
    from stacklint.settings import Settings

    def run(text: str, path: str | None = None, **settings):
        settings.setdefault("env", {})
        return [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.message)
                for d in lint(text, path, Settings(**settings))]

    return run


def apply_edits(text: str, edits) -> str:
    """Apply text edits (0-based line/column ranges in code points), last to first, as an editor does."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(pos):
        return starts[pos.line] + pos.column if pos.line < len(lines) else len(text)

    for edit in sorted(edits, key=lambda e: (e.range.start, e.range.end), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


# The opt-in for tests that touch a Docker engine: the engine this test run started itself
# (scripts/test-engine.sh prints it). A plain DOCKER_HOST may be someone's production Swarm.
TEST_ENGINE_VAR = "STACKLINT_TEST_DOCKER_HOST"
SWARM_HINT = f'start one with: eval "$(bash scripts/test-engine.sh start)" (sets {TEST_ENGINE_VAR})'
# What else selects an engine for the docker CLI; dropped so only the opted-in engine is used.
_ENGINE_SELECTORS = ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")


def engine_env(base: dict | None = None) -> dict:
    """base (default: this process's environment) pointed at the opted-in test engine, or skip."""
    host = os.environ.get(TEST_ENGINE_VAR, "")
    if not host:
        pytest.skip(f"{TEST_ENGINE_VAR} is unset: these tests touch only an engine the test run started; "
                    f"{SWARM_HINT}")
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in _ENGINE_SELECTORS}
    env["DOCKER_HOST"] = host
    return env


def docker(*args: str, input: str | None = None, timeout: int = 60, env: dict | None = None,
           cwd=None) -> subprocess.CompletedProcess:
    """The docker CLI against the opted-in test engine, text in and out."""
    return subprocess.run([docker_or_skip(), *args], input=input, capture_output=True, text=True, timeout=timeout,
                          env=engine_env(env), cwd=cwd)


def swarm_manager_or_skip() -> str:
    """The node ID of the test engine's Swarm manager, or skip: tests that deploy need a real one."""
    host = engine_env()["DOCKER_HOST"]
    try:
        info = docker("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeID}}",
                      timeout=20)
    except subprocess.TimeoutExpired:
        pytest.skip(f"the Docker engine at {TEST_ENGINE_VAR}={host} does not answer")
    if info.returncode != 0:
        pytest.skip(f"no Docker engine at {TEST_ENGINE_VAR}={host}; {SWARM_HINT}")
    state, control, node_id = (info.stdout.split() + ["", "", ""])[:3]
    if state != "active" or control != "true":
        pytest.skip(f"the engine at {TEST_ENGINE_VAR}={host} is not a Swarm manager; {SWARM_HINT}")
    return node_id

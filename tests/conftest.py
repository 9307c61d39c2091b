"""Shared test helpers: where things are, and running the CLI as a user would."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# ../shared next to the checkout; a worktree under /work/wt/NAME finds it one level further up.
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
              ROOT.parent / "shared")
EXAMPLE = ROOT / "examples" / "docker-stack.yml"


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


SWARM_HINT = 'start one with: eval "$(bash ../shared/tools/swarm.sh start)"'


def docker(*args: str, input: str | None = None, timeout: int = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    """The docker CLI against the engine DOCKER_HOST names, text in and out."""
    return subprocess.run([docker_or_skip(), *args], input=input, capture_output=True, text=True, timeout=timeout,
                          env=env)


def swarm_manager_or_skip() -> str:
    """The node ID of the Swarm manager at DOCKER_HOST, or skip: tests that deploy need a real one."""
    if not os.environ.get("DOCKER_HOST"):
        pytest.skip(f"DOCKER_HOST is unset: no Swarm to deploy to; {SWARM_HINT}")
    try:
        info = docker("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeID}}",
                      timeout=20)
    except subprocess.TimeoutExpired:
        pytest.skip("the Docker engine at DOCKER_HOST does not answer")
    if info.returncode != 0:
        pytest.skip(f"no Docker engine at DOCKER_HOST={os.environ['DOCKER_HOST']}; {SWARM_HINT}")
    state, control, node_id = (info.stdout.split() + ["", "", ""])[:3]
    if state != "active" or control != "true":
        pytest.skip(f"the engine at DOCKER_HOST is not a Swarm manager; {SWARM_HINT}")
    return node_id

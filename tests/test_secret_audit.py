"""Secret-value audit through the CLI: every output format, the statistics, the input-error
lines. Markers planted in literal secrets, the environment, env files and secret files
(tests/secret_markers.py) must appear nowhere in what stacklint prints."""
from __future__ import annotations

import json
import os

import pytest

from stacklint.output import FORMATS

from . import secret_markers
from .conftest import run_cli


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    return secret_markers.plant(tmp_path_factory.mktemp("audit"))


def _env():
    return dict(os.environ, **secret_markers.ENV_VALUES)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_marker_in_any_output_format(stack, fmt):
    proc = run_cli("-f", fmt, str(stack), env=_env(), cwd=stack.parent)
    assert proc.returncode == 1, proc.stderr
    assert secret_markers.leaks(proc.stdout + proc.stderr) == {}


def test_the_stack_really_triggers_the_findings_that_used_to_leak(stack):
    proc = run_cli("-f", "json", str(stack), env=_env(), cwd=stack.parent)
    codes = {(f["code"], f["yaml_path"]) for f in json.loads(proc.stdout)}
    for code, path in [("SL005", "services.db.environment.POSTGRES_PASSWORD"),
                       ("SL005", "services.db.environment.API_TOKEN"),
                       ("SL005", "services.db.deploy.replicas"),
                       ("SL307", "services.db.deploy.mode"),
                       ("SL006", "services.db.deploy.resources.limits.memory"),
                       ("SL006", "services.db.env_file.1"),
                       ("SL101", "services.db.secrets.1")]:
        assert (code, path) in codes


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_marker_in_statistics(stack, fmt):
    proc = run_cli("--statistics", "-f", fmt, str(stack), env=_env(), cwd=stack.parent)
    assert secret_markers.leaks(proc.stdout + proc.stderr) == {}

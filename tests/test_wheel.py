"""The package works installed from its wheel, not only from this checkout.

Builds the wheel, installs it into a fresh virtual environment (dependencies from PyPI), and
lints the example from a folder outside the checkout: the catalogue and the schemas must come
from inside the wheel.
"""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(work / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    if build.returncode != 0:
        pytest.fail("building the wheel failed:\n" + build.stdout[-2000:] + build.stderr[-2000:])
    wheel = next((work / "dist").glob("stacklint-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                         capture_output=True, text=True, timeout=600)
    if pip.returncode != 0:
        pytest.skip("installing the wheel's dependencies from PyPI failed (no network?):\n" + pip.stderr[-1500:])
    return wheel, venv


def test_wheel_carries_catalogue_and_schemas(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "stacklint/_data/schemas/stack.schema.json" in names
    assert "stacklint/_data/rules/SL004.md" in names
    assert not any(n.startswith(("tests/", "examples/")) for n in names)


def test_installed_stacklint_lints_the_example(installed, tmp_path):
    _, venv = installed
    stack = tmp_path / "docker-stack.yml"
    stack.write_text(EXAMPLE.read_text())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["NO_COLOR"] = "1"
    run = subprocess.run([str(venv / "bin" / "stacklint"), "--no-env", str(stack)], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    assert any(line.startswith("Found ") and line.endswith("in 1 file.") for line in run.stdout.splitlines())
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import stacklint.resources as r; print(r.data_dir('rules'))"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert str(venv) in where.stdout, where.stdout + where.stderr
    explain = subprocess.run([str(venv / "bin" / "stacklint"), "explain", "SL004"], capture_output=True, text=True,
                             cwd=tmp_path, env=env, timeout=60)
    assert explain.returncode == 0 and explain.stdout.startswith("SL004 schema (error, file)")
    bad = tmp_path / "bad.yml"
    bad.write_text('version: "3.8"\nservices:\n  web:\n    imgae: nginx\n')
    run = subprocess.run([str(venv / "bin" / "stacklint"), str(bad)], capture_output=True, text=True, cwd=tmp_path,
                         env=env, timeout=60)
    assert run.returncode == 1
    assert f"{bad}:4:5: error SL004 services.web: unknown key `imgae`; did you mean `image`? [schema]" in run.stdout

"""The sdist holds exactly the repository's files its tests need, nothing a test run or a build
leaves behind, and those tests pass from the unpacked sdist."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

# pyproject.toml's [tool.hatch.build.targets.sdist] include list, as the repository's files (hatch
# adds the root .gitignore to every sdist)
INCLUDED = ("stacklint/", "schemas/", "rules/", "tests/", "examples/", "scripts/", "vscode-extension/",
            "README.md", "CONTRIBUTING.md", "pyproject.toml", ".pre-commit-hooks.yaml", ".gitignore")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    if not shutil.which("git") or subprocess.run(["git", "-C", str(ROOT), "rev-parse"], capture_output=True).returncode:
        pytest.skip("not a git checkout: the expected file list comes from git")
    out = tmp_path_factory.mktemp("sdist")
    # A copy of the repository's files with what a test run or a build leaves behind planted in it:
    # none of that may get in.
    tree = tmp_path_factory.mktemp("tree")
    for name in repository_files():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tree / name)
    for junk in ("vscode-extension/bundled/libs/stacklint/__init__.py", "vscode-extension/node_modules/x/index.js",
                 "vscode-extension/dist/extension.js", "vscode-extension/stacklint-0.1.0.vsix",
                 "tests/__pycache__/conftest.cpython-311.pyc", ".hypothesis/examples/x",
                 ".tmp/tmp/pytest-of-root/x"):
        (tree / junk).parent.mkdir(parents=True, exist_ok=True)
        (tree / junk).write_text("left behind\n")
    proc = subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(out), str(tree)],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        if "Could not find a version" in proc.stdout + proc.stderr or "No matching distribution" in proc.stdout:
            pytest.skip("hatchling cannot be installed from PyPI here")
        pytest.fail(proc.stdout[-2000:] + proc.stderr[-2000:])
    (sdist,) = out.glob("stacklint-*.tar.gz")
    with tarfile.open(sdist) as tar:
        tar.extractall(out, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(out)
    (root,) = [p for p in out.iterdir() if p.is_dir()]
    return root


def repository_files() -> list:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return [n for n in listed if n and (ROOT / n).is_file()]


def test_sdist_holds_exactly_the_included_files(unpacked):
    expected = {n for n in repository_files() if n.startswith(INCLUDED)}
    got = {str(p.relative_to(unpacked)) for p in unpacked.rglob("*") if p.is_file()} - {"PKG-INFO"}
    assert sorted(got - expected) == [], "in the sdist but not a repository file it should carry"
    assert sorted(expected - got) == [], "missing from the sdist"


def test_tests_pass_from_the_sdist(unpacked, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.update(PYTHONPATH=str(unpacked), NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", "-p", "no:cacheprovider",
                           "tests/test_catalogue.py", "tests/test_stack_files.py", "tests/test_readme.py",
                           "tests/test_golden.py", "tests/test_precommit.py::test_readme_snippet_names_the_repository"
                           "_and_a_revision_to_fill_in", "tests/test_cli.py"],
                          cwd=unpacked, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert " passed" in proc.stdout.splitlines()[-1] and "error" not in proc.stdout.splitlines()[-1]

"""The pre-commit hook, run by the real pre-commit with the README's snippet.

The README's `.pre-commit-config.yaml` is copied as written, with the repository and the revision
substituted as the README tells a user to: the repository is a one-commit copy of this checkout's
files as they are now (committed or not, minus .gitignored ones), the revision that commit. Then
`pre-commit run` installs stacklint from it into a fresh virtualenv (pip, dependencies from PyPI:
about 20 s the first time) and runs the hook. Skips when pre-commit or git is missing.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT
from .shop_stack import GOOD, SHOP_BASE, SHOP_OVERRIDE

HOOKS = ROOT / ".pre-commit-hooks.yaml"
BAD = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80:70000"\n'
NOT_A_STACK = "key: [unclosed\n"  # broken YAML that the hook must not be given
# A stack declared in shop/.stacklint.yaml: the base's image has no tag (SL209, a warning that
# fails under the stack's `fail-on: warning`); the override uses the secret only the base
# declares, fine merged, an undefined secret alone.
SHOP_CONFIG = "fail-on: warning\nstacks:\n  - name: shop\n    files: [docker-stack.yml, docker-stack.prod.yml]\n"


def hook():
    from ruamel.yaml import YAML

    (entry,) = YAML(typ="safe").load(HOOKS.read_text())
    return entry


def test_hook_definition():
    entry = hook()
    assert {k: entry[k] for k in ("id", "entry", "language", "types")} == \
        {"id": "stacklint", "entry": "stacklint", "language": "python", "types": ["yaml"]}


def snapshot(target, env):
    """A fresh one-commit git repository holding this checkout's current files."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # skips files deleted but not yet committed
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for args in (["init", "-q", "."], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=target, env=env, check=True)
    return target


README_REPO = "https://github.com/stacklint/stacklint"


def readme_snippet() -> str:
    """The README's .pre-commit-config.yaml block, as a user copies it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", readme, re.S)
    return block


def test_readme_snippet_names_the_repository_and_a_revision_to_fill_in():
    snippet = readme_snippet()
    assert f"repo: {README_REPO}\n" in snippet and "rev: COMMIT\n" in snippet and "- id: stacklint\n" in snippet
    assert "Replace `COMMIT` with the commit of stacklint" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def precommit_run(tmp_path_factory):
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[test]')")
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(base / "cache"), NO_COLOR="1", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    hook_repo = snapshot(base / "stacklint", env)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, env=env, capture_output=True, text=True,
                            check=True).stdout.strip()
    work = base / "project"
    (work / "deploy").mkdir(parents=True)
    (work / "docker-stack.yml").write_text(BAD)
    (work / "deploy" / "compose.yaml").write_text(GOOD)
    (work / "values.yml").write_text(NOT_A_STACK)
    (work / ".stacklint.yaml").write_text("ignore: [SL209]\n")  # matches *stack*.yaml; must not be linted
    (work / "shop").mkdir()
    (work / "shop" / "docker-stack.yml").write_text(SHOP_BASE)
    (work / "shop" / "docker-stack.prod.yml").write_text(SHOP_OVERRIDE)
    (work / "shop" / ".stacklint.yaml").write_text(SHOP_CONFIG)
    config = readme_snippet().replace(README_REPO, str(hook_repo)).replace("rev: COMMIT", f"rev: {commit}")
    (work / ".pre-commit-config.yaml").write_text(config)
    subprocess.run(["git", "init", "-q", "."], cwd=work, env=env, check=True)
    subprocess.run(["git", "add", "."], cwd=work, env=env, check=True)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "stacklint", "--color", "never",
                               "--verbose", *args], cwd=work, env=env, capture_output=True, text=True, timeout=900)

    return run


@pytest.mark.slow
def test_hook_fails_on_the_bad_file_only(precommit_run):
    proc = precommit_run("--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"^stacklint\.+Failed$", proc.stdout, re.M), proc.stdout
    assert "docker-stack.yml:6:9: error SL006 services.web.ports.0: invalid port spec" in proc.stdout
    assert "values.yml" not in proc.stdout  # not a stack file name: never given to the hook
    assert ".stacklint.yaml" not in proc.stdout  # the configuration is not a stack file
    assert re.search(r"^Found \d+ problems? \(1 error\b.* in 4 files\.$", proc.stdout, re.M), proc.stdout


@pytest.mark.slow
def test_hook_passes_on_the_good_file_and_skips_other_yaml(precommit_run):
    proc = precommit_run("--files", "deploy/compose.yaml", "values.yml", ".stacklint.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^stacklint\.+Passed$", proc.stdout, re.M), proc.stdout
    assert re.search(r"(No problems|\(.*\)) in 1 file\.$", proc.stdout, re.M), proc.stdout  # not values.yml


@pytest.mark.slow
def test_a_changed_file_of_a_declared_stack_lints_the_whole_stack(precommit_run):
    """Only the override changed: the stack is linted merged (no undefined secret, which the
    override alone would have), and the whole stack's findings count, the base's included."""
    proc = precommit_run("--files", "shop/docker-stack.prod.yml")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "shop/docker-stack.yml:4:12: warning SL209 service web: image nginx has no tag (:latest); pin a version " \
           "[unpinned-image]" in proc.stdout.splitlines()
    assert "SL101" not in proc.stdout
    assert re.search(r"^Found 2 problems \(1 warning, 1 info\) in 2 files\.$", proc.stdout, re.M), proc.stdout

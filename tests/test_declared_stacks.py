"""Stacks declared in the configuration (`stacks:`), on the command line: directory mode lints
each declared stack once, merged, and the other stack files alone; a file named on the command
line (as the pre-commit hook names changed files) brings in its whole stack. Configuration
errors in `stacks:` are one located line."""
from __future__ import annotations

from pathlib import Path

import pytest

from stacklint import config
from stacklint.declared_stacks import DeclaredStack, stack_settings
from stacklint.settings import Settings

from .conftest import run_cli
from .shop_stack import SHOP_BASE, SHOP_OVERRIDE

OTHER = 'version: "3.8"\nservices:\n  api:\n    image: "nginx:1.27${TAG}"\n'
CONFIG = "select: [SL0, SL1, SL2, SL6]\nstacks:\n  - name: shop\n    files: [docker-stack.yml, prod.yml]\n"
# Merged: the base's untagged image (SL209) and its external secret (SL106); nothing from prod.yml.
MERGED = [
    "{d}docker-stack.yml:4:12: warning SL209 service web: image nginx has no tag (:latest); pin a version "
    "[unpinned-image]",
    "{d}docker-stack.yml:15:3: info SL106 secret db is external: create it before deploying with "
    "`docker secret create db -` (reads the value from standard input) [external-prerequisite]",
]
OTHER_SL005 = ("{d}other-stack.yml:4:23: warning SL005 services.api.image: variable TAG is not set; Docker "
               "substitutes an empty string; give a default (${{TAG:-value}}) or require it (${{TAG:?message}}) "
               "[interpolation]")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docker-stack.yml").write_text(SHOP_BASE)
    (tmp_path / "prod.yml").write_text(SHOP_OVERRIDE)
    (tmp_path / "other-stack.yml").write_text(OTHER)
    (tmp_path / ".stacklint.yaml").write_text(CONFIG)
    return tmp_path


def _lines(proc):
    return proc.stdout.splitlines()


def test_directory_mode_lints_the_declared_stack_merged_and_the_rest_alone(project):
    proc = run_cli("--no-env", "-f", "concise", ".", cwd=project)
    assert _lines(proc) == [OTHER_SL005.format(d="./"), *(m.format(d="./") for m in MERGED),
                            "Found 3 problems (2 warnings, 1 info) in 3 files."]
    assert proc.returncode == 0


def test_a_file_named_alone_brings_in_its_whole_stack(project):
    """What the pre-commit hook does when only the override changed: the stack is linted, and
    every finding of the stack is reported, in whichever file it is."""
    proc = run_cli("--no-env", "-f", "concise", "--fail-on", "warning", "prod.yml", cwd=project)
    assert _lines(proc) == [*(m.format(d="") for m in MERGED), "Found 2 problems (1 warning, 1 info) in 2 files."]
    assert proc.returncode == 1  # the base's warning fails the run: the stack is the unit


def test_each_file_of_a_stack_is_still_checked_alone_for_what_is_local_to_it(project):
    (project / "prod.yml").write_text('version: "3.8"\nservices:\n  web:\n    secrets: [db\n')
    proc = run_cli("--no-env", "-f", "concise", "--select", "SL001", ".", cwd=project)
    assert [line.split(" SL001 ")[0] for line in _lines(proc)[:-1]] == ["./prod.yml:5:1: error"]
    assert proc.returncode == 1


def test_the_stack_env_files_and_name_apply(project):
    (project / "prod.yml").write_text(SHOP_OVERRIDE + '    image: "nginx:${TAG}"\n')
    (project / ".env.prod").write_text("TAG=1.27\n")
    (project / ".stacklint.yaml").write_text(CONFIG + "    env-files: [.env.prod]\n")
    proc = run_cli("--no-env", "-f", "concise", "--select", "SL005,SL209", ".", cwd=project)
    assert _lines(proc) == [OTHER_SL005.format(d="./"), "Found 1 problem (1 warning) in 3 files."]


def test_stack_settings_take_the_name_unless_given_and_let_the_environment_win(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("TAG=from-file\nONLY=file\n")
    stack = DeclaredStack("shop", (str(tmp_path / "a.yml"),), (str(env_file),))
    settings = stack_settings(stack, Settings(env={"TAG": "shell"}))
    assert (settings.stack_name, dict(settings.env)) == ("shop", {"TAG": "shell", "ONLY": "file"})
    assert stack_settings(stack, Settings(env={}, stack_name="given")).stack_name == "given"


@pytest.mark.parametrize("stacks, error", [
    ("  - files: [docker-stack.yml, missing.yml]\n",
     "2:31: invalid configuration: no such file `missing.yml` (paths are relative to the configuration file)"),
    ("  - name: a\n    files: [docker-stack.yml]\n  - files: [prod.yml, docker-stack.yml]\n",
     "4:23: invalid configuration: `docker-stack.yml` is already in stack `a`; a file belongs to one stack"),
    ("  - files: [../outside.yml]\n",
     "2:13: invalid configuration: `../outside.yml` is outside the project (the configuration file's folder {root})"),
    ("  - files: []\n",
     "2:12: invalid configuration: `stacks.0.files` must be a non-empty list of stack files, relative to the "
     "configuration file, in merge order"),
    ("  - name: shop\n    files: [prod.yml]\n  - name: shop\n    files: [docker-stack.yml]\n",
     "4:11: invalid configuration: stack name `shop` is already used by stacks.0"),
])
def test_errors_in_stacks_are_located_configuration_errors(project, stacks, error):
    (project.parent / "outside.yml").write_text(OTHER)
    cfg = project / ".stacklint.yaml"
    cfg.write_text("stacks:\n" + stacks)
    proc = run_cli("--no-env", ".", cwd=project)
    assert proc.returncode == 2
    assert f"stacklint: {cfg}:{error.format(root=project)}" in proc.stderr.splitlines()


def test_stacks_for_reads_the_nearest_configuration(project):
    (stack,) = config.stacks_for(str(project / "prod.yml"))
    assert stack == DeclaredStack("shop", (str(project / "docker-stack.yml"), str(project / "prod.yml")))
    assert config.stacks_for(str(project.parent / "elsewhere.yml")) == ()


INVENTORY = {"format": "stacklint-inventory", "version": 1, "nodes": [{"hostname": "m1", "role": "manager"}],
             "services": [{"name": "shop_web", "stack": "shop", "published_ports": [{"port": 80, "target": 8080}]}]}


@pytest.mark.parametrize("name, expected", [
    ("shop", []),  # the stack's name is the stack_name: its own published port is no conflict
    ("other", ["./docker-stack.yml:6:9: warning SL504"]),
])
def test_the_stack_name_is_the_stack_name_sl504_uses(project, name, expected):
    import json

    (project / "inventory.json").write_text(json.dumps(INVENTORY))
    (project / ".stacklint.yaml").write_text(CONFIG.replace("name: shop", f"name: {name}"))
    proc = run_cli("--no-env", "-f", "concise", "--select", "SL504", "--inventory", "inventory.json", ".",
                   cwd=project)
    assert [line.split(" SL504 ")[0] + " SL504" for line in _lines(proc)[:-1]] == expected, proc.stdout + proc.stderr

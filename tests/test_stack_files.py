"""One definition of "which files are stack files" (stacklint/stack_files.py), and the places
that cannot import it say the same: the pre-commit hook's `files`/`exclude` and the VS Code
extension's `stacklint.files` default. The runner, the configuration lookup and the language
server import it."""
from __future__ import annotations

import json
import re

import pytest

from stacklint import stack_files
from stacklint.lsp.settings import ClientSettings, wanted
from stacklint.runner import expand

from .conftest import ROOT

STACKS = ["docker-stack.yml", "docker-stack.prod.yaml", "deploy/stack.yml", "swarm-stack.yaml", "my.stack.yml",
          "docker-compose.yml", "docker-compose.override.yaml", "compose.yaml", "ops/compose.prod.yml"]
OTHERS = ["app.yml", "stacks/app.yml", "mycompose.yml", "docker-compose.yml.bak", "stack.json",
          ".github/workflows/ci.yml", ".stacklint.yaml", "deploy/.stacklint.yml", "pyproject.toml"]


def hook() -> dict:
    from ruamel.yaml import YAML

    (entry,) = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return entry


def hook_takes(path: str) -> bool:
    entry = hook()
    return re.search(entry["files"], path) is not None and re.search(entry["exclude"], path) is None


@pytest.mark.parametrize("path", STACKS + OTHERS)
def test_every_front_end_agrees(path, tmp_path):
    expected = path in STACKS
    name = path.rsplit("/", 1)[-1]
    assert stack_files.is_stack_name(name) == expected
    assert hook_takes(path) == expected, "the pre-commit hook"
    assert wanted(str(tmp_path / path), tmp_path, ClientSettings()) == expected, "the language server"
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_text("services: {}\n")
    assert expand([str(tmp_path)]) == ([str(tmp_path / path)] if expected else []), "the directory search"


def test_the_extension_default_is_the_same_list():
    manifest = json.loads((ROOT / "vscode-extension" / "package.json").read_text())
    default = manifest["contributes"]["configuration"]["properties"]["stacklint.files"]["default"]
    assert default == list(stack_files.editor_globs())


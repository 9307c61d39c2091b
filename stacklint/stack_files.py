"""Which files are stack files, and which are stacklint's configuration: the one definition.

The runner's directory search, the configuration lookup and the language server read it here;
`.pre-commit-hooks.yaml` and the VS Code extension's `stacklint.files` default cannot import
Python, so tests/test_stack_files.py checks that they say the same.
"""
from __future__ import annotations

import fnmatch

# Base names stacklint picks up in a directory, lints in an editor and checks in pre-commit.
STACK_PATTERNS: tuple[str, ...] = (
    "docker-stack*.yml", "docker-stack*.yaml", "*stack*.yml", "*stack*.yaml",
    "docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")
# stacklint's own configuration files, found upward from a stack file.
CONFIG_NAMES: tuple[str, ...] = (".stacklint.yaml", ".stacklint.yml")
# A pyproject.toml counts as configuration when it has a [tool.stacklint] table.
PYPROJECT = "pyproject.toml"


def is_config_name(name: str) -> bool:
    return name in CONFIG_NAMES or name == PYPROJECT


def is_stack_name(name: str) -> bool:
    """Whether a base name is a stack file's. `.stacklint.yaml` matches `*stack*.yaml` but is not."""
    if is_config_name(name):
        return False
    return any(fnmatch.fnmatchcase(name, p) for p in STACK_PATTERNS)


def editor_globs() -> tuple[str, ...]:
    """STACK_PATTERNS as workspace globs (the extension's `stacklint.files` default)."""
    return tuple(f"**/{p}" for p in STACK_PATTERNS)


def config_globs() -> tuple[str, ...]:
    """The configuration files as workspace globs (what the language server watches)."""
    return tuple(f"**/{n}" for n in (*CONFIG_NAMES, PYPROJECT))

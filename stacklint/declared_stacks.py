"""Stacks declared in the configuration: files that `docker stack deploy` deploys together.

    # .stacklint.yaml
    stacks:
      - name: shop                              # docker stack deploy NAME (optional)
        files: [docker-stack.yml, prod.yml]     # relative to the config file, in merge order
        env-files: [.env.prod]                  # optional, as --env-file

Every front end lints such files as one merged stack (`stack.lint_stack`): directory mode and the
pre-commit hook through `runner.plan`, the language server through `lsp/stacks.py`. Here: what a
declaration means once read (`config.py` validates it), and the settings a stack is linted with.
"""
from __future__ import annotations

from collections.abc import Iterable
import os

from .record import FrozenRecord
from .settings import Settings, merged

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


class DeclaredStack(FrozenRecord):
    _fields = ("name", "files", "env_files")
    name: str | None
    files: tuple[str, ...]  # absolute, normalised paths, in merge order
    env_files: tuple[str, ...]

    def __init__(self, name, files, env_files=()):
        self._set(name, files, env_files)

    @property
    def label(self) -> str:
        return self.name or os.path.basename(self.files[0])


class StackProblem(ValueError):
    """A declaration that cannot be used; keys: where in the configuration (config.py locates it)."""

    def __init__(self, keys: tuple[Any, ...], message: str):
        self.keys = keys
        super().__init__(message)


def read_declarations(entries: list[dict[str, Any]], folder: Path) -> tuple[DeclaredStack, ...]:
    """DeclaredStacks from the `stacks` entries (already valid against the schema): each file
    inside the configuration's folder, existing, and in one stack only."""
    stacks, owner, names = [], {}, {}
    for i, entry in enumerate(entries):
        name = entry.get("name")
        if name is not None and name in names:
            raise StackProblem(("stacks", i, "name"), f"stack name `{name}` is already used by stacks.{names[name]}")
        if name is not None:
            names[name] = i
        files = []
        for j, file in enumerate(entry["files"]):
            keys = ("stacks", i, "files", j)
            path = _inside(file, folder, keys)
            if not os.path.isfile(path):
                raise StackProblem(keys, f"no such file `{file}` (paths are relative to the configuration file)")
            if path in owner:
                raise StackProblem(keys, f"`{file}` is already in {owner[path]}; a file belongs to one stack")
            owner[path] = f"stack `{name}`" if name else f"stacks.{i}"
            files.append(path)
        env_files = []
        for j, file in enumerate(entry.get("env-files", ())):
            keys = ("stacks", i, "env-files", j)
            path = _inside(file, folder, keys)
            if not os.path.isfile(path):
                raise StackProblem(keys, f"no such file `{file}` (paths are relative to the configuration file)")
            env_files.append(path)
        stacks.append(DeclaredStack(name, tuple(files), tuple(env_files)))
    return tuple(stacks)


def _inside(file: str, folder: Path, keys) -> str:
    """The file's absolute path; a path that leaves the configuration's folder is refused (the
    configuration of one project must not pull in another's files)."""
    root = os.path.normpath(os.path.abspath(folder))
    path = os.path.normpath(os.path.join(root, os.path.expanduser(file)))
    if os.path.commonpath([root, path]) != root:
        raise StackProblem(keys, f"`{file}` is outside the project (the configuration file's folder {root})")
    return path


def stack_of(path: str, stacks: Iterable[DeclaredStack]) -> DeclaredStack | None:
    """The declared stack a file belongs to, if any."""
    absolute = os.path.normpath(os.path.abspath(path))
    for stack in stacks:
        if absolute in stack.files:
            return stack
    return None


def stack_settings(stack: DeclaredStack, base: Settings) -> Settings:
    """The settings a stack is linted with: its env files under the environment (the variables
    already set win, as with --env-file), its name as the stack name unless one was given.
    Raises ValueError (with the env file's line, never a value) when an env file is bad."""
    changes: dict[str, Any] = {}
    if stack.env_files:
        from .envfile import read_env_file

        env = dict(base.env or {})
        from_files: dict[str, str] = {}
        for name in stack.env_files:
            from_files.update(read_env_file(name, lookup=env.get))
        changes["env"] = {**from_files, **env}
    if stack.name and base.stack_name is None:
        changes["stack_name"] = stack.name
    return merged(base, **changes) if changes else base

"""Editor settings -> engine Settings, per workspace folder.

Settings reach the server as initializationOptions, workspace/didChangeConfiguration and
workspace/configuration (section "stacklint"). Each is a mapping of these keys, checked against
the `editor` part of settings.schema.json; a bad entry is reported (one message, with its key
path) and skipped, never fatal:

    select: [SL1, SL201]          ignore: [SL209]          severity: {SL401: warning}
    failOn: warning               configFile: .stacklint.yaml (relative to the workspace folder)
    files: ["deploy/*.yml"]       (globs; default: stack and compose file names)
    env: {TAG: "1.2"}             inheritEnv: true (the server's own environment underneath)
    strictEnv: false              inventory: cluster.json (relative to the workspace folder)
    debounceMs: 0
"""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from collections.abc import Mapping

from .. import catalogue, settings_schema
from ..diagnostics import Severity
from ..settings import Settings
from ..stack_files import is_config_name, is_stack_name

SECTION = "stacklint"
# 0: an edit waits only for the lint of an earlier text to stop (see StacklintServer.change_delay)
DEFAULT_DEBOUNCE_MS = settings_schema.properties(settings_schema.EDITOR)["debounceMs"]["default"]
# The keys and their other spellings (the config file's and Python's) come from the settings
# schema, which also validates the values.
KEYS = tuple(settings_schema.properties(settings_schema.EDITOR))
_ALIASES = settings_schema.aliases(settings_schema.EDITOR)


@dataclass(frozen=True)
class ClientSettings:
    select: frozenset | None = None
    ignore: frozenset = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity | None = None
    config_file: str | None = None
    files: tuple[str, ...] | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    inherit_env: bool = True
    strict_env: bool = False
    inventory: str | None = None
    debounce_ms: int = DEFAULT_DEBOUNCE_MS


def section_of(raw: Any) -> dict[str, Any]:
    """Our settings out of what a client sent: {"stacklint": {...}} or the mapping itself."""
    if not isinstance(raw, Mapping):
        return {}
    if isinstance(raw.get(SECTION), Mapping):
        return dict(raw[SECTION])
    return {k: v for k, v in raw.items() if _ALIASES.get(k, k) in KEYS}


def _code_list(value: Any, key: str, problems: list[str]) -> frozenset:
    if isinstance(value, str):
        value = value.split(",")
    codes = set()
    for item in value:  # strings: the schema saw to it
        if not item.strip():
            continue
        try:
            codes.update(catalogue.resolve(item))
        except KeyError:
            problems.append(f"`{key}`: unknown rule `{item}` (see `stacklint rules`)")
    return frozenset(codes)


def _valid_part(data: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """data without what the schema refuses (a key, or one entry of a mapping); a line each."""
    found = settings_schema.problems(data, settings_schema.EDITOR)
    if not found:
        return data
    data = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in data.items()}
    for problem in found:
        problems.append(problem.message)
        *parents, last = problem.path or ("",)
        container = data
        for key in parents:
            container = container.get(key) if isinstance(container, dict) else None
        if isinstance(container, dict):
            container.pop(last, None)  # one entry of a mapping, or the key itself
        else:
            data.pop(problem.path[0], None)  # an item of a list: the whole setting
    return data


def parse(section: Any) -> tuple[ClientSettings, list[str]]:
    """ClientSettings from our section's mapping, and one line per entry that was skipped.
    VS Code sends null for settings left at their default: those are left out."""
    raw = dict(section) if isinstance(section, Mapping) else {}
    problems: list[str] = []
    data = _valid_part({_ALIASES.get(k, k): v for k, v in raw.items() if v is not None}, problems)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "select":
            codes = _code_list(value, key, problems)
            if not codes:
                problems.append("`select` is empty, which would turn every rule off; running every rule "
                                "(name the rules to run, or remove the setting)")
            else:
                out["select"] = codes
        elif key == "ignore":
            out["ignore"] = _code_list(value, key, problems)
        elif key == "severity":
            out["severity"] = {code: Severity.parse(level) for rule, level in value.items()
                               for code in _code_list([rule], "severity", problems)}
        elif key == "failOn":
            out["fail_on"] = Severity.parse(value)
        elif key in ("configFile", "inventory"):
            if value.strip():
                out["config_file" if key == "configFile" else "inventory"] = value.strip()
        elif key == "files":
            out["files"] = tuple(v for v in ([value] if isinstance(value, str) else value) if v.strip())
        elif key == "env":
            out["env"] = {str(k): "" if v is None else str(v) for k, v in value.items()}
        elif key == "inheritEnv":
            out["inherit_env"] = value
        elif key == "strictEnv":
            out["strict_env"] = value
        elif key == "debounceMs":
            out["debounce_ms"] = int(value)
    return ClientSettings(**out), problems


def resolve_path(value: str, folder: Path | None) -> Path:
    """A setting's file path: ~ expanded, relative to the workspace folder when there is one."""
    path = Path(os.path.expanduser(value))
    if not path.is_absolute() and folder is not None:
        path = folder / path
    return path


def engine_settings(client: ClientSettings, inventory: Mapping | None = None) -> Settings:
    """The base Settings a project's config file is then applied over."""
    env = dict(os.environ) if client.inherit_env else {}
    env.update(client.env)
    return Settings(select=client.select, ignore=client.ignore, severity=dict(client.severity),
                    fail_on=client.fail_on, env=env, strict_env=client.strict_env, inventory=inventory)


def wanted(path: str, folder: Path | None, client: ClientSettings) -> bool:
    """Whether a document at path is a stack file the server should lint."""
    name = PurePosixPath(path).name
    if is_config_name(name):
        return False
    if client.files is None:
        return is_stack_name(name)
    candidates = {name, path}
    if folder is not None:
        try:
            candidates.add(Path(path).relative_to(folder).as_posix())
        except ValueError:
            pass
    for pattern in client.files:
        patterns = {pattern, pattern[3:]} if pattern.startswith("**/") else {pattern}
        if any(fnmatch.fnmatchcase(c, p) for c in candidates for p in patterns):
            return True
    return False

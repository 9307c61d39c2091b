"""Editor settings -> engine Settings, per workspace folder.

Settings reach the server as initializationOptions, workspace/didChangeConfiguration and
workspace/configuration (section "stacklint"). Each is a mapping of these keys; a bad entry is
reported (one message) and skipped, never fatal:

    select: [SL1, SL201]          ignore: [SL209]          severity: {SL401: warning}
    failOn: warning               configFile: .stacklint.yaml (relative to the workspace folder)
    files: ["deploy/*.yml"]       (globs; default: stack and compose file names)
    env: {TAG: "1.2"}             inheritEnv: true (the server's own environment underneath)
    strictEnv: false              inventory: cluster.json (relative to the workspace folder)
    debounceMs: 100
"""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .. import catalogue
from ..diagnostics import Severity
from ..settings import Settings
from ..stack_files import is_config_name, is_stack_name

SECTION = "stacklint"
DEFAULT_DEBOUNCE_MS = 100
# Spellings accepted besides the camelCase ones (the config file's and Python's).
_ALIASES = {"fail-on": "failOn", "fail_on": "failOn", "config": "configFile", "config-file": "configFile",
            "config_file": "configFile", "strict-env": "strictEnv", "strict_env": "strictEnv",
            "inherit-env": "inheritEnv", "inherit_env": "inheritEnv", "debounce": "debounceMs"}
KEYS = ("select", "ignore", "severity", "failOn", "configFile", "files", "env", "inheritEnv",
        "strictEnv", "inventory", "debounceMs")


@dataclass(frozen=True)
class ClientSettings:
    select: Optional[frozenset] = None
    ignore: frozenset = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Optional[Severity] = None
    config_file: Optional[str] = None
    files: Optional[Tuple[str, ...]] = None
    env: Mapping[str, str] = field(default_factory=dict)
    inherit_env: bool = True
    strict_env: bool = False
    inventory: Optional[str] = None
    debounce_ms: int = DEFAULT_DEBOUNCE_MS


def section_of(raw: Any) -> Dict[str, Any]:
    """Our settings out of what a client sent: {"stacklint": {...}} or the mapping itself."""
    if not isinstance(raw, Mapping):
        return {}
    if isinstance(raw.get(SECTION), Mapping):
        return dict(raw[SECTION])
    return {k: v for k, v in raw.items() if _ALIASES.get(k, k) in KEYS}


def _code_list(value: Any, key: str, problems: List[str]) -> Optional[frozenset]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)):
        problems.append(f"`{key}` must be a list of rule codes or names")
        return None
    codes = set()
    for item in value:
        if not isinstance(item, str) or not item.strip():
            problems.append(f"`{key}`: {item!r} is not a rule code or name")
            continue
        try:
            codes.update(catalogue.resolve(item))
        except KeyError:
            problems.append(f"`{key}`: unknown rule `{item}` (see `stacklint rules`)")
    return frozenset(codes)


def parse(section: Any) -> Tuple[ClientSettings, List[str]]:
    """ClientSettings from our section's mapping, and one line per entry that was skipped."""
    data = dict(section) if isinstance(section, Mapping) else {}
    problems: List[str] = []
    out: Dict[str, Any] = {}
    for key, value in data.items():
        key = _ALIASES.get(key, key)
        if value is None:
            continue  # VS Code sends null for settings left at their default
        if key == "select":
            codes = _code_list(value, key, problems)
            if codes is not None and not codes:
                problems.append("`select` is empty, which would turn every rule off; running every rule "
                                "(name the rules to run, or remove the setting)")
            elif codes is not None:
                out["select"] = codes
        elif key == "ignore":
            out["ignore"] = _code_list(value, key, problems) or frozenset()
        elif key == "severity":
            if not isinstance(value, Mapping):
                problems.append("`severity` must map rules to error, warning or info")
                continue
            levels = {}
            for rule, level in value.items():
                try:
                    severity = Severity.parse(str(level))
                except ValueError as err:
                    problems.append(f"`severity.{rule}`: {err}")
                    continue
                for code in _code_list([rule], "severity", problems) or ():
                    levels[code] = severity
            out["severity"] = levels
        elif key == "failOn":
            try:
                out["fail_on"] = Severity.parse(str(value))
            except ValueError as err:
                problems.append(f"`failOn`: {err}")
        elif key in ("configFile", "inventory"):
            if not isinstance(value, str):
                problems.append(f"`{key}` must be a file path")
            elif value.strip():
                out["config_file" if key == "configFile" else "inventory"] = value.strip()
        elif key == "files":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                problems.append("`files` must be a list of glob patterns")
            else:
                out["files"] = tuple(v for v in value if v.strip())
        elif key == "env":
            if not isinstance(value, Mapping):
                problems.append("`env` must map variable names to values")
            else:
                out["env"] = {str(k): "" if v is None else str(v) for k, v in value.items()}
        elif key in ("inheritEnv", "strictEnv"):
            if not isinstance(value, bool):
                problems.append(f"`{key}` must be true or false")
            else:
                out["inherit_env" if key == "inheritEnv" else "strict_env"] = value
        elif key == "debounceMs":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 10_000:
                problems.append("`debounceMs` must be a number of milliseconds (0 to 10000)")
            else:
                out["debounce_ms"] = int(value)
        else:
            problems.append(f"unknown setting `{key}` (settings: {', '.join(KEYS)})")
    return ClientSettings(**out), problems


def resolve_path(value: str, folder: Optional[Path]) -> Path:
    """A setting's file path: ~ expanded, relative to the workspace folder when there is one."""
    path = Path(os.path.expanduser(value))
    if not path.is_absolute() and folder is not None:
        path = folder / path
    return path


def engine_settings(client: ClientSettings, inventory: Optional[Mapping] = None) -> Settings:
    """The base Settings a project's config file is then applied over."""
    env = dict(os.environ) if client.inherit_env else {}
    env.update(client.env)
    return Settings(select=client.select, ignore=client.ignore, severity=dict(client.severity),
                    fail_on=client.fail_on, env=env, strict_env=client.strict_env, inventory=inventory)


def wanted(path: str, folder: Optional[Path], client: ClientSettings) -> bool:
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

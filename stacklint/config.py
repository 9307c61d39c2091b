"""Project configuration: `.stacklint.yaml` or `[tool.stacklint]` in pyproject.toml, found by
walking up from the linted file. Invalid configuration is an error with a location.

    # .stacklint.yaml
    select: [SL1, SL2, SL301]        # codes, names or prefixes; default: all
    ignore: [SL209, missing-healthcheck]
    severity: {SL401: warning}       # per-rule severity
    per-file-ignores: {"legacy/*.yml": [SL306]}
    fail-on: warning                 # error | warning | info
    stacks:                          # files deployed together (declared_stacks.py)
      - {name: shop, files: [docker-stack.yml, prod.yml], env-files: [.env.prod]}

The shapes are checked with the settings schema (settings.schema.json, shared with the editor
settings); rule names and stack files here.
"""
from __future__ import annotations

import functools
import os
import re

from . import catalogue
from .diagnostics import Severity
from .files import is_file, parent_folder, read_regular
from .settings import PerFileIgnore, Settings, merged
from .stack_files import CONFIG_NAMES, PYPROJECT
from .lazy_regex import LazyRegex

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

# A configuration is a few lines; a pyproject.toml a few kB. /dev/zero is neither.
MAX_CONFIG_BYTES = 1024 * 1024

class ConfigError(ValueError):
    """A configuration problem at path:line:column (1-based; 0 when unknown)."""

    def __init__(self, path: Path, line: int, column: int, message: str):
        self.path, self.line, self.column, self.message = path, line, column, message
        super().__init__(f"{path}:{line}:{column}: invalid configuration: {message}")


def find_config(start: str | Path) -> Path | None:
    """The nearest .stacklint.yaml, or pyproject.toml with [tool.stacklint], at or above start.
    The walk is in os.path: pathlib is imported only for a configuration found."""
    start = os.fspath(start)
    folder = os.path.realpath(start if os.path.isdir(start) else parent_folder(start))
    while True:
        for name in (*CONFIG_NAMES, PYPROJECT):
            path = os.path.join(folder, name)
            if is_file(path) and (name != PYPROJECT or _has_tool_section(path)):
                from pathlib import Path

                return Path(path)
        if os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)


def _read(path: Path) -> str:
    """The text of a configuration file: regular, bounded, UTF-8; else ConfigError."""
    try:
        return read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(path, 0, 0, f"cannot read: not UTF-8 text (byte {err.start})") from None
    except OSError as err:  # NotRegular and TooLarge say what they are
        raise ConfigError(path, 0, 0, f"cannot read: {err.strerror.lower() if err.strerror else err}") from None


def _has_tool_section(path: Path) -> bool:
    """Whether pyproject.toml really has a [tool.stacklint] table (not merely the words in a
    comment or a string); one that cannot be parsed but names it is picked, to report why."""
    try:
        text = _read(path)
    except ConfigError:
        return False
    if not _may_define_tool_section(text):
        return False  # most pyproject.toml files: no need to import a TOML parser and parse them
    _toml = _toml_module()
    try:
        tool = _toml.loads(text).get("tool")
    except _toml.TOMLDecodeError:
        return "[tool.stacklint]" in text
    return isinstance(tool, dict) and "stacklint" in tool


# The lines through which TOML can define tool.stacklint: a table header [tool.stacklint...]
# or [tool], or a top-level key `tool.stacklint... =` / `tool = {...}` (keys may be quoted).
_TOOL_SECTION_LINE = LazyRegex(r"""^[ \t]*(?:\[\[?[ \t]*)?(?:tool|"tool"|'tool')[ \t]*"""
                                r"""(?:\.[ \t]*(?:stacklint|"stacklint"|'stacklint')|=|\])""", re.M)


def _may_define_tool_section(text: str) -> bool:
    """False only where no TOML reading of text has tool.stacklint (a key can also be spelled
    with escapes, "\\u0074ool": a file with any escape is parsed). The words in a comment or a
    string do not count, even in a file that cannot be parsed."""
    if "\\u" in text or "\\U" in text:
        return True
    # Unescaped, the name is written out: most files are told without compiling the pattern.
    return "stacklint" in text and _TOOL_SECTION_LINE.search(text) is not None


def _position_of(path: Path, key: str) -> tuple[int, int]:
    """Best-effort line/column of a key in the file (for TOML, where we have no node marks)."""
    try:
        lines = _read(path).splitlines()
    except ConfigError:
        return 0, 0
    for i, line in enumerate(lines):
        col = line.find(key)
        if col >= 0 and line[:col].strip() in ("", '"', "'"):
            return i + 1, col + 1
    return 0, 0


def _load_yaml(path: Path):
    """(data, locate(key path) -> (line, column)) for a .stacklint.yaml."""
    from .document import parse  # the same reader as stack files: exact positions

    doc = parse(_read(path))
    if doc.problems:
        p = doc.problems[0]
        raise ConfigError(path, p.range.start.line + 1, p.range.start.column + 1, p.message)

    def locate(keys, on_key=True):
        r = doc.key_range(keys) if on_key else doc.value_range(keys)
        return r.start.line + 1, r.start.column + 1

    return (doc.data if doc.data is not None else {}), locate


def _toml_module():
    try:  # Python 3.11+; imported here: most runs read no pyproject.toml
        import tomllib  # novermin: the ImportError below is the 3.10 path
        return tomllib
    except ImportError:  # Python 3.10: the same parser from PyPI (a dependency there)
        import tomli
        return tomli


def _load_toml(path: Path):
    _toml = _toml_module()
    text = _read(path)
    try:
        data = _toml.loads(text)
    except _toml.TOMLDecodeError as err:
        raise ConfigError(path, getattr(err, "lineno", 0), getattr(err, "colno", 0), str(err)) from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(path, *_position_of(path, "tool"), "`tool` must be a table ([tool.stacklint])")
    section = tool.get("stacklint", {})
    if not isinstance(section, dict):
        raise ConfigError(path, *_position_of(path, "stacklint"), "`tool.stacklint` must be a table")

    def locate(keys, on_key=True):
        # no node marks in TOML: the line of the innermost named key
        return _position_of(path, next((str(k) for k in reversed(keys) if isinstance(k, str)), "stacklint"))

    return section, locate


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float) -> dict[str, Any]:
    from pathlib import Path  # a configuration's error messages and stacks take its Path

    return _parse(Path(path))


def load_config(path: Path) -> dict[str, Any]:
    """The validated options of one config file, as Settings keyword arguments."""
    try:
        mtime = os.stat(path).st_mtime
    except OSError as err:
        raise ConfigError(path, 0, 0, f"cannot read: {err}") from None
    return _load_cached(str(path), mtime)


def _codes(value, keys, locate, path) -> frozenset:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    codes = set()
    for i, item in enumerate(value):  # strings: the schema saw to it
        try:
            codes.update(catalogue.resolve(item))
        except KeyError:
            raise ConfigError(path, *locate(keys + (i,), False),
                              f"unknown rule `{item}` (see `stacklint rules`)") from None
    if not codes and keys == ("select",):
        raise ConfigError(path, *locate(keys, False), "`select` is empty, which would turn every rule off; "
                          "name the rules to run, or remove `select` to run them all")
    return frozenset(codes)


def _severity(value, keys, locate, path) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as err:
        raise ConfigError(path, *locate(keys, False), str(err)) from None


def _parse(path: Path) -> dict[str, Any]:
    from . import settings_schema

    data, locate = _load_toml(path) if path.name == PYPROJECT else _load_yaml(path)
    problems = settings_schema.problems(data, settings_schema.CONFIG)
    if problems:
        first = problems[0]
        raise ConfigError(path, *(locate(first.path, first.on_key) if first.path else (1, 1)), first.message)
    out: dict[str, Any] = {}
    for key, value in data.items():
        keys = (key,)
        if key == "select":
            out["select"] = _codes(value, keys, locate, path)
        elif key == "ignore":
            out["ignore"] = _codes(value, keys, locate, path)
        elif key == "fail-on":
            out["fail_on"] = _severity(value, keys, locate, path)
        elif key == "severity":
            severities = {}
            for rule, level in value.items():
                for code in _codes([rule], keys, lambda k, on_key=True: locate((key, rule), True), path):
                    severities[code] = _severity(level, (key, rule), locate, path)
            out["severity"] = severities
        elif key == "per-file-ignores":
            out["per_file_ignores"] = tuple(
                PerFileIgnore(pattern, _codes(rules, (key, pattern), locate, path)) for pattern, rules in value.items())
        elif key == "stacks":
            out["stacks"] = _stacks(value, locate, path)
    return out


def _stacks(entries, locate, path: Path):
    from .declared_stacks import StackProblem, read_declarations

    try:
        return read_declarations(entries, path.parent)
    except StackProblem as problem:
        raise ConfigError(path, *locate(problem.keys, False), str(problem)) from None


def stacks_for(file_path: str, config_path: Path | None = None):
    """The stacks declared in a file's configuration (config_path, else the nearest one); ()
    when there is none. Raises ConfigError for an invalid configuration."""
    path = config_path or find_config(file_path)
    if path is None:
        return ()
    return load_config(path).get("stacks", ())


def settings_for(file_path: str | None, base: Settings, config_path: Path | None = None) -> Settings:
    """base (from the command line or the editor) over the file's project configuration.

    Options given on the command line win over the config file; `ignore` lists add up."""
    path = config_path or (find_config(file_path) if file_path and file_path != "-" else None)
    if path is None:
        return base
    options = dict(load_config(path))
    changes: dict[str, Any] = {}
    if base.select is None and "select" in options:
        changes["select"] = options["select"]
    if "ignore" in options:
        changes["ignore"] = base.ignore | options["ignore"]
    if "severity" in options:
        changes["severity"] = {**options["severity"], **dict(base.severity)}
    if "per_file_ignores" in options:
        folder = path.parent
        changes["per_file_ignores"] = base.per_file_ignores + tuple(
            PerFileIgnore(str(folder / p.pattern), p.codes) for p in options["per_file_ignores"])
    if "fail_on" in options and base.fail_on is None:
        changes["fail_on"] = options["fail_on"]
    return merged(base, **changes)

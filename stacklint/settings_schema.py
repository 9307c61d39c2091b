"""The one settings schema (`settings.schema.json`): the project's configuration file and the
editor settings are both validated with it, and the VS Code extension's settings agree with it
(tests/test_settings_schema.py).

`problems(data, part)` says what does not fit, each with the path of the key or value it
concerns, in the schema's own words (`x-message`). A valid mapping, the common case, goes through
a compiled validator (`validators/settings_*.py`, generated from the schema like the stack
validators); jsonschema is imported only to explain a failure.
"""
from __future__ import annotations

import functools
import importlib
import json
from pathlib import Path
from typing import Any, NamedTuple

SCHEMA_PATH = Path(__file__).resolve().parent / "settings.schema.json"
CONFIG, EDITOR = "config", "editor"  # the two parts: definitions of the schema


class Problem(NamedTuple):
    path: tuple[Any, ...]  # the keys down to the offending value (or the unknown key itself)
    on_key: bool  # True: the key is wrong (unknown), not its value
    message: str


@functools.lru_cache(maxsize=None)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def root(part: str) -> dict[str, Any]:
    """A schema whose root is one part (what the generated validators and jsonschema validate)."""
    return {"$schema": schema()["$schema"], "$id": f"https://stacklint.invalid/settings/{part}.json",
            "$ref": f"#/definitions/{part}", "definitions": schema()["definitions"]}


def properties(part: str) -> dict[str, dict[str, Any]]:
    """The keys of a part and their schemas, $refs resolved (x-aliases stay with the key)."""
    return {key: resolve(sub) for key, sub in schema()["definitions"][part]["properties"].items()}


def resolve(sub: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with its $ref followed; keywords beside the $ref are kept over it."""
    if "$ref" not in sub:
        return sub
    target = schema()["definitions"][sub["$ref"].rsplit("/", 1)[-1]]
    return {**resolve(target), **{k: v for k, v in sub.items() if k != "$ref"}}


def aliases(part: str) -> dict[str, str]:
    """Other spelling -> the key (the editor accepts the config file's and Python's spellings)."""
    return {alias: key for key, sub in properties(part).items() for alias in sub.get("x-aliases", ())}


def problems(data: Any, part: str) -> list[Problem]:
    """What in data does not fit the part of the schema; [] when all of it does."""
    validator = importlib.import_module(f"{__package__}.validators.settings_{part}")
    from .validators import Invalid

    try:
        validator.validate(data)
        return []
    except Invalid:
        pass
    return _explain(data, part)


def _explain(data: Any, part: str) -> list[Problem]:
    errors = list(_validator(part).iter_errors(data))
    out = []
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        out.extend(_problems_of(error, part))
    return out


@functools.lru_cache(maxsize=None)
def _validator(part: str):
    import jsonschema  # ~0.1 s: only for settings that are wrong

    return jsonschema.Draft7Validator(root(part))


def _problems_of(error, part: str) -> list[Problem]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and error.validator_value is False:
        known = sorted(error.schema.get("properties", {}))
        return [Problem(path + (key,), True, _unknown(key, path, known, part))
                for key in sorted(set(error.instance) - set(known), key=str)]
    depth, described = _described(error, part)
    path = path[:depth]
    if error.validator == "enum" and "x-enum-message" in described:
        message = described["x-enum-message"].format(value=error.instance)
        return [Problem(path, False, f"`{_dotted(path)}`: {message}" if path else message)]
    message = described.get("x-message", error.message)
    return [Problem(path, False, f"`{_dotted(path)}` {message}" if path else message)]


def _described(error, part: str) -> tuple[int, dict[str, Any]]:
    """The deepest schema with an x-message on the path of a failure, and the depth of the value
    it is about (a bad item of a rule list is reported as the list being wrong, in its words)."""
    node: Any = schema()["definitions"][part]
    steps = list(error.absolute_schema_path)  # jsonschema leaves the $ref steps out
    depth, found, i = 0, (0, {}), 0
    while isinstance(node, dict):
        node = resolve(node)
        if "x-message" in node:
            found = (depth, node)
        step = steps[i] if i < len(steps) else None
        if step in ("properties", "patternProperties") and i + 1 < len(steps):
            node, depth, i = node[step][steps[i + 1]], depth + 1, i + 2
        elif step in ("additionalProperties", "items"):
            node, depth, i = node[step], depth + 1, i + 1
        else:
            break  # the keyword that failed (type, enum, minItems, ...)
    return found


def _unknown(key, path, known: list[str], part: str) -> str:
    import difflib  # only to word an error

    where = f"`{_dotted(path)}`: " if path else ""
    noun = "option" if part == CONFIG else "setting"
    hint = difflib.get_close_matches(str(key).replace("_", "-"), known, n=1, cutoff=0.6)
    if hint:
        return f"{where}unknown {noun} `{key}`; did you mean `{hint[0]}`?"
    return f"{where}unknown {noun} `{key}` ({noun}s: {', '.join(known)})"


def _dotted(path) -> str:
    return ".".join(str(p) for p in path)

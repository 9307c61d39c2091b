"""One annotated JSON Schema for Compose file format 3.0-3.13, pruned per version.

``schemas/stack.schema.json`` describes every key any v3 version knows; keys,
``patternProperties`` entries and ``oneOf`` alternatives that some versions lack
carry ``"x-since"`` (and ``"x-until"``) and keyword changes carry ``"x-changes"``
(see ``schemas/README.md``).  ``schema_for(v)`` derives the plain draft-07 schema
of version ``v``; ``since_of`` tells in which version an unknown key appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
import re
from functools import lru_cache

from .resources import data_dir
from .schema_versions import SUPPORTED_VERSIONS  # generated from the schema's x-versions: a lint reads no JSON

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:  # imported when a failure is explained: ~0.1 s that valid files never pay
    from pathlib import Path
    from typing import Any
    import jsonschema

__all__ = [
    "SUPPORTED_VERSIONS",
    "LATEST_VERSION",
    "UnsupportedVersion",
    "raw_schema",
    "normalize_version",
    "version_key",
    "schema_for",
    "validator_for",
    "since_of",
    "known_properties",
    "unknown_keys",
]

_SCHEMA_NAME = "stack.schema.json"

# Map keywords whose values are {name: subschema}.
_MAP_KEYWORDS = ("properties", "patternProperties", "definitions", "$defs")
# Keywords whose value is a list of subschemas.
_LIST_KEYWORDS = ("oneOf", "anyOf", "allOf")
# Keywords whose value is a single subschema.
_SCHEMA_KEYWORDS = ("items", "additionalProperties", "not", "additionalItems")


class UnsupportedVersion(ValueError):
    """The version string does not name one of the 14 v3 schemas."""


def _schema_path() -> Path:
    return data_dir("schemas") / _SCHEMA_NAME


@lru_cache(maxsize=1)
def raw_schema() -> dict:
    """The annotated source schema (all versions). Treat as read-only."""
    import json  # (a valid file is checked by the generated validators, without it)

    with open(_schema_path(), encoding="utf-8") as fh:
        return json.load(fh)


def version_key(version: str) -> tuple[int, ...]:
    """Numeric sort key: "3.10" > "3.9"."""
    return tuple(int(part) for part in version.split("."))


LATEST_VERSION: str = max(SUPPORTED_VERSIONS, key=version_key)


def normalize_version(version: str | None) -> str:
    """Docker's rule: missing, "" and "3" mean the latest; otherwise an exact match."""
    if version is None or version in ("", "3"):
        return LATEST_VERSION
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedVersion(f"unsupported Compose file version: {version}")
    return version


def _present(node: Any, vkey: tuple[int, ...]) -> bool:
    if not isinstance(node, dict):
        return True
    since = node.get("x-since")
    until = node.get("x-until")
    if since is not None and version_key(since) > vkey:
        return False
    if until is not None and version_key(until) <= vkey:
        return False
    return True


def _prune(node: Any, vkey: tuple[int, ...]) -> Any:
    if isinstance(node, list):
        return [_prune(item, vkey) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    for change in sorted(node.get("x-changes", ()), key=lambda c: version_key(c["since"])):
        if version_key(change["since"]) <= vkey:
            for key in change.get("unset", ()):
                node.pop(key, None)
            node.update(change.get("set", {}))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-"):
            continue  # annotation keyword, not a property name (those live in maps below)
        if key in _MAP_KEYWORDS and isinstance(value, dict):
            out[key] = {name: _prune(sub, vkey) for name, sub in value.items() if _present(sub, vkey)}
        elif key in _LIST_KEYWORDS and isinstance(value, list):
            out[key] = [_prune(sub, vkey) for sub in value if _present(sub, vkey)]
        elif key in _SCHEMA_KEYWORDS and isinstance(value, dict):
            out[key] = _prune(value, vkey)
        else:
            out[key] = value
    # A oneOf left with one alternative is that alternative (clearer error messages).
    alts = out.get("oneOf")
    if isinstance(alts, list) and len(alts) == 1 and isinstance(alts[0], dict):
        only = alts[0]
        if not (set(only) & (set(out) - {"oneOf", "description"})):
            del out["oneOf"]
            desc = out.get("description")
            out.update(only)
            if desc is not None:
                out["description"] = desc
    return out


def schema_for(version: str) -> dict:
    """Draft-07 schema of one version ("3.0".."3.13"; "3"/"" = latest), no x-* keywords.

    Cached per version; do not mutate the returned dict.
    """
    return _schema_for(normalize_version(version))


@lru_cache(maxsize=None)
def _schema_for(version: str) -> dict:
    return _prune(raw_schema(), version_key(version))


def validator_for(version: str) -> jsonschema.Draft7Validator:
    """A Draft7Validator for the version, built once. No format checking (stacklint
    checks durations and ports itself)."""
    return _validator_for(normalize_version(version))


@lru_cache(maxsize=None)
def _validator_for(version: str) -> jsonschema.Draft7Validator:
    import jsonschema

    return jsonschema.Draft7Validator(_schema_for(version))


# ---------------------------------------------------------------- navigation


def _resolve(root: dict, node: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref supported: {ref}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
        seen += 1
    return node


def _expand(root: dict, node: Any, since: str | None) -> list[tuple[dict, str | None]]:
    """All concrete object schemas a value at this node may be checked against,
    each with the highest x-since met on the way."""
    node = _resolve(root, node)
    if not isinstance(node, dict):
        return []
    since = _max_since(since, node.get("x-since"))
    result = [(node, since)]
    for kw in _LIST_KEYWORDS:
        for alt in node.get(kw, ()):
            result.extend(_expand(root, alt, since))
    return result


def _max_since(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if version_key(a) >= version_key(b) else b


def _children(root: dict, node: dict, since: str | None, key: Any) -> list[tuple[dict, str | None]]:
    out: list[tuple[dict, str | None]] = []
    if isinstance(key, int):
        items = node.get("items")
        if isinstance(items, dict):
            out.extend(_expand(root, items, since))
        return out
    key = str(key)
    props = node.get("properties", {})
    if key in props:
        out.extend(_expand(root, props[key], since))
        return out
    for pattern, sub in node.get("patternProperties", {}).items():
        if re.search(pattern, key):
            out.extend(_expand(root, sub, since))
    if not out and isinstance(node.get("additionalProperties"), dict):
        out.extend(_expand(root, node["additionalProperties"], since))
    return out


def _locate(root: dict, instance_path: Iterable[Any]) -> list[tuple[dict, str | None]]:
    nodes = _expand(root, root, None)
    for key in instance_path:
        nxt: list[tuple[dict, str | None]] = []
        for node, since in nodes:
            nxt.extend(_children(root, node, since, key))
        nodes = nxt
    return nodes


def since_of(instance_path: Sequence[Any], prop: str) -> str | None:
    """Version in which key ``prop`` becomes allowed in the mapping at ``instance_path``
    (e.g. ``["services", "web", "healthcheck"], "start_period"`` -> ``"3.4"``).

    ``instance_path`` is the path of the *parent* mapping in the document, as in a
    jsonschema error's ``absolute_path``. Returns ``"3.0"`` for a key every version
    allows there, ``None`` if no version allows it. Keys matched by a versioned
    pattern (``x-*``) and nodes opened later by ``x-changes`` (``build`` in 3.11)
    count too.
    """
    root = raw_schema()
    best: str | None = None
    for node, since in _locate(root, instance_path):
        found = None
        props = node.get("properties", {})
        if prop in props:
            found = _earliest(root, props[prop], since)
        else:
            for pattern, sub in node.get("patternProperties", {}).items():
                if re.search(pattern, prop):
                    cand = _earliest(root, sub, since)
                    found = cand if found is None else _min_since(found, cand)
            if found is None:
                found = _opened_since(node, since)
        if found is not None:
            best = found if best is None else _min_since(best, found)
    return best


def _earliest(root: dict, sub: Any, since: str | None) -> str:
    own = sub.get("x-since") if isinstance(sub, dict) else None
    return _max_since(_max_since(since, own), None) or SUPPORTED_VERSIONS[0]


def _is_mapping_schema(node: dict) -> bool:
    types = node.get("type")
    if types is None:
        return "properties" in node or "patternProperties" in node
    return "object" in (types if isinstance(types, list) else [types])


def _opened_since(node: dict, since: str | None) -> str | None:
    if not _is_mapping_schema(node):
        return None  # a string/null alternative or a bare oneOf wrapper accepts no keys
    if node.get("additionalProperties", True) is not False:
        return _max_since(since, None) or SUPPORTED_VERSIONS[0]
    for change in node.get("x-changes", ()):
        if change.get("set", {}).get("additionalProperties") is True:
            return _max_since(since, change["since"])
    return None


def _min_since(a: str, b: str) -> str:
    return a if version_key(a) <= version_key(b) else b


def known_properties(version: str, instance_path: Sequence[Any]) -> list[str]:
    """Property names the version allows in the mapping at ``instance_path``
    (for "did you mean"). Pattern keys such as ``x-*`` are not listed."""
    root = schema_for(version)
    names: set[str] = set()
    for node, _ in _locate(root, instance_path):
        names.update(node.get("properties", {}))
    return sorted(names)


def unknown_keys(error: jsonschema.ValidationError) -> list[str]:
    """Keys an ``additionalProperties`` error rejects (jsonschema only names them in
    its message). Pair each with ``since_of(error.absolute_path, key)``."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    schema = error.schema
    props = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [
        key
        for key in error.instance
        if key not in props and not any(re.search(p, key) for p in patterns)
    ]

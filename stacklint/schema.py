"""Schema validation (SL004): every violation, each on the node it concerns.

Docker reports only the deepest schema error and no position. We report all of them: an
unknown key on the key (with "did you mean" or the version that introduced it), a bad value
on the value. Valid documents, the common case on every keystroke, go through a compiled
validator (`validators/`, ten times faster here); jsonschema is imported and run only to
explain failures.
"""
from __future__ import annotations

from collections.abc import Iterable

from .credentials import secret_looking
from .diagnostics import Diagnostic, Severity, YamlPath, dotted
from .schema_source import known_properties, since_of, unknown_keys, validator_for
from .scalars import go_format
from .validators import is_valid

_TYPE_NAMES = {
    "string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
    "array": "a list", "object": "a mapping", "null": "null",
}


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _describe(value, path: YamlPath) -> str:
    kind = _json_type(value)
    if kind in ("array", "object"):
        return _TYPE_NAMES[kind]
    if kind == "null":
        return "empty (null)"
    if secret_looking(path, value):
        return f"{_TYPE_NAMES[kind]} (not shown: it may be a secret)"
    text = go_format(value) if not isinstance(value, str) else value
    if len(text) > 40:
        text = text[:37] + "..."
    import json  # only to word a schema violation
    return f"{_TYPE_NAMES[kind]} ({json.dumps(text) if isinstance(value, str) else text})"


# --- explaining failures ------------------------------------------------------------------------

def validate(doc, data, version: str, declared: str | None) -> list[Diagnostic]:
    """SL004 diagnostics for data (interpolated) against the schema of version."""
    if is_valid(data, version):
        return []
    out: list[Diagnostic] = []
    for error in validator_for(version).iter_errors(data):
        out.extend(_explain(doc, error, version, declared))
    # one finding per node and message (oneOf branches can repeat themselves)
    seen = set()
    unique = []
    for d in out:
        key = (d.range, d.message)
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique


def _diag(doc, path: YamlPath, message: str, on_key: bool = False) -> Diagnostic:
    r = doc.key_range(path) if on_key else doc.value_range(path)
    return Diagnostic("SL004", message, Severity.ERROR, r, tuple(path))


def _explain(doc, error, version: str, declared: str | None) -> Iterable[Diagnostic]:
    path = tuple(error.absolute_path)
    where = dotted(path)
    kind = error.validator
    if kind == "additionalProperties":
        for key in unknown_keys(error):
            yield _diag(doc, path + (key,), _unknown_key_message(path, key, version, declared, error), on_key=True)
        return
    if kind in ("oneOf", "anyOf"):
        yield from _explain_alternatives(doc, error, version, declared)
        return
    if kind == "type":
        wanted = error.validator_value
        wanted = wanted if isinstance(wanted, list) else [wanted]
        names = _join([_TYPE_NAMES.get(w, w) for w in wanted])
        yield _diag(doc, path, f"{where} must be {names}, not {_describe(error.instance, path)}")
        return
    if kind == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        for key in missing or error.validator_value[:1]:
            yield _diag(doc, path, f"{where}: `{key}` is required", on_key=True)
        return
    if kind == "enum":
        import json  # only to word a schema violation
        options = ", ".join(json.dumps(v) for v in error.validator_value)
        yield _diag(doc, path, f"{where} must be one of {options}, not {_describe(error.instance, path)}")
        return
    if kind == "uniqueItems":
        seen = {}
        import json  # only to word a schema violation
        for i, item in enumerate(error.instance):
            marker = json.dumps(item, sort_keys=True)
            if marker in seen:
                yield _diag(doc, path + (i,), f"{where}: item {i} repeats item {seen[marker]} "
                            f"({_describe(item, path + (i,))}); items must be unique")
            else:
                seen[marker] = i
        return
    if kind == "pattern":
        yield _diag(doc, path, f"{where}: {_describe(error.instance, path)} does not match {error.validator_value}")
        return
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        yield _diag(doc, path, f"{where} must be {_BOUNDS[kind]} {error.validator_value}, not {go_format(error.instance)}")
        return
    if kind in ("minItems", "maxItems", "minProperties", "maxProperties", "minLength", "maxLength"):
        yield _diag(doc, path, f"{where}: {error.message}")
        return
    if kind == "propertyNames":
        yield _diag(doc, path, f"{where}: {error.message}", on_key=True)
        return
    yield _diag(doc, path, f"{where}: {error.message}")


_BOUNDS = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "greater than",
           "exclusiveMaximum": "less than"}


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _unknown_key_message(path: YamlPath, key: str, version: str, declared, error) -> str:
    where = dotted(path)
    patterns = error.schema.get("patternProperties", {})
    if error.schema.get("properties") == {} or (not error.schema.get("properties") and patterns):
        # a map of names (services, secrets, ...): the key is a name that fails the pattern
        pats = " or ".join(p for p in patterns if not p.startswith("^x-"))
        if pats:
            return f'{where}: name "{key}" is not allowed (names must match {pats})'
    since = since_of(list(path), key)
    shown = declared if declared not in (None, "", "3") else version
    if since is not None:
        return f"{where}: `{key}` needs version {since} or later; this file declares {shown}"
    if key.startswith("x-"):
        later = since_of(list(path), "x-extension")
        if later:
            return f"{where}: extension keys (x-*) here need version {later} or later; this file declares {shown}"
    message = f"{where}: unknown key `{key}`"
    candidates = known_properties(version, list(path))
    import difflib  # only for a did-you-mean
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        if key.lower() in lowered:
            close = [lowered[key.lower()]]
    if close:
        message += f"; did you mean `{close[0]}`?"
    return message


def _explain_alternatives(doc, error, version, declared) -> Iterable[Diagnostic]:
    """oneOf/anyOf: explain through the alternative whose type fits the value, else name the types."""
    path = tuple(error.absolute_path)
    by_branch: dict = {}
    for sub in error.context:
        branch = sub.relative_schema_path[0] if sub.relative_schema_path else 0
        by_branch.setdefault(branch, []).append(sub)
    fitting = []
    types = []
    for branch, subs in sorted(by_branch.items()):
        type_errors = [s for s in subs if s.validator == "type" and tuple(s.absolute_path) == path]
        for err in type_errors:  # the types this alternative wanted ($refs already followed)
            wanted = err.validator_value
            types.extend(wanted if isinstance(wanted, list) else [wanted])
        if not type_errors:
            fitting.append(subs)
    if len(fitting) == 1:
        for sub in fitting[0]:
            yield from _explain(doc, sub, version, declared)
        return
    where = dotted(path)
    if not types:
        yield _diag(doc, path, f"{where}: {_describe(error.instance, path)} is not valid here")
        return
    names = _join(list(dict.fromkeys(_TYPE_NAMES.get(t, t) for t in types)))
    if fitting:  # several alternatives fit the type; show the first one's complaints
        for sub in fitting[0]:
            yield from _explain(doc, sub, version, declared)
        return
    yield _diag(doc, path, f"{where} must be {names}, not {_describe(error.instance, path)}")

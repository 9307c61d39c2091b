"""Variable interpolation exactly as `docker stack` does it, quirks included.

Docker substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?msg}`,
`${VAR?msg}` and `$$` in every string value (never in keys), before the schema, then casts a
fixed set of paths to int/float/bool. Its error handling has holes: within one string a later
successful substitution clears an earlier error. We reproduce the result and also report what
Docker swallows.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from .diagnostics import YamlPath
from .lazy_regex import LazyRegex
from .parsers import atoi_syntax
from .record import Record

_SUBST = r"[_a-z][_a-z0-9]*(?::?[-?][^}]*)?"
PATTERN = LazyRegex(
    r"\$(?i:(?P<escaped>\$)|(?P<named>" + _SUBST + r")|\{(?P<braced>" + _SUBST + r")\}|(?P<invalid>))"
)


class Finding(Record):
    """Something about one string: kind is invalid, required, unset or cast."""
    _fields = ("kind", "message", "offset", "length", "variable", "swallowed")
    kind: str
    message: str
    offset: int  # index of the `$` in the string (-1: the whole value)
    length: int
    variable: str
    swallowed: bool  # Docker does not report it (a later substitution reset the error)

    def __init__(self, kind, message, offset, length, variable="", swallowed=False):
        self.kind = kind
        self.message = message
        self.offset = offset
        self.length = length
        self.variable = variable
        self.swallowed = swallowed


class Result(Record):
    _fields = ("value", "findings")
    value: object
    findings: list[Finding]

    def __init__(self, value, findings=None):
        self.value = value
        self.findings = [] if findings is None else findings


def _partition(text: str, sep: str) -> tuple[str, str]:
    name, _, rest = text.partition(sep)
    return name, rest


def substitute(template: str, env: Mapping[str, str]) -> tuple[str, list[Finding], str | None, list[tuple[str, str]]]:
    """Docker's Substitute: the new string, what we noticed, Docker's error (None if it accepts),
    and the (variable, value) pairs taken from the environment (which messages must not quote)."""
    findings: list[Finding] = []
    used: list[tuple[str, str]] = []
    error: str | None = None
    pieces: list[str] = []
    last = 0
    for m in PATTERN.finditer(template):
        pieces.append(template[last:m.start()])
        last = m.end()
        if m.group("escaped"):
            pieces.append("$")
            continue  # an escape does not touch Docker's error
        sub = m.group("named") or m.group("braced")
        if not sub:
            error = f'invalid interpolation format for {{path}}: "{template}"; you may need to escape any $ with another $'
            snippet = template[m.start():m.start() + 2]
            findings.append(Finding("invalid", f"invalid interpolation `{snippet}`: write a literal $ as $$",
                                    m.start(), max(1, len(snippet))))
            pieces.append("")
            continue
        value, err, finding, from_env = _apply(sub, env, m.start(), m.end() - m.start())
        if from_env and value:
            used.append((from_env, value))
        error = err  # Docker's quirk: every substitution overwrites the previous error
        if finding:
            findings.append(finding)
        pieces.append(value)
    pieces.append(template[last:])
    if error is None:
        for f in findings:
            if f.kind in ("invalid", "required"):
                f.swallowed = True
    else:
        # only the error that survived is Docker's; earlier ones it swallowed
        survivors = [f for f in findings if f.kind in ("invalid", "required")]
        for f in survivors[:-1]:
            f.swallowed = True
    return "".join(pieces), findings, error, used


def _apply(sub: str, env: Mapping[str, str], offset: int, length: int):
    """One substitution: (value, docker error or None, finding or None, the variable's name
    when the value came from the environment)."""
    if ":-" in sub:
        name, default = _partition(sub, ":-")
        value = env.get(name)
        return (default, None, None, None) if not value else (value, None, None, name)
    if "-" in sub:
        name, default = _partition(sub, "-")
        value = env.get(name)
        return (default, None, None, None) if value is None else (value, None, None, name)
    for sep, empty_counts in ((":?", True), ("?", False)):
        if sep in sub:
            name, msg = _partition(sub, sep)
            value = env.get(name)
            if value is None or (empty_counts and value == ""):
                text = f"required variable {name} is missing a value: {msg}"
                finding = Finding("required", f"required variable {name} is not set"
                                  + (f" ({msg})" if msg else ""), offset, length, variable=name)
                return "", (f'invalid interpolation format for {{path}}: "{text}"; '
                            "you may need to escape any $ with another $"), finding, None
            return value, None, None, name
    value = env.get(sub)
    if value is None:
        return "", None, Finding("unset", f"variable {sub} is not set; Docker substitutes an empty string",
                                 offset, length, variable=sub), None
    return value, None, None, sub


# Paths Docker casts after substitution (cli/compose/loader/interpolate.go). `*` is any key,
# `[]` any list index.
def _to_int(text: str):
    if atoi_syntax(text):
        return int(text)
    raise ValueError(f'strconv.Atoi: parsing "{text}": invalid syntax')


def _to_float(text: str):
    try:
        return float(text)
    except ValueError:
        raise ValueError(f'strconv.ParseFloat: parsing "{text}": invalid syntax') from None


def _to_bool(text: str):
    low = text.lower()
    if low in ("y", "yes", "true", "on"):
        return True
    if low in ("n", "no", "false", "off"):
        return False
    raise ValueError(f"invalid boolean: {text}")


_S = ("services", "*")
CASTS: list[tuple[tuple, Callable]] = [
    (_S + ("configs", "[]", "mode"), _to_int),
    (_S + ("secrets", "[]", "mode"), _to_int),
    (_S + ("healthcheck", "retries"), _to_int),
    (_S + ("healthcheck", "disable"), _to_bool),
    (_S + ("deploy", "replicas"), _to_int),
    (_S + ("deploy", "update_config", "parallelism"), _to_int),
    (_S + ("deploy", "update_config", "max_failure_ratio"), _to_float),
    (_S + ("deploy", "rollback_config", "parallelism"), _to_int),
    (_S + ("deploy", "rollback_config", "max_failure_ratio"), _to_float),
    (_S + ("deploy", "restart_policy", "max_attempts"), _to_int),
    (_S + ("deploy", "placement", "max_replicas_per_node"), _to_int),
    (_S + ("ports", "[]", "target"), _to_int),
    (_S + ("ports", "[]", "published"), _to_int),
    (_S + ("ulimits", "*"), _to_int),
    (_S + ("ulimits", "*", "hard"), _to_int),
    (_S + ("ulimits", "*", "soft"), _to_int),
    (_S + ("oom_score_adj",), _to_int),
    (_S + ("privileged",), _to_bool),
    (_S + ("read_only",), _to_bool),
    (_S + ("stdin_open",), _to_bool),
    (_S + ("tty",), _to_bool),
    (_S + ("volumes", "[]", "read_only"), _to_bool),
    (_S + ("volumes", "[]", "volume", "nocopy"), _to_bool),
    (("networks", "*", "external"), _to_bool),
    (("networks", "*", "internal"), _to_bool),
    (("networks", "*", "attachable"), _to_bool),
    (("volumes", "*", "external"), _to_bool),
    (("secrets", "*", "external"), _to_bool),
    (("configs", "*", "external"), _to_bool),
]


def _caster(path: YamlPath):
    for pattern, cast in CASTS:
        if len(pattern) != len(path):
            continue
        for want, got in zip(pattern, path):
            if want == "*":
                if not isinstance(got, str):
                    break
            elif want == "[]":
                if not isinstance(got, int):
                    break
            elif want != got:
                break
        else:
            return cast
    return None


class PathFinding(Record):
    _fields = ("path", "finding", "docker_error")
    path: YamlPath
    finding: Finding
    docker_error: str | None  # Docker's own message when it rejects the file for this string

    def __init__(self, path, finding, docker_error):
        self.path = path
        self.finding = finding
        self.docker_error = docker_error


def interpolate(data, env: Mapping[str, str]) -> tuple[object, list[PathFinding], dict[YamlPath, list]]:
    """The data Docker validates, every finding with the path of its string, and per path the
    (variable, value) pairs the environment supplied there."""
    found: list[PathFinding] = []
    from_env: dict[YamlPath, list] = {}

    def visit(value, path):
        if isinstance(value, str):
            if "$" not in value:
                return value
            new, findings, error, used = substitute(value, env)
            if used:
                from_env[path] = used
            dotted = ".".join(str(p) for p in path)
            for f in findings:
                surviving = error if (error and not f.swallowed and f.kind in ("invalid", "required")) else None
                found.append(PathFinding(path, f, surviving.replace("{path}", dotted) if surviving else None))
            if error or new == value:
                return value
            cast = _caster(path)
            if cast is None:
                return new
            try:
                return cast(new)
            except ValueError as err:
                msg = f"error while interpolating {dotted}: failed to cast to expected type: {err}"
                found.append(PathFinding(path, Finding("cast", f"`{value}` is not a valid {_cast_name(cast)} once "
                                                       f"substituted ({err})", -1, 0), msg))
                return value
        # Containers are copied only where something inside them changed.
        if isinstance(value, dict):
            out = None
            for k, v in value.items():
                if isinstance(v, (str, dict, list)):
                    nv = visit(v, path + (k,))
                    if nv is not v:
                        if out is None:
                            out = dict(value)
                        out[k] = nv
            return value if out is None else out
        if isinstance(value, list):
            out = None
            for i, v in enumerate(value):
                if isinstance(v, (str, dict, list)):
                    nv = visit(v, path + (i,))
                    if nv is not v:
                        if out is None:
                            out = list(value)
                        out[i] = nv
            return value if out is None else out
        return value

    return visit(data, ()), found, from_env


def _cast_name(cast) -> str:
    return {_to_int: "integer", _to_float: "number", _to_bool: "boolean"}[cast]

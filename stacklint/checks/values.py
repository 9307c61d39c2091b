"""SL006 invalid-value: values that pass the schema but that Docker then fails to parse.

Durations, byte sizes, short port and volume specs, command lines, unsigned counts and
`env_file` are read by `docker stack config` itself (stage "load"); `cpus` only by
`docker stack deploy` (stage "deploy"). Messages quote Docker's own error.
"""
from __future__ import annotations

import stat

from ..context import Context, get
from ..files import kind_of, read_regular
from ..lazy_regex import LazyRegex
from ..model import Service
from ..model.ports import NEGATIVE
from ..model.read import is_negative_int
from ..parsers import parse_bytes, parse_cpus, parse_duration, split_command

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:
    from pathlib import Path

CODE = "SL006"

_DURATIONS = [
    ("healthcheck", "interval"), ("healthcheck", "timeout"), ("healthcheck", "start_period"),
    ("healthcheck", "start_interval"), ("stop_grace_period",),
    ("deploy", "restart_policy", "delay"), ("deploy", "restart_policy", "window"),
    ("deploy", "update_config", "delay"), ("deploy", "update_config", "monitor"),
    ("deploy", "rollback_config", "delay"), ("deploy", "rollback_config", "monitor"),
]
_UNSIGNED = [
    ("deploy", "replicas"), ("healthcheck", "retries"), ("deploy", "restart_policy", "max_attempts"),
    ("deploy", "update_config", "parallelism"), ("deploy", "rollback_config", "parallelism"),
    ("deploy", "placement", "max_replicas_per_node"),
]
_DURATION_HELP = "a Go duration such as 10s, 1m30s, 500ms or 1h (units ns, us, ms, s, m, h)"


_DURATION, _COUNT = "duration", "unsigned"


def _tree(paths: list) -> dict:
    """Setting paths as the tree _bad_settings walks once per service: {key: subtree} above the
    settings, {key: _DURATION or _COUNT} at them (each section is read once for all its settings)."""
    tree: dict = {}
    for keys, kind in paths:
        node = tree
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = kind
    return tree


_SETTINGS = _tree([(keys, _DURATION) for keys in _DURATIONS] + [(keys, _COUNT) for keys in _UNSIGNED])


class _Accepted:
    """The texts a parser accepted earlier in this lint: a stack repeats a few durations and sizes
    in every service, and a set lookup costs a fraction of the parser's memo call."""

    __slots__ = ("parse", "texts")

    def __init__(self, parse) -> None:
        self.parse = parse
        self.texts: set = set()

    def error(self, text: str) -> ValueError | None:
        """The parser's error for text (None: it parses). Call it for a text not in self.texts."""
        try:
            self.parse(text)
        except ValueError as err:
            return err
        self.texts.add(text)
        return None


def _bad_settings(data: dict, tree: dict, path: tuple, durations: _Accepted) -> list:
    """(path, kind, value, error) of each duration Docker fails to parse and each negative
    unsigned count that data writes where tree names them."""
    bad = []
    for key, kind in tree.items():
        value = data.get(key)
        if value is None:
            continue
        if kind.__class__ is dict:
            if isinstance(value, dict):
                bad.extend(_bad_settings(value, kind, path + (key,), durations))
        elif kind is _DURATION:
            if isinstance(value, str) and value not in durations.texts:
                err = durations.error(value)
                if err is not None:
                    bad.append((path + (key,), kind, value, err))
        elif is_negative_int(value):
            bad.append((path + (key,), kind, value, None))
    return bad


def check(ctx: Context):
    services = ctx.model.services
    durations, sizes, cpus = _Accepted(parse_duration), _Accepted(parse_bytes), _Accepted(parse_cpus)
    for name, svc in ctx.services():
        base = ("services", name)
        for path, kind, value, err in _bad_settings(svc, _SETTINGS, base, durations):
            if kind is _DURATION:
                yield ctx.diag(CODE, f"{'.'.join(path)}: {err}; write {_DURATION_HELP}", path, stage="load")
            else:
                yield _negative(ctx, path, value)
        yield from _resources(ctx, svc, base, sizes, cpus)
        service = services[str(name)]
        if service.refused_ports:
            yield from _ports(ctx, service)
        if service.refused_volumes:
            yield from _volumes(ctx, service)
        for key in ("command", "entrypoint"):
            value = svc.get(key)
            if isinstance(value, str) and _may_not_split(value):
                try:
                    split_command(value)
                except ValueError as err:
                    yield ctx.diag(CODE, f"services.{name}.{key}: {err} (Docker splits a string {key} "
                                   "like a shell would)", base + (key,), stage="load")
        if "env_file" in svc:
            yield from _env_files(ctx, svc, base)
        for section in _UNSIGNED_IN_ENTRIES:
            if isinstance(svc.get(section), list):
                yield from _negative_entries(ctx, svc[section], base + (section,))
        if isinstance(svc.get("ulimits"), dict):
            yield from _float_ulimits(ctx, svc["ulimits"], base + ("ulimits",))


# The unsigned fields (uint32) of list entries, as the loader's mapstructure decodes them: a
# negative number fails the load ("cannot parse 'Secrets[0].Mode', -1 overflows uint"; seen on
# Docker 28.2.2; a tmpfs mode of -1 loads). The service's own uint64 settings are _UNSIGNED above;
# a port's target and published are the model's (model/ports.py: NEGATIVE).
_UNSIGNED_IN_ENTRIES = {"secrets": ("mode",), "configs": ("mode",)}


def _negative(ctx: Context, path: tuple, value: int):
    """A negative number where the loader decodes an unsigned one (mapstructure: "-1 overflows uint")."""
    return ctx.diag(CODE, f"{'.'.join(map(str, path))} is {value}; Docker reads it as an unsigned number and "
                    "refuses negatives", path, stage="load")


def _negative_entries(ctx: Context, entries: list, path: tuple):
    section = path[-1]
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        for key in _UNSIGNED_IN_ENTRIES[section]:
            value = entry.get(key)
            if is_negative_int(value):
                yield _negative(ctx, path + (i, key), value)


def _float_ulimits(ctx: Context, ulimits: dict, path: tuple):
    """transformUlimits takes an int or {soft: int, hard: int}: a whole YAML float (65536.0, 1e3),
    which the schema's integer admits, fails the load, and crashes it inside soft and hard (seen on
    Docker 28.2.2). Other floats are the schema's finding."""
    for name, value in ulimits.items():
        if isinstance(value, float) and value.is_integer():
            yield ctx.diag(CODE, f"{'.'.join(path)}.{name} is {value}, a float; Docker reads ulimits as whole "
                           "numbers (invalid type float64 for ulimits): write it without a point or exponent",
                           path + (name,), stage="load")
        elif isinstance(value, dict):
            for key in ("soft", "hard"):
                if isinstance(value.get(key), float) and value[key].is_integer():
                    yield ctx.diag(CODE, f"{'.'.join(path)}.{name}.{key} is {value[key]}, a float; docker stack "
                                   "config crashes on it (interface conversion: interface {} is float64, not int): "
                                   "write it without a point or exponent", path + (name, key), stage="load")


# A text Docker's shlex (parsers.split_command) splits when it has no comment: outside quotes any
# character or a backslash and the next; '...' without escapes; "..." where a backslash takes the
# next character. It fails only on an unclosed quote or a trailing backslash. The split reads a
# character at a time in Python (a command of 50 characters costs about 150 microseconds): most
# commands are settled by this pattern. A `#` may start a comment, whose quotes do not count: such
# a command is split.
_SPLITS = LazyRegex(r"""(?:[^\\'"#]|\\[\s\S]|'[^']*'|"(?:[^"\\]|\\[\s\S])*")*""")


def _may_not_split(command: str) -> bool:
    return _SPLITS.fullmatch(command) is None


def _resources(ctx, svc, base, sizes: _Accepted, cpus_texts: _Accepted):
    for kind in ("limits", "reservations"):
        res = get(svc, "deploy", "resources", kind)
        if not isinstance(res, dict):
            continue
        path = base + ("deploy", "resources", kind)
        memory = res.get("memory")
        if isinstance(memory, str) and memory not in sizes.texts:
            err = sizes.error(memory)
            if err is not None:
                yield ctx.diag(CODE, f"{'.'.join(path)}.memory: {err}; write a size such as 512M, 1.5G "
                               "or 1GiB", path + ("memory",), stage="load")
        cpus = res.get("cpus")
        if isinstance(cpus, str) and cpus not in cpus_texts.texts:
            err = cpus_texts.error(cpus)
            if err is not None:
                yield ctx.diag(CODE, f"{'.'.join(path)}.cpus: {err}; write a decimal such as \"0.5\" "
                               "(at most 9 decimals) or a fraction such as \"1/2\"", path + ("cpus",),
                               stage="deploy")


def _ports(ctx, svc: Service):
    for refused in svc.refused_ports:
        path, port = refused.path, refused.value
        if refused.error is NEGATIVE:
            yield _negative(ctx, path, port)
        elif refused.error is None:
            yield ctx.diag(CODE, f"{'.'.join(map(str, path))}: a port cannot be the number {port:g}; "
                           "quote it (\"8080:80\") or write a whole number", path, stage="load")
        else:
            yield ctx.diag(CODE, f"{'.'.join(map(str, path))}: invalid port spec \"{port}\": {refused.error}; "
                           "the syntax is [ip:][published[-end]:]target[-end][/tcp|udp|sctp]", path, stage="load")


def _volumes(ctx, svc: Service):
    for refused in svc.refused_volumes:
        path = refused.path
        if isinstance(refused.value, str):
            yield ctx.diag(CODE, f"{'.'.join(map(str, path))}: {refused.error}", path, stage="load")
        else:
            yield ctx.diag(CODE, f"{'.'.join(map(str, path))}: a bind mount needs a `source` "
                           f"(Docker: {refused.error})", path, stage="load")


# Env files are read only when they sit below the stack file's folder (the project being
# linted); elsewhere (/etc/..., ~/...) stacklint checks that they exist and nothing more.


def _env_files(ctx, svc, base):
    env_file = svc.get("env_file")
    if env_file is None:
        return
    folder = ctx.folder
    if folder is None:
        return
    if isinstance(env_file, str):
        items = [(base + ("env_file",), env_file)]
    elif isinstance(env_file, list):
        items = [(base + ("env_file", i), f) for i, f in enumerate(env_file) if isinstance(f, str)]
    else:
        return  # not a string or list: the schema reports it
    from pathlib import Path  # here, for a file: a lint that reads none does not import it

    for path, rel in items:
        try:
            target = Path(rel).expanduser()
        except RuntimeError:  # `~user` with no such user, or no home at all: a plain name then
            target = Path(rel)
        target = target if target.is_absolute() else folder / target
        try:
            mode = target.stat().st_mode
            missing = False
        except (FileNotFoundError, ValueError):  # ValueError: a NUL in the name, which no file has
            missing = True
        except OSError as err:  # a name too long for the file system, a loop of links, ...
            yield ctx.diag(CODE, f"env_file {rel} cannot be opened (Docker reads it while loading the stack: "
                           f"open {target}: {(err.strerror or str(err)).lower()})", path, stage="load")
            continue
        if missing:
            yield ctx.diag(CODE, f"env_file {rel} does not exist (Docker reads it while loading the stack: "
                           f"open {target}: no such file or directory)", path, stage="load")
            continue
        if not stat.S_ISREG(mode):
            yield ctx.diag(CODE, f"env_file {rel} {kind_of(mode)}, not a regular file: Docker reads it while "
                           "loading the stack", path, stage="load")
            continue
        problem = _env_file_problem(target, folder)
        if problem:
            yield ctx.diag(CODE, f"invalid env file ({rel}): {problem}", path, stage="load")


def _env_file_problem(target: Path, folder: Path):
    """Docker's env-file syntax error for this file, if any (naming lines, never values)."""
    from ..envfile import MAX_ENV_FILE_BYTES, EnvFileError, parse_key_value_file  # here: a lint that reads no env file does not import it

    try:
        resolved = target.resolve()
        if folder not in resolved.parents:
            return None
        data = read_regular(resolved, MAX_ENV_FILE_BYTES)
    except OSError:  # NotRegular and TooLarge too: Docker's own read reports those
        return None
    try:
        parse_key_value_file(data)
    except EnvFileError as err:
        return str(err)
    return None

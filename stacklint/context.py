"""What a check sees: the document, its interpolated data, the version, the settings."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property

from .diagnostics import Diagnostic, Fix, Related, Severity, YamlPath
from .document import Document
from .model import Stack
from .settings import Settings
from .record import Record

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:
    from pathlib import Path


class Context(Record):
    _fields = ("path", "doc", "data", "version", "declared", "settings", "missing_variables", "from_env")
    path: str | None  # the file's path, None for stdin or an unsaved buffer
    doc: Document
    data: dict  # after interpolation: what Docker validates and deploys
    version: str
    declared: str | None
    settings: Settings
    # Variables interpolation found unset (or required and missing): (name, path, offset, length).
    missing_variables: tuple[tuple[str, YamlPath, int, int], ...]
    # Per path, the (variable, value) pairs the environment supplied: no message may quote them.
    from_env: Mapping[YamlPath, list]

    def __init__(self, path, doc, data, version, declared, settings, missing_variables=(), from_env=None):
        self.path = path
        self.doc = doc
        self.data = data
        self.version = version
        self.declared = declared
        self.settings = settings
        self.missing_variables = missing_variables
        self.from_env = {} if from_env is None else from_env

    @cached_property
    def model(self) -> Stack:
        """The deploy model of this file, built once per lint (parts convert on first use)."""
        return Stack(self.data, self.settings.stack_name, self.doc.data)

    @cached_property
    def folder(self) -> Path | None:
        """Relative `file:`, `env_file` and bind paths resolve against the stack file's folder.
        Worked out once per lint: checks ask for it per service, and resolve() is a system call.
        Only asked for where a file is named: pathlib, with the urllib.parse and ipaddress it
        imports, is 8% of a small lint's instructions."""
        whole = self.__dict__.get("_whole")
        if whole is not None:
            return whole.folder
        if not self.path:
            return None
        from pathlib import Path

        return Path(self.path).resolve().parent

    def for_service(self, name) -> Context:
        """This context with that one service: what a per-service check sees when an editor
        re-checks only the service an edit touched."""
        return self.for_services((name,))

    def for_services(self, names) -> Context:
        """This context with those services only (every top-level section kept): a per-service
        check finds there what it finds about them in the whole stack (split_checks.py runs each
        process's share of the services this way)."""
        services = self.section("services")
        data = dict(self.data)
        data["services"] = {name: services[name] for name in names}
        some = self.replace(data=data)
        # the same file and top-level sections: its folder and top-level objects are worked out once
        some.__dict__["_whole"] = self  # its folder is the whole context's (asked only where needed)
        some.__dict__["model"] = self.model.with_data(data)
        return some

    def diag(self, code: str, message: str, path: YamlPath, *, on_key: bool = False,
             severity: Severity = None, fix: Fix = None, related: tuple[Related, ...] = (),
             stage: str = "") -> Diagnostic:
        """A diagnostic at the node of path. The severity comes from the catalogue unless given."""
        doc = self.doc
        r = doc.key_range(path) if on_key else doc.value_range(path)
        return Diagnostic(code, message, severity or _DEFAULT_SEVERITY.get(code) or _default_severity(code),
                          r, tuple(path), fix, related, "", stage)

    def section(self, name: str) -> dict:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def services(self) -> Iterator[tuple[str, dict]]:
        for name, svc in self.section("services").items():
            if isinstance(svc, dict):
                yield name, svc

    def left_to_environment(self, path: YamlPath) -> bool:
        """Whether a variable this lint's environment lacks went into the value at path, and that
        environment is not declared to be the deploy's (strict_env). The deploy's environment then
        decides the value: a finding about what this lint made of it would be about this lint's
        environment, not the file. SL005 reports the variable."""
        return not self.settings.strict_env and tuple(path) in self._emptied_paths

    @cached_property
    def _emptied_paths(self) -> frozenset:
        return frozenset(path for _, path, _, _ in self.missing_variables)


# code -> the catalogue's severity for it: a pure function of the code, asked for every finding
_DEFAULT_SEVERITY: dict[str, Severity] = {}


def _default_severity(code: str) -> Severity:
    from . import catalogue

    severity = _DEFAULT_SEVERITY[code] = catalogue.severity_of(code) or Severity.ERROR
    return severity


_ABSENT = object()


def get(data, *keys, default=None):
    """data[k1][k2]... where every step must be a mapping (or a list for int keys)."""
    cur = data
    for k in keys:
        if k.__class__ is str and cur.__class__ is dict:  # most steps: one lookup, no type tests
            cur = cur.get(k, _ABSENT)
            if cur is _ABSENT:
                return default
            continue
        if isinstance(k, int):
            if not isinstance(cur, list) or k >= len(cur):
                return default
        elif not isinstance(cur, dict) or k not in cur:
            return default
        cur = cur[k]
    return cur

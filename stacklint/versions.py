"""Which schema a file gets, decided the way Docker decides it (SL003).

Docker reads `version` from the raw YAML before interpolation, formats it with Go's `%v`,
and needs an exact match with one of its fourteen schema names; "" and "3" mean the newest.
"""
from __future__ import annotations

from .diagnostics import Diagnostic, Fix, Range, Severity
from .edits import quote_plain
from .scalars import go_format
from .record import Record

SUPPORTED = tuple(f"3.{minor}" for minor in range(14))
LATEST = SUPPORTED[-1]


def version_key(version: str) -> tuple:
    return tuple(int(p) for p in version.split("."))


class VersionInfo(Record):
    _fields = ("version", "declared")
    version: str | None  # the schema to validate against; None: Docker refuses the file here
    declared: str | None  # what the file says, as Docker formats it

    def __init__(self, version, declared):
        self.version = version
        self.declared = declared


def detect(doc) -> tuple:
    """(VersionInfo, diagnostics) for a document whose data is a mapping."""
    data = doc.data
    out: list[Diagnostic] = []
    if "version" not in data:
        out.append(Diagnostic(
            "SL003", f"no `version`: `docker stack deploy` loads this file as version {LATEST}",
            Severity.INFO, Range.of(0, 0, 0, 0), ()))
        return VersionInfo(LATEST, None), out
    raw = data["version"]
    where = doc.value_range(("version",))
    formatted = "<nil>" if raw is None else go_format(raw)
    if isinstance(raw, str) and raw in ("", "3"):
        return VersionInfo(LATEST, raw), out
    if isinstance(raw, str) and raw in SUPPORTED:
        return VersionInfo(raw, raw), out
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # the value's span starts at its anchor or tag (`&v 3.8`, `!!float 3.8`): the number is
        # the last word; an anchor stays in the suggestion, a tag would keep it a number
        *props, written = (doc.source(where) or formatted).split() or [formatted]
        anchors = "".join(p + " " for p in props if p.startswith("&"))
        quoted = quote_plain(doc, ("version",))
        fix = None if quoted is None else Fix(f'Quote the version: "{written}"', (quoted,))
        if formatted in SUPPORTED or formatted == "3":
            note = f" (unquoted, {written} is the number {formatted})" if written != formatted else ""
            out.append(Diagnostic(
                "SL003", f'version must be a string{note}; write version: {anchors}"{written}"',
                Severity.ERROR, where, ("version",), fix=fix))
            return VersionInfo(LATEST if formatted == "3" else formatted, formatted), out
        out.append(Diagnostic(
            "SL003", f"unsupported Compose file version: {formatted}" + _hint(formatted),
            Severity.ERROR, where, ("version",)))
        return VersionInfo(None, formatted), out
    out.append(Diagnostic(
        "SL003", f"unsupported Compose file version: {formatted}" + _hint(formatted),
        Severity.ERROR, where, ("version",)))
    return VersionInfo(None, formatted), out


def _hint(formatted: str) -> str:
    if formatted.startswith(("1", "2")):
        return "; `docker stack deploy` needs a version 3 file (3.0 to 3.13)"
    return f"; `docker stack deploy` supports 3.0 to {LATEST}"

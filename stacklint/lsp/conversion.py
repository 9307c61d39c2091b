"""Engine diagnostics and edits -> LSP types, with positions converted at this edge."""
from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types

from .. import catalogue
from ..diagnostics import Diagnostic, Range, Related, Severity, TextEdit
from .positions import PositionMap

SOURCE = "stacklint"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def rule_url(code: str) -> str:
    return catalogue.page_url(code)  # README "Editors" documents the pattern


def _client_range(r: Range, pmap: PositionMap) -> tuple[tuple[int, int], tuple[int, int]]:
    start = pmap.to_client(r.start.line, r.start.column)
    end = pmap.to_client(r.end.line, r.end.column)
    return start, max(start, end)


def lsp_range(r: Range, pmap: PositionMap) -> types.Range:
    start, end = _client_range(r, pmap)
    return types.Range(start=types.Position(*start), end=types.Position(*end))


def _tags(d: Diagnostic) -> list[types.DiagnosticTag] | None:
    """Unnecessary greys the text out: right for what Docker ignores or nothing uses."""
    name = d.name or ""
    if "unused" in name or "ignored" in name or d.message.startswith("unused suppression"):
        return [types.DiagnosticTag.Unnecessary]
    if "deprecated" in name:
        return [types.DiagnosticTag.Deprecated]
    return None


# path -> (uri, position map) of another file of a merged stack, for related locations there
Elsewhere = Callable[[str], tuple[str, PositionMap] | None]


def to_lsp(d: Diagnostic, pmap: PositionMap, uri: str, elsewhere: Elsewhere | None = None) -> types.Diagnostic:
    rules = catalogue.load()
    known = d.code in rules
    name = d.name or (rules[d.code].name if known else "")
    data = {"name": name, "fixable": d.fix is not None}
    if d.stage:
        data["stage"] = d.stage
    return types.Diagnostic(
        range=lsp_range(d.range, pmap),
        message=d.message,
        severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
        code=d.code or None,
        code_description=types.CodeDescription(href=rule_url(d.code)) if known else None,
        source=SOURCE,
        tags=_tags(d),
        related_information=[_related(rel, pmap, uri, elsewhere) for rel in d.related] or None,
        data=data,
    )


class Converter:
    """to_lsp for one open document's lints, reusing the last lint's LSP diagnostics: after a
    keystroke most findings are the last ones, at the same client positions, and building the
    LSP objects cost a quarter of an incremental lint on a 300-service stack. The key holds
    everything to_lsp reads but the document's uri."""

    def __init__(self) -> None:
        self._last: dict = {}

    def __call__(self, found: list[Diagnostic], pmap: PositionMap, uri: str) -> list[tuple[Diagnostic, types.Diagnostic]]:
        last, kept, out = self._last, {}, []
        for d in found:
            key = (d.code, d.message, d.severity, d.name, d.stage, d.fix is not None, _client_range(d.range, pmap),
                   tuple((rel.path, rel.message, _client_range(rel.range, pmap)) for rel in d.related))
            converted = kept.get(key) or last.get(key) or to_lsp(d, pmap, uri)
            kept[key] = converted
            out.append((d, converted))
        self._last = kept
        return out


def _related(rel: Related, pmap: PositionMap, uri: str, elsewhere: Elsewhere | None):
    place = elsewhere(rel.path) if elsewhere is not None and rel.path is not None else None
    if place is not None:
        uri, pmap = place
    return types.DiagnosticRelatedInformation(location=types.Location(uri=uri, range=lsp_range(rel.range, pmap)),
                                              message=rel.message)


def text_edit(edit: TextEdit, pmap: PositionMap) -> types.TextEdit:
    return types.TextEdit(range=lsp_range(edit.range, pmap), new_text=edit.new_text)


def internal_error(exc: BaseException) -> types.Diagnostic:
    """What the user sees when the engine itself failed on this text (the server keeps going)."""
    return types.Diagnostic(
        range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
        message=f"stacklint failed on this file ({type(exc).__name__}: {exc}); the findings are "
                "incomplete. The traceback is in the language server's log: please report it.",
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
        code="internal-error",
    )

"""Code actions: every finding's Diagnostic.fix as a quick fix, and "Ignore SLnnn on this line".

Fixes come from the engine generically; this module only turns engine edits into a
WorkspaceEdit in the client's coordinates.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Sequence

from lsprotocol import types

from ..diagnostics import Diagnostic, TextEdit
from ..document import Document
from .conversion import text_edit
from .ignore import ignore_edit
from .positions import PositionMap


@dataclass(frozen=True)
class ClientFeatures:
    document_changes: bool = False
    is_preferred: bool = False


def overlaps(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges touch (an empty cursor range at either end of a finding counts)."""
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and \
        (b.start.line, b.start.character) <= (a.end.line, a.end.character)


def _workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit],
                    features: ClientFeatures) -> types.WorkspaceEdit:
    if features.document_changes:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
            edits=edits)])
    return types.WorkspaceEdit(changes={uri: edits})


def code_actions(uri: str, version: int | None, pairs: Sequence[tuple[Diagnostic, types.Diagnostic]],
                 pmap: PositionMap, lines: list[str], wanted: types.Range, features: ClientFeatures,
                 parsed: Callable[[], Document | None], newline: str = "\n",
                 only: Sequence[str] | None = None) -> list[types.CodeAction]:
    if only is not None and not any(k == "quickfix" or "quickfix".startswith(k + ".") or k == ""
                                    for k in only):
        return []
    here = [(d, ld) for d, ld in pairs if overlaps(ld.range, wanted)]
    fixes: list[types.CodeAction] = []
    ignores: list[types.CodeAction] = []
    doc: Document | None = None
    seen_ignores = set()
    for d, ld in here:
        if d.fix is not None and d.fix.edits:
            edits = [text_edit(e, pmap) for e in d.fix.edits]
            fixes.append(types.CodeAction(
                title=d.fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[ld],
                edit=_workspace_edit(uri, version, edits, features),
                is_preferred=True if (d.fix.safe and features.is_preferred) else None))
        key = (d.code, d.range.start.line)
        if key in seen_ignores:
            continue
        seen_ignores.add(key)
        if doc is None:
            doc = parsed()  # only when there is a finding under the cursor: it costs a parse
        edit: TextEdit | None = ignore_edit(d.code, d.range.start.line, lines, doc, newline)
        if edit is None:
            continue
        ignores.append(types.CodeAction(
            title=f"Ignore {d.code} on this line", kind=types.CodeActionKind.QuickFix,
            diagnostics=[ld], edit=_workspace_edit(uri, version, [text_edit(edit, pmap)], features)))
    return fixes + ignores

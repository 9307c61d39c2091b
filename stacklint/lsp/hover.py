"""Hover on a finding: its message and the rule's page from the catalogue."""
from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from .. import catalogue
from .conversion import rule_url


def _contains(r: types.Range, pos: types.Position) -> bool:
    return (r.start.line, r.start.character) <= (pos.line, pos.character) <= (r.end.line, r.end.character)


def hover(diagnostics: Sequence[types.Diagnostic], pos: types.Position, markdown: bool) -> types.Hover | None:
    here = [d for d in diagnostics if _contains(d.range, pos)]
    if not here:
        return None
    rules = catalogue.load()
    parts: list[str] = []
    shown = set()
    for d in here:
        code = str(d.code) if d.code is not None else ""
        parts.append(f"**{code}** {d.message}" if markdown else f"{code} {d.message}")
        rule = rules.get(code)
        if rule is not None and code not in shown:
            shown.add(code)
            parts.append(rule.body + (f"\n\n[{code} on the web]({rule_url(code)})" if markdown else ""))
    # The hover covers the innermost finding's range, where the cursor is.
    inner = min(here, key=lambda d: (d.range.end.line - d.range.start.line, d.range.end.character - d.range.start.character))
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind=kind, value="\n\n---\n\n".join(parts)), range=inner.range)

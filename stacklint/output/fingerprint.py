"""Fingerprints that follow a finding across edits that do not change what it is about.

Built from what identifies the problem: the rule, the file, the YAML path of the value (or of
the service) it is about, and which of that rule's findings at that path it is, counted in
position order. Never from line numbers (adding a service above it) nor from the message's
wording (a clearer message in a new release), so code scanning and GitLab keep their alerts.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..diagnostics import Diagnostic


def fingerprints(path: str, diagnostics: Iterable[Diagnostic]) -> list[str]:
    """One hex digest per diagnostic, in order (the findings of one file, in position order)."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for d in diagnostics:
        key = (d.code, d.dotted_path())
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        out.append(digest(d.code, path, key[1], str(occurrence)))
    return out


def digest(*parts: str) -> str:
    text = "\x00".join(parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]

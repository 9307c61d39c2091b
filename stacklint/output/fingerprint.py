"""Fingerprints that follow a finding across unrelated edits of the file.

Built from what identifies the problem (rule, file, YAML path, message), never from line numbers,
so adding a service above it does not make code scanning or GitLab see a new finding. Identical
findings in one file get an occurrence number so each keeps its own fingerprint.
"""
from __future__ import annotations

import hashlib
import re
from typing import Dict, Iterable, List, Tuple

from ..diagnostics import Diagnostic

# Positions some messages quote ("already defined at line 4") move with unrelated edits.
_POSITIONS = re.compile(r"\b(line|column|col)(s?) \d+(?:[:-]\d+)?", re.I)


def normalized_message(message: str) -> str:
    return " ".join(_POSITIONS.sub(r"\1\2 #", message).split())


def fingerprints(path: str, diagnostics: Iterable[Diagnostic]) -> List[str]:
    """One hex digest per diagnostic, in order."""
    seen: Dict[Tuple[str, str, str], int] = {}
    out = []
    for d in diagnostics:
        key = (d.code, d.dotted_path(), normalized_message(d.message))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        out.append(digest(d.code, path, *key[1:], str(occurrence)))
    return out


def digest(*parts: str) -> str:
    text = "\x00".join(parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]

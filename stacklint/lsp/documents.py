"""Open documents as the server sees them: text, version, and the last lint of that text.

The server keeps its own copies (not pygls' workspace): edits are applied with the LSP line
model and the negotiated position encoding from positions.py.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from lsprotocol import types

from ..diagnostics import Diagnostic
from ..document import Document
from ..incremental import IncrementalLinter
from ..memo import Tables
from ..settings import Settings
from .conversion import Converter
from .positions import PositionMap


@dataclass
class LintResult:
    text: str  # the exact text object linted: `is` tells whether it is still current
    settings: Settings | None
    pmap: PositionMap
    pairs: list[tuple[Diagnostic, types.Diagnostic]] = field(default_factory=list)
    # The engine failed: one internal-error diagnostic, no engine findings.
    failure: types.Diagnostic | None = None
    trace: str | None = None  # the failure's traceback, for the log

    @property
    def lsp(self) -> list[types.Diagnostic]:
        return [self.failure] if self.failure is not None else [ld for _d, ld in self.pairs]


@dataclass
class OpenDocument:
    uri: str
    text: str
    version: int | None
    language_id: str = ""
    path: str | None = None  # a filesystem path for file: URIs
    result: LintResult | None = None
    task: asyncio.Task | None = None
    published: bool = False  # whether non-empty push diagnostics may be showing
    last_change: float = float("-inf")  # event-loop time of the last didChange
    # What the last lint found, per service: the next lint re-checks only what an edit touched.
    # Only the lint worker thread uses it; it goes with the document on didClose.
    linter: IncrementalLinter = field(default_factory=IncrementalLinter, repr=False)
    # The parsers' memo tables for its lints (and its stack's): they go with it on didClose,
    # leaving the other documents' tables as they are.
    memo: Tables = field(default_factory=Tables, repr=False)
    converter: Converter = field(default_factory=Converter, repr=False)  # also the worker thread's only
    _pmap: PositionMap | None = None
    _parsed: tuple[str, Document] | None = None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path or unquote(urlparse(self.uri).path)).name

    def position_map(self, encoding: str) -> PositionMap:
        pmap = self._pmap
        if pmap is None or pmap.text is not self.text or pmap.encoding != encoding:
            pmap = self._pmap = PositionMap(self.text, encoding)
        return pmap

    def keep_position_map(self, pmap: PositionMap) -> None:
        if pmap.text is self.text:
            self._pmap = pmap

    def apply(self, changes, version: int | None, encoding: str) -> None:
        text = self.text
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                r = change.range
                pmap = self.position_map(encoding).changed((r.start.line, r.start.character),
                                                           (r.end.line, r.end.character), change.text)
                text, self._pmap = pmap.text, pmap
            else:
                text = change.text
            self.text = text
        self.version = version

    def parsed(self) -> Document:
        """The parsed document of the current text (for the ignore action), cached per text."""
        from ..document import parse

        if self._parsed is None or self._parsed[0] is not self.text:
            self._parsed = (self.text, parse(self.text))
        return self._parsed[1]

    @property
    def newline(self) -> str:
        i = self.text.find("\n")
        return "\r\n" if i > 0 and self.text[i - 1] == "\r" else "\n"


def uri_to_path(uri: str) -> str | None:
    if not uri.startswith("file:"):
        return None
    from pygls.uris import to_fs_path

    return to_fs_path(uri)

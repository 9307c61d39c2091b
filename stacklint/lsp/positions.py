"""Positions at the LSP edge.

The engine counts 0-based lines the way YAML (libyaml) breaks them (\\n, \\r\\n, \\r, and also
NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR) and columns in code points. LSP clients count lines
at \\n, \\r\\n and \\r only, and columns in the negotiated unit: UTF-16 code units unless the client
offered utf-8 or utf-32. Both sides meet at absolute code-point offsets into the text.

No lsprotocol import here: plain tuples, so this module is testable on its own.
"""
from __future__ import annotations

import bisect
import itertools
import re
from typing import List, Optional, Tuple

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"

_LSP_BREAK = re.compile(r"\r\n|\r|\n")
# str.splitlines() breaks (the engine's Document.lines); on text libyaml accepts, they are its breaks
_ENGINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_ENGINE_ONLY = re.compile(r"[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units text is in the encoding."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def column_of_units(line: str, count: int, encoding: str = UTF16) -> int:
    """The code-point column count code units into line; past the end clamps to the end, and a
    count inside a character (half a surrogate pair, part of a UTF-8 sequence) rounds down."""
    if count <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(count, len(line))
    seen = 0
    for i, ch in enumerate(line):
        width = units(ch, encoding)
        if seen + width > count:
            return i
        seen += width
    return len(line)


class LineIndex:
    """Start offsets of each line, for one set of line breaks."""

    def __init__(self, text: str, breaks: Optional[re.Pattern] = None):
        self.text = text
        if breaks is None:
            # str.splitlines breaks where both models do when the text has no YAML-only or
            # control breaks (the caller checks): five times faster than a regex scan.
            starts = list(itertools.accumulate(map(len, text.splitlines(True)), initial=0))
            if text and text[-1] not in "\r\n":
                starts.pop()  # the last line has no break: no line starts after it
            self.starts: List[int] = starts
        else:
            self.starts = [0] + [m.end() for m in breaks.finditer(text)]

    def __len__(self) -> int:
        return len(self.starts)

    def end(self, line: int) -> int:
        """Where line's content ends (before its line break)."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        nxt = self.starts[line + 1]
        return nxt - (2 if self.text[nxt - 2:nxt] == "\r\n" else 1)

    def offset(self, line: int, column: int) -> int:
        """Offset of (line, code-point column), clamped into the text."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        return start + max(0, min(column, self.end(line) - start))

    def position(self, offset: int) -> Tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]


class PositionMap:
    """Converts between engine positions and client positions for one version of a text."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = encoding
        if _ENGINE_ONLY.search(text):
            self.client_lines = LineIndex(text, _LSP_BREAK)
            self.engine_lines = LineIndex(text, _ENGINE_BREAK)
        else:  # usually the two line models agree and one index serves both
            self.client_lines = self.engine_lines = LineIndex(text)

    def client_line_text(self, line: int) -> str:
        idx = self.client_lines
        if not 0 <= line < len(idx):
            return ""
        return self.text[idx.starts[line]:idx.end(line)]

    # engine -> client
    def to_client(self, line: int, column: int) -> Tuple[int, int]:
        return self.offset_to_client(self.engine_lines.offset(line, column))

    def offset_to_client(self, offset: int) -> Tuple[int, int]:
        line, col = self.client_lines.position(offset)
        start = self.client_lines.starts[line]
        return line, units(self.text[start:start + col], self.encoding)

    # client -> engine
    def client_offset(self, line: int, character: int) -> int:
        """Offset of a client position, clamped: past the last line is the end of the text."""
        idx = self.client_lines
        if line >= len(idx):
            return len(self.text)
        if line < 0:
            return 0
        column = column_of_units(self.client_line_text(line), character, self.encoding)
        return idx.starts[line] + column

    def to_engine(self, line: int, character: int) -> Tuple[int, int]:
        return self.engine_lines.position(self.client_offset(line, character))


def apply_change(text: str, start: Tuple[int, int], end: Tuple[int, int], new_text: str,
                 encoding: str = UTF16, pmap: "PositionMap | None" = None) -> str:
    """The text after an incremental didChange: replace the client range start..end."""
    pmap = pmap if pmap is not None and pmap.text is text and pmap.encoding == encoding else PositionMap(text, encoding)
    a = pmap.client_offset(*start)
    b = pmap.client_offset(*end)
    if b < a:
        a, b = b, a
    return text[:a] + new_text + text[b:]

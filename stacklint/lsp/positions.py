"""Positions at the LSP edge.

The engine and LSP count lines alike (breaks at \\n, \\r\\n and \\r only: stacklint.document's
LINE_BREAK; NEL, U+2028 and U+2029 are characters inside a line for both), so only columns
need converting: the engine counts code points, the client the negotiated unit (UTF-16 code
units unless it offered utf-8 or utf-32). pygls' position codec counts the units.
"""
from __future__ import annotations

import bisect
import itertools
import re

from lsprotocol.types import PositionEncodingKind
from pygls.workspace.position_codec import PositionCodec

from ..document import LINE_BREAK

UTF8, UTF16, UTF32 = PositionEncodingKind.Utf8.value, PositionEncodingKind.Utf16.value, PositionEncodingKind.Utf32.value
# What LINE_BREAK breaks at.
_BREAK_CHARS = re.compile(r"[\r\n]")
# Where str.splitlines breaks and LINE_BREAK does not.
_SPLITLINES_ONLY = re.compile(r"[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CODECS = {e: PositionCodec(PositionEncodingKind(e)) for e in (UTF8, UTF16, UTF32)}


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units text is in the encoding."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    return _CODECS[encoding].client_num_units(text)


def column_of_units(line: str, count: int, encoding: str = UTF16) -> int:
    """The code-point column count code units into line; past the end clamps to the end, and a
    count inside a character (half a surrogate pair, part of a UTF-8 sequence) rounds down."""
    if count <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(count, len(line))
    width = _CODECS[encoding].impl.code_units_for_char
    seen = 0
    for i, ch in enumerate(line):
        seen += width(ch)
        if seen > count:
            return i
    return len(line)


class LineIndex:
    """Start offsets of each line of a text."""

    def __init__(self, text: str, starts: list[int] | None = None):
        self.text = text
        if starts is not None:
            self.starts = starts  # worked out by the caller (PositionMap.changed)
            return
        if _SPLITLINES_ONLY.search(text):
            self.starts: list[int] = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
        else:
            # without those characters str.splitlines breaks exactly at LINE_BREAK, five times
            # faster than a regex scan
            self.starts = list(itertools.accumulate(map(len, text.splitlines(True)), initial=0))
            if text and text[-1] not in "\r\n":
                self.starts.pop()  # the last line has no break: no line starts after it

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

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]


class PositionMap:
    """Converts between engine positions and client positions for one version of a text."""

    def __init__(self, text: str, encoding: str = UTF16, lines: LineIndex | None = None):
        self.text = text
        self.encoding = encoding
        self.lines = LineIndex(text) if lines is None else lines
        # every encoding counts an ASCII character as one unit: columns need no conversion
        self.ascii = text.isascii()

    def changed(self, start: tuple[int, int], end: tuple[int, int], new_text: str) -> PositionMap:
        """The map of the text after an incremental didChange replaced the client range start..end.
        When neither the replaced text nor the new one breaks a line (a keystroke), the lines after
        the edited one only move: no scan of a text of 40,000 lines on every key."""
        text = self.text
        a, b = sorted((self.client_offset(*start), self.client_offset(*end)))
        new = text[:a] + new_text + text[b:]
        # a CR just before the edit could pair with an LF after it into one break
        if _BREAK_CHARS.search(new_text) or _BREAK_CHARS.search(text, a, b) or (a and text[a - 1] == "\r"):
            return PositionMap(new, self.encoding)
        starts, delta = self.lines.starts, len(new_text) - (b - a)
        if delta:
            line = self.lines.position(a)[0]
            starts = starts[:line + 1] + [s + delta for s in starts[line + 1:]]
        return PositionMap(new, self.encoding, LineIndex(new, starts))

    def client_line_text(self, line: int) -> str:
        idx = self.lines
        if not 0 <= line < len(idx):
            return ""
        return self.text[idx.starts[line]:idx.end(line)]

    # engine -> client: the same line; the column in the client's units
    def to_client(self, line: int, column: int) -> tuple[int, int]:
        if self.ascii and 0 <= line < len(self.lines.starts):
            lines = self.lines  # what offset() and offset_to_client() give, without the round trip
            return line, max(0, min(column, lines.end(line) - lines.starts[line]))
        return self.offset_to_client(self.lines.offset(line, column))

    def offset_to_client(self, offset: int) -> tuple[int, int]:
        line, col = self.lines.position(offset)
        start = self.lines.starts[line]
        return line, units(self.text[start:start + col], self.encoding)

    # client -> engine
    def client_offset(self, line: int, character: int) -> int:
        """Offset of a client position, clamped: past the last line is the end of the text."""
        if line >= len(self.lines):
            return len(self.text)
        if line < 0:
            return 0
        return self.lines.starts[line] + column_of_units(self.client_line_text(line), character, self.encoding)

    def to_engine(self, line: int, character: int) -> tuple[int, int]:
        return self.lines.position(self.client_offset(line, character))

"""Bytes -> text, the way a stack file may arrive: UTF-8 with or without a BOM, UTF-16 with a
BOM (go-yaml reads both), or something that is not text at all."""
from __future__ import annotations

import codecs

from .diagnostics import Diagnostic, Range, Severity
from .lazy_regex import LazyRegex
from .record import Record

_BREAK = LazyRegex(r"\r\n|\r|\n")


class NotText(Exception):
    """The input is binary: one clear line for the user, exit 2."""


class Decoded(Record):
    _fields = ("text", "problem")
    text: str
    problem: Diagnostic | None

    def __init__(self, text, problem=None):
        self.text = text
        self.problem = problem


def _line_of(text_before: str) -> int:
    """1-based editor line of the character after text_before."""
    return len(_BREAK.findall(text_before)) + 1


def decode(data: bytes) -> Decoded:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        # checked before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE one
        raise NotText("UTF-32 text (byte-order mark at byte 0); Docker reads UTF-8 and UTF-16: save it as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        prefix = "\ufeff"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise NotText(f"invalid UTF-16 at byte {err.start}") from None
        nul = text.find("\x00")
        if nul >= 0:
            raise NotText(f"binary file (NUL character at line {_line_of(text[:nul])}); a stack file is text")
        return Decoded(text)
    else:
        prefix = ""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = _line_of(data[:nul].decode("utf-8", errors="replace"))
        hint = ""
        if line == 1 and nul < 2 and len(data) > 3 and (data[1] == 0) != (data[0] == 0):
            hint = " (UTF-16 without a byte-order mark? save it as UTF-8)"
        raise NotText(f"binary file (NUL byte at line {line}); a stack file is text{hint}")
    try:
        return Decoded(prefix + data.decode("utf-8"))
    except UnicodeDecodeError as err:
        text = prefix + data.decode("utf-8", errors="replace")
        # Positions do not count the BOM (document.parse drops it, as editors do).
        lines = _BREAK.split(data[:err.start].decode("utf-8"))
        line, col = len(lines) - 1, len(lines[-1])
        bad = data[err.start:err.start + 1].hex().upper()
        diag = Diagnostic("SL001", f"invalid UTF-8 (byte 0x{bad}); Docker reads stack files as UTF-8: "
                          "save the file as UTF-8", Severity.ERROR, Range.of(line, col, line, col + 1),
                          stage="load")
        return Decoded(text, diag)

"""Bytes -> text, the way a stack file may arrive: UTF-8 with or without a BOM, UTF-16 with a
BOM (go-yaml reads both), or something that is not text at all."""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Optional

from .diagnostics import Diagnostic, Range, Severity


class NotText(Exception):
    """The input is binary: one clear line for the user, exit 2."""


@dataclass
class Decoded:
    text: str
    problem: Optional[Diagnostic] = None


def decode(data: bytes) -> Decoded:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        prefix = "\ufeff"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"))
        except UnicodeDecodeError as err:
            raise NotText(f"invalid UTF-16 at byte {err.start}") from None
    else:
        prefix = ""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise NotText(f"binary file (NUL byte at line {line}); a stack file is text")
    try:
        return Decoded(prefix + data.decode("utf-8"))
    except UnicodeDecodeError as err:
        text = prefix + data.decode("utf-8", errors="replace")
        before = data[:err.start]
        line = before.count(b"\n")
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + (len(prefix) if line == 0 else 0)
        bad = data[err.start:err.start + 1].hex().upper()
        diag = Diagnostic("SL001", f"invalid UTF-8 (byte 0x{bad}); Docker reads stack files as UTF-8: "
                          "save the file as UTF-8", Severity.ERROR, Range.of(line, col, line, col + 1),
                          stage="load")
        return Decoded(text, diag)

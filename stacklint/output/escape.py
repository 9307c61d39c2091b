"""Text from a stack file must not reach a terminal or a CI log as control sequences."""
from __future__ import annotations

from ..lazy_regex import LazyRegex

# Lone surrogates: bytes of a file name that are not UTF-8 (os.fsdecode's surrogateescape).
_CONTROL = LazyRegex(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _visible(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code < 256:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a path
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """ESC, newlines, C1 controls, bidi overrides and undecodable path bytes become visible
    escapes (\\e, \\n, \\x9b, \\u202e, \\xff)."""
    if text.isascii() and text.isprintable():  # no ASCII control character: nothing to escape
        return text
    return _CONTROL.sub(lambda m: _visible(m.group()), text)


# json.dumps(ensure_ascii=False) escapes C0 controls but passes C1 controls (U+009B is a CSI for
# some terminals), line separators and bidi overrides through; as \uXXXX they mean the same data.
_JSON_UNSAFE = LazyRegex(r"[\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_safe(dumped: str) -> str:
    """A json.dumps result with the characters a terminal could act on written as \\uXXXX escapes."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)

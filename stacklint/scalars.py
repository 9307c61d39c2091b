"""Plain-scalar typing the way Docker's YAML library (go-yaml v3) does it.

Docker reads stack files with gopkg.in/yaml.v3, which is neither YAML 1.1 nor plain 1.2:
`yes`/`on` stay strings, `0755` is still octal (493), `1_000` is 1000, `08` is the float 8.
ruamel's own resolver differs on several of these, so plain scalars are re-typed here.
"""
from __future__ import annotations

import math

from .lazy_regex import LazyRegex

_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_SPECIAL_FLOATS = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}
# go-yaml's yamlStyleFloat, applied after underscores are removed.
_YAML_FLOAT = LazyRegex(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
# What Go's strconv.ParseInt(s, 0, 64) accepts: sign, then decimal, 0x, 0o, 0b or legacy 0-octal.
_GO_INT = LazyRegex(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
_INT_MIN, _UINT_MAX = -(1 << 63), (1 << 64) - 1

_NUMBER_START = frozenset("+-.0123456789")
# The characters the two patterns can match (`$` also before a final newline): a text with any
# other (`80:80`, `10s`, `512M`) is neither, told without compiling them (str.strip leaves
# what is not in the set).
_GO_INT_CHARS = "+-0123456789abcdefABCDEFxXoO\n"
_YAML_FLOAT_CHARS = "+-.0123456789eE\n"


def _go_int(text: str) -> int | None:
    if text.isascii() and text.isdigit() and (text[0] != "0" or len(text) == 1):
        value = int(text)  # plain decimal, the usual case: decided without compiling _GO_INT
        return value if value <= _UINT_MAX else None
    if text.strip(_GO_INT_CHARS) or not _GO_INT.match(text):
        return None
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-")
    if body[:2] in ("0x", "0X"):
        value = int(body[2:], 16)
    elif body[:2] in ("0o", "0O"):
        value = int(body[2:], 8)
    elif body[:2] in ("0b", "0B"):
        value = int(body[2:], 2)
    elif len(body) > 1 and body[0] == "0":
        value = int(body[1:], 8)
    else:
        value = int(body)
    value *= sign
    if _INT_MIN <= value <= _UINT_MAX:
        return value
    return None


def resolve_plain(text: str):
    """Type an unquoted, untagged scalar as go-yaml v3 does when decoding into interface{}."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tTfF":
        b = _BOOLS.get(text)
        return text if b is None else b
    if first not in _NUMBER_START:
        return text
    special = _SPECIAL_FLOATS.get(text)
    if special is not None:
        return special
    plain = text.replace("_", "")
    if not plain:
        return text
    value = _go_int(plain)
    if value is not None:
        return value
    if not plain.strip(_YAML_FLOAT_CHARS) and _YAML_FLOAT.match(plain):
        try:
            return float(plain)
        except ValueError:  # pragma: no cover - the pattern only admits valid floats
            return text
    if text[4:5] == "-" and is_timestamp(text):
        return GoTime(text)
    return text


_STD_TAG = "tag:yaml.org,2002:"
# go-yaml's allowedTimestampFormats, tried only on plain scalars that start with four digits and
# a dash (parseTimestamp): YYYY-M-D, optionally with a time (`T`, `t` or a space) and a zone.
_TIMESTAMP = LazyRegex(
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})"
    r"| ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?)?$")


def is_timestamp(text: str) -> bool:
    """Whether go-yaml reads this plain scalar as a time.Time (a real date, and time of day)."""
    m = _TIMESTAMP.match(text)
    if m is None:
        return False
    year, month, day = (int(g) for g in m.group(1, 2, 3))
    clock = [int(g) for g in (m.group(4, 5, 6) if m.group(4) else m.group(9, 10, 11)) if g is not None]
    if clock and (clock[0] > 23 or clock[1] > 59 or clock[2] > 59):
        return False
    import datetime  # here: a plain lint of a file without dates never needs it (start-up)

    try:
        datetime.date(max(year, 1), month, day)
    except ValueError:
        return False
    return True


class GoTime(str):
    """A plain scalar go-yaml decodes as a time.Time (`2024-01-31`, `2024-01-31T10:00:00Z`). It
    stays the text as written for the checks; Docker renders it as go_string() where it wants a
    string (labels, environment: "2024-01-31 00:00:00 +0000 UTC"), as rfc3339() in JSON and in
    its own YAML output, and refuses it where the field is a plain string (`image`)."""

    __slots__ = ()

    def go_string(self) -> str:
        """Go's fmt.Sprint of the time.Time (time.Time.String)."""
        date, clock, fraction, zone = self._offset_parts()
        if zone in ("", "Z"):
            return f"{date} {clock}{fraction} +0000 UTC"
        offset = zone.replace(":", "")
        return f"{date} {clock}{fraction} {offset} {offset}"

    def rfc3339(self) -> str:
        """time.RFC3339Nano, as Docker's JSON and YAML output write it."""
        date, clock, fraction, zone = self._offset_parts()
        return f"{date}T{clock}{fraction}{'Z' if zone in ('', 'Z') else zone}"

    def _offset_parts(self):
        """(date, clock, fraction with its dot or "", zone as written or "")."""
        m = _TIMESTAMP.match(self)
        date = "%04d-%02d-%02d" % tuple(int(g) for g in m.group(1, 2, 3))
        if m.group(4):
            clock, fraction, zone = m.group(4, 5, 6), m.group(7), m.group(8)
        elif m.group(9):
            clock, fraction, zone = m.group(9, 10, 11), m.group(12), ""
        else:
            clock, fraction, zone = ("0", "0", "0"), "", ""
        fraction = (fraction or "").rstrip("0")
        return date, "%02d:%02d:%02d" % tuple(int(c) for c in clock), fraction if len(fraction) > 1 else "", zone


class TagError(ValueError):
    """go-yaml refuses an explicitly tagged scalar whose text is not of that type."""


def _go_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def resolve_tagged(tag: str, text: str):
    """An explicitly tagged scalar (`!!str 12`, `!!int "3"`) as go-yaml's decoder reads it: a
    standard scalar tag must match what the text resolves to (an int passes for a float),
    `!!binary` is base64, unknown tags leave the text a string."""
    kind = tag[len(_STD_TAG):] if tag.startswith(_STD_TAG) else None
    if kind in ("bool", "int", "float", "timestamp", "null"):
        value = resolve_plain(text)
        found = _go_kind(value)
        if kind == "timestamp" and found == "str" and is_timestamp(text):
            return GoTime(text)
        if found == kind:
            return value
        if kind == "float" and found == "int":
            return float(value)
        raise TagError(f"cannot decode !!{found} `{text}` as a !!{kind}")
    if kind == "binary":
        import base64  # here, as datetime above: rare tags pay their own imports
        import binascii

        try:
            return base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True) \
                .decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            raise TagError("!!binary value contains invalid base64 data") from None
    return text


def go_format(value) -> str:
    """Go's fmt.Sprint of a decoded scalar: how Docker turns numbers into strings in string maps."""
    if value is None:
        return ""
    if isinstance(value, GoTime):
        return value.go_string()
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if math.isinf(value):
            return "+Inf" if value > 0 else "-Inf"
        if math.isnan(value):
            return "NaN"
        if value == int(value) and abs(value) < 1e21:
            return str(int(value))
        text = repr(value)
        if "e" in text:
            mantissa, exp = text.split("e")
            sign = exp[0] if exp[0] in "+-" else "+"
            digits = exp.lstrip("+-").rjust(2, "0")
            return f"{mantissa}e{sign}{digits}"
        return text
    return str(value)

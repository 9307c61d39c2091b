"""Typed reads of interpolated data into Vals, through the parsers Docker's loader uses.

Every reader returns None for a missing key and for a value of the wrong type or one Docker's
parser refuses: the schema (SL004) or SL006 reports those, the model leaves them out.
"""
from __future__ import annotations

from ..parsers import parse_bytes, parse_cpus, parse_duration
from ..record import new_record
from .records import Val


def mapping(data, key) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def text(data: dict, key, base) -> Val | None:
    value = data.get(key)
    return new_record(Val, (value, base + (key,))) if isinstance(value, str) else None


def is_negative_int(value) -> bool:
    """A YAML int below zero (not a bool): what the loader's unsigned fields refuse ("-1 overflows uint")."""
    return isinstance(value, int) and not isinstance(value, bool) and value < 0


def integer(data: dict, key, base, unsigned: bool = False) -> Val | None:
    """An int (Docker's uint64 fields refuse negatives at load: unsigned=True leaves them out)."""
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None  # .nan and .inf: Docker refuses them at load (SL004)
        value = int(value)  # go-yaml decodes 3.0 into an int field; floats with a fraction are truncated
    if not isinstance(value, int) or (unsigned and value < 0):
        return None
    return new_record(Val, (value, base + (key,)))


def number(data: dict, key, base) -> Val | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return new_record(Val, (float(value), base + (key,)))


def boolean(data: dict, key, base) -> Val | None:
    value = data.get(key)
    return new_record(Val, (value, base + (key,))) if isinstance(value, bool) else None


def duration(data: dict, key, base) -> Val | None:
    """time.ParseDuration of a string, in nanoseconds (the loader refuses other types)."""
    value = data.get(key)
    if not isinstance(value, str):
        return None
    try:
        return new_record(Val, (parse_duration(value), base + (key,)))
    except ValueError:
        return None


def size(data: dict, key, base) -> Val | None:
    """A byte count: an integer as is, a string through go-units RAMInBytes."""
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return new_record(Val, (value, base + (key,)))
    if isinstance(value, str):
        try:
            return new_record(Val, (parse_bytes(value), base + (key,)))
        except ValueError:
            return None
    return None


def nano_cpus(data: dict, key, base) -> Val | None:
    """opts.ParseCPUs of the value's text (nano-CPUs)."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        return new_record(Val, (parse_cpus(str(value)), base + (key,)))
    except ValueError:
        return None


def strings(data: dict, key, base) -> tuple[Val, ...]:
    """A string or a list of strings (dns, dns_search, ...): a lone string is a list of one."""
    value = data.get(key)
    if isinstance(value, str):
        return (new_record(Val, (value, base + (key,))),)
    if isinstance(value, list):
        return tuple(new_record(Val, (v, base + (key, i))) for i, v in enumerate(value) if isinstance(v, str))
    return ()


def labels(data: dict, key, base) -> dict[str, Val]:
    """Mapping or `k=v` list (the loader's transformMappingOrList; `k` alone is "")."""
    value = data.get(key)
    out: dict[str, Val] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out[str(k)] = new_record(Val, ("" if v is None else scalar_text(v), base + (key, k)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                k, _, v = item.partition("=")
                out[k] = new_record(Val, (v, base + (key, i)))
    return out


def scalar_text(value) -> str:
    """A YAML scalar as the Go string field receives it (booleans as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

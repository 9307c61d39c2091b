"""Memo tables for the value parsers: a stack repeats its images and port specs, and the editor
re-lints the same text on every keystroke, so the parsed values are kept (bounded, 4,096 entries
per parser). They hold the strings of the last documents linted, so a closed document would stay
partly in memory: `forget()` empties every table (the language server calls it on didClose).
"""
from __future__ import annotations

import functools
from typing import Callable, List, TypeVar

F = TypeVar("F", bound=Callable)

_TABLES: List = []  # filled at import time only, by the decorator below


def memo(func: F) -> F:
    cached = functools.lru_cache(maxsize=4096)(func)
    _TABLES.append(cached)
    return cached  # type: ignore[return-value]


def forget() -> None:
    """Empty every memo table (the values are recomputed on demand)."""
    for table in _TABLES:
        table.cache_clear()

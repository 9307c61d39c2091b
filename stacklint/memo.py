"""Memo tables for the value parsers: a stack repeats its images and port specs, and the editor
re-lints the same text on every keystroke, so the parsed values are kept (bounded, 4,096 entries
per parser and per set of tables).

The tables hold the strings of the texts linted. The command line uses one process-wide set.
The language server gives each open document its own set (`Tables`, made current with
`within`): closing a document drops its tables and nothing else, so the other documents' next
lint still finds their values. A memo never changes a result, only how fast it comes.
"""
from __future__ import annotations

from collections.abc import Callable
import functools
from contextvars import ContextVar

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:
    from typing import TypeVar

    F = TypeVar("F", bound=Callable)
    R = TypeVar("R")

MAX_ENTRIES = 4096


class Tables:
    """One set of memo tables, one per memoised function, made on first use."""

    __slots__ = ("_tables",)

    def __init__(self) -> None:
        self._tables: dict[Callable, Callable] = {}

    def table(self, func: Callable) -> Callable:
        cached = self._tables.get(func)
        if cached is None:
            cached = self._tables[func] = functools.lru_cache(maxsize=MAX_ENTRIES)(func)
        return cached

    def info(self, memoised: Callable):
        """The hits, misses and size of a memoised function's table here (None: not used here)."""
        cached = self._tables.get(memoised.__wrapped__)
        return None if cached is None else cached.cache_info()


_PROCESS = Tables()
# A context variable, not a global: each thread (the server's lint worker) sees its own setting.
_current: ContextVar[Tables] = ContextVar("stacklint_memo_tables", default=_PROCESS)


def memo(func: F) -> F:
    @functools.wraps(func)
    def cached(*args):
        # called for every parsed value (26,000 times for 1,000 services): the table is looked up
        # here, Tables.table() only makes it the first time
        tables = _current.get()
        table = tables._tables.get(func)
        if table is None:
            table = tables.table(func)
        return table(*args)
    return cached  # type: ignore[return-value]


def within(tables: Tables, call: Callable[..., R], *args) -> R:
    """call(*args) with tables as the memo tables of every memoised parser it uses."""
    token = _current.set(tables)
    try:
        return call(*args)
    finally:
        _current.reset(token)

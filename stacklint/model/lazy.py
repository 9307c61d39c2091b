"""A cached property without functools.cached_property's per-call lock (Python 3.11 takes an
RLock on every first access: measured as the largest single cost of building the model for a
1,000-service stack). Lint runs are single-threaded; a race would only compute a value twice.
"""
from __future__ import annotations


class lazy:  # noqa: N801 - used like @property
    __slots__ = ("func", "name", "__doc__")

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value  # a non-data descriptor: later reads skip __get__
        return value

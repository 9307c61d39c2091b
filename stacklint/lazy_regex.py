"""Module-level regular expressions, compiled when first used rather than at import.

Compiling is much of what importing a module costs (a Unicode class, a long alternation: 60
patterns took about a tenth of a small lint's whole run), and many patterns serve only some
files (a `$`, a placement constraint, a traefik command, a cpus value).
"""
from __future__ import annotations

import re


class LazyRegex:
    """Stands for re.compile(pattern, flags). The first use of an attribute (.match, .sub, ...)
    compiles the pattern and keeps that attribute on the instance, so later uses of it cost what
    they cost on the compiled pattern."""

    def __init__(self, pattern, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        value = getattr(re.compile(*self._source), name)  # re caches the compiled pattern
        setattr(self, name, value)
        return value

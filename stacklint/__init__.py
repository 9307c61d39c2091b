"""stacklint: a static analyzer for Docker Stack files."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "lint"]


def lint(text, path=None, settings=None):
    """lint(text, path, settings) -> list of Diagnostic. See stacklint.engine.lint."""
    from .engine import lint as _lint
    from .settings import DEFAULT

    return _lint(text, path, settings or DEFAULT)

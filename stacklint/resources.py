"""Where the catalogue and the schemas are: inside the wheel, or at the repository root."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`schemas` or `rules`: the wheel carries them in stacklint/_data, a checkout at its root."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name

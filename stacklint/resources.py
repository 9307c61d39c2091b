"""Where the catalogue and the schemas are: inside the wheel, or at the repository root."""
from __future__ import annotations

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:
    from pathlib import Path


def data_dir(name: str) -> Path:
    """`schemas` or `rules`: the wheel carries them in stacklint/_data, a checkout at its root.
    pathlib is imported here, not at start: a lint reads neither (see files.pathlib_form)."""
    from pathlib import Path

    package = Path(__file__).resolve().parent
    packaged = package / "_data" / name
    if packaged.is_dir():
        return packaged
    return package.parent / name

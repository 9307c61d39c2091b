"""Where a finding lives, as CI systems want it: a repository-relative path with forward slashes.

CI tools resolve annotation paths against the checkout root, which is where they run stacklint;
an absolute path inside the working directory is therefore made relative to it.
"""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

STDIN = "<stdin>"


def relative_path(path: str) -> str:
    """`deploy/docker-stack.yml` for deploy\\docker-stack.yml, ./deploy/..., or /cwd/deploy/...;
    a path outside the working directory stays as given (forward slashes)."""
    if path == STDIN:
        return path
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(Path.cwd().resolve())
        except (ValueError, OSError):
            return p.as_posix()
    parts = [part for part in PurePosixPath(p.as_posix().replace(os.sep, "/")).parts if part != "."]
    return "/".join(parts) or "."


def is_inside(relative: str) -> bool:
    """Whether a relative_path() result lies under the working directory."""
    return relative != STDIN and not relative.startswith("/") and not relative.startswith("../") \
        and relative != ".."

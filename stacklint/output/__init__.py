"""One renderer module per output format, all over the same FileResult list."""
from __future__ import annotations

from typing import Callable, Dict, List

from ..diagnostics import FileResult
from . import github, gitlab, json_format, junit, sarif, text

Renderer = Callable[..., str]

FORMATS: Dict[str, Renderer] = {
    "text": text.render,
    "concise": text.render_concise,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
}


def render(fmt: str, results: List[FileResult], **options) -> str:
    return FORMATS[fmt](results, **options)

"""One renderer module per output format, all over the same FileResult list."""
from __future__ import annotations

from typing import Callable, Dict, List

from ..diagnostics import FileResult
from . import json_format, text

Renderer = Callable[..., str]

FORMATS: Dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
}


def render(fmt: str, results: List[FileResult], **options) -> str:
    return FORMATS[fmt](results, **options)

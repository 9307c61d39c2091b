"""`-f concise`: the text format's first line of each finding, without the code frame (scripts)."""
from __future__ import annotations


from ..diagnostics import FileResult
from . import text


def render(results: list[FileResult], **options) -> str:
    return text.render(results, concise=True, **options)

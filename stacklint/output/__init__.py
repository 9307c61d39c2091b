"""One renderer module per output format, all over the same FileResult list."""
from __future__ import annotations

import importlib

from ..diagnostics import FileResult

# format -> module (each has render(results, **options) -> str); imported only when used, so a
# text report does not pay for XML, hashing or URL quoting at start-up
FORMATS = {
    "text": "text",
    "concise": "concise",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
}


def render(fmt: str, results: list[FileResult], **options) -> str:
    return importlib.import_module(f"{__name__}.{FORMATS[fmt]}").render(results, **options)

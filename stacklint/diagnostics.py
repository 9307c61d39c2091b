"""The one diagnostic type every front end renders.

Positions are 0-based lines and 0-based columns counted in Unicode code points; the text
output adds one to both, the language server converts columns to UTF-16 at its edge.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple, Tuple, Union

PathItem = Union[str, int]
YamlPath = Tuple[PathItem, ...]


class Severity(enum.IntEnum):
    # Ordered so that "at least warning" is a comparison.
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Position(NamedTuple):
    # NamedTuples: ordered and hashable like the dataclasses they replace, and built several
    # times faster (a large stack has a hundred thousand of them)
    line: int
    column: int


class Range(NamedTuple):
    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> "Range":
        return cls(Position(line, column), Position(end_line, end_column))

    @classmethod
    def point(cls, line: int, column: int) -> "Range":
        return cls(Position(line, column), Position(line, column))


@dataclass(frozen=True)
class TextEdit:
    range: Range
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: Tuple[TextEdit, ...]
    # Safe fixes keep the stack's meaning; unsafe ones change what gets deployed.
    safe: bool = True


@dataclass(frozen=True)
class Related:
    message: str
    range: Range
    # Set when the place is in another file of a multi-file stack (`-c base.yml -c prod.yml`).
    path: str | None = None


@dataclass
class Diagnostic:
    code: str
    message: str
    severity: Severity
    range: Range
    path: YamlPath = ()
    fix: Fix | None = None
    related: Tuple[Related, ...] = ()
    # Filled by the engine from the catalogue, so checks only name the code.
    name: str = ""
    # Where Docker itself refuses the file for this reason: "load" (`docker stack config`
    # already fails), "deploy" (`docker stack deploy` or the Swarm fails), "" (Docker accepts it).
    stage: str = ""

    def sort_key(self):
        return (self.range.start, self.range.end, self.code, self.message)

    def dotted_path(self) -> str:
        return dotted(self.path)


def dotted(path: YamlPath) -> str:
    """Docker's way of naming a node: services.web.ports.0; the root is (root)."""
    return ".".join(str(p) for p in path) if path else "(root)"


@dataclass
class FileResult:
    """What linting one file produced: its diagnostics, or an input error that stopped it."""

    path: str
    diagnostics: list = field(default_factory=list)
    input_error: str | None = None
    # What was linted, for --fix and --diff: the decoded text and the bytes it came from.
    text: str | None = None
    data: bytes | None = None

"""The one diagnostic type every front end renders.

Positions are 0-based lines and 0-based columns counted in Unicode code points; the text
output adds one to both, the language server converts columns to UTF-16 at its edge.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
import enum
from operator import attrgetter
from .record import FrozenRecord, Record, new_record, tuple_record

PathItem = str | int
YamlPath = tuple[PathItem, ...]


class Severity(enum.IntEnum):
    # Ordered so that "at least warning" is a comparison.
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@tuple_record
class Position:
    # NamedTuples: ordered and hashable like the dataclasses they replace, and built several
    # times faster (a large stack has a hundred thousand of them)
    line: int
    column: int


@tuple_record
class Range:
    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> Range:
        return new_record(cls, (new_record(Position, (line, column)), new_record(Position, (end_line, end_column))))

    @classmethod
    def point(cls, line: int, column: int) -> Range:
        start = new_record(Position, (line, column))
        return new_record(cls, (start, start))


# Records, not dataclasses: importing dataclasses (and inspect with it) cost a plain lint more
# than the lint itself. Frozen ones keep a __dict__, so they pickle (--jobs) as before.
class TextEdit(FrozenRecord):
    _fields = ("range", "new_text")
    range: Range
    new_text: str

    def __init__(self, range, new_text):
        self._set(range, new_text)


class Fix(FrozenRecord):
    _fields = ("title", "edits", "safe")
    title: str
    edits: tuple[TextEdit, ...]
    # Safe fixes keep the stack's meaning; unsafe ones change what gets deployed.
    safe: bool

    def __init__(self, title, edits, safe=True):
        self._set(title, edits, safe)


class Related(FrozenRecord):
    _fields = ("message", "range", "path")
    message: str
    range: Range
    # Set when the place is in another file of a multi-file stack (`-c base.yml -c prod.yml`).
    path: str | None

    def __init__(self, message, range, path=None):
        self._set(message, range, path)


class Diagnostic(Record):
    _fields = ("code", "message", "severity", "range", "path", "fix", "related", "name", "stage")
    code: str
    message: str
    severity: Severity
    range: Range
    path: YamlPath
    fix: Fix | None
    related: tuple[Related, ...]
    # Filled by the engine from the catalogue, so checks only name the code.
    name: str
    # Where Docker itself refuses the file for this reason: "load" (`docker stack config`
    # already fails), "deploy" (`docker stack deploy` or the Swarm fails), "task" (the deploy
    # succeeds, then every task fails on the node), "" (Docker accepts it).
    stage: str

    def __init__(self, code, message, severity, range, path=(), fix=None, related=(), name="", stage=""):
        self.code = code
        self.message = message
        self.severity = severity
        self.range = range
        self.path = path
        self.fix = fix
        self.related = related
        self.name = name
        self.stage = stage

    def sort_key(self):
        return reading_order(self)

    def dotted_path(self) -> str:
        return dotted(self.path)


def dotted(path: YamlPath) -> str:
    """Docker's way of naming a node: services.web.ports.0; the root is (root)."""
    return ".".join(str(p) for p in path) if path else "(root)"


class FileResult(Record):
    """What linting one file produced: its diagnostics, or an input error that stopped it."""
    _fields = ("path", "diagnostics", "input_error", "text", "data", "threshold")
    path: str
    diagnostics: list
    input_error: str | None
    # What was linted, for --fix and --diff: the decoded text and the bytes it came from.
    text: str | None
    data: bytes | None
    # The lowest severity that fails the run for this file (its configuration's fail-on).
    threshold: Severity

    def __init__(self, path, diagnostics=None, input_error=None, text=None, data=None, threshold=Severity.ERROR):
        self.path = path
        self.diagnostics = [] if diagnostics is None else diagnostics
        self.input_error = input_error
        self.text = text
        self.data = data
        self.threshold = threshold
        # ((colour, concise), text): its part of a text report, rendered where it was linted
        # (output/text.py: with_part). Not a field: a copy of what the findings say.
        self.rendered = None
        # The findings counted (see tally), where with_part dropped them (diagnostics is then None)
        self.counted: Counter | None = None

    @property
    def failing(self) -> bool:
        if self.diagnostics is None:
            return any(severity >= self.threshold for severity, _, _ in self.counted)
        return any(d.severity >= self.threshold for d in self.diagnostics)

    def tally(self) -> Counter:
        """How many findings of each (severity, code, name): all that a text report's summary and
        the exit status read of them, kept when the findings themselves are dropped."""
        if self.diagnostics is None:
            return self.counted
        return Counter((d.severity, d.code, d.name) for d in self.diagnostics)

    @property
    def lines(self) -> Sequence[str]:
        """The linted text's lines (for code frames under the findings)."""
        from .document import split_lines  # document imports this module

        return split_lines(self.text) if self.text is not None else ()


# The order findings are reported in: by range (its start, then its end), code, message. A C-level
# key, as a big file sorts ten thousand findings twice.
reading_order = attrgetter("range", "code", "message")

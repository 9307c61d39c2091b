"""Text -> positioned node tree -> plain data. With its helpers go_yaml.py and pure_yaml.py,
the only module that imports ruamel.

The file is composed once with ruamel's C-backed composer (where ruamel.yaml.clib is not
installed, with ruamel's pure-Python one: see pure_yaml.py), read as Docker's go-yaml reads it
where the libyaml 0.1.7 inside differs (go_yaml.py; the few files that need it are composed
twice); one walk over the node tree then builds the plain data (typed the way Docker's go-yaml v3 types it, with `<<` merges applied)
and, at the same time, an index from YAML path to the key and value ranges. Positions come
from the nodes, so they are exact even inside merged or aliased content (they point at the
text that produced the value).
"""
from __future__ import annotations

import bisect
from array import array
import math
import operator
import sys
from _thread import allocate_lock  # threading's Lock without importing threading

from .ruamel_c import import_c_composer

# ruamel.yaml.clib: the fast C composer. None in a pure-Python install (the VS Code extension's
# bundled copy): pure_yaml.py composes there.
_ruamel_yaml = import_c_composer()
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, DocumentEndEvent, DocumentStartEvent, StreamEndEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .collector import gc_paused
from .diagnostics import Diagnostic, Position, Range, Severity, YamlPath
from .record import FrozenRecord, Record
from . import go_yaml
from .scalars import TagError, resolve_plain, resolve_tagged
from .lazy_regex import LazyRegex

# Hostile-input limits. A real stack file is a few hundred KiB and ten levels deep.
# A real stack file is about ten levels deep. Walking a level takes three or four Python frames,
# so 100 levels (aliases can nest deeper than the text does) stay clear of the recursion limit
# even when the caller's stack is deep (pytest, the language server).
MAX_DEPTH = 100
# The C composer crashes on ~100k nested levels: texts whose (over-)estimated depth passes this
# are refused before it sees them; below it, the walker stops at MAX_DEPTH with a location.
MAX_TEXT_DEPTH = 1000
MAX_BYTES = 20 * 1024 * 1024
# Above this many characters the span index keeps marks, not nodes (SpanIndex.compact): the node
# tree is then about a third of a lint's peak memory. Compacting costs about a sixth of a lint's
# time (3.5 us an entry, 52 entries a gen_stack service), so smaller files keep the nodes.
COMPACT_ABOVE = 8 * 1024 * 1024
# go-yaml v3 (Docker's YAML library) refuses "excessive aliasing": once more than 100 of its
# decode steps come from aliases, the aliased share may not pass 99% (documents up to 400,000
# steps), falling to 10% at 4,000,000 steps. Docker accepts everything below that, so we do too.
_ALIAS_RATIO_LOW, _ALIAS_RATIO_HIGH = 400_000, 4_000_000

# Lines as editors and the Language Server Protocol count them. libyaml also breaks lines at
# NEL, LS and PS; where a file has those, positions are recomputed from the character offset.
# The line breaks of every position stacklint gives: those of editors and of LSP (not NEL, U+2028,
# U+2029, \v or \f, where str.splitlines and YAML also break).
LINE_BREAK = _EDITOR_BREAK = LazyRegex(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offset in text of each line's first character, in the line model of `Document.lines`."""
    return [0] + [m.end() for m in _EDITOR_BREAK.finditer(text)]


def offset_in(starts: list[int], text: str, at: Position) -> int:
    """The offset in text (whose line_starts are starts) of a position; past the end, the end."""
    if at.line >= len(starts):
        return len(text)
    return min(starts[at.line] + at.column, len(text))


_ALIAS_TOKEN = LazyRegex(r"\*[A-Za-z0-9_-]+")  # libyaml and go-yaml: anchor names are these characters
# Searched apart: a pattern that starts with one literal is searched for that character first.
_ALIAS_KEY = LazyRegex(r"\*[A-Za-z0-9_-]+[ \t]*:")
_ALIAS_COMPLEX_KEY = LazyRegex(r"\?\s+\*")


# Tags our resolver gives untagged scalars; explicitly tagged nodes keep their own tag.
_PLAIN = "!plain"
_QUOTED = "!quoted"
# `!` (or a tag alone, nothing after it): libyaml marks these "implicit" by its own rules
# (`! "1"` as plain, `! ` as quoted); go-yaml types them by their style, as if untagged.
_NON_SPECIFIC = "!nonspecific"


class Span(FrozenRecord):
    _fields = ("key", "value")
    key: Range | None  # None for sequence items and the root
    value: Range

    def __init__(self, key, value):
        self._set(key, value)


class SpanIndex(dict):
    """path -> Span, built from the nodes only when asked for: most spans are never read.

    An entry is a Span, a (key node, value node) pair, or once compact() has run, the offset of
    the pair's marks in one array of ints (no node is kept)."""

    # node -> Range; parse() sets the document's own (it knows where the text ends)
    node_range = staticmethod(lambda node: _range(node))
    _positions: _Positions | None = None
    _marks = None  # array of the compacted marks

    def __getitem__(self, path):
        return self._span_of(dict.__getitem__(self, path))

    def get(self, path, default=None):
        entry = dict.get(self, path)
        return default if entry is None else self._span_of(entry)

    def values(self):
        return [self._span_of(v) for v in dict.values(self)]

    def items(self):
        return [(k, self._span_of(v)) for k, v in dict.items(self)]

    def _span_of(self, entry) -> Span:
        if isinstance(entry, Span):
            return entry
        if entry.__class__ is int:
            marks, width, decode = self._marks, self._positions.width, self._positions.decode
            key = None if marks[entry] < 0 else decode(marks[entry:entry + width])
            return Span(key, decode(marks[entry + width:entry + 2 * width]))
        knode, vnode = entry
        return Span(None if knode is None else self.node_range(knode), self.node_range(vnode))

    def compact(self) -> None:
        """Keep only the marks of each entry's nodes, so the node tree can be freed (at 18,500
        services it is about 250 MB). Costs about 3.5 us an entry (two small arrays extended and
        two nodes' marks read): parse() does it for large files only."""
        positions = self._positions
        marks_of, width = positions.marks_of, positions.width
        marks = self._marks if self._marks is not None else array("i")
        no_key = (-1,) * width
        extend, put = marks.extend, dict.__setitem__
        for path, entry in dict.items(self):
            if entry.__class__ is tuple:
                knode, vnode = entry
                put(self, path, len(marks))
                extend(no_key if knode is None else marks_of(knode))
                extend(marks_of(vnode))
        self._marks = marks


def _unchanged(edit):
    return edit


class Document(Record):
    _fields = ("text", "data", "spans", "problems", "failed", "_lines", "alias_counts", "_alias_links", "_starts")
    text: str
    data: object
    spans: dict[YamlPath, Span]
    problems: list[Diagnostic]
    # True when the text could not be turned into data at all (the checks then have nothing to read).
    failed: bool
    _lines: list[str] | None
    # go-yaml's alias accounting over the whole walk (decode steps, how many came from aliases):
    # what an incremental re-parse of one block needs to know the rest cannot become a bomb
    alias_counts: tuple
    _alias_links: object  # not read yet (None); False: unreadable
    _starts: list[int] | None

    def __init__(self, text, data=None, spans=None, problems=None, failed=False, _lines=None, alias_counts=(0, 0),
                 _alias_links=None, _starts=None):
        self.text = text
        self.data = data
        self.spans = SpanIndex() if spans is None else spans
        self.problems = [] if problems is None else problems
        self.failed = failed
        self._lines = _lines
        self.alias_counts = alias_counts
        self._alias_links = _alias_links
        self._starts = _starts

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def span(self, path: YamlPath) -> Span | None:
        return self.spans.get(tuple(path))

    def offset(self, at: Position) -> int:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return offset_in(self._starts, self.text, at)

    def alias_links(self) -> list[tuple[int, int]] | None:
        """(offset of the anchor, offset of the alias) for each alias of the first document: the
        definition each `*name` refers to. None when the parser's events cannot be read (a file
        only go_yaml's rewrites make readable). Read on the first fix that removes an `&`."""
        if self._alias_links is None:
            self._alias_links = alias_links(self.text)
        return None if self._alias_links is False else self._alias_links

    def local(self, path: YamlPath) -> tuple:
        """(the document whose text holds path, path in it, how to bring an edit of that text
        back): this one. A merged stack's (stack.MergedDocument) answers with one of its files."""
        return self, tuple(path), _unchanged

    def nearest(self, path: YamlPath) -> tuple:
        """The deepest existing ancestor of path (itself included) and its span."""
        path = tuple(path)
        while path and path not in self.spans:
            path = path[:-1]
        return path, self.spans.get(path) or Span(None, Range.of(0, 0, 0, 0))

    def value_range(self, path: YamlPath) -> Range:
        """Where a finding about the value at path belongs: the scalar itself, or the key of a block."""
        _, span = self.nearest(path)
        value = span.value
        if value.start.line == value.end.line:
            return value
        return span.key if span.key is not None else self._first_line(value)

    def key_range(self, path: YamlPath) -> Range:
        found, span = self.nearest(path)
        return span.key or self.value_range(found)

    def _first_line(self, r: Range) -> Range:
        line = r.start.line
        text = self.lines[line] if line < len(self.lines) else ""
        end = len(text.rstrip())
        return Range.of(line, r.start.column, line, max(end, r.start.column))

    def source(self, r: Range) -> str:
        """The text a single-line range covers."""
        if r.start.line >= len(self.lines):
            return ""
        line = self.lines[r.start.line]
        if r.end.line != r.start.line:
            return line[r.start.column:]
        return line[r.start.column:r.end.column]

    def is_quoted(self, path: YamlPath) -> bool:
        span = self.span(path)
        if span is None:
            return False
        return self.source(span.value)[:1] in ("'", '"')


def _lines_columns(node) -> tuple:
    s, e = node.start_mark, node.end_mark
    return s.line, s.column, e.line, e.column


def _offsets(node) -> tuple:
    return node.start_mark.index, node.end_mark.index


def _range(node) -> Range:
    s, e = node.start_mark, node.end_mark
    return Range.of(s.line, s.column, e.line, e.column)


def _allowed_alias_ratio(decodes: int) -> float:
    if decodes <= _ALIAS_RATIO_LOW:
        return 0.99
    if decodes >= _ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decodes - _ALIAS_RATIO_LOW) / (_ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW)


class _Positions:
    """libyaml marks -> ranges on the editor's lines, never past the end of the file.

    Holds the text, not the Document: the document's span index keeps this object's range(), and
    a reference back would make every parse a reference cycle that only the cyclic GC frees."""

    def __init__(self, text: str):
        self.text = text
        # str.__contains__ is a memchr; a regex scan of a 5 MB text took 70 ms
        self.exotic = "\x85" in text or "\u2028" in text or "\u2029" in text
        # most files have no \r: one count, not three (str.__contains__ is a memchr)
        self.last_line = text.count("\n") + (text.count("\r") - text.count("\r\n") if "\r" in text else 0)
        self.last_width = len(text) - max(text.rfind("\n"), text.rfind("\r")) - 1
        self._starts: list[int] | None = None
        # What a range is made from: lines and columns, or where the lines are not the editor's,
        # the character offsets
        self.marks_of = _offsets if self.exotic else _lines_columns
        self.width = 2 if self.exotic else 4

    def of_index(self, index: int) -> Position:
        if self._starts is None:
            self._starts = line_starts(self.text)
        line = bisect.bisect_right(self._starts, index) - 1
        return Position(line, index - self._starts[line])

    def range(self, node) -> Range:
        return self.decode(self.marks_of(node))

    def decode(self, marks) -> Range:
        """The range of a node from what marks_of() kept of it."""
        if self.exotic:
            return Range(self.of_index(marks[0]), self.of_index(marks[1]))
        sl, sc, el, ec = marks
        if el > self.last_line:
            # libyaml ends a block that closes the file on a line past the last one
            if sl > self.last_line:
                return Range.of(self.last_line, self.last_width, self.last_line, self.last_width)
            return Range.of(sl, sc, self.last_line, self.last_width)
        return Range.of(sl, sc, el, ec)

    def char(self, mark) -> Range:
        """The character at an error mark (empty at the end of a line or of the file)."""
        if self.exotic or mark.line > self.last_line:
            start = self.of_index(min(getattr(mark, "index", 0), len(self.text)))
        else:
            start = Position(mark.line, mark.column)
        lines = split_lines(self.text)  # once, for the one error a parse stops at
        width = len(lines[start.line]) if start.line < len(lines) else 0
        column = min(start.column, width)
        return Range.of(start.line, column, start.line, min(column + 1, width))


def _problem(code: str, message: str, r: Range, path: YamlPath = ()) -> Diagnostic:
    # Everything the reader refuses, Docker's loader refuses too.
    return Diagnostic(code=code, message=message, severity=Severity.ERROR, range=r, path=path, stage="load")


_INFINITIES = (math.inf, -math.inf)
_UNTYPED = object()  # not in _Walker.typed
_TYPED_MAX = 65_536  # distinct texts remembered: a file of unique values gains nothing
_FLOW_BRACKETS = LazyRegex(r"[\[\]{}]")
# The text's UTF-8 bytes as estimate_depth reads them: flow brackets and line feeds as they
# are, a character of a block prefix (space, tab, `-`) as a space, any other byte as an `x`.
_DEPTH_CLASSES = bytes(c if c in b"[]{}\n" else 32 if c in b" \t-" else 120 for c in range(256))
_OPENING = b"[{"
_BLOCK_PREFIX = LazyRegex(r"[ \t]*((?:-[ \t]+)*)")


def estimate_depth(text: str, limit: int = 0) -> tuple:
    """An over-estimate of the nesting depth, cheap enough to run before the C composer, and
    the character offset where it peaks (0 when the quick bound below is enough).

    Flow brackets are counted without regard to quotes and block levels from indentation,
    so the figure can only be too high, never too low. Each block level needs one more
    column of indentation or a `- `, so twice the longest line prefix bounds the block depth;
    only when that bound exceeds limit are the levels counted line by line.
    """
    # Two passes of bytes.translate at C speed: the text in the classes above, then the brackets
    # alone. Where they peak in the text is needed only when the file is refused, and then found
    # by the slower scan.
    classes = text.encode("utf-8", "surrogatepass").translate(_DEPTH_CLASSES)
    flow = _flow_depth(classes.translate(None, b" x\n"))
    # The widest line prefix the quick bound allows; one substring search (no list of every
    # prefix) tells whether any line is wider. (A regex tried at every \n cost 3 times more.)
    room = (limit - flow) // 2 - 1
    if room >= 0:
        wide = b" " * (room + 1)
        if not (classes.startswith(wide) or b"\n" + wide in classes):
            return flow + 2 * (room + 1), 0
    stack: list[int] = []
    block = block_at = offset = 0
    for line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        stripped = line.lstrip(" \t")
        if not stripped.strip() or stripped[0] == "#":
            continue
        indent = len(line) - len(stripped)
        while stack and stack[-1] >= indent:
            stack.pop()
        stack.append(indent)
        dashes = _BLOCK_PREFIX.match(line).group(1).count("-")
        level = len(stack) + dashes
        if level > block:
            block, block_at = level, start + indent
    return flow + block, (_flow_peak(text) if flow >= block else block_at)


def _flow_depth(brackets) -> int:
    depth = deepest = 0
    for c in brackets:
        if c in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _flow_peak(text: str) -> int:
    """The offset in text of the first bracket at the deepest flow nesting."""
    depth = flow = flow_at = 0
    for m in _FLOW_BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > flow:
                flow, flow_at = depth, m.start()
        elif depth:
            depth -= 1
    return flow_at


class _Walker:
    def __init__(self, doc: Document, positions: _Positions):
        self.doc = doc
        self.range = positions.range
        self.positions = positions
        self.active: set = set()  # node ids on the current path: recursive aliases
        self.stopped = False
        # go-yaml's alias accounting (see _ALIAS_RATIO_LOW): decode steps, how many of them come
        # from aliases, and each walked collection's step count with its aliases expanded, so an
        # alias is judged before it is expanded and a bomb costs what its text costs.
        self.decodes = 0
        self.aliased = 0
        self.in_alias = 0
        self.expanding = 0  # where the outermost alias being expanded is written (see _cursor)
        self.sizes: dict[int, int] = {}
        # Whether an alias may be a key (`*name:`, `? *name`): only then are keys told apart
        # from aliases (go-yaml compares an alias key only with the same alias).
        self.not_json: set = set()  # NaN and infinity nodes already reported
        # plain text -> its value: a stack repeats its keys and values (1,000 gen_stack services:
        # 74,000 plain scalars, 3,800 distinct), and typing one is a few string tests and a regex.
        self.typed: dict = {}
        self.string_keys: set = set()  # plain key texts that type as strings (see _check_key)
        text = doc.text
        self.alias_keys = ("*" in text and _ALIAS_KEY.search(text) is not None) or \
            ("?" in text and _ALIAS_COMPLEX_KEY.search(text) is not None)

    def _not_json(self, value: float, node, path: YamlPath) -> None:
        # Docker turns the whole file into JSON to validate it, and JSON has no such numbers.
        if id(node) in self.not_json:  # said once, where it is written
            return
        self.not_json.add(id(node))
        go = "NaN" if value != value else "+Inf" if value > 0 else "-Inf"
        self.doc.problems.append(_problem(
            "SL004", f"{node.value} is not a number Docker can validate (json: unsupported value: {go}); quote "
            "it if it is text", self.range(node), path))

    def fail(self, message: str, r: Range, path: YamlPath) -> None:
        if not self.stopped:
            self.doc.problems.append(_problem("SL001", message, r, path))
        self.stopped = True

    def walk(self, node, path: YamlPath, depth: int, where=None):
        """The value of node. where: for a collection's item, how to find an alias for it in the
        text (see _cursor), worked out only when needed; an item already walked is an alias."""
        if where is not None:  # checked here, not in a call of its own: once per collection item
            if id(node) in self.active:
                self.fail("recursive alias: it refers to a node that contains it (Docker: \"anchor value "
                          "contains itself\")", self._alias_at(self._cursor(where)), path)
                return None
            size = None if self.in_alias else self.sizes.get(id(node))
            if size is not None:
                return self._expand(node, path, depth, where, size)
        if not self.in_alias:
            self.decodes += 1
        if depth > MAX_DEPTH:
            if self.in_alias:  # the text is shallower: point at the alias that nests it
                self.fail(f"nesting deeper than {MAX_DEPTH} levels through aliases; stopped reading here",
                          self._alias_at(self._cursor(self.expanding)), path)
            else:
                self.fail(f"nesting deeper than {MAX_DEPTH} levels; stopped reading here", self.range(node), path)
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        key = id(node)
        if key in self.active:
            self.fail("recursive alias: this node contains itself", self.range(node), path)
            return None
        before = self.decodes
        self.active.add(key)
        try:
            if isinstance(node, MappingNode):
                return self.mapping(node, path, depth)
            return self.sequence(node, path, depth)
        finally:
            self.active.discard(key)
            if not self.in_alias:
                self.sizes.setdefault(key, self.decodes - before + 1)

    def scalar(self, node, path: YamlPath):
        """A scalar's value as go-yaml types it (sequence() and mapping() type the common
        strings themselves, without the call)."""
        tag = node.ctag
        if tag == _PLAIN:
            value = self.plain(node.value)
            if value.__class__ is str:
                return value
            if node.style:  # `! "1"`: libyaml marks a quoted scalar tagged `!` plain; go-yaml keeps a string
                return node.value
        elif tag == _QUOTED:
            return node.value
        elif tag == _NON_SPECIFIC:  # `! text`: typed as if untagged, by its own style
            value = node.value if node.style else resolve_plain(node.value)
        else:
            try:
                value = resolve_tagged(str(tag), node.value)
            except TagError as err:
                self.fail(str(err), self.range(node), path)
                return None
        if value.__class__ is float and (value != value or value in _INFINITIES):
            self._not_json(value, node, path)
        return value

    def plain(self, text: str):
        """resolve_plain(text), remembered for the rest of the walk (up to _TYPED_MAX texts)
        unless it is NaN or an infinity: a remembered value is a plain scalar's value as it is
        (sequence() and mapping() read self.typed), the others are reported where written."""
        value = self.typed.get(text, _UNTYPED)
        if value is _UNTYPED:
            value = resolve_plain(text)
            if len(self.typed) < _TYPED_MAX and not (
                    value.__class__ is float and (value != value or value in _INFINITIES)):
                self.typed[text] = value
        return value

    def _check_key(self, knode, path: YamlPath) -> None:
        """Docker cannot hand a non-string key below the top level to its schema validator.
        Called for a plain key text not yet known to type as a string."""
        raw = knode.value
        if self.plain(raw).__class__ is str:
            if len(self.string_keys) < _TYPED_MAX:
                self.string_keys.add(raw)
            return
        self.doc.problems.append(_problem(
            "SL004", f"mapping key {raw} is not a string; quote it (\"{raw}\")", self.range(knode),
            path + (raw,)))

    def _expand(self, node, path: YamlPath, depth: int, where, size: int):
        """Walk an alias of node (already walked, size decode steps), if go-yaml admits it."""
        if not self._admit(size, where, path):
            return None
        if not self.in_alias:
            self.expanding = where
        self.in_alias += 1
        try:
            return self.walk(node, path, depth)
        finally:
            self.in_alias -= 1

    def _admit(self, size: int, where, path: YamlPath) -> bool:
        """Count an alias the way go-yaml does (itself and its whole expansion), before expanding it.

        Within one expansion the aliased share only grows, so judging its end is judging every step.
        """
        self.decodes += 1 + size
        self.aliased += size
        if self.aliased > 100 and self.decodes > 1000 and \
                self.aliased > self.decodes * _allowed_alias_ratio(self.decodes):
            self.fail(f"excessive aliasing: this alias expands to {size:,} nodes and {self.aliased:,} of the "
                      f"document's {self.decodes:,} come from aliases (a YAML alias bomb?); Docker refuses "
                      "the file (\"document contains excessive aliasing\")", self._alias_at(self._cursor(where)), path)
            return False
        return True

    def _cursor(self, where) -> int:
        """Where to look for an alias: after a mapping key (a node), at item i of a sequence
        ((node, i): after the item before it), or at a text offset (int)."""
        if isinstance(where, int):
            return where
        if isinstance(where, tuple):
            seq, i = where
            cursor = seq.start_mark.index
            for item in seq.value[:i]:
                cursor = self._after(item, cursor)
            return cursor
        return where.end_mark.index

    def _alias_at(self, cursor: int) -> Range:
        m = _ALIAS_TOKEN.search(self.doc.text, cursor)
        start = self.positions.of_index(m.start() if m else cursor)
        end = self.positions.of_index(m.end()) if m and start.line == self.positions.of_index(m.end()).line \
            else start
        return Range(start, end)

    def sequence(self, node: SequenceNode, path: YamlPath, depth: int) -> list:
        out = []
        spans = self.doc.spans
        typed_get = self.typed.get
        deeper = depth + 1
        # scalars are most of the nodes: typed here as in walk(), without a call each
        inline = deeper <= MAX_DEPTH
        counting = not self.in_alias  # decode steps as in mapping()
        steps = 0
        for i, item in enumerate(node.value):
            p = path + (i,)
            spans[p] = (None, item)
            # No alias accounting for scalars: they cannot multiply. The tag tells the common
            # scalars apart (our resolver's own strings: a written `!plain` is another object).
            if inline:
                tag = item.ctag
                if tag is _PLAIN and not item.style:
                    value = typed_get(item.value, _UNTYPED)  # as plain(), without the call
                    out.append(self.scalar(item, p) if value is _UNTYPED else value)
                    steps += 1
                    continue
                if tag is _QUOTED:
                    out.append(item.value)
                    steps += 1
                    continue
                if isinstance(item, ScalarNode):
                    out.append(self.scalar(item, p))
                    steps += 1
                    continue
            if counting:
                self.decodes += steps
            steps = 0
            if isinstance(item, ScalarNode):
                out.append(self.walk(item, p, deeper))
            else:
                out.append(self.walk(item, p, deeper, (node, i)))
        if counting:
            self.decodes += steps
        return out

    def _after(self, item, cursor: int) -> int:
        """The text position after an item: its end, or after its alias when it is one."""
        if item.start_mark.index >= cursor:
            return item.end_mark.index
        m = _ALIAS_TOKEN.search(self.doc.text, cursor)
        return m.end() if m else cursor

    def mapping(self, node: MappingNode, path: YamlPath, depth: int) -> dict:
        out: dict = {}
        merges = []
        spans = self.doc.spans
        typed_get = self.typed.get
        string_keys = self.string_keys
        inline = depth + 1 <= MAX_DEPTH
        idents = self._key_idents(node) if self.alias_keys else None
        # ident -> index of its first pair, where keys compare by ident (the alias case only)
        seen = {} if idents is not None else None
        # go-yaml's decode steps for the keys and scalar values here, added to self.decodes before
        # anything below reads it (a nested collection) and at the end: the same counts at every
        # read, without an attribute update per node. Outside aliases only, as in walk().
        counting = not self.in_alias
        steps = 0
        for i, pair in enumerate(node.value):
            knode, vnode = pair
            if not isinstance(knode, ScalarNode):
                steps += 1
                if id(knode) in self.active:
                    self.fail("recursive alias: this key is a node that contains it (Docker: \"anchor value "
                              "contains itself\")", self._alias_at(_written_after(node, i)), path)
                else:
                    self._complex_key(knode, path)
                continue
            raw = knode.value
            if idents is None:  # keys compare by text: a repeat is a key already read (or a `<<`)
                if raw in out or raw == "<<" and merges:
                    self._duplicate(node, i, raw, _key_index(node, raw), path)
                    continue
            else:  # an alias whose value repeats a key is no duplicate: it replaces the value
                first = seen.setdefault(idents[i], i)
                if first != i:
                    self._duplicate(node, i, idents[i], first, path)
                    continue
            if raw == "<<" and (idents is None or idents[i] is raw) and _is_merge_key(knode):  # the cheap test first
                merges.append(pair)
                continue
            if raw not in string_keys and not knode.style and path:
                self._check_key(knode, path)
            p = path + (raw,)
            spans[p] = pair  # the composer's (key node, value node) tuple itself
            if inline:  # as in sequence(); go-yaml decodes every key too (the 2 steps)
                tag = vnode.ctag
                if tag is _PLAIN and not vnode.style:
                    value = typed_get(vnode.value, _UNTYPED)
                    out[raw] = self.scalar(vnode, p) if value is _UNTYPED else value
                    steps += 2
                    continue
                if tag is _QUOTED:
                    out[raw] = vnode.value
                    steps += 2
                    continue
                if isinstance(vnode, ScalarNode):
                    out[raw] = self.scalar(vnode, p)
                    steps += 2
                    continue
            steps += 1
            if counting:
                self.decodes += steps
            steps = 0
            if isinstance(vnode, ScalarNode):
                out[raw] = self.walk(vnode, p, depth + 1)
            else:
                out[raw] = self.walk(vnode, p, depth + 1, knode)
        if counting:
            self.decodes += steps
        if merges:
            if counting:
                self.decodes += len(node.value)  # go-yaml decodes the keys once more to merge
            self._merge(out, merges, path, depth, self._is_string_map(node))
        return out

    def _is_string_map(self, node: MappingNode) -> bool:
        """go-yaml's isStringMap: every key a string (or `<<`), so it decodes into map[string]."""
        string_keys = self.string_keys
        for knode, _ in node.value:
            if not isinstance(knode, ScalarNode):
                return False
            tag = knode.ctag
            if tag == _PLAIN and knode.value not in string_keys and self.plain(knode.value).__class__ is not str:
                return False
            if tag not in (_PLAIN, _QUOTED, _STR_TAG, _MERGE_TAG):
                return False
        return True

    def _merge(self, out: dict, merges: list, path: YamlPath, depth: int, string_keys: bool) -> None:
        # Explicit keys win over merged ones; earlier merge sources win over later ones.
        # string_keys: the mapping merged into has only string keys; go-yaml then drops a
        # merged null key and refuses a merged list or mapping as a key.
        sources = []
        for knode, m in merges:
            cursor = knode.end_mark.index
            if isinstance(m, SequenceNode) and m.start_mark.index < cursor:
                # an alias of a list: go-yaml merges a list of mappings only as written there
                self.fail("a merge key (<<) needs a mapping or a list of mappings (an alias of a list "
                          "is neither)", self._alias_at(cursor), path)
                continue
            for src in (m.value if isinstance(m, SequenceNode) else [m]):
                sources.append((src, cursor))
                cursor = self._after(src, cursor)
        for src, cursor in sources:
            if not isinstance(src, MappingNode):
                self.fail("a merge key (<<) needs a mapping or a list of mappings", self.range(src), path)
                continue
            if id(src) in self.active:
                self.fail("recursive alias: it refers to a node that contains it (Docker: \"anchor value "
                          "contains itself\")", self._alias_at(cursor), path)
                continue
            size = None if self.in_alias else self.sizes.get(id(src))
            if size is not None:  # an alias
                if not self._admit(size, cursor, path):
                    continue
                if not self.in_alias:
                    self.expanding = cursor
                self.in_alias += 1
            self.active.add(id(src))
            try:
                if size is None and not self.in_alias:  # written here: go-yaml checks its keys here
                    self._check_duplicates(src, path)
                for knode, vnode in src.value:
                    if not isinstance(knode, ScalarNode):
                        self._complex_key(knode, path)
                        continue
                    raw = knode.value
                    if raw in out or _is_merge_key(knode):
                        continue
                    if string_keys and knode.ctag == _PLAIN and self.plain(raw) is None:
                        continue
                    p = path + (raw,)
                    self.doc.spans[p] = (knode, vnode)
                    out[raw] = self.walk(vnode, p, depth + 1, knode)
                # nested merges inside the source mapping
                inner = [(k, v) for k, v in src.value if _is_merge_key(k)]
                if inner:
                    self._merge(out, inner, path, depth, string_keys)
            finally:
                self.active.discard(id(src))
                if size is not None:
                    self.in_alias -= 1

    def _check_duplicates(self, node: MappingNode, path: YamlPath) -> None:
        seen: dict = {}
        idents = self._key_idents(node)
        for i, (knode, _) in enumerate(node.value):
            if isinstance(knode, ScalarNode):
                first = seen.setdefault(idents[i], i)
                if first != i:
                    self._duplicate(node, i, idents[i], first, path)

    def _key_idents(self, node: MappingNode) -> list:
        """Each key of node as go-yaml compares keys for duplicates: its text, or for an alias
        (`*name`) the alias, which equals only the same alias. `<<` is a key like the others.
        An alias's node is the anchor's, written before the place of the key."""
        idents = []
        after = node.start_mark.index
        for knode, vnode in node.value:
            ident = knode.value if isinstance(knode, ScalarNode) else None
            if knode.start_mark.index < after:
                m = _ALIAS_TOKEN.search(self.doc.text, after)
                ident = ("*", m.group()[1:] if m else "")
            idents.append(ident)
            after = max(after, knode.end_mark.index, vnode.end_mark.index)
        return idents

    def _duplicate(self, node: MappingNode, i: int, ident, first: int, path: YamlPath) -> None:
        """SL002 for key i of node, a repeat of key first (go-yaml's message; an alias is named
        and placed as written)."""
        knode = node.value[i][0]
        if isinstance(ident, tuple):
            name, where = ident[1], self._alias_at(_written_after(node, i))
            line = self._alias_at(_written_after(node, first)).start.line
        else:
            name, where, line = ident, self.range(knode), node.value[first][0].start_mark.line
        self.doc.problems.append(Diagnostic(
            code="SL002", message=f'mapping key "{name}" already defined at line {line + 1}',
            severity=Severity.ERROR, range=where, path=path + (knode.value,), stage="load"))

    def _complex_key(self, knode, path: YamlPath) -> None:
        self.doc.problems.append(_problem(
            "SL004", "a mapping key must be a plain string, not a "
            + ("mapping" if isinstance(knode, MappingNode) else "list"), self.range(knode), path))


def _key_index(mapping: MappingNode, text: str) -> int:
    """The index of the first pair of mapping whose key is the scalar text."""
    return next(i for i, (knode, _) in enumerate(mapping.value) if isinstance(knode, ScalarNode) and knode.value == text)


def _written_after(mapping: MappingNode, i: int) -> int:
    """Where the text of pair i of mapping can start: after the mapping's start and every
    earlier pair."""
    after = mapping.start_mark.index
    for knode, vnode in mapping.value[:i]:
        after = max(after, knode.end_mark.index, vnode.end_mark.index)
    return after


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _is_merge_key(node) -> bool:
    # go-yaml's isMerge: `<<` untagged, tagged `!` or `!!merge` (a quoted "<<" is a string)
    return isinstance(node, ScalarNode) and node.value == "<<" and node.ctag in (_PLAIN, _MERGE_TAG)


class _UntypedResolver:
    """Leaves typing to scalars.py: ruamel's own resolver is YAML 1.2 and costs more than parsing.

    What the C composer asks of its resolver (never its __init__); the pure loader adds ruamel's
    BaseResolver (pure_yaml.py), which a plain lint need not import (it imports datetime)."""

    @staticmethod
    def resolve(kind, value, implicit):
        # kind is the class the C composer is about to build: ours (below) or ruamel's. Called
        # for every node: the identity test spares most of them the subclass check. Static:
        # looked up per node, a plain function is not bound to a new method object first.
        if kind is _Scalar or issubclass(kind, ScalarNode):
            plain, quoted = implicit
            return _PLAIN if plain else _QUOTED if quoted else _NON_SPECIFIC
        return "!seq" if issubclass(kind, SequenceNode) else "!map"

    # Path-dependent resolution is not used. Both are called for every node (by the C composer
    # too): builtins that take the same arguments and do nothing with them cost a fraction of an
    # empty Python method (a tenth of composing a big file).
    descend_resolver = staticmethod(operator.is_)
    ascend_resolver = staticmethod(tuple)


# The C composer builds nodes through these Python classes; ruamel's versions wrap every tag
# in a Tag object, which costs a third of the parse. Same classes, minus that wrapping, and
# storing only what is read: the C composer passes no comment or anchor, and nothing reads
# them (class-level None keeps ruamel's repr working). One store a line: assigning four names
# from a tuple builds and unpacks the tuple (13% of a constructor that runs for every node).
class _Scalar(ScalarNode):
    __slots__ = ()
    comment = anchor = None

    def __init__(self, tag, value, start_mark, end_mark, style=None):
        self.ctag = tag
        self.value = value
        self.style = style
        self.start_mark = start_mark
        self.end_mark = end_mark


class _Sequence(SequenceNode):
    __slots__ = ()
    comment = anchor = None

    def __init__(self, tag, value, start_mark, end_mark, flow_style=None):
        self.ctag = tag
        self.value = value
        self.flow_style = flow_style
        self.start_mark = start_mark
        self.end_mark = end_mark


class _Mapping(MappingNode):
    __slots__ = ()
    comment = anchor = merge = None

    def __init__(self, tag, value, start_mark, end_mark, flow_style=None):
        self.ctag = tag
        self.value = value
        self.flow_style = flow_style
        self.start_mark = start_mark
        self.end_mark = end_mark


_FAST_NODES = (_Scalar, _Sequence, _Mapping)
_RESOLVER = _UntypedResolver()
_SWAP_LOCK = allocate_lock()
if _ruamel_yaml is not None:
    class _CComposer(_ruamel_yaml.CParser, _UntypedResolver):
        """The C reader, scanner, parser and composer, typing nothing: what ruamel's
        YAML(typ="safe").compose_all composes with, minus the constructor it never calls."""

    _yaml = None  # the pure loader, where there is no C composer
else:
    from .pure_yaml import make_loader

    _yaml = make_loader(_UntypedResolver)


def too_large(size: int, exact: bool = True) -> Diagnostic:
    """SL001 for a file over MAX_BYTES (exact=False: a stream, read only up to the limit)."""
    # exact bytes: "20.0 MiB; up to 20 MiB" read like a contradiction near the limit
    what = f"file is {size:,} bytes" if exact else f"input is over {MAX_BYTES:,} bytes"
    return _problem("SL001", f"{what}; stacklint reads stack files up to {MAX_BYTES:,} bytes "
                    f"({MAX_BYTES // 1048576} MiB)",
                    Range.of(0, 0, 0, 0))


def parse(text: str) -> Document:
    """Parse a stack file. Never raises: every problem becomes a diagnostic on the document."""
    if text.startswith("\ufeff"):
        # A byte-order mark is not content: libyaml skips it and editors do not show it, so
        # positions are counted without it (blanking it instead would indent line 1).
        text = text[1:]
    doc = Document(text=text)
    if len(text) * 4 > MAX_BYTES:  # only then can the UTF-8 size pass the limit
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_BYTES:
            doc.problems.append(too_large(size))
            doc.failed = True
            return doc
    positions = _Positions(text)
    doc.spans.node_range = positions.range
    doc.spans._positions = positions
    nul = text.find("\x00")
    if nul >= 0:
        at = positions.of_index(nul)
        doc.problems.append(_problem("SL001", "NUL byte in the file: a stack file is text",
                                     Range.of(at.line, at.column, at.line, at.column + 1)))
        doc.failed = True
        return doc
    version = go_yaml.version_problem(text)
    if version is not None:
        message, offset = version
        at = positions.of_index(offset)
        doc.problems.append(_problem("SL001", message, Range.of(at.line, at.column, at.line, at.column + 5)))
        doc.failed = True
        return doc
    depth, deepest = estimate_depth(text, MAX_TEXT_DEPTH)
    if depth > MAX_TEXT_DEPTH:
        at = positions.of_index(deepest)
        doc.problems.append(_problem(
            "SL001", f"nesting about {depth} levels deep; stacklint does not read files nested deeper "
            f"than {MAX_DEPTH} levels", Range.of(at.line, at.column, at.line, at.column + 1)))
        doc.failed = True
        return doc
    # The node tree is large and acyclic; the cyclic GC only slows its construction down.
    with gc_paused():
        return _parse(doc, text, positions)


def _parse(doc: Document, text: str, positions: _Positions) -> Document:
    try:
        root = _first_document(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = err.problem or err.context or "invalid YAML"
        if err.context and err.problem:
            message = f"{err.context}: {err.problem}"
        r = positions.char(mark) if mark is not None else Range.of(0, 0, 0, 0)
        doc.problems.append(_problem("SL001", _clean(message), r))
        doc.failed = True
        return doc
    except (YAMLError, ValueError, UnicodeError) as err:
        if not _is_reader_error(err):
            doc.problems.append(_problem("SL001", _clean(str(err)), Range.of(0, 0, 0, 0)))
            doc.failed = True
            return doc
        # A character YAML forbids. Its position is a byte offset in the C reader and a character
        # index in the pure one; the first occurrence of that character is where both stopped.
        found = text.find(chr(err.character)) if isinstance(err.character, int) else -1
        at = positions.of_index(max(found, 0))
        doc.problems.append(_problem(
            "SL001", f"control character U+{err.character:04X} is not allowed in YAML" if found >= 0
            else _clean(str(err)), Range.of(at.line, at.column, at.line, at.column + (found >= 0))))
        doc.failed = True
        return doc
    if root is None:
        doc.data = None
        doc.spans[()] = Span(None, Range.of(0, 0, 0, 0))
        return doc
    walker = _Walker(doc, positions)
    doc.spans[()] = (None, root)
    doc.data = walker.walk(root, (), 0)
    doc.alias_counts = (walker.decodes, walker.aliased)
    if walker.stopped:
        doc.failed = True
    if len(text) > COMPACT_ABOVE:
        doc.spans.compact()
    return doc


def _is_reader_error(err: Exception) -> bool:
    """Whether err is ruamel's ReaderError (a character YAML forbids). Its module is imported only
    once the reader raises one (ruamel_c.py): before that, no error can be one."""
    reader = sys.modules.get("ruamel.yaml.reader")
    return reader is not None and isinstance(err, reader.ReaderError)


def alias_links(text: str):
    """The (anchor offset, alias offset) pairs of the first document, from the parser's events,
    as go-yaml links them: an alias names the latest definition of its anchor before it.
    False when the events cannot be read."""
    events = _c_events(text) if _ruamel_yaml is not None else _yaml.parse(text)
    defined: dict[str, int] = {}
    links: list[tuple[int, int]] = []
    marks = 0  # document start and end events seen
    try:
        for event in events:
            anchor = getattr(event, "anchor", None)
            if isinstance(event, AliasEvent):
                if anchor not in defined:
                    return False
                links.append((defined[anchor], event.start_mark.index))
            elif anchor is not None:
                defined[anchor] = event.start_mark.index  # the node starts at its `&`
            if isinstance(event, (DocumentStartEvent, DocumentEndEvent)):
                marks += 1
                if marks == 2:  # Docker reads the first document only
                    break
    except (YAMLError, ValueError, UnicodeError):
        return False
    finally:
        if _ruamel_yaml is None:
            events.close()  # the pure loader's generator: its parser disposed of now
            _release_loader()
    return links


def _c_events(text: str):
    parser = _ruamel_yaml.CParser(text)
    try:
        while True:
            event = parser.get_event()
            yield event
            if isinstance(event, StreamEndEvent):
                return
    finally:
        parser.dispose()


def split_lines(text: str) -> list[str]:
    """The lines every position of stacklint counts: split where editors and LSP do (\n, \r\n,
    \r; str.splitlines also splits at \v, \f, \x1c-\x1e, NEL, LS and PS); like splitlines, no
    empty line after a final newline."""
    # str.split is a memchr loop, several times faster than the pattern; most files have no \r
    lines = text.split("\n") if "\r" not in text else _EDITOR_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def _first_document(text: str):
    if _ruamel_yaml is None:
        return _first_node(text)
    # The node classes are globals of the C module: swap ours in only while we compose, so
    # other users of ruamel's C loader in this process keep ruamel's own classes.
    with _SWAP_LOCK:
        saved = _ruamel_yaml.ScalarNode, _ruamel_yaml.SequenceNode, _ruamel_yaml.MappingNode
        _ruamel_yaml.ScalarNode, _ruamel_yaml.SequenceNode, _ruamel_yaml.MappingNode = _FAST_NODES
        try:
            return _compose_as_docker(text)
        finally:
            _ruamel_yaml.ScalarNode, _ruamel_yaml.SequenceNode, _ruamel_yaml.MappingNode = saved


# Rewrites after which libyaml may still stop (go_yaml.Rewrite.fix; one colon each, after the
# first pass, in forms like `[a :b]`); past this, its error stands.
_MAX_REWRITES = 200


def _compose_as_docker(text: str):
    """The C composer's tree, bridged where libyaml 0.1.7 and go-yaml differ (see go_yaml.py).
    Ordinary files are composed once, as they are."""
    rewrite = go_yaml.Rewrite(text)
    if go_yaml.BOM in text:
        rewrite.replace_boms()
    by_events = False
    for attempt in range(_MAX_REWRITES + 1):
        source = rewrite.text
        try:
            root = _compose_events(source) if by_events else _first_node(source)
            if root is not None and go_yaml.has_text_after(source, root.end_mark.index):
                _scan_past_first_document(source)
        except MarkedYAMLError as err:
            if attempt < _MAX_REWRITES and rewrite.fix(err):
                continue
            if go_yaml.is_duplicate_anchor(err) and not by_events:
                by_events = True
                continue
            raise
        if root is not None and "\\/" in text:
            slash = go_yaml.escaped_slash(root, text)
            if slash is not None:
                raise go_yaml.unknown_escape(text, slash)
        rewrite.restore(root)
        return root


def _scan_past_first_document(text: str) -> None:
    parser = _ruamel_yaml.CParser(text)
    try:
        go_yaml.scan_past_first_document(parser)
    finally:
        parser.dispose()


def _compose_events(text: str):
    parser = _ruamel_yaml.CParser(text)
    try:
        root = go_yaml.compose_events(parser, _Scalar, _Sequence, _Mapping, _RESOLVER.resolve)
        if root is not None:
            parser.get_event()  # the document's end, as the C composer reads it
        return root
    finally:
        parser.dispose()


def _first_node(text: str):
    # Docker's yaml.Unmarshal reads the first document of the stream only.
    if _ruamel_yaml is not None:
        composer = _CComposer(text)
        try:
            return composer.get_node() if composer.check_node() else None
        finally:
            composer.dispose()
    try:
        for node in _yaml.compose_all(text):
            return node
        return None
    finally:
        _release_loader()


def _release_loader() -> None:
    """The (module-global) pure loader keeps the last stream (the text) and appends a DocInfo
    per load: in the editor, a closed 18 MiB document stayed in memory, and every keystroke
    added an object. Drop them. (Its parser keeps reading its scanner through the instance:
    the scanner stays, or the next parse finds none.)"""
    infos = getattr(_yaml, "doc_infos", None)
    if infos:
        infos.clear()
    if getattr(_yaml, "_stream", None) is not None:
        _yaml._stream = None


def _clean(message: str) -> str:
    return " ".join(message.replace('in "<unicode string>"', "").split())

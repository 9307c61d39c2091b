"""Text -> positioned node tree -> plain data. The only module that imports ruamel.

The file is composed once with ruamel's C-backed composer (where ruamel.yaml.clib is not
installed, with ruamel's pure-Python one: see pure_yaml.py); one walk over the node tree then
builds the plain data (typed the way Docker's go-yaml v3 types it, with `<<` merges applied)
and, at the same time, an index from YAML path to the key and value ranges. Positions come
from the nodes, so they are exact even inside merged or aliased content (they point at the
text that produced the value).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import gc
import threading

try:
    import _ruamel_yaml  # ruamel.yaml.clib: the fast C composer
except ImportError:
    # A pure-Python install (the VS Code extension's bundled copy): pure_yaml.py composes.
    _ruamel_yaml = None
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver

from .diagnostics import Diagnostic, Range, Severity, YamlPath
from .scalars import resolve_plain, resolve_tagged

# Hostile-input limits. A real stack file is a few hundred KiB and ten levels deep.
MAX_DEPTH = 200  # the C composer itself crashes on ~100k nested levels: refuse well before
MAX_BYTES = 20 * 1024 * 1024
ALIAS_BUDGET_MIN = 100_000  # node visits allowed beyond the file's own size (alias expansion)

# Tags our resolver gives untagged scalars; explicitly tagged nodes keep their own tag.
_PLAIN = "!plain"
_QUOTED = "!quoted"


@dataclass(frozen=True)
class Span:
    key: Optional[Range]  # None for sequence items and the root
    value: Range


class SpanIndex(dict):
    """path -> Span, built from the nodes only when asked for: most spans are never read."""

    def __getitem__(self, path):
        return _span_of(dict.__getitem__(self, path))

    def get(self, path, default=None):
        entry = dict.get(self, path)
        return default if entry is None else _span_of(entry)

    def values(self):
        return [_span_of(v) for v in dict.values(self)]

    def items(self):
        return [(k, _span_of(v)) for k, v in dict.items(self)]


def _span_of(entry) -> Span:
    if isinstance(entry, Span):
        return entry
    knode, vnode = entry
    return Span(None if knode is None else _range(knode), _range(vnode))


@dataclass
class Document:
    text: str
    data: object = None
    spans: Dict[YamlPath, Span] = field(default_factory=SpanIndex)
    problems: List[Diagnostic] = field(default_factory=list)
    # True when the text could not be turned into data at all (the checks then have nothing to read).
    failed: bool = False
    _lines: Optional[List[str]] = None

    @property
    def lines(self) -> List[str]:
        if self._lines is None:
            self._lines = self.text.splitlines() or [""]
        return self._lines

    def span(self, path: YamlPath) -> Optional[Span]:
        return self.spans.get(tuple(path))

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


def _range(node) -> Range:
    s, e = node.start_mark, node.end_mark
    return Range.of(s.line, s.column, e.line, e.column)


def _problem(code: str, message: str, r: Range, path: YamlPath = ()) -> Diagnostic:
    # Everything the reader refuses, Docker's loader refuses too.
    return Diagnostic(code=code, message=message, severity=Severity.ERROR, range=r, path=path, stage="load")


_FLOW_BRACKETS = re.compile(r"[\[\]{}]")
_BLOCK_PREFIX = re.compile(r"[ \t]*((?:-[ \t]+)*)")


_LINE_PREFIX = re.compile(r"^[ \t-]*", re.M)


def estimate_depth(text: str, limit: int = 0) -> int:
    """An over-estimate of the nesting depth, cheap enough to run before the C composer.

    Flow brackets are counted without regard to quotes and block levels from indentation,
    so the figure can only be too high, never too low. Each block level needs one more
    column of indentation or a `- `, so twice the longest line prefix bounds the block depth;
    only when that bound exceeds limit are the levels counted line by line.
    """
    depth = best = 0
    for m in _FLOW_BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > best:
                best = depth
        elif depth:
            depth -= 1
    flow = best
    widest = max((len(m) for m in _LINE_PREFIX.findall(text)), default=0)
    if flow + 2 * (widest + 1) <= limit:
        return flow + 2 * (widest + 1)
    stack: List[int] = []
    best = 0
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if not stripped or stripped[0] == "#":
            continue
        indent = len(line) - len(stripped)
        while stack and stack[-1] >= indent:
            stack.pop()
        stack.append(indent)
        dashes = _BLOCK_PREFIX.match(line).group(1).count("-")
        level = len(stack) + dashes
        if level > best:
            best = level
    return flow + best


class _Walker:
    def __init__(self, doc: Document, budget: int):
        self.doc = doc
        self.budget = budget
        self.active: set = set()  # node ids on the current path: recursive aliases
        self.stopped = False

    def fail(self, message: str, node, path: YamlPath) -> None:
        if not self.stopped:
            self.doc.problems.append(_problem("SL001", message, _range(node), path))
        self.stopped = True

    def walk(self, node, path: YamlPath, depth: int):
        self.budget -= 1
        if self.budget < 0:
            self.fail("alias expansion is too large (a YAML alias bomb?); stopped reading here", node, path)
            return None
        if depth > MAX_DEPTH:
            self.fail(f"nesting deeper than {MAX_DEPTH} levels; stopped reading here", node, path)
            return None
        if isinstance(node, ScalarNode):
            tag = node.ctag
            if tag == _PLAIN:
                return resolve_plain(node.value)
            if tag == _QUOTED:
                return node.value
            return resolve_tagged(str(tag), node.value)
        key = id(node)
        if key in self.active:
            self.fail("recursive alias: this node contains itself", node, path)
            return None
        self.active.add(key)
        try:
            if isinstance(node, MappingNode):
                return self.mapping(node, path, depth)
            return self.sequence(node, path, depth)
        finally:
            self.active.discard(key)

    def sequence(self, node: SequenceNode, path: YamlPath, depth: int) -> list:
        out = []
        spans = self.doc.spans
        for i, item in enumerate(node.value):
            p = path + (i,)
            spans[p] = (None, item)
            out.append(self.walk(item, p, depth + 1))
        return out

    def mapping(self, node: MappingNode, path: YamlPath, depth: int) -> dict:
        out: dict = {}
        seen: dict = {}
        merges = []
        spans = self.doc.spans
        for knode, vnode in node.value:
            if _is_merge_key(knode):
                merges.append(vnode)
                continue
            if not isinstance(knode, ScalarNode):
                self.doc.problems.append(_problem(
                    "SL004", "a mapping key must be a plain string, not a "
                    + ("mapping" if isinstance(knode, MappingNode) else "list"), _range(knode), path))
                continue
            raw = knode.value
            first = seen.get(raw)
            if first is not None:
                self.doc.problems.append(Diagnostic(
                    code="SL002",
                    message=f'mapping key "{raw}" already defined at line {first.start_mark.line + 1}',
                    severity=Severity.ERROR, range=_range(knode), path=path + (raw,), stage="load"))
                continue
            seen[raw] = knode
            if not knode.style and path and not isinstance(resolve_plain(raw), str):
                # Docker cannot hand a non-string key below the top level to its schema validator.
                self.doc.problems.append(_problem(
                    "SL004", f"mapping key {raw} is not a string; quote it (\"{raw}\")", _range(knode), path + (raw,)))
            p = path + (raw,)
            spans[p] = (knode, vnode)
            out[raw] = self.walk(vnode, p, depth + 1)
        if merges:
            self._merge(out, merges, path, depth)
        return out

    def _merge(self, out: dict, merges: list, path: YamlPath, depth: int) -> None:
        # Explicit keys win over merged ones; earlier merge sources win over later ones.
        sources = []
        for m in merges:
            if isinstance(m, SequenceNode):
                sources.extend(m.value)
            else:
                sources.append(m)
        for src in sources:
            if not isinstance(src, MappingNode):
                self.fail("a merge key (<<) needs a mapping or a list of mappings", src, path)
                continue
            for knode, vnode in src.value:
                if not isinstance(knode, ScalarNode):
                    continue
                raw = knode.value
                if raw in out or _is_merge_key(knode):
                    continue
                p = path + (raw,)
                self.doc.spans[p] = (knode, vnode)
                out[raw] = self.walk(vnode, p, depth + 1)
            # nested merges inside the source mapping
            inner = [v for k, v in src.value if _is_merge_key(k)]
            if inner:
                self._merge(out, inner, path, depth)


def _is_merge_key(node) -> bool:
    return isinstance(node, ScalarNode) and node.ctag == _PLAIN and node.value == "<<"


class _UntypedResolver(BaseResolver):
    """Leaves typing to scalars.py: ruamel's own resolver is YAML 1.2 and costs more than parsing."""

    def __init__(self, version=None, loader=None, loadumper=None):
        BaseResolver.__init__(self, loadumper=loadumper or loader)

    def resolve(self, kind, value, implicit):
        # kind is the class the C composer is about to build: ours (below) or ruamel's.
        if issubclass(kind, ScalarNode):
            return _PLAIN if implicit[0] else _QUOTED
        return "!seq" if issubclass(kind, SequenceNode) else "!map"

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


# The C composer builds nodes through these Python classes; ruamel's versions wrap every tag
# in a Tag object, which costs a third of the parse. Same classes, minus that wrapping.
class _Scalar(ScalarNode):
    __slots__ = ()

    def __init__(self, tag, value, start_mark=None, end_mark=None, style=None, comment=None, anchor=None):
        self.ctag, self.value, self.style, self.anchor = tag, value, style, anchor
        self.start_mark, self.end_mark, self.comment = start_mark, end_mark, comment


class _Sequence(SequenceNode):
    __slots__ = ()

    def __init__(self, tag, value, start_mark=None, end_mark=None, flow_style=None, comment=None, anchor=None):
        self.ctag, self.value, self.flow_style, self.anchor = tag, value, flow_style, anchor
        self.start_mark, self.end_mark, self.comment = start_mark, end_mark, comment


class _Mapping(MappingNode):
    __slots__ = ()

    def __init__(self, tag, value, start_mark=None, end_mark=None, flow_style=None, comment=None, anchor=None):
        self.ctag, self.value, self.flow_style, self.anchor = tag, value, flow_style, anchor
        self.start_mark, self.end_mark, self.comment = start_mark, end_mark, comment
        self.merge = None


_FAST_NODES = (_Scalar, _Sequence, _Mapping)
_SWAP_LOCK = threading.Lock()
if _ruamel_yaml is not None:
    _yaml = YAML(typ="safe", pure=False)
    _yaml.Resolver = _UntypedResolver
else:
    from .pure_yaml import make_loader

    _yaml = make_loader(_UntypedResolver)


def parse(text: str) -> Document:
    """Parse a stack file. Never raises: every problem becomes a diagnostic on the document."""
    doc = Document(text=text)
    if text.startswith("\ufeff"):
        # A byte-order mark is not content; keep columns of line 1 exact by blanking it.
        text = " " + text[1:]
        doc.text = text
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        doc.problems.append(_problem(
            "SL001", f"file is {size / 1048576:.1f} MiB; stacklint reads stack files up to "
            f"{MAX_BYTES // 1048576} MiB", Range.of(0, 0, 0, 0)))
        doc.failed = True
        return doc
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul)
        col = nul - (text.rfind("\n", 0, nul) + 1)
        doc.problems.append(_problem("SL001", "NUL byte in the file: a stack file is text",
                                     Range.of(line, col, line, col + 1)))
        doc.failed = True
        return doc
    if estimate_depth(text, MAX_DEPTH) > MAX_DEPTH:
        doc.problems.append(_problem(
            "SL001", f"nesting deeper than {MAX_DEPTH} levels; stacklint does not read such files",
            Range.of(0, 0, 0, 0)))
        doc.failed = True
        return doc
    # The node tree is large and acyclic; the cyclic GC only slows its construction down.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(doc, text)
    finally:
        if gc_was_enabled:
            gc.enable()


def _parse(doc: Document, text: str) -> Document:
    try:
        root = _first_document(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line, mark.column) if mark is not None else (0, 0)
        message = err.problem or err.context or "invalid YAML"
        if err.context and err.problem:
            message = f"{err.context}: {err.problem}"
        doc.problems.append(_problem("SL001", _clean(message), Range.of(line, col, line, col + 1)))
        doc.failed = True
        return doc
    except (YAMLError, ValueError, UnicodeError) as err:
        doc.problems.append(_problem("SL001", _clean(str(err)), Range.of(0, 0, 0, 0)))
        doc.failed = True
        return doc
    if root is None:
        doc.data = None
        doc.spans[()] = Span(None, Range.of(0, 0, 0, 0))
        return doc
    line_count = text.count("\n") + 1
    walker = _Walker(doc, budget=max(ALIAS_BUDGET_MIN, 20 * line_count))
    doc.spans[()] = Span(None, _range(root))
    doc.data = walker.walk(root, (), 0)
    if walker.stopped:
        doc.failed = True
    return doc


def _first_document(text: str):
    if _ruamel_yaml is None:
        return _first_node(text)
    # The node classes are globals of the C module: swap ours in only while we compose, so
    # other users of ruamel's C loader in this process keep ruamel's own classes.
    with _SWAP_LOCK:
        saved = _ruamel_yaml.ScalarNode, _ruamel_yaml.SequenceNode, _ruamel_yaml.MappingNode
        _ruamel_yaml.ScalarNode, _ruamel_yaml.SequenceNode, _ruamel_yaml.MappingNode = _FAST_NODES
        try:
            return _first_node(text)
        finally:
            _ruamel_yaml.ScalarNode, _ruamel_yaml.SequenceNode, _ruamel_yaml.MappingNode = saved


def _first_node(text: str):
    # Docker's yaml.Unmarshal reads the first document of the stream only.
    for node in _yaml.compose_all(text):
        return node
    return None


def _clean(message: str) -> str:
    return " ".join(message.replace('in "<unicode string>"', "").split())

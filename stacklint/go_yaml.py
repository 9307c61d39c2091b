r"""Where Docker's YAML library (go-yaml v3.0.1) and the libyaml 0.1.7 inside ruamel's C composer
disagree, and how document.parse bridges each difference without leaving the C code on ordinary
files. go-yaml is a port of libyaml 0.1.x with fixes; a generated differential against
`docker stack config` (tests/test_yaml_differential.py) found these:

- A `:` inside a plain scalar in flow style (`ports: [8080:80]`, `{a:b}`, `[a:]`): content for
  go-yaml, "found unexpected ':'" for libyaml 0.1.7. Bridged by a text rewrite: each such colon
  becomes a private-use character (same length, so every position stays exact), libyaml reads
  it as content, and the scalars get their colon back before anything reads them.
- An anchor defined twice: go-yaml lets the later definition win, ruamel's C composer refuses
  the file. Bridged by composing from the C parser's events in Python (compose_events).
- A `%YAML` directive other than 1.1: go-yaml refuses the document ("found incompatible YAML
  document"); ruamel's libyaml is patched to take 1.2.
- The text after the first document: go-yaml's scanner reads two tokens further than the
  parser needs (for comments), so an error just past the first document (`...` then `%FOO`,
  or `--- |0`) refuses the file; libyaml stops at the document's end. Re-scanned only when
  there is text after the first document (scan_past_first_document).
- Tab-indented comment lines after a comment line (`# a` then `<tab># b`): go-yaml's comment
  scanner reads ahead over every blank and comment line after a comment that starts a line,
  tabs included; libyaml stops at the tab ("found character that cannot start any token").
  Bridged when libyaml stops there: those tabs become spaces (comments carry no data).
- Escapes in double-quoted scalars: go-yaml reads `\'` (a quote) and refuses `\/`; ruamel's
  libyaml does the opposite. `\'` is bridged when libyaml stops at it (it becomes the quote and
  a placeholder that the scalar then loses); `\/` is looked for after composing
  (escaped_slash), only in files that have one.
- A byte-order mark anywhere but at the very start: go-yaml reads it as a character of content;
  libyaml 0.1.7 drops it, or stops reading the document there without a word.

The decoder's differences (explicit tags, timestamps, duplicate keys as go-yaml compares them,
merges, NaN and infinity) are in document.py's walker and scalars.py.
"""
from __future__ import annotations

import re

from ruamel.yaml.error import FileMark, MarkedYAMLError
from ruamel.yaml.events import (AliasEvent, DocumentEndEvent, MappingStartEvent, ScalarEvent,
                                SequenceStartEvent, StreamEndEvent)
from ruamel.yaml.tokens import StreamEndToken

from .lazy_regex import LazyRegex

# Characters that stand in for a colon, a byte-order mark or nothing (a character to drop):
# private-use ones the text does not use.
_PLACEHOLDERS = "\ue000\ue001\ue002\ue003\uf8fe\uf8ff"

# A run of characters that can be (part of) a plain scalar and holds a colon libyaml 0.1.7
# would refuse in flow style: not at the run's start (there it is a value indicator), and
# followed by a character that is not a blank (`a:` before a blank or a line end is a key).
# Runs that start like a tag, anchor, alias, comment, quote or block scalar are left alone: a
# colon in them is not a plain scalar's. A colon this misses is found by libyaml itself (below).
_RUN = LazyRegex(r"(?<![^\s,\[\]{}])[^\s,\[\]{}!&*#%'\":|>@`][^\s,\[\]{}]*:[^\s]")
_INNER_COLON = LazyRegex(r":(?=[^\s])")
_DIRECTIVE_LINE = LazyRegex(r"^%.*$", re.M)
_VERBATIM_TAG = LazyRegex(r"!<[^>\s]*>")
_LINE_BREAK = LazyRegex(r"\r\n|\r|\n")
_ESCAPE = LazyRegex(r"\\(.)", re.S)
_QUIET_LINE = LazyRegex(r"[ \t\r]*(?:#.*)?$")  # blank, or a comment
BOM = "\ufeff"


def is_flow_colon(err: MarkedYAMLError) -> bool:
    return err.problem == "found unexpected ':'" and err.context == "while scanning a plain scalar"


def is_tab_at_token_start(err: MarkedYAMLError, text: str) -> bool:
    mark = err.problem_mark
    return (err.problem == "found character that cannot start any token" and mark is not None
            and mark.index < len(text) and text[mark.index] == "\t")


def is_unknown_escape(err: MarkedYAMLError) -> bool:
    return err.problem == "found unknown escape character" and err.problem_mark is not None


def escaped_slash(root, text: str) -> int | None:
    """Where the first `\\/` escape of a double-quoted scalar is (go-yaml refuses it), or None."""
    for node in scalars(root):
        if node.style == '"':
            for m in _ESCAPE.finditer(text, node.start_mark.index, node.end_mark.index):
                if m.group(1) == "/":
                    return m.start()
    return None


def unknown_escape(text: str, index: int) -> MarkedYAMLError:
    """go-yaml's error for an escape it does not know, at index."""
    before = text[:index]
    line = len(_LINE_BREAK.findall(before))
    column = index - max(before.rfind("\n"), before.rfind("\r")) - 1
    return MarkedYAMLError("while parsing a quoted scalar", None, "found unknown escape character",
                           FileMark(None, index, line, column))


def scalars(root):
    """Every scalar node of a tree once (keys too; an anchored node is not visited again)."""
    seen = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        value = node.value
        if isinstance(value, str):
            yield node
        elif value and isinstance(value[0], tuple):
            for pair in value:
                stack.extend(pair)
        else:
            stack.extend(value)


def is_duplicate_anchor(err: MarkedYAMLError) -> bool:
    return (err.context or "").startswith("found duplicate anchor")


class Rewrite:
    """The text libyaml is given: colons of flow-style plain scalars and byte-order marks past
    the start replaced by placeholders of the same length (so every mark stays exact), and the
    way back for the scalars built from it."""

    def __init__(self, text: str):
        self.original = self.text = text
        self.restores: dict = {}
        self.likely_colons_done = False
        self._free: list | None = None

    def _placeholder(self, i: int) -> str:
        """The i-th placeholder ("" when the text uses them all: the rewrite then gives up)."""
        if self._free is None:
            self._free = [c for c in _PLACEHOLDERS if c not in self.original]
        return self._free[i] if i < len(self._free) else ""

    colon = property(lambda self: self._placeholder(0))
    bom = property(lambda self: self._placeholder(1))
    nothing = property(lambda self: self._placeholder(2))

    def usable(self) -> bool:
        return bool(self.nothing)

    def fix(self, err: MarkedYAMLError) -> bool:
        """Rewrite the text where libyaml stopped with err, when go-yaml reads on there.
        False when it stops there too."""
        mark = err.problem_mark
        if mark is None or not self.usable():
            return False
        if is_flow_colon(err):
            if not self.likely_colons_done:
                self.likely_colons_done = True
                if self.replace_likely_colons():
                    return True
            return self.replace_colon_at(mark.index)
        if is_tab_at_token_start(err, self.text):
            return self.replace_comment_tabs(mark.index)
        if is_unknown_escape(err):
            return self.replace_quote_escape_at(mark.index)
        return False

    def replace_quote_escape_at(self, index: int) -> bool:
        r"""`\'` in a double-quoted scalar, where libyaml stopped ("found unknown escape
        character" at the backslash): go-yaml reads a quote."""
        if self.text[index:index + 2] != "\\'":
            return False
        self.text = self.text[:index] + "'" + self.nothing + self.text[index + 2:]
        self.restores[self.nothing] = ""
        return True

    def replace_boms(self) -> None:
        """go-yaml reads a byte-order mark after the first character as content (its is_bom()
        looks at the buffer's start, not at the character); libyaml skips one that starts a
        line, and then loses its place."""
        if self.usable():
            self.text = self.text.replace(BOM, self.bom)
            self.restores[self.bom] = BOM

    def replace_likely_colons(self) -> bool:
        """Every colon that is likely inside a plain scalar, in one pass (most files need no
        more). False when there was none to replace."""
        ph = self.colon
        text = _RUN.sub(lambda m: _INNER_COLON.sub(ph, m.group()), self.text)
        # A directive's colons (`%TAG ! tag:x,2000:`) and a verbatim tag's (`!<tag:x:y>`) are theirs.
        for marker, pattern in (("%", _DIRECTIVE_LINE), ("!<", _VERBATIM_TAG)):
            if marker in text:
                originals = {m.start(): m.group() for m in pattern.finditer(self.original)}
                text = pattern.sub(lambda m: originals.get(m.start(), m.group()), text)
        if text == self.text:
            return False
        self.text = text
        self.restores[ph] = ":"
        return True

    def replace_colon_at(self, index: int) -> bool:
        """The colon libyaml stopped at (the problem mark of "found unexpected ':'")."""
        if index >= len(self.text) or self.text[index] != ":":
            return False
        self.text = self.text[:index] + self.colon + self.text[index + 1:]
        self.restores[self.colon] = ":"
        return True

    def replace_comment_tabs(self, index: int) -> bool:
        """The line libyaml stopped at (a tab at index), when go-yaml's comment scanner reads over
        it: it is blank or a comment, after a comment line with only blank or comment lines
        between, and a comment follows if it is blank. Its tabs, and those of the lines up to the
        last comment of that run, become spaces. False when go-yaml stops there too."""
        text = self.text
        start = text.rfind("\n", 0, index) + 1
        lines = text[start:].split("\n")
        run = 0  # the error line and the blank or comment lines after it
        while run < len(lines) and _QUIET_LINE.match(lines[run]):
            run += 1
        last_comment = max((i for i in range(run) if lines[i].lstrip(" \t").startswith("#")), default=-1)
        if last_comment < 0 or not self._comment_line_before(start):
            return False
        end = start + sum(len(line) + 1 for line in lines[:last_comment + 1])
        self.text = text[:start] + text[start:end].replace("\t", " ") + text[end:]
        return True

    def _comment_line_before(self, start: int) -> bool:
        """Whether, going up from the line starting at start over blank lines, a comment line comes."""
        while start > 0:
            prev = self.text.rfind("\n", 0, start - 1) + 1
            line = self.text[prev:start - 1]
            if line.lstrip(" \t").startswith("#"):
                return True
            if line.strip(" \t\r"):
                return False
            start = prev
        return False

    def restore(self, root) -> None:
        """Give every scalar (values and keys) its characters back."""
        if root is None or not self.restores:
            return
        swaps = list(self.restores.items())
        for node in scalars(root):
            value = node.value
            for placeholder, char in swaps:
                if placeholder in value:
                    value = node.value = value.replace(placeholder, char)


def compose_events(parser, scalar, sequence, mapping, resolve):
    """The first document's node tree from a C parser's events, go-yaml's way: an anchor may
    be defined again, and an alias refers to the latest definition before it.

    scalar, sequence, mapping: the node classes; resolve(kind, value, implicit): the tag of an
    untagged node (document._UntypedResolver.resolve).
    """
    parser.get_event()  # stream start
    if parser.check_event(StreamEndEvent):
        return None
    parser.get_event()  # document start
    anchors: dict = {}

    def node_of(event):
        if isinstance(event, AliasEvent):
            target = anchors.get(event.anchor)
            if target is None:
                raise MarkedYAMLError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
            return target
        tag = event.tag
        if isinstance(event, ScalarEvent):
            if tag is None or tag == "!":
                tag = resolve(scalar, event.value, event.implicit)
            node = scalar(tag, event.value, event.start_mark, event.end_mark, event.style)
            if event.anchor is not None:
                anchors[event.anchor] = node
            return node
        is_seq = isinstance(event, SequenceStartEvent)
        kind = sequence if is_seq else mapping
        if tag is None or tag == "!":
            tag = resolve(kind, None, event.implicit)
        node = kind(tag, [], event.start_mark, None, event.flow_style)
        if event.anchor is not None:
            anchors[event.anchor] = node
        items = node.value
        while True:
            child = parser.get_event()
            if not isinstance(child, (ScalarEvent, AliasEvent, SequenceStartEvent, MappingStartEvent)):
                node.end_mark = child.end_mark
                return node
            if is_seq:
                items.append(node_of(child))
            else:
                key = node_of(child)
                items.append((key, node_of(parser.get_event())))

    return node_of(parser.get_event())


# The lines before the first document's content: blank lines, comments and directives.
_PROLOGUE = LazyRegex(r"(?:[ \t]*(?:#[^\n]*)?\n|%[^\n]*\n)*")
# Whitespace and comments: what may follow the first document without more scanning.
_NOTHING_MORE = LazyRegex(r"(?:\s|#[^\n]*)*")


def has_text_after(text: str, index: int) -> bool:
    if text[index:].isspace() or index >= len(text):
        return False  # the usual end of a file: the pattern is not even compiled
    return _NOTHING_MORE.match(text, index).end() < len(text)


def scan_past_first_document(parser) -> None:
    """Scan, with a fresh C parser over the same text, the tokens go-yaml's scanner reads after
    the first document (the one that ends it and two more); raises what the scanner raises."""
    event = parser.get_event()
    while not isinstance(event, DocumentEndEvent):
        event = parser.get_event()
    # An explicit end (`...`) was consumed with the event; an implicit one is still queued.
    for _ in range(2 if event.explicit else 3):
        if isinstance(parser.get_token(), StreamEndToken):
            return


_VERSION_DIRECTIVE = LazyRegex(r"^%YAML[ \t]+([0-9]+)\.([0-9]+)", re.M)


def version_problem(text: str) -> tuple | None:
    """go-yaml reads only YAML 1.1 documents: (message, character offset) for any other %YAML
    directive of the first document (ruamel's libyaml takes 1.2 as well)."""
    if "%YAML" not in text:
        return None
    prologue = text[:_PROLOGUE.match(text).end()]
    for m in _VERSION_DIRECTIVE.finditer(prologue):
        if (int(m.group(1)), int(m.group(2))) != (1, 1):
            return "found incompatible YAML document: Docker reads YAML 1.1 only", m.start()
    return None

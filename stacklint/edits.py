"""Text edits for fixes, keeping the file's comments and layout.

Fixes never re-serialise the document: they insert a few lines at the end of a block mapping
(or a new top-level section at the end of the file), indented like their neighbours, replace
one scalar in its own quoting, or delete one key with its block. Whenever the source does not
show the target verbatim (flow style, escapes, interpolation), no edit is offered.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence

from .diagnostics import Position, Range, TextEdit, YamlPath
from .document import Document
from .scalars import resolve_plain
from .lazy_regex import LazyRegex

_PLAIN_KEY = LazyRegex(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")

# (depth below the new entry's own indentation, text) pairs, e.g. [(0, "db:"), (1, "external: true")]
Lines = Sequence[tuple[int, str]]


def _in_own_file(helper):
    """Edits are made on the text of the file that holds the path: for a merged stack, that file
    alone (its lines, its end, its indentation), then brought back to the merged coordinates."""
    @functools.wraps(helper)
    def edit(doc: Document, where, *args):
        path = (where,) if isinstance(where, str) else tuple(where)
        own, local, back = doc.local(path)
        if own is doc:
            return helper(doc, where, *args)
        made = helper(own, local[0] if isinstance(where, str) else local, *args)
        return None if made is None else back(made)
    return edit


def yaml_key(name: str) -> str:
    """A mapping key as YAML text: plain when it reads back as the same string, else quoted."""
    if _PLAIN_KEY.match(name) and type(resolve_plain(name)) is str and resolve_plain(name) == name:
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _newline(doc: Document) -> str:
    """The file's line ending, judged by its first line (cheap on huge files)."""
    end = doc.text.find("\n")
    return "\r\n" if end > 0 and doc.text[end - 1] == "\r" else "\n"


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def indent_step(doc: Document) -> int:
    """How far this file indents one level (from the first service below `services:`)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    for top in ("services", "networks", "volumes", "secrets", "configs"):
        section = data.get(top)
        if isinstance(section, dict) and section:
            first = next(iter(section))
            parent, child = doc.span((top,)), doc.span((top, first))
            if parent and child and parent.key and child.key and child.key.start.line > parent.key.start.line:
                step = child.key.start.column - parent.key.start.column
                if step > 0:
                    return step
    return 2


def block_last_line(doc: Document, key_line: int, key_column: int) -> int:
    """The last line with content that belongs to the block under the key at (line, column).

    Lines indented deeper than the key belong to it; blank lines and comments are skipped, so an
    insertion after the returned line lands before any trailing comments of the next key.
    """
    lines = doc.lines
    last = key_line
    for i in range(key_line + 1, len(lines)):
        line = lines[i]
        if not _is_content(line):
            continue
        if _indent_of(line) <= key_column:
            break
        last = i
    return last


def _render(lines: Lines, indent: int, step: int, newline: str) -> str:
    return "".join(" " * (indent + depth * step) + text + newline for depth, text in lines)


def _value_at(doc: Document, path: YamlPath):
    cur = doc.data
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
    return cur


@_in_own_file
def append_to_mapping(doc: Document, path: YamlPath, lines: Lines) -> TextEdit | None:
    """Insert lines as new entries at the end of the block mapping at path (which must exist).

    An empty value (`back-tier:` with nothing after it) becomes a mapping holding the lines.
    """
    span = doc.span(path)
    if span is None or span.key is None:
        return None
    value = _value_at(doc, path)
    step = indent_step(doc)
    newline = _newline(doc)
    key = span.key.start
    if value is None:
        if doc.source(span.value).strip():
            return None  # an explicit `~` or `null`: leave it to the author
        indent = key.column + step
        at = key.line + 1
    elif isinstance(value, dict) and value:
        first = doc.span(path + (next(iter(value)),))
        if first is None or first.key is None or first.key.start.line <= key.line:
            return None  # flow style or keys on the same line
        indent = first.key.start.column
        at = block_last_line(doc, key.line, key.column) + 1
    else:
        return None
    where = _insert_point(doc, at)
    text = _render(lines, indent, step, newline)
    if where.start.column:
        text = newline + text  # the file does not end with a newline: start a line of our own
    return TextEdit(where, text)


def _insert_point(doc: Document, line: int) -> Range:
    """The start of line `line`; past the last line it is the end of the text."""
    lines = doc.lines
    if line < len(lines):
        return Range.point(line, 0)
    return Range.point(len(lines), 0) if doc.text.endswith(("\n", "\r")) else \
        Range.point(len(lines) - 1, len(lines[-1]))


@_in_own_file
def add_to_section(doc: Document, section: str, lines: Lines) -> TextEdit | None:
    """Add an entry under the top-level `section:`, creating the section at the end of the file."""
    data = doc.data if isinstance(doc.data, dict) else None
    if data is None:
        return None
    if section in data:
        return append_to_mapping(doc, (section,), lines)
    if _has_second_document(doc):
        return None
    step = indent_step(doc)
    newline = _newline(doc)
    text = section + ":" + newline + _render(lines, step, step, newline)
    at = _insert_point(doc, len(doc.lines))
    if at.start.column:
        text = newline + text  # the file does not end with a newline
    return TextEdit(at, text)


def _has_second_document(doc: Document) -> bool:
    """A `---` or `...` after content: text appended at the end would land in another document."""
    seen = False
    for line in doc.lines:
        if line.startswith(("---", "...")) and seen:
            return True
        if _is_content(line) and not line.startswith("---"):
            seen = True
    return False


def section_lines(name: str, body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """An entry `name:` with body lines one level below it."""
    return [(0, yaml_key(name) + ":")] + [(depth + 1, text) for depth, text in body]


@_in_own_file
def replace_scalar(doc: Document, path, old: str, new: str) -> TextEdit | None:
    """Replace the one-line scalar at path, whose value is old, by new in the same quoting."""
    span = doc.span(path)
    if span is None or span.value.start.line != span.value.end.line:
        return None
    source = doc.source(span.value)
    quote = source[:1] if source[:1] in ("'", '"') else ""
    inner = source[1:-1] if quote else source
    if inner != old or (quote == '"' and ("\\" in new or '"' in new)) or (quote == "'" and "'" in new):
        return None
    if not quote and (new != new.strip() or new[:1] in "!&*|>'\"%@`#,[]{}" or ": " in new or " #" in new):
        return None
    return checked_edit(doc, span.value, quote + new + quote)


@_in_own_file
def quote_plain(doc: Document, path) -> TextEdit | None:
    """Double-quote the one-line plain scalar at path, as written (`3.8` -> `"3.8"`). Not offered
    when the node carries an anchor or a tag: quoting those would put them inside the string."""
    span = doc.span(path)
    if span is None or span.value.start.line != span.value.end.line:
        return None
    source = doc.source(span.value)
    if not source or source[:1] in "!&*'\"[{|>" or "\\" in source or '"' in source:
        return None
    return checked_edit(doc, span.value, '"' + source + '"')


@_in_own_file
def delete_key(doc: Document, path) -> TextEdit | None:
    """Delete the lines of a block-mapping key and its whole value.

    The deletion runs from the start of the key's line to the end of the value's last content
    line. Blank lines and comments that follow at the key's indentation or less belong to what
    comes next and are kept; comments indented deeper sit inside the value and go with it.
    """
    span = doc.span(path)
    if span is None or span.key is None:
        return None
    parent = doc.span(tuple(path)[:-1])
    if parent is not None and not parent.value.start <= span.key.start <= parent.value.end:
        return None  # the key comes from an alias or a `<<` merge: deleting it would edit the anchor
    lines = doc.lines
    first = span.key.start.line
    indent = span.key.start.column
    if lines[first][:indent].strip():
        return None  # the key shares its line with something else (a flow mapping)
    end = span.value.end
    if end < span.key.end:  # the value is an alias: its node is the anchor's text, further up
        end = Position(first, len(lines[first]))
    last = end.line
    if last >= len(lines) or not lines[last][:end.column].strip():
        last -= 1  # the value ended at the start of a later line
    while last > first:
        text = lines[last]
        stripped = text.lstrip()
        if stripped and not (stripped.startswith("#") and len(text) - len(stripped) <= indent):
            break
        last -= 1
    if last + 1 >= len(lines) and first > 0:
        # the last line of the file: take the newline before it instead of one after it
        return checked_edit(doc, Range.of(first - 1, len(lines[first - 1]), last, len(lines[last])), "")
    return checked_edit(doc, Range.of(first, 0, last + 1, 0), "")


def checked_edit(doc: Document, where: Range, new_text: str) -> TextEdit | None:
    """The edit replacing where by new_text, unless the text it removes defines an anchor that an
    alias outside it uses: the file would then have an undefined `*name` (or, with an anchor
    defined twice, an alias silently meaning another value). Every builder that removes text
    goes through here. An alias removed with its anchor is fine."""
    begin, end = doc.offset(where.start), doc.offset(where.end)
    if "&" not in doc.text[begin:end]:
        return TextEdit(where, new_text)
    links = doc.alias_links()
    if links is None:
        return None  # the parser's events are unreadable: withhold the fix rather than guess
    if any(begin <= anchor < end and not begin <= alias < end for anchor, alias in links):
        return None
    return TextEdit(where, new_text)

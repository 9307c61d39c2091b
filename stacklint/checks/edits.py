"""Text edits for fixes: replace one scalar keeping its quoting, delete one key with its block.

Both work on the source text and give up (return None) whenever the source does not show the
value verbatim (escapes, interpolation, flow collections spread over lines), so a fix never
rewrites more than the node it is about.
"""
from __future__ import annotations

from typing import Optional

from ..diagnostics import Range, TextEdit
from ..document import Document


def replace_scalar(doc: Document, path, old: str, new: str) -> Optional[TextEdit]:
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
    return TextEdit(span.value, quote + new + quote)


def delete_key(doc: Document, path) -> Optional[TextEdit]:
    """Delete the lines of a block-mapping key and its whole value.

    The deletion runs from the start of the key's line to the end of the value's last content
    line. Blank lines and comments that follow at the key's indentation or less belong to what
    comes next and are kept; comments indented deeper sit inside the value and go with it.
    """
    span = doc.span(path)
    if span is None or span.key is None:
        return None
    lines = doc.lines
    first = span.key.start.line
    indent = span.key.start.column
    if lines[first][:indent].strip():
        return None  # the key shares its line with something else (a flow mapping)
    end = span.value.end
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
        return TextEdit(Range.of(first - 1, len(lines[first - 1]), last, len(lines[last])), "")
    return TextEdit(Range.of(first, 0, last + 1, 0), "")

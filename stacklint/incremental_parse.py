"""Re-parse only the service blocks an edit stayed in, and splice them into the previous document.

A keystroke inside one service changes that service's text only (a few keys apart, a few adjacent
services' texts: a block here is a run of adjacent service blocks, at most MAX_RUN). Instead of composing and walking
the whole file again, `reparse` parses a small stand-in text: the lines before the services
section as written (the `x-` anchors that services merge live there), blank lines in place of the
services before the block, so every line keeps its number, then the block itself up to the line
where the next service's key starts (a block mapping ends where the next token starts). Its
values, spans and problems replace the block's in a copy of the previous document; spans and
problems after the block move by the lines the edit added or removed, lazily (SplicedSpans).

Whenever the stand-in may not read the block the way the whole text does, the answer is None
and the caller parses everything: an edit on the block's key line or on the next key's line,
anchors in the block (other services may alias them) or aliases of anchors written after the
prefix, merge keys at the top or services level, a flow-style services section, tabs, document
markers, line breaks other than \\n, a byte-order mark, problems on service names, duplicate
keys outside the block once lines move (their message names a line), a stand-in that does not
parse to exactly the prefix's keys, the block and the next service's key, or one that could
change go-yaml's alias accounting for the rest of the file.
tests/test_incremental.py checks the spliced lint against a full one after every random edit.
"""
from __future__ import annotations

import re
from typing import Any

from .diagnostics import Position, Range
from .document import Document, Span, SpanIndex, parse

# An anchor (&name) written in an edited service: other services may take values from that text.
# Over-matching (`a && b` in a command) only costs a full parse.
ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]")
_ALIAS = re.compile(r"\*([A-Za-z0-9_-]+)")
_MARKERS = ("\n---", "\n...")
# Spliced documents chain (each keeps the line moves since its nodes were parsed); a full parse
# now and then keeps a span lookup from walking a long list of moves, and the live parses few.
MAX_SPLICES = 64
# A parse no entry uses any more (the block was typed in again) is dropped, but keeps its number.
MAX_GENERATIONS = 1024
MAX_RUN = 16  # services in one re-parsed run: past that, the stand-in is no longer small
# go-yaml never calls a document with this few aliased decode steps excessive (document.py)
_ALIAS_FLOOR = 100
_ALIAS_RATIO_LOW = 400_000

Shifts = tuple[tuple[int, int], ...]  # (first old line that moves, lines it moves by), oldest first


def _shift_position(p: Position, shifts: Shifts) -> Position:
    line = p.line
    for first, delta in shifts:
        if line >= first:
            line += delta
    return p if line == p.line else Position(line, p.column)


def _shift_range(r: Range, shifts: Shifts) -> Range:
    if not shifts:
        return r
    start, end = _shift_position(r.start, shifts), _shift_position(r.end, shifts)
    return r if start is r.start and end is r.end else Range(start, end)


class SplicedSpans(SpanIndex):
    """A span index assembled from several parses: each entry's nodes are placed by the parse that
    made them (its generation), then moved by the line shifts of every splice since."""

    def __init__(self, entries: dict, generations: list[tuple[Any, Shifts] | None], live: dict[int, int]):
        dict.__init__(self, entries)
        self.generations = generations  # (node -> Range of that parse, shifts since); 0: 2-tuples; None: unused
        self.live = live  # generation (1 on) -> how many entries it places; those not here are None

    def _span_of(self, entry) -> Span:
        if isinstance(entry, Span):
            shifts = self.generations[0][1]
            key = None if entry.key is None else _shift_range(entry.key, shifts)
            return Span(key, _shift_range(entry.value, shifts))
        if len(entry) == 3:
            knode, vnode, generation = entry
        else:
            (knode, vnode), generation = entry, 0
        node_range, shifts = self.generations[generation]
        key = None if knode is None else _shift_range(node_range(knode), shifts)
        return Span(key, _shift_range(node_range(vnode), shifts))


def _generations_of(spans) -> tuple[list[tuple[Any, Shifts] | None], dict[int, int]]:
    if isinstance(spans, SplicedSpans):
        return list(spans.generations), dict(spans.live)
    return [(spans.node_range, ())], {}


def _too_chained(spans) -> bool:
    """Whether the next splice should be a full parse instead: many parses still in use, a long
    list of line moves to walk (the first parse has every one since), or a long list of numbers."""
    return isinstance(spans, SplicedSpans) and (
        len(spans.live) >= MAX_SPLICES or len(spans.generations[0][1]) > MAX_SPLICES
        or len(spans.generations) > MAX_GENERATIONS)


def _node(spans, path):
    """The value node of path, or None where the index keeps none (a Span, or the marks of a
    large file's compacted index: SpanIndex.compact)."""
    entry = dict.get(spans, path)
    return entry[1] if entry.__class__ is tuple else None


def _paths(value, path: tuple):
    """Every path the walker gave a span below (and at) path, from the data it built."""
    yield path
    if value.__class__ is dict:
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif value.__class__ is list:
        for i, v in enumerate(value):
            yield from _paths(v, path + (i,))


def _text_end(lines: list[str]) -> Position:
    return Position(len(lines) - 1, len(lines[-1])) if lines else Position(0, 0)


def _has_merge_key(node) -> bool:
    return any(getattr(k, "value", None) == "<<" for k, _ in node.value)


def _stand_in(lines: list[str], ends_with_break: bool, section_line: int, first: int, last: int) -> str:
    """The prefix up to the services key, blank lines up to the block, the block's lines first..last."""
    tail = "\n" if last + 1 < len(lines) or ends_with_break else ""
    return "\n".join(lines[:section_line + 1]) + "\n" * (first - section_line) + "\n".join(lines[first:last + 1]) + tail


class BlockParser:
    """The state one open document keeps for block re-parses: the alias accounting of the last
    stand-in, so consecutive edits of one block parse only the new text."""

    def __init__(self) -> None:
        self._counts: tuple[str, tuple[int, int]] | None = None

    def _stand_in_counts(self, text: str) -> tuple[int, int] | None:
        if self._counts is not None and self._counts[0] == text:
            return self._counts[1]
        doc = parse(text)
        return None if doc.failed else doc.alias_counts

    def reparse(self, old: Document, text: str, lines: list[str], names: list, block: tuple[int, int],
                section_line: int, following, edit: tuple[int, int, int]) -> Document | None:
        """The document of text, where old lines [start, old_end) of old's adjacent services `names`
        (lines block[0]..block[1]: the first one's key to the line of the key `following` the last
        one, None when none) became lines [start, new_end); None when only a full parse is sure."""
        start, old_end, new_end = edit
        first, last = block
        # A block with a next key ends on that key's line, which the edit may not reach. One
        # without (the section's last service) ends on its own last line, which it may: the line
        # after it is at column 0 (a top-level key) or the end of the file, so no value there can
        # run on into it, and a stand-in that reads the edited line otherwise is refused below.
        end = last if following is not None else last + 1
        if not first < start <= old_end <= end or start == old_end == new_end:
            return None  # (no line changed in the middle: the end of the file did, which places nodes there)
        if _too_chained(old.spans):
            return None
        delta = new_end - old_end
        new_last = last + delta
        if "\t" in text or "\ufeff" in text or any(m in text for m in _MARKERS):
            return None
        new_block = lines[first:new_last + 1]
        old_block = old.lines[first:last + 1]
        if any(ANCHOR.search(line) for line in new_block) or any(ANCHOR.search(line) for line in old_block) \
                or ANCHOR.search(lines[section_line]):
            return None
        root, services = _node(old.spans, ()), _node(old.spans, ("services",))
        if root is None or services is None or not hasattr(services, "flow_style") or services.flow_style \
                or root.flow_style or _has_merge_key(root) or _has_merge_key(services):
            return None
        if any(len(p.path) <= 2 and p.path[:1] == ("services",) for p in old.problems):
            return None
        paths = {("services", name) for name in names}
        if delta and any(p.code == "SL002" and p.path[:2] not in paths for p in old.problems):
            return None
        new_text = _stand_in(lines, text.endswith("\n"), section_line, first, new_last)
        prefix_len = new_text.find("\n", sum(len(line) + 1 for line in lines[:section_line])) + 1
        for alias in {m.group(1) for line in new_block for m in _ALIAS.finditer(line)}:
            anchor = "&" + alias
            if text.count(anchor) != new_text.count(anchor, 0, prefix_len):
                return None
        syn = parse(new_text)
        if syn.failed or not isinstance(syn.data, dict):
            return None
        old_counts = self._stand_in_counts(_stand_in(old.lines, old.text.endswith("\n"), section_line, first, last))
        self._counts = (new_text, syn.alias_counts)
        if old_counts is None or not self._alias_safe(old.alias_counts, old_counts, syn.alias_counts):
            return None
        counts = tuple(t - b + a for t, b, a in zip(old.alias_counts, old_counts, syn.alias_counts))
        return self._splice(old, text, lines, syn, names, following, section_line, (first, last, old_end, delta),
                            counts)

    @staticmethod
    def _alias_safe(total: tuple[int, int], before: tuple[int, int], after: tuple[int, int]) -> bool:
        """Whether go-yaml's excessive-aliasing check (document.py) cannot start failing anywhere in
        the file: too few aliased steps to ever fail, or a block with no more aliased steps and no
        fewer others than before, in a file below the size where go-yaml's allowed share drops."""
        decodes, aliased = total[0] - before[0] + after[0], total[1] - before[1] + after[1]
        if aliased <= _ALIAS_FLOOR:
            return True
        return after[1] <= before[1] and after[0] - after[1] >= before[0] - before[1] and decodes <= _ALIAS_RATIO_LOW

    def _splice(self, old: Document, text: str, lines: list[str], syn: Document, names: list, following,
                section_line: int, where: tuple[int, int, int, int], counts: tuple) -> Document | None:
        first, last, old_end, delta = where
        old_root, old_services = old.data, old.data.get("services")
        syn_services = syn.data.get("services")
        before = []
        for key in old_root:
            before.append(key)
            if key == "services":
                break
        if list(syn.data) != before or not isinstance(syn_services, dict) \
                or list(syn_services) != names + ([following] if following is not None else []):
            return None
        paths = {("services", name) for name in names}
        if any(len(p.path) <= 2 and p.path[:1] == ("services",) for p in syn.problems) \
                or any(p.path[:2] not in paths and p.range.start.line >= section_line for p in syn.problems):
            return None
        head, tail = ("services", names[0]), ("services", names[-1])
        shifts: Shifts = ((old_end, delta),) if delta else ()
        if None in (old.span(head), old.span(tail), syn.span(head), syn.span(tail)) \
                or syn.span(head).key != old.span(head).key:
            return None
        old_tail_end, tail_end = old.span(tail).value.end, syn.span(tail).value.end
        # the block must end where it ended, moved by the edit; or, in a file without a final
        # line break, at the end of the text as before (typing at the end moves that end)
        if tail_end != _shift_position(old_tail_end, shifts) and not (
                following is None and old_tail_end == _text_end(old.lines) and tail_end == _text_end(lines)):
            return None
        generations, live = _generations_of(old.spans)
        generations = [g if g is None else (g[0], g[1] + shifts) for g in generations]
        generations.append((syn.spans.node_range, ()))
        entries = dict.copy(old.spans)
        tag = len(generations) - 1
        live[tag] = 0
        services = dict(old_services)
        for name in names:
            for p in _paths(old_services[name], ("services", name)):
                entry = entries.pop(p, None)
                if entry.__class__ is tuple and len(entry) == 3:
                    live[entry[2]] -= 1
            for p in _paths(syn_services[name], ("services", name)):
                entry = dict.get(syn.spans, p)
                if entry.__class__ is not tuple:  # none, a Span or compacted marks: no nodes to place
                    return None
                entries[p] = (entry[0], entry[1], tag)
                live[tag] += 1
            services[name] = syn_services[name]
        for unused in [g for g, count in live.items() if not count]:
            del live[unused]
            generations[unused] = None  # its nodes go: no entry places anything with them
        data = dict(old_root)
        data["services"] = services
        problems = [p if not delta or p.range.start.line < old_end and p.range.end.line < old_end
                    else p.replace(range=_shift_range(p.range, shifts))
                    for p in old.problems if p.path[:2] not in paths]
        problems.extend(p for p in syn.problems if p.path[:2] in paths)
        return Document(text=text, data=data, spans=SplicedSpans(entries, generations, live), problems=problems,
                        _lines=lines, alias_counts=counts)

"""Incremental linting for an editor: after an edit, re-check only the services the edit touched.

`IncrementalLinter.lint(text, path, settings)` returns exactly what `engine.lint` returns for the
same text (tests/test_incremental.py applies random edits and compares after every one). The text
is still parsed and loaded (interpolation, schema) in full. What is reused are the findings of the
per-service checks (`per_service` in checks/__init__.py) for every service whose text the edit did
not touch, moved down or up by the lines the edit added or removed. Stack-wide checks run in full,
and the final pass (selection, suppressions, severities, caps) runs over the merged findings,
exactly as in lint().

Everything is re-checked whenever reuse is not certain: another path or settings, another version,
an edit outside the `services` section or across its boundary, any change in another top-level
section, an anchor in an edited service (other services' values may come from its text), another
parse problem outside the services, line breaks other than \\n, a finding of a kept service on an edited line.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from . import redact
from .checks import REGISTRY, SERVICE_SCOPE, scope_of
from .context import Context
from .diagnostics import Range
from .document import Document, parse, split_lines
from .collector import gc_paused
from .engine import _finish, load
from .incremental_parse import ANCHOR as _ANCHOR, MAX_RUN, BlockParser
from .schema import validate
from .settings import DEFAULT, Settings
from .validators import service_is_valid

FULL, INCREMENTAL = "full", "incremental"
BLOCK = "block"  # parse_mode: only the edited service block was parsed (incremental_parse.py)
# Line breaks other than \n move positions in ways a line count does not describe.
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")

class Superseded(Exception):
    """A lint stopped between stages because its text is no longer the editor's (a newer key came)."""


def _current() -> bool:
    return False


def _stop_if(superseded) -> None:
    if superseded():
        raise Superseded


# Per service: registry index of a per-service check -> what it found there (before the final pass).
Findings = dict[int, list]


@dataclass
class _Service:
    data: Any  # after interpolation
    raw: Any  # as written
    lines: tuple[int, int]  # first and last line of its block (key to end of value)
    found: Findings
    extent: tuple[int, int] | None  # first and last line any of its findings mentions (None: no findings)


@dataclass
class _Breakdown:
    """What one lint leaves for the next: enough to tell what an edit touched, not the node tree."""
    text: str
    lines: list[str]
    path: str | None
    settings: Settings
    version: tuple[str | None, str | None]
    others: tuple[dict, dict]  # every top-level section but services, interpolated and as written
    problems: frozenset  # (code, path) of the parse problems outside the services (checks read some)
    section: tuple[int, int]  # the services section: its key's line, and the line where it ends (exclusive)
    services: dict[Any, _Service]
    doc: Document  # what the next edit's block re-parse splices into
    schema_clean: bool  # the schema found nothing wrong
    model: Any  # the converted model the checks read (model.Stack), None when no check asked for it


class _Edit:
    """Old lines [start, old_end) became new lines [start, new_end); the lines around them are the same.

    Worked out on the texts (\n line breaks only): slices compare in C, a loop over 10,000 lines does not."""

    def __init__(self, old: str, new: str, old_count: int, new_count: int):
        same_head = _same_head(old, new, min(len(old), len(new)))
        start = old.count("\n", 0, same_head)
        line_start = old.rfind("\n", 0, same_head) + 1
        # the tail may take back the line break before the first edited line: that line may be unchanged
        same = _same_tail(old, new, min(len(old), len(new)) - line_start + (1 if line_start else 0))
        tail = old.count("\n", len(old) - same) - (1 if same and old.endswith("\n") else 0)
        tail = max(0, min(tail, min(old_count, new_count) - start))
        self.start, self.old_end, self.new_end = start, old_count - tail, new_count - tail
        self.delta = new_count - old_count

    def touches(self, lines: tuple[int, int], new: bool) -> bool:
        end = self.new_end if new else self.old_end
        return lines[0] < end and lines[1] >= self.start

    def move(self, r: Range) -> Range | None:
        """Where an old range is in the new text; None when it is on (or spans) an edited line."""
        if r.end.line < self.start:
            return r
        if r.start.line >= self.old_end:
            if not self.delta:
                return r
            return Range.of(r.start.line + self.delta, r.start.column, r.end.line + self.delta, r.end.column)
        return None


def _other_breaks(text: str) -> bool:
    return any(b in text for b in _OTHER_BREAKS)  # `in` is a memchr: a regex over 500 kB took 4 ms


def _same_head(a: str, b: str, limit: int) -> int:
    """How many first characters a and b share (at most limit): a binary search over slices."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _same_tail(a: str, b: str, limit: int) -> int:
    """How many last characters a and b share (at most limit)."""
    lo, hi, la, lb = 0, limit, len(a), len(b)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid:la - lo] == b[lb - mid:lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


class IncrementalLinter:
    """The state one open document keeps between lints. Not thread-safe: one lint at a time."""

    def __init__(self) -> None:
        self._last: _Breakdown | None = None
        self._forgotten = False
        self.last_mode = FULL  # how the last lint went: FULL or INCREMENTAL
        self.reused = 0  # services whose findings the last lint kept
        self.loaded = False  # whether the last text loaded (valid YAML, a mapping, a version Docker reads)
        self.parse_mode = FULL  # how the last text was parsed: FULL or BLOCK
        self._blocks = BlockParser()
        self._spliced: list | None = None  # the services whose blocks the last parse re-parsed
        self._schema_clean = False  # whether the schema found nothing in the last text that loaded
        self.schema_reused = False  # whether the last lint validated only the edited service
        self.model_reused = False  # whether the last lint started from the last one's model

    def forget(self) -> None:
        """The next lint is full: files the checks read (env files) may have changed. Safe to call
        while another thread lints: that lint's breakdown is dropped by the next one."""
        self._forgotten = True

    def lint(self, text: str, path: str | None = None, settings: Settings = DEFAULT, superseded=_current) -> list:
        """superseded(): whether the editor has moved on to a newer text; checked between stages, the
        lint then raises Superseded rather than finish work nobody will see (a typing burst)."""
        if self._forgotten:
            self._last, self._forgotten = None, False
        self.schema_reused = self.model_reused = False
        with gc_paused():
            doc = self._parse(text)
            _stop_if(superseded)
            found = list(doc.problems)
            ctx = None
            if not doc.failed:
                ctx, loaded = load(doc, path, settings, self._schema(path, settings))
                found.extend(loaded)
                _stop_if(superseded)
            self.loaded = ctx is not None
            if ctx is None:
                # Keep the breakdown of the last text that loaded: a half-typed line breaks the YAML
                # for a keystroke or two, and the text that comes next is compared with that one.
                self.last_mode, self.reused = FULL, 0
                return _finish(doc, found, path, settings)
            self._carry_model_over(ctx, settings)
            section, blocks = _section(doc), _blocks(doc)
            kept = self._reusable(doc, ctx, path, settings, section, blocks)
            enabled = [(i, check) for i, (codes, check) in enumerate(REGISTRY)
                       if any(settings.enabled(c) for c in codes)]
            by_service = self._check_services(ctx, enabled, kept)
            # remembered even when superseded: the next text is compared with this one, a key apart
            self._remember(doc, ctx, path, settings, section, blocks, by_service)
            found.extend(self._check_stack(ctx, enabled, by_service, superseded))
            _stop_if(superseded)
            # the final pass sets severities and names: on copies, so kept findings stay as found
            return _finish(doc, [copy.copy(d) for d in found], path, settings)

    def _parse(self, text: str) -> Document:
        """The document of text: the last one with the edited service block re-parsed when the edit
        stayed inside one block, else a full parse."""
        doc = self._reparse_block(text)
        self.parse_mode = FULL if doc is None else BLOCK
        if doc is None:
            self._spliced = None
            return parse(text)
        return doc

    def _carry_model_over(self, ctx: Context, settings: Settings) -> None:
        """After a block re-parse, the unchanged services keep their converted model (what the
        stack-wide checks read) from the last lint: same settings, same top-level sections."""
        last = self._last
        self.model_reused = False
        if self.parse_mode != BLOCK or last is None or last.model is None or last.settings != settings:
            return
        ctx.__dict__["model"] = last.model.carried_over(ctx.data, ctx.doc.data)
        self.model_reused = True

    def _schema(self, path, settings: Settings):
        """schema.validate for load(), shortened after a block re-parse: when the last document was
        valid and everything but the edited service is as it was (same settings, hence the same
        interpolation), the new one is valid exactly when that service is (service_is_valid)."""
        last, names = self._last, self._spliced

        def check(doc: Document, data, version, declared) -> list:
            if last is not None and last.schema_clean and last.path == path and last.settings == settings \
                    and last.version == (version, declared) \
                    and (doc is last.doc or names is not None
                         and all(service_is_valid(data["services"][name], version) for name in names)):
                found, self.schema_reused = [], True
            else:
                found, self.schema_reused = validate(doc, data, version, declared), False
            self._schema_clean = not found
            return found
        return check

    def _reparse_block(self, text: str) -> Document | None:
        last, self._spliced = self._last, None
        if last is None:
            return None
        if text == last.text:
            return last.doc  # a key that put back what was there: nothing to parse (documents are only read)
        if _other_breaks(text) or _other_breaks(last.text):
            return None
        lines = split_lines(text)
        edit = _Edit(last.text, text, len(last.lines), len(lines))
        names = list(last.services)
        blocks = [last.services[name].lines for name in names]
        # the run of adjacent services the edited lines lie in: from the last one keyed above them
        # to the first one whose block (which ends on the next key's line) reaches past them
        # (the last service's block ends on its own last line, and an edit may reach that line:
        # what follows it is at column 0 or the end of the file, see BlockParser.reparse)
        i = next((k for k in range(len(blocks) - 1, -1, -1) if blocks[k][0] < edit.start), None)
        j = next((k for k in range(i or 0, len(blocks))
                  if edit.old_end <= blocks[k][1] + (k == len(blocks) - 1)), None)
        if i is None or j is None or j - i >= MAX_RUN \
                or any(blocks[k + 1][0] != blocks[k][1] for k in range(i, j)):
            return None
        following = names[j + 1] if j + 1 < len(names) and blocks[j + 1][0] == blocks[j][1] else None
        self._spliced = names[i:j + 1]
        return self._blocks.reparse(last.doc, text, lines, names[i:j + 1], (blocks[i][0], blocks[j][1]),
                                    last.section[0], following, (edit.start, edit.old_end, edit.new_end))

    # ---- what an edit left alone ----------------------------------------------------------
    def _reusable(self, doc: Document, ctx: Context, path, settings, section, blocks) -> dict[Any, Findings]:
        """Per service whose findings still hold: those findings, moved to the new lines."""
        last = self._last
        if last is None or last.path != path or last.settings != settings:
            return {}
        if last.version != (ctx.version, ctx.declared) or _other_breaks(doc.text) or _other_breaks(last.text):
            return {}
        if last.problems != _problems_outside_services(doc):
            return {}
        if section is None or last.others != _others(ctx):
            return {}
        edit = _Edit(last.text, doc.text, len(last.lines), len(doc.lines))
        if edit.start == edit.old_end == edit.new_end and last.text != doc.text:
            return {}  # only the end of the file changed (a final newline)
        if edit.start != edit.old_end or edit.start != edit.new_end:
            inside = (last.section[0] < edit.start and edit.old_end <= last.section[1]
                      and section[0] < edit.start and edit.new_end <= section[1])
            if not inside:
                return {}
        if _anchored(last.lines, edit.start, edit.old_end, [s.lines for s in last.services.values()], edit, False) \
                or _anchored(doc.lines, edit.start, edit.new_end, list(blocks.values()), edit, True):
            return {}
        services = ctx.section("services")
        raw = _raw_services(doc)
        out: dict[Any, Findings] = {}
        for name, lines in blocks.items():
            before = last.services.get(name)
            if before is None or edit.touches(before.lines, False) or edit.touches(lines, True):
                continue
            if before.data != services.get(name) or before.raw != raw.get(name):
                continue
            moved = _moved(before, edit)
            if moved is not None:
                out[name] = moved
        return out

    # ---- checks ---------------------------------------------------------------------------
    def _check_services(self, ctx: Context, enabled, kept: dict[Any, Findings]) -> dict[Any, Findings]:
        """Per service, what the per-service checks find: kept, or checked again. Never stopped
        half-way: it is what the next lint starts from (with the model it built or carried over)."""
        per_service = [(i, check) for i, check in enabled if scope_of(check) == SERVICE_SCOPE]
        services = ctx.section("services")
        by_service: dict[Any, Findings] = {}
        for name in services:
            found = kept.get(name)
            if found is None:
                one = ctx.for_service(name)
                found = {}
                for i, check in per_service:
                    got = list(check(one))
                    redact.apply(got, ctx.from_env)
                    found[i] = got
            by_service[name] = found
        self.last_mode, self.reused = (INCREMENTAL if kept else FULL), len(kept)
        return by_service

    def _check_stack(self, ctx: Context, enabled, by_service: dict[Any, Findings], superseded) -> list:
        """Every finding in registry order: the per-service ones, and the stack-wide checks run on
        the whole stack. A newer text stops it between two checks: they are most of a keystroke's lint."""
        out: list = []
        services = ctx.section("services")
        for i, check in enabled:
            if scope_of(check) == SERVICE_SCOPE:
                for name in services:
                    out.extend(by_service[name][i])
            else:
                _stop_if(superseded)
                got = list(check(ctx))
                redact.apply(got, ctx.from_env)
                out.extend(got)
        return out

    def _remember(self, doc: Document, ctx: Context, path, settings, section, blocks,
                  by_service: dict[Any, Findings]) -> None:
        if section is None:
            self._last = None
            return
        services = ctx.section("services")
        raw = _raw_services(doc)
        before = self._last.services if self._last is not None else {}

        def extent(name):
            found = by_service.get(name, {})
            kept = before.get(name)
            # findings kept where they were are the same object: so is the lines they span
            return kept.extent if kept is not None and kept.found is found else _extent(found)
        self._last = _Breakdown(
            text=doc.text, lines=doc.lines, path=path, settings=settings, version=(ctx.version, ctx.declared),
            others=_others(ctx), problems=_problems_outside_services(doc), section=section,
            services={name: _Service(services.get(name), raw.get(name), lines, by_service.get(name, {}), extent(name))
                      for name, lines in blocks.items()},
            doc=doc, schema_clean=self._schema_clean, model=ctx.__dict__.get("model"))


def _others(ctx: Context) -> tuple[dict, dict]:
    raw = ctx.doc.data if isinstance(ctx.doc.data, dict) else {}
    return ({k: v for k, v in ctx.data.items() if k != "services"},
            {k: v for k, v in raw.items() if k != "services"})


def _problems_outside_services(doc: Document) -> frozenset:
    return frozenset((p.code, p.path) for p in doc.problems if len(p.path) < 2 or p.path[0] != "services")


def _raw_services(doc: Document) -> dict:
    raw = doc.data.get("services") if isinstance(doc.data, dict) else None
    return raw if isinstance(raw, dict) else {}


def _section(doc: Document) -> tuple[int, int] | None:
    """The services section: the line of its key and the first line after its value."""
    span = doc.span(("services",))
    if span is None or span.key is None or not isinstance(_raw_services(doc), dict) \
            or not isinstance(doc.data.get("services"), dict):
        return None
    end = span.value.end
    return span.key.start.line, (end.line if end.column == 0 else end.line + 1)


def _blocks(doc: Document) -> dict[Any, tuple[int, int]]:
    """Per service, the first and last line of its text: from its key to the end of its value."""
    out = {}
    for name in _raw_services(doc):
        span = doc.span(("services", name))
        if span is None or span.key is None:
            continue
        end = span.value.end
        last = end.line - 1 if end.column == 0 and end.line > span.key.start.line else end.line
        out[name] = (span.key.start.line, last)
    return out


def _anchored(lines: list[str], start: int, end: int, blocks, edit: _Edit, new: bool) -> bool:
    """Whether the edited lines, or a service block they touch, define an anchor."""
    lo, hi = start, end
    for block in blocks:
        if edit.touches(block, new):
            lo, hi = min(lo, block[0]), max(hi, block[1] + 1)
    return any(_ANCHOR.search(line) for line in lines[lo:hi])


def _moved(service: _Service, edit: _Edit) -> Findings | None:
    """The service's findings on the new lines; None when one of them is on an edited line."""
    extent = service.extent
    if extent is None or extent[1] < edit.start or (extent[0] >= edit.old_end and not edit.delta):
        return service.found  # all before the edit, or after it with no line added or removed
    out: Findings = {}
    for i, items in service.found.items():
        moved = []
        for item in items:
            item = _move(item, edit)
            if item is None:
                return None
            moved.append(item)
        out[i] = moved
    return out


def _extent(found: Findings) -> tuple[int, int] | None:
    lines = [line for items in found.values() for item in items for line in _lines_of(item)]
    return (min(lines), max(lines)) if lines else None


def _lines_of(item):
    yield item.range.start.line
    yield item.range.end.line
    for rel in getattr(item, "related", ()):
        if rel.path is None:
            yield rel.range.start.line
            yield rel.range.end.line
    fix = getattr(item, "fix", None)
    for e in fix.edits if fix is not None else ():
        yield e.range.start.line
        yield e.range.end.line


def _move(item, edit: _Edit):
    r = edit.move(item.range)
    if r is None:
        return None
    if not hasattr(item, "related"):  # limits.Omitted: a range only
        return item if r is item.range else item.replace(range=r)
    related = []
    for rel in item.related:
        rr = rel.range if rel.path is not None else edit.move(rel.range)  # another file's lines do not move
        if rr is None:
            return None
        related.append(rel if rr is rel.range else rel.replace(range=rr))
    fix = item.fix
    if fix is not None:
        edits = []
        for e in fix.edits:
            er = edit.move(e.range)
            if er is None:
                return None
            edits.append(e if er is e.range else e.replace(range=er))
        fix = fix.replace(edits=tuple(edits))
    if r is item.range and edit.delta == 0:
        return item
    return item.replace(range=r, related=tuple(related), fix=fix)

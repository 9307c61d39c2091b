"""Linting the files of one stack together: `docker stack deploy -c base.yml -c prod.yml`.

Each file is read alone first, as Docker's loader reads it (YAML, version, interpolation,
schema: every override file must be valid on its own). When all of them load, the files are
merged as Docker merges them (`merge.py`) and the checks run once over the merged stack; each
finding goes to the file and line that contributed the value it is about.

Pure like `engine.lint`: texts in, findings per file out.
"""
from __future__ import annotations

from collections.abc import Sequence

from . import credentials
from .context import Context
from .diagnostics import Diagnostic, Fix, Range, Related, Severity, TextEdit, YamlPath
from .document import Document, Span, parse
from .collector import gc_paused
from .engine import _finish, load, run_checks
from .limits import Omitted
from .merge import Origins, merge_files
from .settings import DEFAULT, Settings

# Ranges of the merged document carry their file in the line number: file i's line n is
# i * _STRIDE + n. Checks build ranges, related locations and fixes from the document without
# knowing about files; the stride survives all of it and is taken off when findings are routed.
_STRIDE = 1 << 40


def lint_stack(files: Sequence[tuple[str, str | None]], settings: Settings = DEFAULT,
               reader_findings: Sequence[Sequence[Diagnostic]] = ()) -> list[list[Diagnostic]]:
    """Findings per file, in the order given; the first file is the base, later ones override.
    reader_findings: per file, what reading its bytes found (as engine.lint takes them)."""
    with gc_paused():
        return _lint_stack(files, settings, reader_findings)


def _lint_stack(files, settings: Settings, reader_findings) -> list[list[Diagnostic]]:
    docs = [parse(text) for text, _ in files]
    found: list[list[Diagnostic]] = [[*(reader_findings[i] if reader_findings else ()), *doc.problems]
                                     for i, doc in enumerate(docs)]
    contexts: list[Context | None] = []
    for i, (doc, (_, path)) in enumerate(zip(docs, files)):
        ctx = None
        if not doc.failed:
            ctx, problems = load(doc, path, settings)
            found[i].extend(problems)
        contexts.append(ctx)
    if len(files) == 1 and contexts[0] is not None:
        found[0].extend(run_checks(contexts[0], settings))
    elif _all_loaded(docs, contexts, found):
        mismatch = _version_mismatch(contexts)
        if mismatch is not None:
            i, message = mismatch
            found[i].append(contexts[i].diag("SL003", message, ("version",), stage="load",
                                             severity=Severity.ERROR))
        else:
            merged = _merged_context(docs, contexts, settings)
            for d in run_checks(merged, settings):
                i, d = _route(d, files)
                found[i].append(d)
    # a merged finding can quote a literal secret of another file
    literals = credentials.literal_values([(doc.data, doc.text) for doc in docs])
    return [_finish(doc, f, path, settings, literals) for doc, f, (_, path) in zip(docs, found, files)]


def _all_loaded(docs, contexts, found) -> bool:
    """Docker stops at the first file that does not load: nothing is merged then."""
    if any(doc.failed for doc in docs) or any(ctx is None for ctx in contexts):
        return False
    return not any(d.stage == "load" and d.severity == Severity.ERROR for f in found for d in f)


def _version_mismatch(contexts: list[Context]):
    """loader.go: every file must declare the same version (missing and "3" both mean 3.13)."""
    base = contexts[0].version
    for i, ctx in enumerate(contexts[1:], start=1):
        if ctx.version != base:
            return i, f"version mismatched between two composefiles : {base} and {ctx.version}"
    return None


def _merged_context(docs: list[Document], contexts: list[Context], settings: Settings) -> Context:
    data, origins = merge_files([ctx.data for ctx in contexts])
    raw, raw_origins = merge_files([doc.data for doc in docs])
    doc = MergedDocument(docs, raw, origins)
    base = contexts[0]
    # Docker resolves every file's relative paths against the first file's folder.
    return Context(path=base.path, doc=doc, data=data, version=base.version, declared=base.declared,
                   settings=settings, from_env=_merged_from_env(data, origins, contexts))


def _merged_from_env(data, origins: Origins, contexts: list[Context]) -> dict:
    """Each file's record of values the environment supplied, at the merged paths where those
    values ended up (a list entry of an override file can move to another index), so that
    redact.apply keeps them out of the merged checks' messages too."""
    if not any(ctx.from_env for ctx in contexts):
        return {}
    out = {}
    pending = [((), data)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, dict):
            pending.extend((path + (k,), v) for k, v in node.items())
        elif isinstance(node, list):
            pending.extend((path + (n,), v) for n, v in enumerate(node))
        else:  # a scalar: a substituted string, or the number or boolean it was cast to
            i, source = origins.of(path)
            pairs = contexts[i].from_env.get(source)
            if pairs:
                out[path] = pairs
    return out


class MergedDocument:
    """The Document interface over several files, for the checks of a merged stack."""

    def __init__(self, docs: list[Document], data, origins: Origins):
        self.docs = docs
        self.data = data
        self.origins = origins
        self.text = "\n".join(doc.text for doc in docs)
        self.failed = False
        self.problems: list = []

    @property
    def lines(self) -> _Lines:
        return _Lines(self.docs)

    def _locate(self, path: YamlPath) -> tuple[int, YamlPath]:
        return self.origins.of(path)

    def local(self, path: YamlPath) -> tuple:
        """The file that holds path, path in it, and the shift of an edit made on its text."""
        i, source = self._locate(path)
        return self.docs[i], source, lambda edit: TextEdit(_shift(edit.range, i), edit.new_text)

    def span(self, path: YamlPath) -> Span | None:
        i, source = self._locate(path)
        span = self.docs[i].span(source)
        return None if span is None else _shift_span(span, i)

    def nearest(self, path: YamlPath) -> tuple:
        i, source = self._locate(path)
        found, span = self.docs[i].nearest(source)
        kept = len(tuple(path)) - (len(source) - len(found))
        return tuple(path)[:max(kept, 0)], _shift_span(span, i)

    def value_range(self, path: YamlPath) -> Range:
        i, source = self._locate(path)
        return _shift(self.docs[i].value_range(source), i)

    def key_range(self, path: YamlPath) -> Range:
        i, source = self._locate(path)
        return _shift(self.docs[i].key_range(source), i)

    def source(self, r: Range) -> str:
        i = r.start.line // _STRIDE
        return self.docs[i].source(_shift(r, -i))

    def is_quoted(self, path: YamlPath) -> bool:
        i, source = self._locate(path)
        return self.docs[i].is_quoted(source)


class _Lines:
    """The lines of every file, addressed by the shifted line numbers of the merged document
    (fixes read the lines around the ranges they edit). Its length is the first file's."""

    def __init__(self, docs: list[Document]):
        self.docs = docs

    def __getitem__(self, line: int) -> str:
        return self.docs[line // _STRIDE].lines[line % _STRIDE]

    def __len__(self) -> int:
        return len(self.docs[0].lines)


def _shift(r: Range, i: int) -> Range:
    if i == 0:
        return r
    return Range.of(r.start.line + i * _STRIDE, r.start.column, r.end.line + i * _STRIDE, r.end.column)


def _shift_span(span: Span, i: int) -> Span:
    return Span(None if span.key is None else _shift(span.key, i), _shift(span.value, i))


def _route(d: Diagnostic | Omitted, files) -> tuple[int, Diagnostic | Omitted]:
    """The file a merged finding belongs to, with its ranges made that file's again."""
    i = d.range.start.line // _STRIDE
    if isinstance(d, Omitted):  # a count of findings a check did not build: only its place moves
        return i, d.replace(range=_shift(d.range, -i))
    related = tuple(_related(r, i, files) for r in d.related)
    fix = d.fix
    if fix is not None and any(e.range.start.line // _STRIDE != i for e in fix.edits):
        fix = None  # it edits another file (a declaration in the base): a fix belongs to one file
    elif fix is not None:
        fix = Fix(fix.title, tuple(TextEdit(_shift(e.range, -i), e.new_text) for e in fix.edits), fix.safe)
    return i, d.replace(range=_shift(d.range, -i), related=related, fix=fix)


def _related(r: Related, home: int, files) -> Related:
    j = r.range.start.line // _STRIDE
    path = files[j][1] if j != home else r.path
    return r.replace(range=_shift(r.range, -j), path=path)

"""A large file's span index keeps marks, not nodes (SpanIndex.compact), so the node tree is freed
after parsing. The ranges it gives must be the ones the nodes give, whatever the text: line breaks
the editor does not count, blocks that run to the end of the file, aliases and merges, errors.
"""
from __future__ import annotations

from stacklint import document
from stacklint.document import Span, parse

from .test_document_pure import _texts

# Where the node-to-range mapping has its special cases.
EDGES = [
    "x-a: \"\u2028\"\nservices:\n  web: {image: nginx}\n",   # offsets, not lines and columns
    "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 2",  # block ends past the last line
    "base: &b {image: x}\nweb:\n  <<: *b\n  image: y\nlist: [*b, *b]\n",
]


def _entries_hold_no_node(doc) -> bool:
    return all(type(entry) in (int, Span) for entry in dict.values(doc.spans))


def test_compacted_spans_are_the_spans_the_nodes_give():
    texts = [(f"edge {i}", t) for i, t in enumerate(EDGES)] + _texts()
    compared = 0
    for name, text in texts:
        doc = parse(text)
        before = dict(doc.spans.items())
        doc.spans.compact()
        assert _entries_hold_no_node(doc), name
        assert dict(doc.spans.items()) == before, name
        compared += len(before)
    assert compared > 1000  # the example, the rule pages and the edges above at least


def test_parse_compacts_a_file_above_the_threshold_and_reads_it_the_same(monkeypatch):
    for text in EDGES + [t for _, t in _texts()[:1]]:
        lazy = parse(text)
        monkeypatch.setattr(document, "COMPACT_ABOVE", len(text) - 1)
        compact = parse(text)
        monkeypatch.undo()
        assert not _entries_hold_no_node(lazy)
        assert _entries_hold_no_node(compact)
        assert compact.data == lazy.data and compact.problems == lazy.problems
        assert dict(compact.spans.items()) == dict(lazy.spans.items())
        assert compact.value_range(("services",)) == lazy.value_range(("services",))


def test_the_editor_parses_a_compacted_document_whole(monkeypatch):
    # A block re-parse splices nodes; a compacted index has none to splice with, so the
    # language server falls back to a full parse (and stays right).
    from stacklint.engine import lint
    from stacklint.incremental import FULL, IncrementalLinter
    from stacklint.settings import Settings

    text = EDGES[1] + "\n  db:\n    image: postgres:16\n"
    edited = text.replace("replicas: 2", "replicas: 3")
    monkeypatch.setattr(document, "COMPACT_ABOVE", 0)
    linter = IncrementalLinter()
    linter.lint(text, "stack.yml", Settings(env={}))
    got = linter.lint(edited, "stack.yml", Settings(env={}))
    assert linter.parse_mode == FULL
    assert got == lint(edited, "stack.yml", Settings(env={})) and any(d.code == "SL401" for d in got)

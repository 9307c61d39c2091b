"""The per-document Converter: the LSP form of a lint's findings equals to_lsp's, and a finding
that stays the same at the same client position keeps its LSP object across lints."""
from __future__ import annotations

from stacklint.engine import lint
from stacklint.lsp.conversion import Converter, to_lsp
from stacklint.lsp.positions import UTF16, PositionMap
from stacklint.settings import Settings

STACK = """version: "3.8"
services:
  web:
    image: nginx
    environment:
      DB_PASSWORD: hunter2
  db:
    image: postgres
"""
URI = "file:///stack.yml"


def _convert(converter: Converter, text: str):
    found = lint(text, "stack.yml", Settings(env={}))
    pmap = PositionMap(text, UTF16)
    pairs = converter(found, pmap, URI)
    assert [d for d, _ in pairs] == found
    assert [ld for _, ld in pairs] == [to_lsp(d, pmap, URI) for d in found]
    return pairs


def test_unchanged_findings_keep_their_lsp_object_and_moved_ones_are_converted_again():
    converter = Converter()
    before = _convert(converter, STACK)
    after = _convert(converter, STACK.replace("    image: nginx\n", "    image: nginx\n    # a comment\n"))
    kept = {id(ld) for _, ld in before}
    # web's findings (above the new line) are the same objects; db's moved one line down: new ones
    web = [ld for d, ld in after if d.path[:2] == ("services", "web") and d.range.start.line < 4]
    db = [ld for d, ld in after if d.path[:2] == ("services", "db")]
    assert web and db
    assert all(id(ld) in kept for ld in web)
    assert not any(id(ld) in kept for ld in db)

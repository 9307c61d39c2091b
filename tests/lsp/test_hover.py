"""Hover on a finding shows the rule's page."""
from __future__ import annotations

import asyncio

from lsprotocol import types
from pygls.uris import from_fs_path

from stacklint import catalogue

from .conftest import TIMEOUT, capabilities, open_doc, session

FACE = "\U0001F600"


async def _hover(client, uri, line, character):
    return await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character))), TIMEOUT)


async def test_hover_on_a_finding_shows_its_rule_page(tmp_path):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    async with session(tmp_path, "neovim@v0.7.0") as client:
        [d] = await open_doc(client, path, f"# é{FACE}\nversion: 3.8\nservices: {{}}\n")
        start = await _hover(client, uri, 1, 9)
        end = await _hover(client, uri, 1, 12)
        outside = await _hover(client, uri, 2, 3)
    assert start.contents.kind == types.MarkupKind.Markdown
    page = catalogue.load()["SL003"].body
    assert start.contents.value == (
        f'**SL003** version must be a string; write version: "3.8"\n\n---\n\n{page}\n\n'
        "[SL003 on the web](https://github.com/stacklint/stacklint/blob/main/rules/SL003.md)")
    assert start.range == d.range == types.Range(types.Position(1, 9), types.Position(1, 12))
    assert end.contents.value == start.contents.value
    assert outside is None


async def test_plain_text_hover_for_clients_without_markdown(tmp_path):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    caps = capabilities("neovim@v0.7.0")
    caps.text_document.hover.content_format = [types.MarkupKind.PlainText]
    async with session(tmp_path, caps=caps) as client:
        await open_doc(client, path, "version: 3.8\n")
        h = await _hover(client, uri, 0, 10)
    assert h.contents.kind == types.MarkupKind.PlainText
    assert h.contents.value.startswith('SL003 version must be a string; write version: "3.8"')
    assert "on the web" not in h.contents.value

"""Half-typed YAML never kills the server: 2,000 random edits, a request after every tenth."""
from __future__ import annotations

import asyncio
import os
import random

from lsprotocol import types
from pygls.uris import from_fs_path

from ..conftest import EXAMPLE
from .conftest import TIMEOUT, expected, open_doc, published, session, shape

EDITS = 2000
SEED = int(os.environ.get("STACKLINT_FUZZ_SEED", "5"))
INSERTS = [":", "-", "{", "}", "[", "]", "\t", "é", "\U0001F600", "日本", "\n", "\r\n", "  ", "#", '"', "'",
           "&a ", "*a", "${", "!!", "? ", "\u2028", "\x85", "|", ">"]


def _position(text: str, offset: int) -> types.Position:
    """Client position (LSP lines, UTF-16 units) of a code-point offset; written independently
    of the server's positions module."""
    line, start, i = 0, 0, 0
    while i < offset:
        ch = text[i]
        if ch == "\r" and i + 1 < len(text) and text[i + 1] == "\n" and i + 1 < offset:
            i += 2
            line, start = line + 1, i
        elif ch in "\r\n":
            i += 1
            line, start = line + 1, i
        else:
            i += 1
    return types.Position(line, sum(2 if ord(c) > 0xFFFF else 1 for c in text[start:offset]))


def _safe_offset(text: str, offset: int) -> int:
    # A client never puts a position between the \r and \n of one line break.
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        return offset - 1
    return offset


async def test_random_edits_never_kill_the_server(tmp_path):
    rng = random.Random(SEED)
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    text = EXAMPLE.read_text(encoding="utf-8")
    answered = 0
    async with session(tmp_path, options={"debounceMs": 5}) as client:
        await open_doc(client, path, text)
        for version in range(2, EDITS + 2):
            a = _safe_offset(text, rng.randrange(len(text) + 1))
            if rng.random() < 0.4 and text:
                b = _safe_offset(text, min(len(text), a + rng.randint(1, 12)))
                new = ""
            else:
                b, new = a, rng.choice(INSERTS)
            change = types.TextDocumentContentChangePartial(
                range=types.Range(start=_position(text, a), end=_position(text, b)), text=new)
            text = text[:a] + new + text[b:]
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change]))
            if version % 10 == 0:
                at = _position(text, rng.randrange(len(text) + 1))
                await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=at)), TIMEOUT)
                answered += 1
            if version % 100 == 0:
                await asyncio.sleep(0.05)  # let some debounced pushes through too
        final = await published(client, uri, EDITS + 1)
        assert client._server.returncode is None
    assert answered == EDITS // 10
    failures = [d for p in client.publications for d in p.diagnostics if d.code == "internal-error"]
    assert not failures, failures[0].message
    # The server's text is the client's: same findings, same positions.
    assert shape(final) == expected(text, path)


# In load(), which the full and the incremental lint both call (stacklint.incremental imports it
# after this has replaced it).
BROKEN_ENGINE = '''
import stacklint.engine as engine

_real = engine.load


def load(doc, path, settings, *schema):
    if "# explode" in doc.text:
        raise RuntimeError("planted engine failure")
    return _real(doc, path, settings, *schema)


engine.load = load
'''


async def test_an_engine_failure_is_one_diagnostic_and_a_log_line(tmp_path):
    """The guard, with a failure planted in the engine of the server process only."""
    (tmp_path / "plant").mkdir()
    (tmp_path / "plant" / "sitecustomize.py").write_text(BROKEN_ENGINE)
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    async with session(tmp_path, pythonpath=tmp_path / "plant") as client:
        [failure] = await open_doc(client, path, 'version: 3.8  # explode\n')
        assert (failure.range.start.line, failure.range.start.character) == (0, 0)
        assert failure.code == "internal-error" and failure.source == "stacklint"
        assert "RuntimeError: planted engine failure" in failure.message
        assert any("Traceback" in m.message and "planted engine failure" in m.message for m in client.log_messages)
        # The server goes on: the next text is linted normally.
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="version: 3.8\n")]))
        assert [d.code for d in await published(client, uri, 2)] == ["SL003"]

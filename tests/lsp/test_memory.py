"""The server's memory: flat over 10,000 edits (counted as objects the collector tracks, and
the request futures pygls files), and most of it given back after a large document is closed
(measured with tracemalloc). The server runs in this process, fed through its protocol's
message handler: the same path as bytes from an editor, minus the pipe."""
from __future__ import annotations

import asyncio
import gc
import json
import tracemalloc

import pytest

pytest.importorskip("pygls", reason="the language server needs the `lsp` extra")

from stacklint.lsp.server import build  # noqa: E402

URI = "file:///nowhere/docker-stack.yml"
SMALL = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n'


class Discard:
    """The server's output stream: counted, not kept."""

    def __init__(self):
        self.messages = 0

    def write(self, data: bytes) -> None:
        self.messages += 1

    def close(self) -> None:
        pass


async def started():
    server = build()
    server.protocol.set_writer(Discard())
    server.send = lambda message: server.protocol.handle_message(
        json.loads(json.dumps(dict(message, jsonrpc="2.0")), object_hook=server.protocol.structure_message))
    server.send({"id": 1, "method": "initialize", "params": {
        "capabilities": {}, "processId": None, "rootUri": None,
        "initializationOptions": {"inheritEnv": False, "debounceMs": 0}}})
    server.send({"method": "initialized", "params": {}})
    await asyncio.wait_for(server.ready.wait(), 20)
    return server


async def settled(server) -> None:
    """Until the document's lint has run (or there is none)."""
    doc = server.docs.get(URI)
    while doc is not None and doc.task is not None and not doc.task.done():
        await asyncio.sleep(0.001)


def open_doc(server, text: str) -> None:
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": URI, "languageId": "yaml", "version": 1, "text": text}}})


def edit(server, version: int, text: str) -> None:
    server.send({"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]}})


def tracked_objects() -> int:
    gc.collect()
    return len(gc.get_objects())


async def test_memory_stays_flat_over_ten_thousand_edits():
    server = await started()
    open_doc(server, SMALL)
    version = 1

    async def edits(count: int) -> None:
        nonlocal version
        for i in range(count):
            version += 1
            edit(server, version, SMALL + f"# edit {version}\n")
            if i % 20 == 0:
                await settled(server)  # a lint every 20 edits: the parser runs too
        await settled(server)

    await edits(1000)  # warm-up: caches, interned strings, the first lints
    before = tracked_objects()
    await edits(9000)
    after = tracked_objects()
    assert server.protocol._request_futures == {}
    assert after - before < 450, f"{after - before} more objects after 9,000 edits"  # < 1 per 20 edits
    server.worker.shutdown(wait=True)


async def test_closing_a_large_document_gives_its_memory_back():
    services = "".join(f"  s{i}:\n    image: registry.example.com/app{i}:1.0\n    environment: {{A: '{i}'}}\n"
                       f"    ports: [\"{10000 + i}:80\"]\n    deploy: {{replicas: 2}}\n" for i in range(1500))
    large = 'version: "3.8"\nservices:\n' + services
    server = await started()
    open_doc(server, SMALL)  # a first lint: the parser, schema and catalogue are loaded
    await settled(server)
    server.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": URI}}})
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        open_doc(server, large)
        await settled(server)
        assert server.docs[URI].result is not None
        held = tracemalloc.get_traced_memory()[0] - baseline
        server.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": URI}}})
        await asyncio.sleep(0)
        gc.collect()
        left = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    assert held > 5 * len(large)  # the open document really held its text, tree and findings
    # What stays is the bounded caches (image names, port specs: 4,096 entries each) and, still
    # to be found, about 3,000 YAML nodes; the text, the parser and the findings are gone.
    # (Before: ruamel's instance kept the stream and the C parser, pygls the didOpen params.)
    assert left < held * 0.6, f"{left:,} of {held:,} bytes still held after didClose"
    server.worker.shutdown(wait=True)

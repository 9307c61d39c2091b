"""The server's memory: flat over 10,000 edits and back to its baseline after a large document
is closed. Retained objects are measured, not RSS: the objects the collector tracks, the memory
blocks Python's allocator holds (strings and numbers, which the collector does not track) and,
for the closed document, every byte tracemalloc sees. The server runs in this process, fed
through its protocol's message handler: the same path as bytes from an editor, minus the pipe."""
from __future__ import annotations

import asyncio
import gc
import json
import sys
import tracemalloc

import pytest

pytest.importorskip("pygls", reason="the language server needs the `lsp` extra")

from stacklint.lsp.server import build  # noqa: E402

from ..conftest import TIMEOUT  # noqa: E402

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
    await asyncio.wait_for(server.ready.wait(), TIMEOUT)
    return server


async def settled(server, uri: str = URI) -> None:
    """Until the document's lint has run (or there is none)."""
    doc = server.docs.get(uri)
    await until(lambda: doc is None or doc.task is None or doc.task.done())


async def until(condition) -> None:
    async def poll():
        while not condition():
            await asyncio.sleep(0.001)

    await asyncio.wait_for(poll(), TIMEOUT)


def open_doc(server, text: str) -> None:
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": URI, "languageId": "yaml", "version": 1, "text": text}}})


def edit(server, version: int, text: str) -> None:
    server.send({"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]}})


def retained() -> tuple:
    """(objects the collector tracks, memory blocks allocated), after a full collection."""
    gc.collect()
    return len(gc.get_objects()), sys.getallocatedblocks()


async def test_memory_stays_flat_over_ten_thousand_edits():
    server = await started()
    open_doc(server, SMALL)
    version = 1

    async def edits(count: int) -> None:
        # An editor sends one didChange per keystroke; the server lints the latest text only,
        # so the lint of an edit that the next one replaces is cancelled. Here the test lets a
        # lint run every 20 edits (500 lints over the 10,000 edits) and cancels the others.
        nonlocal version
        for i in range(count):
            version += 1
            edit(server, version, SMALL + f"# edit {version}\n")
            if i % 20 == 0:
                await settled(server)
        await settled(server)

    await edits(1000)  # warm-up: caches, interned strings, the first lints
    objects, blocks = retained()
    await edits(10_000)
    more_objects, more_blocks = (after - before for after, before in zip(retained(), (objects, blocks)))
    assert server.protocol._request_futures == {}
    # Less than one object and one block per 20 edits: nothing is kept per edit or per lint.
    assert more_objects < 500, f"{more_objects} more objects after 10,000 edits"
    assert more_blocks < 500, f"{more_blocks} more memory blocks after 10,000 edits"
    server.worker.shutdown(wait=True)


async def test_closing_a_large_document_returns_to_the_baseline():
    services = "".join(f"  s{i}:\n    image: registry.example.com/app{i}:1.0\n    environment: {{A: '{i}'}}\n"
                       f"    ports: [\"{10000 + i}:80\"]\n    deploy: {{replicas: 2}}\n" for i in range(800))
    large = 'version: "3.8"\nservices:\n' + services
    server = await started()
    open_doc(server, SMALL)  # a first lint: the parser, schema and catalogue are loaded
    await settled(server)
    server.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": URI}}})
    objects, _blocks = retained()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        open_doc(server, large)
        await settled(server)
        assert server.docs[URI].result is not None
        held = tracemalloc.get_traced_memory()[0] - baseline
        server.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": URI}}})
        await asyncio.sleep(0)
        more_objects = retained()[0] - objects
        left = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    assert held > 5 * len(large)  # the open document really held its text, tree and findings
    # Back to the baseline, give or take a fixed allowance (the first use of a regular
    # expression compiles it: about 5 KB here) that does not grow with the document: its text,
    # parse, findings and the parsers' memo entries for its values are all gone.
    assert left < 32 * 1024, f"{left:,} of {held:,} bytes still held after didClose"
    assert more_objects < 100, f"{more_objects} more objects after didClose"
    server.worker.shutdown(wait=True)


async def test_closing_one_document_keeps_the_memo_tables_of_the_others():
    from stacklint.model.image import split_image

    other = "file:///nowhere/other/docker-stack.yml"
    server = await started()
    open_doc(server, SMALL)
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": other, "languageId": "yaml", "version": 1, "text": SMALL.replace("nginx", "redis")}}})
    await until(lambda: all(doc.task is None or doc.task.done() for doc in server.docs.values()))
    tables = server.docs[other].memo
    assert tables.info(split_image).currsize == 1  # its one image, in its own tables
    server.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": URI}}})
    server.send({"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": other, "version": 2},
        "contentChanges": [{"text": SMALL.replace("nginx", "redis") + "x-note: 1\n"}]}})
    await settled(server, other)
    # the next lint of the document left open finds its image parsed already
    assert (tables.info(split_image).hits, tables.info(split_image).misses) == (1, 1)
    server.worker.shutdown(wait=True)

"""The server's lifecycle through a raw byte stream, as the LSP specification has it: a request
after `shutdown` is answered with an error, `exit` without `shutdown` exits 1, malformed
headers end the session with one line instead of stalling, and `shutdown` is answered while a
large lint is still running."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading

import pytest

pytest.importorskip("pygls", reason="the language server needs the `lsp` extra")

from ..conftest import ROOT, TIMEOUT as WAIT  # noqa: E402


class RawClient:
    """`stacklint lsp` on pipes; messages framed and read by hand."""

    def __init__(self):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen([sys.executable, "-m", "stacklint", "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.messages: "queue.Queue[dict]" = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put(json.loads(out.read(length)))

    def send_raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict) -> None:
        body = json.dumps(dict(message, jsonrpc="2.0")).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def reply_to(self, msg_id) -> dict:
        while True:
            message = self.messages.get(timeout=WAIT)
            if message.get("id") == msg_id and "method" not in message:
                return message

    def initialize(self) -> None:
        self.send({"id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": None,
                                                                "rootUri": None, "initializationOptions":
                                                                    {"inheritEnv": False}}})
        assert "result" in self.reply_to(1)
        self.send({"method": "initialized", "params": {}})

    def wait(self) -> int:
        return self.proc.wait(timeout=WAIT)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass


@pytest.fixture
def client():
    c = RawClient()
    yield c
    c.close()


def test_shutdown_then_exit_exits_0(client):
    client.initialize()
    client.send({"id": 2, "method": "shutdown"})
    assert client.reply_to(2) == {"jsonrpc": "2.0", "id": 2, "result": None}
    client.send({"method": "exit"})
    assert client.wait() == 0


def test_exit_without_shutdown_exits_1(client):
    client.initialize()
    client.send({"method": "exit"})
    assert client.wait() == 1


def test_a_request_after_shutdown_gets_invalid_request(client):
    client.initialize()
    client.send({"id": 2, "method": "shutdown"})
    client.reply_to(2)
    client.send({"id": 3, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": "file:///x/docker-stack.yml"}, "position": {"line": 0, "character": 0}}})
    error = client.reply_to(3)["error"]
    assert (error["code"], error["message"]) == (-32600, "the server is shutting down: only `exit` is accepted now")
    client.send({"method": "exit"})
    assert client.wait() == 0


@pytest.mark.parametrize("header, why", [
    (b"Content-Length: abc\r\n\r\n", "unreadable message header 'Content-Length: abc\\r\\n'"),
    (b"Content-Type: application/json\r\n\r\n", "a message header without Content-Length"),
    (b'{"jsonrpc": "2.0", "method": "exit"}\r\n', "unreadable message header '{\"jsonrpc\": \"2.0\", "
                                                  "\"method\": \"exit\"}\\r\\n'"),
    (b"Content-Length: 999999999999\r\n\r\n", "Content-Length 999,999,999,999 is over the 134,217,728-byte limit"),
])
def test_a_malformed_header_ends_the_session_with_one_line(client, header, why):
    client.initialize()
    client.send_raw(header + b'{"jsonrpc": "2.0", "id": 9, "method": "shutdown"}')  # stdin stays open
    assert client.wait() == 1
    assert client.proc.stderr.read().decode().splitlines()[-1] == (
        f"stacklint lsp: {why}; the stream cannot be read further, stopping")


def test_content_length_is_read_whatever_its_case_and_spacing(client):
    client.initialize()
    body = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}).encode()
    client.send_raw(b"content-length:%d \r\n\r\n" % len(body) + body)
    assert client.reply_to(2)["result"] is None


def test_shutdown_is_answered_before_a_running_lint_finishes(client):
    client.initialize()
    services = "".join(f"  s{i}:\n    image: nginx:1.27\n    ports: [\"{10000 + i}:80\"]\n" for i in range(3000))
    uri = "file:///nowhere/docker-stack.yml"
    client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": 'version: "3.8"\nservices:\n' + services}}})
    client.send({"id": 2, "method": "shutdown"})
    order = []
    while not order or order[-1] != "shutdown":
        message = client.messages.get(timeout=WAIT)
        if message.get("method") == "textDocument/publishDiagnostics":
            order.append("diagnostics")
        elif message.get("id") == 2:
            order.append("shutdown")
    assert order == ["shutdown"]  # answered first: the lint of 3,000 services had not published yet
    client.send({"method": "exit"})
    assert client.wait() == 0

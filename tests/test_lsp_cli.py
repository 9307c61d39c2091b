"""`stacklint lsp` as a command: stdio by default, --tcp, and a clear message without pygls."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from .conftest import EXAMPLE, ROOT, TIMEOUT, run_cli


def _without_pygls(tmp_path) -> dict:
    """An environment where `import pygls` fails, as in a broken install."""
    block = tmp_path / "block"
    for name in ("pygls", "lsprotocol"):
        (block / name).mkdir(parents=True)
        (block / name / "__init__.py").write_text(f"raise ImportError('no module named {name}')\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(block) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_without_pygls_lsp_says_how_to_repair_and_linting_still_works(tmp_path):
    env = _without_pygls(tmp_path)
    r = run_cli("lsp", env=env)
    assert r.returncode == 2
    assert r.stderr.strip() == ("stacklint lsp needs pygls and lsprotocol (dependencies of stacklint), which this "
                                "environment lacks: pip install --force-reinstall stacklint")
    assert r.stdout == ""
    lint = run_cli(str(EXAMPLE), env=env)
    assert lint.returncode in (0, 1) and "Traceback" not in lint.stderr


def _frame(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(sock) -> dict:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, "server closed the connection"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int([h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0].split(b":")[1])
    while len(rest) < length:
        rest += sock.recv(4096)
    return json.loads(rest[:length])


def test_tcp_mode_answers_initialize(tmp_path):
    pytest.importorskip("pygls")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    server = subprocess.Popen([sys.executable, "-m", "stacklint", "lsp", "--tcp", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.1)
        with sock:
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
            reply = _read_message(sock)
            assert reply["id"] == 1
            assert reply["result"]["serverInfo"]["name"] == "stacklint"
            caps = reply["result"]["capabilities"]
            assert caps["hoverProvider"] and caps["codeActionProvider"]
            assert "diagnosticProvider" not in caps  # no pull for a client that does not ask
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            while _read_message(sock).get("id") != 2:
                pass
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "exit"}))
    finally:
        try:
            server.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_stdio_flag_is_accepted(tmp_path):
    pytest.importorskip("pygls")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    # End of input: the server stops at once, with no output on stdout.
    r = subprocess.run([sys.executable, "-m", "stacklint", "lsp", "--stdio"], input=b"", capture_output=True,
                       env=env, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout == b""

"""Helpers for the language-server tests: a real `stacklint lsp` subprocess driven by pytest-lsp."""
from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

pytest.importorskip("pygls", reason="the language server needs the `lsp` extra (pygls, lsprotocol)")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="the language-server tests need pytest-lsp")

from lsprotocol import types  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, LanguageClient, register_lsp_features  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402

from stacklint import config  # noqa: E402
from stacklint.engine import lint  # noqa: E402
from stacklint.settings import Settings  # noqa: E402

from ..conftest import ROOT, TIMEOUT  # noqa: E402

CLIENTS = ("neovim@v0.7.0", "visual-studio-code")
# The test environment must not leak into interpolation: the server gets an empty one.
QUIET = {"inheritEnv": False}


def server_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def capabilities(spec: str, pull: bool = False) -> types.ClientCapabilities:
    caps = pytest_lsp.client_capabilities(spec)
    if pull:
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=False)
    return caps


def _client():
    """pytest-lsp's client, plus client/registerCapability (recorded in client.registrations)
    and every publishDiagnostics kept in order (client.publications)."""
    client = LanguageClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    del features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    register_lsp_features(client, features)
    client.registrations = []
    client.publications = []

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: types.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.publications.append(params)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    return client


@contextlib.asynccontextmanager
async def session(root: Path, spec: str = "visual-studio-code", *, pull: bool = False,
                  options: Optional[Dict[str, Any]] = None, configuration: Optional[Dict[str, Any]] = None,
                  pythonpath: Optional[Path] = None, caps: Optional[types.ClientCapabilities] = None):
    """A started and initialised server, ready (the `initialized` settings are in)."""
    env = server_env()
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath) + os.pathsep + env["PYTHONPATH"]
    cfg = pytest_lsp.ClientServerConfig(server_command=[sys.executable, "-m", "stacklint", "lsp"],
                                        server_env=env, client_factory=_client)
    client = await cfg.start()
    if configuration is not None:
        for scope, value in configuration.items():
            client.set_configuration(value, section="stacklint", scope_uri=scope)
    root_uri = from_fs_path(str(root))
    try:
        await asyncio.wait_for(client.initialize_session(types.InitializeParams(
            capabilities=caps or capabilities(spec, pull), root_uri=root_uri,
            workspace_folders=[types.WorkspaceFolder(uri=root_uri, name=root.name)],
            initialization_options=dict(QUIET, **(options or {})))), TIMEOUT)
        await wait_until(lambda: any("ready" in m.message for m in client.log_messages))
        yield client
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    finally:
        # After a failure the server was never told to exit, and pytest-lsp's stop() waits
        # for it: end it the way an editor that went away does, by closing its input.
        server = client._server
        if server is not None and server.returncode is None:
            if server.stdin is not None:
                server.stdin.close()
            try:
                await asyncio.wait_for(server.wait(), TIMEOUT)
            except asyncio.TimeoutError:
                server.kill()
        await client.stop()


async def wait_until(predicate, timeout: float = TIMEOUT) -> None:
    async def poll():
        while not predicate():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


async def published(client, uri: str, version: Optional[int] = None) -> List[types.Diagnostic]:
    """The next publishDiagnostics for uri (for this version, when given)."""
    async def wait():
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and (version is None or params.version == version):
                return list(params.diagnostics)

    return await asyncio.wait_for(wait(), TIMEOUT)


async def open_doc(client, path: Path, text: Optional[str] = None, version: int = 1) -> List[types.Diagnostic]:
    """Open a document (its text from disk unless given) and return its first diagnostics."""
    uri = from_fs_path(str(path))
    text = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)))
    return await published(client, uri, version)


def change(client, path: Path, version: int, text: str) -> None:
    """Replace the whole text (a full-content change)."""
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=from_fs_path(str(path)), version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def shape(diagnostics) -> List[tuple]:
    """(code, ((line, char), (line, char)), severity, message) of LSP diagnostics."""
    return sorted((d.code, ((d.range.start.line, d.range.start.character), (d.range.end.line, d.range.end.character)),
                   int(d.severity), d.message) for d in diagnostics)


_SEVERITY = {3: 1, 2: 2, 1: 3}  # engine ERROR/WARNING/INFO -> LSP Error/Warning/Information


def lsp_lines(text: str) -> List[str]:
    """The text's lines as the LSP specification defines them (breaks: CRLF, CR, LF; nothing
    else), by a plain walk: independent of the server's positions module and of str.splitlines."""
    lines, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch in "\r\n":
            lines.append("".join(current))
            current = []
            i += 2 if text[i:i + 2] == "\r\n" else 1
            continue
        current.append(ch)
        i += 1
    lines.append("".join(current))
    return lines


def client_position(lines: List[str], line: int, column: int, encoding: str = "utf-16-le") -> tuple:
    """An engine position (code points) in the client's units (UTF-16 by default), by encoding the
    line's prefix with the standard library's codec."""
    unit = {"utf-16-le": 2, "utf-32-le": 4, "utf-8": 1}[encoding]
    if line >= len(lines):
        return len(lines) - 1, len(lines[-1].encode(encoding)) // unit
    return line, len(lines[line][:column].encode(encoding, "surrogatepass")) // unit


def expected(text: str, path: Optional[Path], **settings) -> List[tuple]:
    """What the server must publish: lint() of the same text, positions converted to UTF-16 by
    the independent reference above."""
    settings.setdefault("env", {})
    base = Settings(**settings)
    effective = config.settings_for(str(path), base) if path is not None else base
    lines = lsp_lines(text)
    out = []
    for d in lint(text, str(path) if path else None, effective):
        start = client_position(lines, d.range.start.line, d.range.start.column)
        end = client_position(lines, d.range.end.line, d.range.end.column)
        out.append((d.code, (start, end), _SEVERITY[int(d.severity)], d.message))
    return sorted(out)


# -- a client-side edit applier, independent of the server's positions module --------------
def offset_at(text: str, line: int, character: int) -> int:
    i, n, current = 0, len(text), 0
    while current < line and i < n:
        if text[i] == "\r":
            i += 2 if text[i + 1:i + 2] == "\n" else 1
            current += 1
        elif text[i] == "\n":
            i += 1
            current += 1
        else:
            i += 1
    used = 0
    while i < n and text[i] not in "\r\n" and used < character:
        used += 2 if ord(text[i]) > 0xFFFF else 1
        i += 1
    return i


def apply_edits(text: str, edits) -> str:
    spans = sorted(((offset_at(text, e.range.start.line, e.range.start.character),
                     offset_at(text, e.range.end.line, e.range.end.character), e.new_text) for e in edits),
                   reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def edits_for(action: types.CodeAction, uri: str):
    edit = action.edit
    if edit.document_changes:
        return [e for dc in edit.document_changes if dc.text_document.uri == uri for e in dc.edits]
    return list(edit.changes[uri])


async def actions_at(client, uri: str, diagnostic: types.Diagnostic) -> List[types.CodeAction]:
    result = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic]))), TIMEOUT)
    return list(result or [])

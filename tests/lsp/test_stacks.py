"""Stacks declared in the configuration, in the editor: an open file of a stack is linted as the
merged stack, the other files read from open buffers or disk, every finding published in the
file that causes it, and cleared when the stack's last open file closes or the configuration
changes."""
from __future__ import annotations

import asyncio
import os

from lsprotocol import types
from pygls.uris import from_fs_path

from .conftest import TIMEOUT, session, shape, wait_until

BASE = """version: "3.8"
services:
  web:
    image: nginx
    ports:
      - "80:8080"
secrets:
  db:
    external: true
"""
BASE_WITHOUT_SECRET = BASE.split("secrets:")[0]
OVERRIDE = 'version: "3.8"\nservices:\n  web:\n    secrets:\n      - db\n'
CONFIG = "select: [SL1, SL2, SL6]\nstacks:\n  - name: shop\n    files: [docker-stack.yml, docker-stack.prod.yml]\n"

WARNING, INFO, ERROR = 2, 3, 1
# The merged stack's findings, all in the base (exact, as the CLI prints them 1-based).
IN_BASE = sorted([
    ("SL209", ((3, 11), (3, 16)), WARNING, "service web: image nginx has no tag (:latest); pin a version"),
    ("SL106", ((7, 2), (7, 4)), INFO, "secret db is external: create it before deploying with "
     "`docker secret create db -` (reads the value from standard input)"),
])
UNDEFINED_DB = ("SL101", ((4, 8), (4, 10)), ERROR, 'service web: undefined secret "db"')


def _project(tmp_path):
    (tmp_path / "docker-stack.yml").write_text(BASE)
    (tmp_path / "docker-stack.prod.yml").write_text(OVERRIDE)
    (tmp_path / ".stacklint.yaml").write_text(CONFIG)
    return [from_fs_path(str(tmp_path / name)) for name in ("docker-stack.yml", "docker-stack.prod.yml")]


def _open(client, uri, text, version=1):
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)))


def _close(client, uri):
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))


async def _shows(client, expected):
    """Until the latest diagnostics of each uri are exactly the expected ones."""
    def shown():
        return {uri: shape(client.diagnostics.get(uri, [])) for uri in expected if uri in client.diagnostics}

    try:
        await wait_until(lambda: shown() == {uri: sorted(items) for uri, items in expected.items()})
    except asyncio.TimeoutError:
        raise AssertionError(f"shown: {shown()}") from None


async def test_an_open_override_is_linted_with_its_stack_and_findings_land_in_their_files(tmp_path):
    base, prod = _project(tmp_path)
    async with session(tmp_path, "visual-studio-code") as client:
        _open(client, prod, OVERRIDE)
        # Merged: the override's secret is declared in the base; the base's findings show in
        # the base, which is not even open.
        await _shows(client, {prod: [], base: IN_BASE})
        # The base's unsaved buffer is what the stack is linted with once it is open.
        _open(client, base, BASE_WITHOUT_SECRET)
        await _shows(client, {prod: [UNDEFINED_DB], base: IN_BASE[1:]})
        # Closed: the base is read from disk again, through the override still open.
        _close(client, base)
        await _shows(client, {prod: [], base: IN_BASE})
        # The stack's last open file closed: every file of the stack is cleared.
        _close(client, prod)
        await _shows(client, {prod: [], base: []})


async def test_a_configuration_without_the_stack_lints_the_file_alone_and_clears_the_others(tmp_path):
    """(The override's name is a stack file's, so alone it is linted too; prod.yml would not be.)"""
    base, prod = _project(tmp_path)
    cfg = tmp_path / ".stacklint.yaml"
    async with session(tmp_path, "visual-studio-code") as client:
        _open(client, prod, OVERRIDE)
        await _shows(client, {prod: [], base: IN_BASE})
        cfg.write_text("select: [SL1, SL2, SL6]\n")
        os.utime(cfg, (1, 1))
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=from_fs_path(str(cfg)), type=types.FileChangeType.Changed)]))
        alone = [UNDEFINED_DB, ("SL601", ((2, 2), (2, 5)), ERROR,
                                "invalid image reference for service web: no image specified")]
        await _shows(client, {prod: alone, base: []})


async def test_a_pull_client_gets_the_document_share_of_its_stack(tmp_path):
    base, prod = _project(tmp_path)
    (tmp_path / "docker-stack.yml").write_text(BASE_WITHOUT_SECRET)
    async with session(tmp_path, pull=True) as client:
        _open(client, prod, OVERRIDE)
        report = await asyncio.wait_for(client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=prod))), TIMEOUT)
    assert shape(report.items) == [UNDEFINED_DB]  # from the merged stack: no SL601, the base has the image


async def test_a_related_location_in_another_file_of_the_stack_points_there(tmp_path):
    base, _prod = _project(tmp_path)
    api = tmp_path / "docker-stack.api.yml"
    api.write_text('version: "3.8"\nservices:\n  api:\n    image: nginx:1.27\n    ports:\n      - "80:9090"\n')
    (tmp_path / ".stacklint.yaml").write_text(
        "select: [SL309]\nstacks:\n  - files: [docker-stack.yml, docker-stack.api.yml]\n")
    api_uri = from_fs_path(str(api))
    async with session(tmp_path, "visual-studio-code") as client:
        _open(client, api_uri, api.read_text())
        await wait_until(lambda: client.diagnostics.get(api_uri))
        (found,) = client.diagnostics[api_uri]
        (related,) = found.related_information
    assert (found.code, found.range.start.line, found.range.start.character) == ("SL309", 5, 8)
    assert (related.location.uri, related.message) == (base, "service web publishes 80/tcp (ingress mode) here")
    assert ((related.location.range.start.line, related.location.range.start.character),
            (related.location.range.end.line, related.location.range.end.character)) == ((5, 8), (5, 17))

"""End to end through `stacklint lsp`: diagnostics as editors receive them."""
from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.uris import from_fs_path

from ..conftest import EXAMPLE
from .conftest import (CLIENTS, TIMEOUT, change, expected, open_doc, published, session, shape, wait_until)

FACE = "\U0001F600"


@pytest.mark.parametrize("spec", CLIENTS)
async def test_example_gets_exactly_the_engines_findings(spec):
    text = EXAMPLE.read_text(encoding="utf-8")
    async with session(EXAMPLE.parent, spec) as client:
        got = await open_doc(client, EXAMPLE)
    assert shape(got) == expected(text, EXAMPLE)
    for d in got:
        assert d.source == "stacklint"
        assert d.code_description.href == f"https://github.com/stacklint/stacklint/blob/main/rules/{d.code}.md"
        assert d.data["name"]


async def test_a_finding_added_to_the_example_appears_and_goes_when_fixed():
    text = EXAMPLE.read_text(encoding="utf-8")
    broken = text.replace('version: "3.2"', "version: 3.2")
    assert broken != text
    async with session(EXAMPLE.parent) as client:
        before = await open_doc(client, EXAMPLE)
        change(client, EXAMPLE, 2, broken)
        during = await published(client, from_fs_path(str(EXAMPLE)), 2)
        change(client, EXAMPLE, 3, text)
        after = await published(client, from_fs_path(str(EXAMPLE)), 3)
    line = text.splitlines().index('version: "3.2"')
    sl003 = [d for d in during if d.code == "SL003"]
    assert [(d.range.start.line, d.range.start.character, d.range.end.character) for d in sl003] == [(line, 9, 12)]
    assert sl003[0].message == 'version must be a string; write version: "3.2"'
    assert sl003[0].severity == types.DiagnosticSeverity.Error
    assert shape(during) == expected(broken, EXAMPLE)
    assert shape(after) == shape(before) == expected(text, EXAMPLE)
    assert not any(d.code == "SL003" for d in after)


# Hand-checked positions: UTF-16 columns, with non-ASCII and astral characters before the finding.
HAND_WRITTEN = [
    # SL001: the parser stops at the `}` that closes nothing: code point 11, plus one unit for
    # each face before it
    ("SL001", f'version: "3.8"\nx-é{FACE}: "é{FACE}" }}\n', (1, 13), (1, 14)),
    # SL002: the second `image`, after a key and a value holding é and the face
    ("SL002", f'version: "3.8"\nservices:\n  wéb: {{image: "é{FACE}", image: y}}\n', (2, 22), (2, 27)),
    # SL003: a float version in a flow mapping after an astral key
    ("SL003", f'{{x-{FACE}é: 1, version: 3.8}}\n', (0, 20), (0, 23)),
    # SL004: a service name with the face in it: the key's range counts two units for it
    ("SL004", f'version: "3.8"\nservices:\n  wéb{FACE}:\n    image: nginx:1.27\n', (2, 2), (2, 7)),
    # SL002 again, after CRLF and CR line ends and a value holding NEL, U+2028, U+2029 and a tab,
    # which break lines for YAML (and str.splitlines) but not for LSP: still client line 3
    ("SL002", f'version: "3.8"\r\nx-n: "a\x85b\u2028c\u2029d\t{FACE}"\rservices:\n'
              f'  web: {{image: "é{FACE}", image: y}}\n', (3, 22), (3, 27)),
]


@pytest.mark.parametrize("code,text,start,end", HAND_WRITTEN, ids=[h[0] for h in HAND_WRITTEN])
async def test_exact_utf16_ranges_after_non_ascii(tmp_path, code, text, start, end):
    path = tmp_path / "docker-stack.yml"
    async with session(tmp_path) as client:
        got = await open_doc(client, path, text)
    ours = [d for d in got if d.code == code]
    assert [((d.range.start.line, d.range.start.character), (d.range.end.line, d.range.end.character))
            for d in ours] == [(start, end)], shape(got)
    assert shape(got) == expected(text, path)


async def test_close_clears_and_other_yaml_is_left_alone(tmp_path):
    stack, other = tmp_path / "docker-stack.yml", tmp_path / "values.yml"
    bad = "version: 3.8\nservices: {}\n"
    async with session(tmp_path) as client:
        assert [d.code for d in await open_doc(client, stack, bad)] == ["SL003"]
        uri = from_fs_path(str(stack))
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
        assert await published(client, uri) == []
        client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=from_fs_path(str(other)), language_id="yaml", version=1, text=bad)))
        # Nothing is published for values.yml, while a stack file opened after it is linted.
        third = tmp_path / "compose.prod.yaml"
        assert [d.code for d in await open_doc(client, third, bad)] == ["SL003"]
        assert from_fs_path(str(other)) not in client.diagnostics


async def test_files_setting_picks_other_names(tmp_path):
    other = tmp_path / "deploy" / "prod.yml"
    other.parent.mkdir()
    bad = "version: 3.8\nservices: {}\n"
    async with session(tmp_path, options={"files": ["deploy/*.yml"]}) as client:
        assert [d.code for d in await open_doc(client, other, bad)] == ["SL003"]


async def test_save_relints_and_debounced_changes_publish_only_the_last(tmp_path):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    async with session(tmp_path, options={"debounceMs": 150}) as client:
        assert await open_doc(client, path, 'version: "3.8"\n') == []
        before = len(client.publications)
        # Ten edits in quick succession: the first after the pause may be linted at once (the
        # leading edge), the rest wait for the pause; no intermediate version is published.
        for v in range(2, 12):
            change(client, path, v, f"version: 3.{v}\n")
        final = await published(client, uri, 11)
        assert [d.message for d in final] == ['version must be a string; write version: "3.11"']
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
        again = await published(client, uri)
        assert shape(again) == shape(final)
        # Up to the save's publication (the last one), waited for above rather than slept on:
        versions = [p.version for p in client.publications[before:-1] if p.uri == uri]
        assert versions in ([11], [2, 11]), versions


async def test_pull_diagnostics_when_the_client_supports_them(tmp_path):
    path = tmp_path / "docker-stack.yml"
    text = f'version: 3.8\nservices:\n  wéb{FACE}: {{image: x, image: y}}\n'
    async with session(tmp_path, pull=True) as client:
        uri = from_fs_path(str(path))
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
        report = await asyncio.wait_for(client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))), TIMEOUT)
        await asyncio.sleep(0.3)
        pushed = uri in client.diagnostics
    assert report.kind == "full"
    assert shape(report.items) == expected(text, path)
    assert not pushed, "a pull client must not also get pushed diagnostics (duplicates)"


async def test_pull_is_not_advertised_to_push_clients(tmp_path):
    for pull in (False, True):
        async with session(tmp_path, "neovim@v0.7.0", pull=pull) as client:
            log = " ".join(m.message for m in client.log_messages)
            assert ("pull diagnostics" in log) is pull, log


async def test_related_information_severity_tags_and_data(tmp_path):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    text = (f'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    container_name: wéb\n'
            f'    secrets: ["é{FACE}"]\nsecrets:\n  other:\n    external: true\n')
    async with session(tmp_path, options={"select": ["SL101", "SL306"]}) as client:
        got = await open_doc(client, path, text)
    assert shape(got) == expected(text, path, select=frozenset({"SL101", "SL306"}))
    [undefined] = [d for d in got if d.code == "SL101"]
    # The secret's name holds an astral character: two UTF-16 units, so the range ends at 19.
    assert (undefined.range.start.character, undefined.range.end.character) == (14, 19)
    assert undefined.severity == types.DiagnosticSeverity.Error
    assert undefined.data == {"name": "undefined-secret", "fixable": True, "stage": "deploy"}
    [related] = undefined.related_information
    assert related.location.uri == uri and related.message == "secrets are declared here"
    assert related.location.range == types.Range(types.Position(6, 0), types.Position(6, 7))
    [ignored] = [d for d in got if d.code == "SL306"]
    assert list(ignored.tags) == [types.DiagnosticTag.Unnecessary]
    assert undefined.tags is None


async def test_server_answers_after_yaml_it_cannot_read(tmp_path):
    path = tmp_path / "docker-stack.yml"
    async with session(tmp_path) as client:
        got = await open_doc(client, path, "services: [\n  {a: \x00\n")
        assert [d.code for d in got] == ["SL001"]
        uri = from_fs_path(str(path))
        hover = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(uri=uri), got[0].range.start)), TIMEOUT)
        assert "SL001" in hover.contents.value
        await wait_until(lambda: True)

"""Settings through all three channels, and the project's config file per workspace folder."""
from __future__ import annotations

import importlib.util
import json
import os

import pytest
from lsprotocol import types
from pygls.uris import from_fs_path

from stacklint.lsp import settings as client_settings

from .conftest import change, open_doc, published, session, wait_until

BAD_VERSION = "version: 3.8\nservices: {}\n"
SEV = types.DiagnosticSeverity


def _severities(diags):
    return [(d.code, d.severity) for d in diags]


async def test_initialization_options_change_severity_and_ignore(tmp_path):
    path = tmp_path / "docker-stack.yml"
    async with session(tmp_path, "neovim@v0.7.0", options={"severity": {"SL003": "warning"}}) as client:
        assert _severities(await open_doc(client, path, BAD_VERSION)) == [("SL003", SEV.Warning)]
    async with session(tmp_path, "neovim@v0.7.0", options={"ignore": ["unsupported-version"]}) as client:
        assert await open_doc(client, path, BAD_VERSION) == []


async def test_did_change_configuration_relints_open_documents(tmp_path):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    async with session(tmp_path, "neovim@v0.7.0") as client:
        assert _severities(await open_doc(client, path, BAD_VERSION)) == [("SL003", SEV.Error)]
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"stacklint": {"severity": {"SL003": "info"}}}))
        assert _severities(await published(client, uri)) == [("SL003", SEV.Information)]
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"stacklint": {"select": ["SL1"]}}))
        assert await published(client, uri) == []


async def test_workspace_configuration_per_folder_and_refreshed_on_change(tmp_path):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    folder = from_fs_path(str(tmp_path))
    async with session(tmp_path, "visual-studio-code",
                       configuration={folder: {"severity": {"SL003": "info"}}}) as client:
        assert _severities(await open_doc(client, path, BAD_VERSION)) == [("SL003", SEV.Information)]
        # VS Code's way: change the setting, notify with no payload, the server asks again.
        client.set_configuration({"severity": {"SL003": "warning"}}, section="stacklint", scope_uri=folder)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        assert _severities(await published(client, uri)) == [("SL003", SEV.Warning)]


async def test_env_and_strict_env(tmp_path):
    path = tmp_path / "docker-stack.yml"
    text = 'version: "3.8"\nservices:\n  web:\n    image: "nginx:${TAG}"\n'
    async with session(tmp_path, "neovim@v0.7.0", options={"select": ["SL005"]}) as client:
        assert [d.code for d in await open_doc(client, path, text)] == ["SL005"]
    async with session(tmp_path, "neovim@v0.7.0", options={"select": ["SL005"], "env": {"TAG": "1.27"}}) as client:
        assert await open_doc(client, path, text) == []


async def test_bad_settings_are_reported_once_and_skipped(tmp_path):
    path = tmp_path / "docker-stack.yml"
    async with session(tmp_path, "neovim@v0.7.0",
                       options={"stacklint": {"severity": {"SL003": "loud"}, "colour": True,
                                              "select": ["SL003"]}}) as client:
        assert _severities(await open_doc(client, path, BAD_VERSION)) == [("SL003", SEV.Error)]
        [message] = [m for m in client.messages if "settings" in m.message]
    assert "`severity.SL003`: unknown severity 'loud'" in message.message
    assert "unknown setting `colour`" in message.message


async def test_project_config_is_applied_and_re_read_when_it_changes(tmp_path):
    path = tmp_path / "stacks" / "docker-stack.yml"
    path.parent.mkdir()
    uri = from_fs_path(str(path))
    cfg = tmp_path / ".stacklint.yaml"
    cfg.write_text("severity:\n  SL003: info\n")
    async with session(tmp_path, "visual-studio-code") as client:
        assert [r.method for r in client.registrations] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        assert _severities(await open_doc(client, path, BAD_VERSION)) == [("SL003", SEV.Information)]
        cfg.write_text("severity:\n  SL003: warning\n")
        os.utime(cfg, (1, 1))  # a different modification time, whatever the clock's resolution
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=from_fs_path(str(cfg)), type=types.FileChangeType.Changed)]))
        assert _severities(await published(client, uri)) == [("SL003", SEV.Warning)]


async def test_without_file_watching_the_config_is_re_read_on_the_next_lint(tmp_path):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    cfg = tmp_path / ".stacklint.yaml"
    cfg.write_text("ignore: [SL003]\n")
    async with session(tmp_path, "neovim@v0.7.0") as client:
        assert await open_doc(client, path, BAD_VERSION) == []
        cfg.write_text("ignore: []\n")
        os.utime(cfg, (1, 1))
        change(client, path, 2, BAD_VERSION + "# edited\n")
        assert _severities(await published(client, uri, 2)) == [("SL003", SEV.Error)]


async def test_invalid_config_is_shown_and_marked_and_linting_goes_on(tmp_path):
    path = tmp_path / "docker-stack.yml"
    cfg = tmp_path / ".stacklint.yaml"
    cfg.write_text("severity:\n  SL003: info\nselec: [SL1]\n")
    cfg_uri = from_fs_path(str(cfg))
    async with session(tmp_path, "neovim@v0.7.0") as client:
        # The editor's settings only: SL003 at its own severity.
        assert _severities(await open_doc(client, path, BAD_VERSION)) == [("SL003", SEV.Error)]
        [shown] = [m for m in client.messages if "invalid configuration" in m.message]
        assert shown.type == types.MessageType.Error
        assert f"{cfg}:3:1: invalid configuration: unknown option `selec`; did you mean `select`?" in shown.message
        [marked] = await open_doc(client, cfg, cfg.read_text())
        assert (marked.range.start.line, marked.range.start.character) == (2, 0)
        assert marked.message == "invalid configuration: unknown option `selec`; did you mean `select`?"
        # Fixed and saved: the mark goes and the config applies again.
        cfg.write_text("severity:\n  SL003: info\n")
        os.utime(cfg, (1, 1))
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=cfg_uri)))
        await wait_until(lambda: client.diagnostics.get(cfg_uri) == [] or client.diagnostics.get(cfg_uri) == ())
        await wait_until(lambda: _severities(client.diagnostics.get(from_fs_path(str(path)), ()))
                         == [("SL003", SEV.Information)])
        assert len([m for m in client.messages if "invalid configuration" in m.message]) == 1


async def test_config_file_setting(tmp_path):
    path = tmp_path / "docker-stack.yml"
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "lint.yaml").write_text("ignore: [SL003]\n")
    async with session(tmp_path, "neovim@v0.7.0", options={"configFile": "ci/lint.yaml"}) as client:
        assert await open_doc(client, path, BAD_VERSION) == []


async def test_inventory_setting_without_a_usable_inventory_is_a_message(tmp_path):
    path = tmp_path / "docker-stack.yml"
    async with session(tmp_path, "neovim@v0.7.0", options={"inventory": "cluster.json"}) as client:
        assert [d.code for d in await open_doc(client, path, BAD_VERSION)] == ["SL003"]
        texts = [m.message for m in client.messages]
    if importlib.util.find_spec("stacklint.inventory") is None:
        assert any("no inventory support" in t for t in texts), texts
    else:
        assert any(str(tmp_path / "cluster.json") in t for t in texts), texts


def test_parse_accepts_aliases_and_reports_bad_values():
    parsed, problems = client_settings.parse(client_settings.section_of({"stacklint": {
        "fail-on": "warning", "strict_env": True, "files": "deploy/*.yml", "debounceMs": 20,
        "select": "SL1,SL003", "ignore": ["nope"], "env": {"A": 1, "B": None}}}))
    assert parsed.fail_on.label == "warning" and parsed.strict_env is True
    assert parsed.files == ("deploy/*.yml",) and parsed.debounce_ms == 20
    assert "SL003" in parsed.select and parsed.ignore == frozenset()
    assert parsed.env == {"A": "1", "B": ""}
    assert problems == ["`ignore`: unknown rule `nope` (see `stacklint rules`)"]


@pytest.mark.parametrize("name,files,wanted", [
    ("docker-stack.yml", None, True), ("compose.prod.yaml", None, True), ("values.yml", None, False),
    (".stacklint.yaml", None, False), ("deploy/prod.yml", ("deploy/*.yml",), True),
    ("deploy/prod.yml", ("**/prod.yml",), True), ("docker-stack.yml", ("deploy/*.yml",), False),
])
def test_which_files_are_linted(tmp_path, name, files, wanted):
    client = client_settings.ClientSettings(files=files)
    assert client_settings.wanted(str(tmp_path / name), tmp_path, client) is wanted


async def test_inventory_setting_feeds_the_cluster_rules(tmp_path):
    pytest.importorskip("stacklint.inventory", reason="the inventory module is not on this branch")
    (tmp_path / "cluster.json").write_text(json.dumps({
        "format": "stacklint-inventory", "version": 1,
        "nodes": [{"hostname": "m1", "role": "manager", "platform": {"os": "linux", "arch": "x86_64"}}],
        "secrets": ["db_password"], "configs": [], "networks": [], "volumes": [], "services": []}))
    path = tmp_path / "docker-stack.yml"
    text = ('version: "3.8"\nservices:\n  api:\n    image: example/api:1\n    secrets: [db_password, api_key]\n'
            "secrets:\n  db_password:\n    external: true\n  api_key:\n    external: true\n")
    async with session(tmp_path, "neovim@v0.7.0", options={"select": ["SL501"]}) as client:
        assert await open_doc(client, path, text) == []  # no inventory: the cluster rules are silent
    async with session(tmp_path, "neovim@v0.7.0", options={"select": ["SL501"], "inventory": "cluster.json"}) as client:
        found = await open_doc(client, path, text)
    assert [d.code for d in found] == ["SL501"]
    assert "api_key" in found[0].message

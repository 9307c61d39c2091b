"""The language server: documents in, diagnostics, hovers and code actions out.

Linting runs on one worker thread so the server keeps answering while a large file is
linted; results of a text that has changed meanwhile are dropped, never published.
Everything that talks to the client runs on the event loop.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__, config, memo
from ..collector import gc_paused
from ..stack_files import config_globs
from . import lifecycle, settings as client_settings
from .actions import ClientFeatures, code_actions
from .conversion import SOURCE, internal_error
from .documents import LintResult, OpenDocument, uri_to_path
from .gc_pause import CollectorPause
from .hover import hover
from .positions import UTF8, UTF16, UTF32, PositionMap
from .stacks import StackLinting
from ..incremental import Superseded

log = logging.getLogger("stacklint.lsp")
READY = "stacklint language server ready"


class StacklintProtocol(LanguageServerProtocol):
    """Leaves document storage to the server (see documents.py): pygls' own copy would be
    a second, differently split version of every text. Also keeps the lifecycle the way the
    specification has it, where pygls 2.1 does not (see lifecycle.py)."""

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        # pygls files the future of every generator or async handler under its id and only a
        # request's answer removes it: notifications left one future each behind, forever.
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(lambda _done: self._request_futures.pop(msg_id, None))

    def handle_message(self, message):
        if self._shutdown and lifecycle.refused_after_shutdown(message):
            self._send_response(message.id, error=lifecycle.shutting_down())
            return
        super().handle_message(message)

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args):
        # pygls computes this code, then raises it inside a callback that its own start_io
        # swallows: the process exited 0 either way
        self._server.exit_code = 0 if self._shutdown else 1
        yield from super().lsp_exit(*args)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class StacklintServer(LanguageServer):
    def __init__(self):
        super().__init__("stacklint", __version__, protocol_cls=StacklintProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        # `exit` sets it (0 after `shutdown`, else 1), and so does a stream that lost its framing
        # (1); a stream that simply ends (the editor went away) is not an error
        self.exit_code = 0
        self.docs: dict[str, OpenDocument] = {}
        self.folders: list[tuple[str, Path]] = []  # (uri, path), longest first
        self.global_raw: dict[str, Any] = {}
        self.folder_raw: dict[str, dict[str, Any]] = {}
        self._client_cache: dict[str | None, client_settings.ClientSettings] = {}
        self.encoding = UTF16
        self.pull = False
        self.ready = asyncio.Event()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stacklint-lint")
        self.config_errors: dict[Path, config.ConfigError] = {}
        self._inventories: dict[Path, tuple[float, Any]] = {}
        self._last_message: dict[str, str] = {}
        self.stacks = StackLinting()  # documents of stacks declared in the configuration
        self.collector_pause = CollectorPause()

    # ---- capabilities -------------------------------------------------------------------
    def client_has(self, field: str) -> bool:
        return bool(get_capability(self.client_capabilities, field, None))

    # ---- messages -----------------------------------------------------------------------
    def log(self, message: str, kind=types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def tell_once(self, key: str, message: str, kind=types.MessageType.Warning) -> None:
        """A window/showMessage, unless the same one was the last shown for key."""
        if self._last_message.get(key) == message:
            return
        self._last_message[key] = message
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        self.log(message, kind)

    # ---- settings -----------------------------------------------------------------------
    def set_folders(self, folders) -> None:
        out = []
        for f in folders:
            path = to_fs_path(f.uri) if f.uri.startswith("file:") else None
            if path:
                out.append((f.uri, Path(path)))
        self.folders = sorted(out, key=lambda item: len(str(item[1])), reverse=True)

    def folder_of(self, doc: OpenDocument) -> tuple[str | None, Path | None]:
        if doc.path:
            p = Path(doc.path)
            for uri, folder in self.folders:
                if p == folder or folder in p.parents:
                    return uri, folder
        return None, None

    def client_settings_for(self, folder_uri: str | None) -> client_settings.ClientSettings:
        if folder_uri in self._client_cache:
            return self._client_cache[folder_uri]
        raw = dict(self.global_raw)
        raw.update(self.folder_raw.get(folder_uri or "", {}))
        parsed, problems = client_settings.parse(raw)
        if problems:
            self.tell_once("settings", "stacklint settings: " + "; ".join(problems) + " (skipped)")
        else:
            self._last_message.pop("settings", None)
        self._client_cache[folder_uri] = parsed
        return parsed

    def settings_changed(self) -> None:
        self._client_cache.clear()

    def inventory_for(self, client: client_settings.ClientSettings, folder: Path | None):
        if not client.inventory:
            return None
        path = client_settings.resolve_path(client.inventory, folder)
        try:
            from .. import inventory as inventory_module
        except ImportError:
            self.tell_once("inventory", "stacklint: this version has no inventory support "
                           "(stacklint.inventory is missing); the `inventory` setting is ignored")
            return None
        try:
            mtime = os.stat(path).st_mtime
            cached = self._inventories.get(path)
            if cached is None or cached[0] != mtime:
                cached = self._inventories[path] = (mtime, inventory_module.load_inventory(path))
        except Exception as err:  # the user's file: any failure is a message, not a crash
            self.tell_once("inventory", f"stacklint: inventory {path}: {err}; linting without it")
            return None
        self._last_message.pop("inventory", None)
        return cached[1]

    def settings_for(self, doc: OpenDocument):
        """Engine Settings for a document: the editor's, under the project's config file."""
        folder_uri, folder = self.folder_of(doc)
        client = self.client_settings_for(folder_uri)
        base = client_settings.engine_settings(client, self.inventory_for(client, folder))
        if not doc.path:
            return base
        found: Path | None = None
        try:
            if client.config_file:
                found = client_settings.resolve_path(client.config_file, folder)
            else:
                found = config.find_config(Path(doc.path))
            if found is None:
                return base
            settings = config.settings_for(doc.path, base, found)
        except config.ConfigError as err:
            self.config_failed(err)
            return base
        except (OSError, ValueError) as err:
            self.tell_once(f"config:{found}", f"stacklint: configuration {found}: {err}; using the editor's "
                           "settings only", types.MessageType.Error)
            return base
        self.config_ok(found)
        return settings

    def config_failed(self, err: config.ConfigError) -> None:
        path = Path(err.path)
        self.tell_once(f"config:{path}", f"stacklint: {err} (linting with the editor's settings only)",
                       types.MessageType.Error)
        if path not in self.config_errors or str(self.config_errors[path]) != str(err):
            self.config_errors[path] = err
            self.publish_config_diagnostics(path)

    def config_ok(self, path: Path) -> None:
        if path in self.config_errors:
            del self.config_errors[path]
            self._last_message.pop(f"config:{path}", None)
            self.publish_config_diagnostics(path)

    def publish_config_diagnostics(self, path: Path) -> None:
        uri = from_fs_path(str(path))
        doc = self.docs.get(uri)
        if doc is None:
            return
        err = self.config_errors.get(path)
        items = []
        if err is not None:
            pmap = doc.position_map(self.encoding)
            line, col = max(err.line - 1, 0), max(err.column - 1, 0)
            start = pmap.to_client(line, col)
            end_col = len(pmap.client_line_text(start[0]).rstrip())
            end = pmap.to_client(line, max(end_col, col))
            items.append(types.Diagnostic(
                range=types.Range(start=types.Position(*start), end=types.Position(*max(start, end))),
                message=f"invalid configuration: {err.message}", severity=types.DiagnosticSeverity.Error,
                source=SOURCE, code="config"))
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=doc.version))

    def wanted(self, doc: OpenDocument) -> bool:
        folder_uri, folder = self.folder_of(doc)
        return (client_settings.wanted(doc.path or doc.name, folder, self.client_settings_for(folder_uri))
                or self.stacks.stack_for(self, doc) is not None)

    def debounce_of(self, doc: OpenDocument) -> float:
        return self.client_settings_for(self.folder_of(doc)[0]).debounce_ms / 1000

    # ---- linting ------------------------------------------------------------------------
    async def wait_ready(self) -> None:
        """Until the settings of `initialized` are in, so the first findings use them."""
        if self.ready.is_set():
            return
        try:
            await asyncio.wait_for(self.ready.wait(), timeout=5)
        except asyncio.TimeoutError:
            self.ready.set()  # a client that never sent `initialized`: go on with what we have

    async def lint_now(self, doc: OpenDocument) -> LintResult:
        """The findings for the document's current text (cached while text and settings hold)."""
        await self.wait_ready()
        text = doc.text
        try:
            settings = self.settings_for(doc)
        except Exception as exc:  # a bug in settings code must not take the server down
            self.log("stacklint: settings failed:\n" + traceback.format_exc(), types.MessageType.Error)
            settings, failure = None, exc
        else:
            failure = None
        cached = doc.result
        if cached is not None and cached.text is text and cached.settings == settings and failure is None:
            return cached
        if failure is not None:
            result = LintResult(text, None, doc.position_map(self.encoding), failure=internal_error(failure))
        else:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self.worker, memo.within, doc.memo, _lint_guarded, doc, text,
                                                settings, doc.position_map(self.encoding))
        if result is None:
            return await self.lint_now(doc)  # the text changed before the worker got to it
        if result.trace is not None:
            self.log(f"stacklint failed on {doc.uri}:\n{result.trace}", types.MessageType.Error)
            result.trace = None
        if doc.text is text:
            doc.result = result
            doc.keep_position_map(result.pmap)  # the next incremental change starts from it
        return result

    def change_delay(self, doc: OpenDocument) -> float:
        """The debounce of an edit. The first edit after a pause is linted at once (an isolated
        change, a quick fix, a paste); with a debounce set, an edit that follows another within it
        waits until the edits pause. With none (the default), every edit is linted as soon as the
        one worker is free: the lint of an older text stops at its next stage (Superseded), so the
        last key of a burst waits for one stage, not for a pause. Stale runs are dropped either way."""
        debounce = self.debounce_of(doc)
        now = asyncio.get_running_loop().time()
        busy = doc.task is not None and not doc.task.done()
        in_burst = now - doc.last_change < debounce
        doc.last_change = now
        return debounce if (busy or in_burst) else 0.0

    def schedule(self, doc: OpenDocument, delay: float = 0.0) -> None:
        """(Re)start the push lint of a document, replacing any pending one."""
        if self.pull:
            return
        if doc.task is not None and not doc.task.done():
            doc.task.cancel()
        doc.task = asyncio.get_running_loop().create_task(self._push(doc, delay))
        self.collector_pause.hold_until_done(doc.task)

    async def _push(self, doc: OpenDocument, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        await self.wait_ready()
        if self.docs.get(doc.uri) is not doc:
            return
        if await self.stacks.push(self, doc):
            return
        if not self.wanted(doc):
            if doc.published:
                self.publish(doc, [])
            return
        text, version = doc.text, doc.version
        result = await self.lint_now(doc)
        if self.docs.get(doc.uri) is not doc or doc.text is not text or result.text is not text:
            return  # stale: a newer run is scheduled
        self.publish(doc, result.lsp, version)

    def publish(self, doc: OpenDocument, items, version: int | None = None) -> None:
        doc.published = bool(items)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=list(items), version=version))

    def relint_all(self) -> None:
        self.stacks.forget(self)
        if self.pull:
            if self.client_has("workspace.diagnostics.refresh_support"):
                self.workspace_diagnostic_refresh(None)
            return
        for doc in list(self.docs.values()):
            if not client_settings.is_config_name(doc.name):
                self.schedule(doc)

    async def fetch_configuration(self) -> None:
        if not self.client_has("workspace.configuration"):
            return
        items = [types.ConfigurationItem(section=client_settings.SECTION)]
        items += [types.ConfigurationItem(scope_uri=uri, section=client_settings.SECTION) for uri, _ in self.folders]
        try:
            values = await asyncio.wait_for(
                self.workspace_configuration_async(types.ConfigurationParams(items=items)), timeout=5)
        except Exception as err:  # a client that does not answer: keep the settings we have
            self.log(f"stacklint: workspace/configuration failed: {err!r}", types.MessageType.Warning)
            return
        values = list(values or [])
        if values and isinstance(values[0], dict):
            self.global_raw.update(values[0])
        for (uri, _), value in zip(self.folders, values[1:]):
            self.folder_raw[uri] = dict(value) if isinstance(value, dict) else {}
        self.settings_changed()


def _lint_guarded(doc: OpenDocument, text: str, settings, pmap: PositionMap) -> LintResult | None:
    """Runs on the worker thread. Never raises: a failure becomes one diagnostic at 0:0.
    pmap: the text's position map, which the edits that made the text kept up to date."""
    if doc.text is not text:
        return None  # cancelled before it started
    # The engine's temporaries are acyclic and freed by reference counting; with the cyclic
    # collector running, it rescans the large live node tree again and again (a third of the
    # time of a 300-service lint). Only this thread lints, so nothing else toggles it meanwhile.
    with gc_paused():
        try:
            found = doc.linter.lint(text, doc.path, settings, superseded=lambda: doc.text is not text)
            if doc.text is not text:
                return None  # a newer text came during the final pass: no need to convert this one
            return LintResult(text, settings, pmap, doc.converter(found, pmap, doc.uri))
        except Superseded:
            return None  # a newer text came while it ran: lint_now lints that one
        except Exception as exc:  # malformed input must never kill the server
            return LintResult(text, settings, pmap, failure=internal_error(exc), trace=traceback.format_exc())


def _encoding_of(server: StacklintServer) -> str:
    value = str(getattr(server.workspace, "position_encoding", None) or UTF16)
    return {"utf-8": UTF8, "utf-32": UTF32}.get(value, UTF16)


def build() -> StacklintServer:
    server = StacklintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: StacklintServer, params: types.InitializeParams):
        ls.encoding = _encoding_of(ls)
        folders = params.workspace_folders or (
            [types.WorkspaceFolder(uri=params.root_uri, name="root")] if params.root_uri else [])
        ls.set_folders(folders)
        ls.global_raw = client_settings.section_of(params.initialization_options)
        if ls.client_has("text_document.diagnostic"):
            ls.pull = True
            ls.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(
                identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False))(pull)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: StacklintServer, params):
        try:
            await ls.fetch_configuration()
            if ls.client_has("workspace.did_change_watched_files.dynamic_registration"):
                await register_watchers(ls)
        finally:
            ls.ready.set()
        ls.log(f"{READY}: stacklint {__version__}, {'pull' if ls.pull else 'push'} diagnostics, "
               f"positions in {ls.encoding}", types.MessageType.Info)

    async def register_watchers(ls: StacklintServer):
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in config_globs()]
        try:
            await asyncio.wait_for(ls.client_register_capability_async(types.RegistrationParams(registrations=[
                types.Registration(id="stacklint-config-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                   register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                       watchers=watchers))])), timeout=5)
        except Exception as err:
            ls.log(f"stacklint: could not watch the config files ({err!r}); they are re-read on each lint",
                   types.MessageType.Warning)

    async def pull(ls: StacklintServer, params: types.DocumentDiagnosticParams):
        await ls.wait_ready()
        doc = ls.docs.get(params.text_document.uri)
        stack_items = None if doc is None else await ls.stacks.pull(ls, doc)
        if stack_items is not None:
            return types.RelatedFullDocumentDiagnosticReport(items=stack_items)
        if doc is None or not ls.wanted(doc):
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result = await ls.lint_now(doc)
        return types.RelatedFullDocumentDiagnosticReport(items=result.lsp)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: StacklintServer, params: types.DidOpenTextDocumentParams):
        item = params.text_document
        doc = OpenDocument(item.uri, item.text, item.version, item.language_id, uri_to_path(item.uri))
        ls.docs[item.uri] = doc
        if client_settings.is_config_name(doc.name):
            if doc.path and Path(doc.path) in ls.config_errors:
                ls.publish_config_diagnostics(Path(doc.path))
            return
        ls.schedule(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: StacklintServer, params: types.DidChangeTextDocumentParams):
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return
        doc.apply(params.content_changes, params.text_document.version, ls.encoding)
        if not client_settings.is_config_name(doc.name):
            ls.schedule(doc, ls.change_delay(doc))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: StacklintServer, params: types.DidSaveTextDocumentParams):
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return
        if params.text is not None and params.text != doc.text:
            doc.text = params.text
        doc.linter.forget()  # a save is when env files next to it change: read them all again
        if client_settings.is_config_name(doc.name) or _is_configured_file(ls, doc):
            ls.relint_all()  # a config or inventory saved: no watcher may tell us otherwise
        else:
            ls.schedule(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: StacklintServer, params: types.DidCloseTextDocumentParams):
        doc = ls.docs.pop(params.text_document.uri, None)
        if doc is None:
            return
        if doc.task is not None:
            doc.task.cancel()
        if not ls.stacks.closed(ls, doc) and not ls.pull:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: StacklintServer, params: types.DidChangeConfigurationParams):
        raw = params.settings
        if isinstance(raw, dict) and (client_settings.SECTION in raw or client_settings.section_of(raw)):
            ls.global_raw = client_settings.section_of(raw)
        await ls.fetch_configuration()
        ls.settings_changed()
        ls.relint_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: StacklintServer, params: types.DidChangeWatchedFilesParams):
        ls.relint_all()  # config files are re-read by modification time

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_folders(ls: StacklintServer, params: types.DidChangeWorkspaceFoldersParams):
        removed = {f.uri for f in params.event.removed}
        current = [types.WorkspaceFolder(uri=u, name="") for u, _ in ls.folders if u not in removed]
        ls.set_folders(current + list(params.event.added))
        await ls.fetch_configuration()
        ls.settings_changed()
        ls.relint_all()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: StacklintServer, params: types.HoverParams):
        await ls.wait_ready()
        doc = ls.docs.get(params.text_document.uri)
        if doc is None or not ls.wanted(doc):
            return None
        result = await ls.lint_now(doc)
        formats = get_capability(ls.client_capabilities, "text_document.hover.content_format", None) or []
        return hover(result.lsp, params.position, types.MarkupKind.Markdown in formats)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix]))
    async def on_code_action(ls: StacklintServer, params: types.CodeActionParams):
        await ls.wait_ready()
        doc = ls.docs.get(params.text_document.uri)
        if doc is None or not ls.wanted(doc):
            return None
        result = await ls.lint_now(doc)
        if result.text is not doc.text:
            return None
        features = ClientFeatures(
            document_changes=ls.client_has("workspace.workspace_edit.document_changes"),
            is_preferred=ls.client_has("text_document.code_action.is_preferred_support"))
        lines = doc.text.splitlines() or [""]
        loop = asyncio.get_running_loop()
        parsed_box: dict[str, Any] = {}

        def parsed():
            return parsed_box.get("doc")

        # Parse (for the ignore action's placement) only when a finding is under the cursor.
        from .actions import overlaps

        if any(overlaps(ld.range, params.range) for _d, ld in result.pairs):
            parsed_box["doc"] = await loop.run_in_executor(ls.worker, doc.parsed)
        return code_actions(doc.uri, doc.version, result.pairs, result.pmap, lines, params.range, features,
                            parsed, doc.newline, params.context.only) or None

    return server


def _is_configured_file(ls: StacklintServer, doc: OpenDocument) -> bool:
    if not doc.path:
        return False
    folder_uri, folder = ls.folder_of(doc)
    client = ls.client_settings_for(folder_uri)
    for value in (client.config_file, client.inventory):
        if value and client_settings.resolve_path(value, folder) == Path(doc.path):
            return True
    return False


SWITCH_INTERVAL = 0.0005  # seconds; Python's default is 0.005


def serve(tcp: tuple[str, int] | None = None) -> int:
    """Run until `exit` or the end of the stream; the exit code the specification asks for."""
    logging.getLogger("pygls").setLevel(logging.WARNING)  # it logs every message at INFO
    # While the lint thread runs, the event loop gets the GIL back only after a switch interval,
    # and it gives it up again at every wait for input: a didChange then took 45-140 ms (the
    # default 5 ms, many times over) to reach its handler, which is what stops a stale lint.
    # At 0.5 ms a key arrives within about 10 ms; the lint's own time does not change (measured
    # with benchmarks/lsp_latency.py: 300-service bursts p95 245 -> 133 ms).
    sys.setswitchinterval(SWITCH_INTERVAL)
    server = build()
    if tcp is not None:
        server.start_tcp(*tcp)
    else:
        lifecycle.start_io(server)
    return server.exit_code

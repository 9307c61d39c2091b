"""Documents that belong to a stack declared in the configuration (`stacks:`): linted as the
merged stack, as `stacklint .` lints them, and each finding shown in the file that causes it.

The other files of the stack are read from the editor's open buffers when open, else from disk.
In push mode every file of the stack gets its diagnostics, open or not; they are cleared when the
last open file of the stack closes and when the configuration changes (then every open document
is linted again, alone or in its new stack). In pull mode the client asks per document: it gets
that document's share of the merged stack. Stack runs take the full (non-incremental) path.
"""
from __future__ import annotations

import asyncio
import traceback
from dataclasses import replace
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from .. import config, memo
from ..declared_stacks import DeclaredStack, stack_of, stack_settings
from ..document import MAX_BYTES
from ..files import read_regular
from ..source import NotText, decode
from ..stack import lint_stack
from . import settings as client_settings
from .conversion import internal_error, to_lsp
from .documents import LintResult, OpenDocument
from .positions import PositionMap

if TYPE_CHECKING:
    from .server import StacklintServer


class StackLinting:
    def __init__(self):
        # The uris each stack last published diagnostics for (push mode), to clear them later.
        self.shown: dict[DeclaredStack, set[str]] = {}
        # Open documents whose cached result is their stack's (dropped once they are alone).
        self.stacked: set[str] = set()

    # ---- hooks called by the server ---------------------------------------------------------
    async def push(self, ls: StacklintServer, doc: OpenDocument) -> bool:
        """Lint and publish doc's stack; False when doc belongs to none (lint it alone)."""
        stack = self.stack_for(ls, doc)
        if stack is None:
            self._alone(doc)
            return False
        linted = await self._lint(ls, doc, stack)
        if linted is None:
            return True  # stale (a newer run is scheduled) or unreadable (said in a message)
        for uri, (items, version) in linted.items():
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version))
        self.shown[stack] = set(linted)
        return True

    async def pull(self, ls: StacklintServer, doc: OpenDocument) -> list[types.Diagnostic] | None:
        """doc's share of its stack's findings; None when doc belongs to no stack."""
        stack = self.stack_for(ls, doc)
        if stack is None:
            self._alone(doc)
            return None
        linted = await self._lint(ls, doc, stack)
        if linted is None:
            return (await ls.lint_now(doc)).lsp
        return linted[doc.uri][0]

    def closed(self, ls: StacklintServer, doc: OpenDocument) -> bool:
        """After doc closed: True when its stack took care of its diagnostics (the stack is linted
        again from another open file, or cleared with all its files), False if doc had none."""
        self.stacked.discard(doc.uri)
        for stack, uris in list(self.shown.items()):
            if doc.uri not in uris:
                continue
            still_open = [ls.docs[u] for u in uris if u in ls.docs]
            if still_open:
                ls.schedule(still_open[0])  # republishes the closed file's share from disk
            else:
                self._clear(ls, stack, keep_open=False)
            return True
        return False

    def forget(self, ls: StacklintServer) -> None:
        """The configuration may have changed: clear what no open document will publish again."""
        for stack in list(self.shown):
            self._clear(ls, stack, keep_open=True)

    # ---- the work ---------------------------------------------------------------------------
    def stack_for(self, ls: StacklintServer, doc: OpenDocument) -> DeclaredStack | None:
        if not doc.path or client_settings.is_config_name(doc.name):
            return None
        folder_uri, folder = ls.folder_of(doc)
        client = ls.client_settings_for(folder_uri)
        chosen = client_settings.resolve_path(client.config_file, folder) if client.config_file else None
        try:
            return stack_of(doc.path, config.stacks_for(doc.path, chosen))
        except (OSError, ValueError):
            return None  # an invalid configuration: linting the file alone reports it

    async def _lint(self, ls: StacklintServer, doc: OpenDocument, stack: DeclaredStack):
        """{uri: (LSP diagnostics, version or None)} for every file of the stack, or None."""
        await ls.wait_ready()
        base = ls.settings_for(doc)
        try:
            settings = stack_settings(stack, base)
            sources = [self._source(ls, path) for path in stack.files]
        except (OSError, ValueError, NotText) as err:
            ls.tell_once(f"stack:{stack.label}", f"stacklint: stack {stack.label}: {err}; linting "
                         f"{doc.name} alone", types.MessageType.Error)
            ls.publish(doc, (await ls.lint_now(doc)).lsp, doc.version)
            return None
        loop = asyncio.get_running_loop()
        per_file, trace = await loop.run_in_executor(ls.worker, memo.within, doc.memo, _lint_guarded, sources,
                                                     settings, ls.encoding)
        if trace is not None:
            ls.log(f"stacklint failed on stack {stack.label}:\n{trace}", types.MessageType.Error)
        if any(open_doc is not None and open_doc.text is not text for _p, _u, text, open_doc in sources):
            return None  # an open file changed meanwhile: its own run is scheduled
        out = {}
        for (_path, uri, text, open_doc), result in zip(sources, per_file):
            if open_doc is not None:
                # The stack's findings stand for the document's (hover, code actions) while its
                # text and the editor's settings hold.
                open_doc.result = replace(result, settings=base)
                self.stacked.add(uri)
            out[uri] = (result.lsp, open_doc.version if open_doc is not None else None)
        return out

    @staticmethod
    def _source(ls: StacklintServer, path: str) -> tuple[str, str, str, OpenDocument | None]:
        """(path, uri, text, the open document or None): the editor's buffer, else the file."""
        uri = from_fs_path(path)
        open_doc = ls.docs.get(uri)
        if open_doc is not None:
            return path, uri, open_doc.text, open_doc
        data = read_regular(path, MAX_BYTES)
        return path, uri, decode(data).text, None

    def _alone(self, doc: OpenDocument) -> None:
        """doc is in no stack (any more): its cached result, if its stack's, must not stand."""
        if doc.uri in self.stacked:
            self.stacked.discard(doc.uri)
            doc.result = None

    def _clear(self, ls: StacklintServer, stack: DeclaredStack, keep_open: bool) -> None:
        for uri in self.shown.pop(stack, ()):
            if keep_open and uri in ls.docs:
                continue  # its document is linted again and publishes anew
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _lint_guarded(sources, settings, encoding: str) -> tuple[list[LintResult], str | None]:
    """Runs on the worker thread: a LintResult per file, and the traceback of a failure (which
    becomes one internal-error diagnostic on each file, as a single file's does)."""
    pmaps = [PositionMap(text, encoding) for _p, _u, text, _d in sources]
    try:
        found = lint_stack([(text, path) for path, _u, text, _d in sources], settings)
    except Exception as exc:  # malformed input must never kill the server
        failure = internal_error(exc)
        return [LintResult(text, settings, pmap, failure=failure)
                for (_p, _u, text, _d), pmap in zip(sources, pmaps)], traceback.format_exc()
    places = {path: (uri, pmap) for (path, uri, _t, _d), pmap in zip(sources, pmaps)}
    return [LintResult(text, settings, pmap, [(d, to_lsp(d, pmap, uri, places.get)) for d in diagnostics])
            for (_path, uri, text, _d), pmap, diagnostics in zip(sources, pmaps, found)], None

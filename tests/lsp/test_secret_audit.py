"""Secret-value audit through the language server: the diagnostics, the hovers on each of
them and the code actions offered for them carry none of the planted markers."""
from __future__ import annotations

import asyncio

from lsprotocol import types
from pygls.uris import from_fs_path

from .. import secret_markers
from .conftest import TIMEOUT, actions_at, open_doc, session


async def test_no_marker_in_diagnostics_hovers_or_actions(tmp_path):
    stack = secret_markers.plant(tmp_path)
    uri = from_fs_path(str(stack))
    seen = []
    async with session(tmp_path, options={"inheritEnv": False, "env": secret_markers.ENV_VALUES}) as client:
        diagnostics = await open_doc(client, stack)
        for d in diagnostics:
            hover = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=d.range.start)), TIMEOUT)
            seen.append(repr(hover))
            seen.append(repr(await actions_at(client, uri, d)))
    seen.append(repr(diagnostics))
    assert {d.code for d in diagnostics} >= {"SL005", "SL006", "SL101", "SL202", "SL307"}
    assert secret_markers.leaks("\n".join(seen)) == {}

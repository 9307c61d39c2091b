"""A real third-party client: headless Neovim (Debian's 0.7) runs `stacklint lsp` on the example.

Neovim converts our UTF-16 positions to byte columns itself, so a finding after non-ASCII text
lands on the right bytes only if the server counted UTF-16 right.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from stacklint.engine import lint
from stacklint.settings import Settings

from ..conftest import EXAMPLE, ROOT
from .conftest import client_position, lsp_lines

FACE = "\U0001F600"

CONFIG = r"""
local out = os.getenv("STACKLINT_NVIM_OUT")

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

local function run()
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "stacklint",
    cmd = { os.getenv("STACKLINT_PYTHON"), "-m", "stacklint", "lsp" },
    cmd_env = { PYTHONPATH = os.getenv("STACKLINT_ROOT") },
    root_dir = vim.fn.getcwd(),
    init_options = { inheritEnv = false },
  })
  assert(client_id, "the server did not start")
  vim.lsp.buf_attach_client(buf, client_id)
  local got = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  assert(got, "no diagnostics within 30 s")
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(items, {
      code = d.code or lsp.code, lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, source = d.source,
    })
  end
  -- Ask for a hover and the code actions at the SL003 finding (an ASCII line: byte columns are
  -- UTF-16 columns there), as the user would.
  local first
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == "SL003" or ((d.user_data or {}).lsp or {}).code == "SL003" then first = d end
  end
  assert(first, "no SL003 finding")
  local lsp_first = {
    code = "SL003", message = first.message, source = first.source,
    range = { start = { line = first.lnum, character = first.col },
              ["end"] = { line = first.end_lnum, character = first.end_col } },
  }
  local pos = { textDocument = vim.lsp.util.make_text_document_params(buf), position = lsp_first.range.start }
  local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover", pos, 20000)
  local actions = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", {
    textDocument = pos.textDocument, range = lsp_first.range,
    context = { diagnostics = { lsp_first } },
  }, 20000)
  local titles = {}
  for _, response in pairs(actions or {}) do
    for _, action in ipairs(response.result or {}) do table.insert(titles, action.title) end
  end
  local hover_text = ""
  for _, response in pairs(hover or {}) do
    if response.result then hover_text = response.result.contents.value end
  end
  write(out, vim.fn.json_encode({ diagnostics = items, hover = hover_text, actions = titles,
                                  first = { lsp_first.code, lsp_first.range.start.line } }))
end

vim.api.nvim_create_autocmd("VimEnter", {
  callback = function()
    local ok, err = xpcall(run, debug.traceback)
    if not ok then
      write(out .. ".err", tostring(err))
      vim.cmd("cq!")
    end
    vim.cmd("qa!")
  end,
})
"""


def test_neovim_shows_the_servers_findings(tmp_path):
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not installed (CI installs Debian's neovim)")
    # The example, with findings planted after non-ASCII text (the example itself may be clean).
    text = EXAMPLE.read_text(encoding="utf-8").replace('version: "3.2"', "version: 3.2")
    text = text.replace("services:\n", f"services:\n  wéb{FACE}: {{image: \"é{FACE}\", image: y}}\n", 1)
    stack = tmp_path / "docker-stack.yml"
    stack.write_text(text, encoding="utf-8")
    cfg = tmp_path / "init.lua"
    cfg.write_text(CONFIG)
    out = tmp_path / "result.json"
    env = dict(os.environ, STACKLINT_NVIM_OUT=str(out), STACKLINT_PYTHON=sys.executable,
               STACKLINT_ROOT=str(ROOT), HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    try:
        proc = subprocess.run([nvim, "--headless", "-n", "-i", "NONE", "-u", str(cfg), stack.name], cwd=tmp_path,
                              env=env, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("headless Neovim did not finish within 120 s")
    err = out.with_name(out.name + ".err")
    assert proc.returncode == 0 and not err.exists(), (err.read_text() if err.exists() else proc.stderr.decode())
    result = json.loads(out.read_text())

    # Neovim's columns are bytes: convert the engine's findings to UTF-8 (independently) to compare.
    lines = lsp_lines(text)
    want = []
    for d in lint(text, str(stack), Settings(env={})):
        (sl, sc), (el, ec) = client_position(lines, d.range.start.line, d.range.start.column, "utf-8"), \
            client_position(lines, d.range.end.line, d.range.end.column, "utf-8")
        want.append((d.code, sl, sc, el, ec, d.message))
    got = [(d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"], d["message"]) for d in result["diagnostics"]]
    assert sorted(got) == sorted(want)
    assert {"SL002", "SL003", "SL004"} <= {g[0] for g in got}
    dup = [g for g in got if g[0] == "SL002"][0]
    planted = f'  wéb{FACE}: {{image: "é{FACE}", image: y}}'
    assert dup[1:3] == (text.splitlines().index(planted), len(f'  wéb{FACE}: {{image: "é{FACE}", '.encode()))
    assert all(d["source"] == "stacklint" for d in result["diagnostics"])
    assert result["first"] == ["SL003", text.splitlines().index("version: 3.2")]
    assert result["hover"].startswith('**SL003** version must be a string; write version: "3.2"')
    assert result["actions"] == ['Quote the version: "3.2"', "Ignore SL003 on this line"]

"""Hostile and unusual input: resource limits with clear diagnostics, encodings, line endings.

Each case asserts what stacklint reports (code, position, message) and, for the resource
limits, that the work stays bounded. Timings and peak memory per case are in
benchmarks/hostile.py (speed targets live in benchmarks/, not in unit tests).
"""
from __future__ import annotations

import codecs
import subprocess
import sys
import tracemalloc

import pytest

from stacklint import document
from stacklint.engine import lint
from stacklint.runner import lint_path
from stacklint.settings import Settings

from .conftest import ROOT, docker_or_skip, run_cli, shared_or_skip

SETTINGS = Settings(env={})


def found(text: str, **settings):
    """(code, line, column, end line, end column), 1-based, as the text output shows them."""
    settings.setdefault("env", {})
    # positions of the file-level findings (SL0xx); the rule sets' findings are tested elsewhere
    settings.setdefault("select", frozenset(f"SL00{i}" for i in range(10)))
    return [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.range.end.line + 1, d.range.end.column + 1)
            for d in lint(text, None, Settings(**settings))]


def messages(text: str):
    return [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.message)
            for d in lint(text, None, SETTINGS)]


def lint_bytes(tmp_path, data: bytes, name: str = "stack.yml"):
    path = tmp_path / name
    path.write_bytes(data)
    return path, lint_path(str(path), lambda _p: SETTINGS)


def docker_config(docker: str, path) -> subprocess.CompletedProcess:
    return subprocess.run([docker, "stack", "config", "-c", str(path)], capture_output=True, text=True, timeout=120)


# --- alias expansion ------------------------------------------------------------------------------

def billion_laughs(levels: int = 10) -> str:
    lines = ['version: "3.8"', 'x-a0: &a0 [' + ", ".join(['"lol"'] * 10) + "]"]
    for i in range(1, levels):
        lines.append(f"x-a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines += ["services:", "  web:", "    image: nginx:1.27", f"    labels: *a{levels - 1}"]
    return "\n".join(lines) + "\n"


def shared_anchor(keys: int, uses: int, merge: bool = False) -> str:
    """One anchor of `keys` labels used by `uses` services: legitimate reuse, at scale."""
    lines = ['version: "3.8"', "x-labels: &labels"] + [f'  l{i}: "v"' for i in range(keys)] + ["services:"]
    for u in range(uses):
        lines += [f"  s{u}:", "    image: nginx:1.27"]
        lines += ["    labels:", "      <<: *labels", "      own: x"] if merge else ["    labels: *labels"]
    return "\n".join(lines) + "\n"


BOMB_MESSAGE = ("excessive aliasing: this alias expands to 1,221 nodes and 4,983 of the document's 5,027 come "
                "from aliases (a YAML alias bomb?); Docker refuses the file (\"document contains excessive aliasing\")")


def test_billion_laughs_stops_at_the_alias_with_bounded_work():
    text = billion_laughs()
    # x-a3's third `*a2` is where go-yaml's aliased share first passes 99%
    assert messages(text) == [("SL001", 5, 22, BOMB_MESSAGE)]
    assert text.splitlines()[4][21:24] == "*a2"
    tracemalloc.start()
    try:
        doc = document.parse(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # 10**10 nodes if expanded; stopped after 5,027 decode steps
    assert doc.failed and len(doc.spans) < 5_000
    assert peak < 5 * 1024 * 1024, f"parsing the bomb peaked at {peak} bytes"


@pytest.mark.parametrize("keys,uses,merge,refused", [
    (1000, 141, False, False), (1000, 142, False, True),  # 283k / 285k decode steps
    (2000, 101, True, False), (2000, 102, True, True),
], ids=["alias-141", "alias-142", "merge-101", "merge-102"])
def test_alias_limit_is_dockers(keys, uses, merge, refused):
    """The boundary measured with `docker stack config` (test_alias_limit_agrees_with_docker)."""
    doc = document.parse(shared_anchor(keys, uses, merge))
    codes = [(p.code, p.message.split(":")[0]) for p in doc.problems]
    assert codes == ([("SL001", "excessive aliasing")] if refused else [])


@pytest.mark.docker
@pytest.mark.parametrize("keys,uses,merge", [(1000, 141, False), (1000, 142, False), (2000, 101, True),
                                             (2000, 102, True)])
def test_alias_limit_agrees_with_docker(tmp_path, keys, uses, merge):
    docker = docker_or_skip()
    path = tmp_path / "stack.yml"
    path.write_text(shared_anchor(keys, uses, merge))
    ours = any(p.message.startswith("excessive aliasing") for p in document.parse(path.read_text()).problems)
    theirs = docker_config(docker, path)
    assert ("document contains excessive aliasing" in theirs.stderr) == ours, theirs.stderr


def test_legitimate_large_file_is_not_an_alias_bomb():
    """gen_stack 5000 (220k lines, 5,000 `<<: *anchor` merges) reads without SL001."""
    gen = shared_or_skip("bench", "gen_stack.py")
    text = subprocess.run([sys.executable, str(gen), "5000"], capture_output=True, text=True, check=True).stdout
    doc = document.parse(text)
    assert doc.problems == [] and not doc.failed
    assert len(doc.data["services"]) == 5000


@pytest.mark.parametrize("text,line,column", [
    ('version: "3.8"\nservices: &s\n  web: *s\n', 3, 8),
    ('version: "3.8"\nx-a: &x\n  b: 1\n  <<: *x\n', 4, 7),
    ('version: "3.8"\nx-a: &x\n  <<: [*x]\n', 3, 8),
    ('version: "3.8"\nx-a: &x [1, [2, *x]]\n', 2, 17),
], ids=["mapping", "merge", "merge-list", "sequence"])
def test_recursive_alias_is_reported_on_the_alias(text, line, column):
    assert messages(text) == [("SL001", line, column, 'recursive alias: it refers to a node that contains it '
                                                      '(Docker: "anchor value contains itself")')]


@pytest.mark.docker
def test_recursive_alias_docker_refuses_it_too(tmp_path):
    docker = docker_or_skip()
    path = tmp_path / "stack.yml"
    path.write_text('version: "3.8"\nservices: &s\n  web: *s\n')
    assert "anchor 's' value contains itself" in docker_config(docker, path).stderr


# --- nesting --------------------------------------------------------------------------------------

def test_ten_thousand_flow_levels_are_refused_before_parsing():
    text = 'version: "3.8"\nx-deep: ' + "[" * 10_000 + "]" * 10_000 + "\n"
    assert messages(text) == [("SL001", 2, 10_008, "nesting about 10001 levels deep; stacklint does not read files "
                                                   "nested deeper than 100 levels")]


def test_ten_thousand_block_levels_are_refused_before_parsing():
    text = 'version: "3.8"\nx-deep:\n  ' + "- " * 10_000 + "x\n"
    assert messages(text) == [("SL001", 3, 3, "nesting about 10002 levels deep; stacklint does not read files "
                                              "nested deeper than 100 levels")]


def test_nesting_past_the_walkers_limit_stops_where_it_passes():
    lines = ['version: "3.8"', "x-deep:"] + [" " * i + f"k{i}:" for i in range(1, 150)]
    assert messages("\n".join(lines) + "\n") == [
        ("SL001", 103, 102, "nesting deeper than 100 levels; stopped reading here")]  # k100's value


def _alias_chain(n: int) -> str:
    lines = ['version: "3.8"', 'x-a0: &a0 ["${X}"]'] + [f"x-a{i}: &a{i} [*a{i - 1}]" for i in range(1, n)]
    return "\n".join(lines + ["services:", "  web:", "    image: nginx:1.27", f"    command: *a{n - 1}"]) + "\n"


def _from_deep_stack(frames: int, fn):
    return fn() if frames == 0 else _from_deep_stack(frames - 1, fn)


def test_alias_chains_nest_deeper_than_the_text_without_recursion_errors():
    """150 aliases deep in a 4-level text, linted from a deep call stack (an editor, pytest)."""
    text = _alias_chain(150)
    result = _from_deep_stack(400, lambda: lint(text, None, SETTINGS))
    assert [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.message) for d in result] == [
        ("SL001", 101, 14, "nesting deeper than 100 levels through aliases; stopped reading here")]  # x-a99's *a98


# --- size -----------------------------------------------------------------------------------------

def test_fifty_megabyte_file_is_refused_after_reading_only_the_limit(tmp_path):
    path = tmp_path / "big-stack.yml"
    with open(path, "w") as fh:
        fh.write('version: "3.8"\nservices:\n')
        for i in range(1_000_000):
            fh.write(f"  s{i:07}:\n    image: nginx:1.27\n      # {'x' * 16}\n")
    size = path.stat().st_size
    assert size > 50_000_000
    result = lint_path(str(path), lambda _p: SETTINGS)
    assert [(d.code, d.range.start.line, d.range.start.column, d.message) for d in result.diagnostics] == [
        ("SL001", 0, 0, f"file is {size:,} bytes; stacklint reads stack files up to 20,971,520 bytes (20 MiB)")]
    # Memory: a child process linting it peaks within the 20 MiB read of one linting a tiny file.
    probe = ("import resource, sys; from stacklint.runner import lint_path; from stacklint.settings import Settings;"
             "lint_path(sys.argv[1], lambda p: Settings(env={}));"
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    tiny = tmp_path / "tiny.yml"
    tiny.write_text('version: "3.8"\nservices: {}\n')
    peak = {p: int(subprocess.run([sys.executable, "-c", probe, str(p)], capture_output=True, text=True, check=True,
                                  cwd=ROOT).stdout) for p in (path, tiny)}
    assert peak[path] - peak[tiny] < 40 * 1024, peak  # KiB: the 20 MiB read plus its decoding


def test_text_over_the_limit_is_refused_in_the_document_model_too():
    """The language server hands text, not files: the same limit applies there."""
    text = 'version: "3.8"\n#' + "x" * (21 * 1024 * 1024) + "\n"
    size = len(text.encode())
    assert messages(text) == [
        ("SL001", 1, 1, f"file is {size:,} bytes; stacklint reads stack files up to 20,971,520 bytes (20 MiB)")]


# --- NUL, encodings, BOM ------------------------------------------------------------------------

NUL_STACK = b'version: "3.8"\nservices:\n  web:\n    image: ngi\x00nx\n'


def test_nul_byte_is_an_input_error_with_its_line(tmp_path):
    path, result = lint_bytes(tmp_path, NUL_STACK)
    assert result.input_error == f"{path}: binary file (NUL byte at line 4); a stack file is text"
    assert result.diagnostics == []
    proc = run_cli("--no-env", str(path))
    assert proc.returncode == 2
    assert proc.stderr == f"stacklint: {path}: binary file (NUL byte at line 4); a stack file is text\n"
    assert proc.stdout.splitlines()[-1] == "1 file could not be read (see above)."


def test_nul_character_in_text_is_sl001_at_its_position():
    assert messages(NUL_STACK.decode()) == [("SL001", 4, 15, "NUL byte in the file: a stack file is text")]


def test_utf16_without_bom_gets_a_hint(tmp_path):
    path, result = lint_bytes(tmp_path, 'version: "3.8"\n'.encode("utf-16-le"))
    assert result.input_error == (f"{path}: binary file (NUL byte at line 1); a stack file is text "
                                  "(UTF-16 without a byte-order mark? save it as UTF-8)")


def test_utf32_is_an_input_error(tmp_path):
    path, result = lint_bytes(tmp_path, 'version: "3.8"\n'.encode("utf-32"))
    assert result.input_error == (f"{path}: UTF-32 text (byte-order mark at byte 0); Docker reads UTF-8 and "
                                  "UTF-16: save it as UTF-8")


FINDINGS = """version: 3.8
services:
  web:
    image: "nginx:${TAG}"
    ports:
      - "80:80:80"
    deploy:
      restart_policy:
        delay: 3600ss
    imagee: x
    labels:
      caf\u00e9: 1
      caf\u00e9: 2
"""
# Hand-checked: `3.8` at 1:10-13, `${TAG}` at 4:19-25, the port string with its quotes, the
# duration, the misspelt key, the repeated key.
FINDINGS_AT = [("SL003", 1, 10, 1, 13), ("SL005", 4, 19, 4, 25), ("SL006", 6, 9, 6, 19), ("SL006", 9, 16, 9, 22),
               ("SL004", 10, 5, 10, 11), ("SL002", 13, 7, 13, 11)]


def _positions(result):
    return [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.range.end.line + 1, d.range.end.column + 1)
            for d in result.diagnostics if d.code < "SL010"]


def test_findings_file_positions():
    assert found(FINDINGS) == FINDINGS_AT


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                          ("utf-8", codecs.BOM_UTF8)], ids=["utf16le", "utf16be", "utf8-bom"])
def test_byte_order_marks_keep_positions_exact(tmp_path, encoding, bom):
    """Docker reads all three (checked: `docker stack config` loads them); columns of line 1
    do not count the mark, as in an editor."""
    _, result = lint_bytes(tmp_path, bom + FINDINGS.encode(encoding))
    assert result.input_error is None
    assert _positions(result) == FINDINGS_AT


def test_bom_does_not_hide_the_rest_of_the_file():
    """The BOM used to be blanked to a space, indenting line 1: libyaml then read one line."""
    assert found("\ufeff" + FINDINGS) == FINDINGS_AT


@pytest.mark.docker
@pytest.mark.parametrize("encoding,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                          ("utf-8", codecs.BOM_UTF8)], ids=["utf16le", "utf16be", "utf8-bom"])
def test_docker_reads_byte_order_marked_files(tmp_path, encoding, bom):
    docker = docker_or_skip()
    path = tmp_path / "stack.yml"
    path.write_bytes(bom + 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n'.encode(encoding))
    proc = docker_config(docker, path)
    assert proc.returncode == 0 and "image: nginx:1.27" in proc.stdout, proc.stderr


def test_latin1_file_is_sl001_at_the_first_bad_byte(tmp_path):
    path, result = lint_bytes(tmp_path, FINDINGS.encode("latin-1"))
    assert [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.message) for d in result.diagnostics
            if d.code == "SL001"] == [
        ("SL001", 12, 10, "invalid UTF-8 (byte 0xE9); Docker reads stack files as UTF-8: save the file as UTF-8")]
    proc = run_cli("--no-env", "--select", "SL001", "-f", "concise", str(path))
    assert (proc.returncode, proc.stdout.splitlines()[0]) == (1, f"{path}:12:10: error SL001 invalid UTF-8 (byte 0xE9); "
                                                                 "Docker reads stack files as UTF-8: save the file as "
                                                                 "UTF-8 [yaml-syntax]")


@pytest.mark.docker
def test_docker_refuses_latin1_too(tmp_path):
    docker = docker_or_skip()
    path = tmp_path / "stack.yml"
    path.write_bytes(FINDINGS.replace("version: 3.8", 'version: "3.8"').encode("latin-1"))
    assert "invalid trailing UTF-8 octet" in docker_config(docker, path).stderr


# --- line endings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_endings_keep_positions_exact(tmp_path, newline):
    assert found(FINDINGS.replace("\n", newline)) == FINDINGS_AT
    _, result = lint_bytes(tmp_path, FINDINGS.replace("\n", newline).encode())
    assert _positions(result) == FINDINGS_AT


def test_crlf_syntax_error_position():
    text = 'version: "3.8"\nservices:\n  web:\n    image: [nginx\n'
    assert found(text) == found(text.replace("\n", "\r\n")) == [("SL001", 5, 1, 5, 1)]


def test_crlf_fix_edits_keep_positions(tmp_path):
    crlf = [d for d in lint(FINDINGS.replace("\n", "\r\n"), None, SETTINGS) if d.fix]
    lf = [d for d in lint(FINDINGS, None, SETTINGS) if d.fix]
    assert [(d.code, d.fix.edits) for d in crlf] == [(d.code, d.fix.edits) for d in lf] != []


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
def test_unicode_line_separators_do_not_shift_lines(separator):
    """libyaml breaks lines at LS, PS and NEL; editors do not, and positions follow editors."""
    text = FINDINGS.replace('"nginx:${TAG}"', f'"ngi{separator}nx:${{TAG}}"')
    assert found(text) == [("SL003", 1, 10, 1, 13), ("SL005", 4, 20, 4, 26)] + FINDINGS_AT[2:]


def test_block_that_ends_the_file_stays_inside_it():
    doc = document.parse('version: "3.8"\nservices:\n  web:\n    image: nginx:1.27')
    assert doc.spans[()].value == document.Range.of(0, 0, 3, 21)
    assert doc.spans[("services",)].value == document.Range.of(2, 2, 3, 21)

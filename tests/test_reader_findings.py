"""Findings made while reading a file (invalid UTF-8, a file over the size limit, a control
character) go through the engine's final pass like every other finding: selection, per-rule
severity, suppression comments; and each file's exit threshold is its own configuration's."""
from __future__ import annotations

import json

from stacklint.document import MAX_BYTES

from .conftest import run_cli

LATIN1 = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    labels:\n      a: "caf\xe9"\n'


def findings(proc) -> list:
    return [(f["code"], f["severity"], f["start"]["line"], f["start"]["column"])  # 1-based in JSON
            for f in json.loads(proc.stdout)]


def test_invalid_utf8_takes_the_configured_severity(tmp_path):
    path = tmp_path / "docker-stack.yml"
    path.write_bytes(LATIN1.encode("latin-1"))
    (tmp_path / ".stacklint.yaml").write_text("select: [SL001]\nseverity: {SL001: warning}\n")
    proc = run_cli("--no-env", "-f", "json", str(path))
    assert (proc.returncode, findings(proc)) == (0, [("SL001", "warning", 6, 14)])


def test_invalid_utf8_is_suppressed_by_ignore_file_which_is_then_used(tmp_path):
    path = tmp_path / "docker-stack.yml"
    path.write_bytes(("# stacklint: ignore-file[SL001] legacy encoding\n" + LATIN1).encode("latin-1"))
    proc = run_cli("--no-env", "--select", "SL001,SL009", "-f", "json", str(path))
    assert (proc.returncode, findings(proc)) == (0, [])


def test_over_size_file_follows_select_and_severity(tmp_path):
    path = tmp_path / "docker-stack.yml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    proc = run_cli("--no-env", "-f", "json", str(path))
    assert (proc.returncode, findings(proc)) == (1, [("SL001", "error", 1, 1)])
    (tmp_path / ".stacklint.yaml").write_text("severity: {SL001: info}\n")
    proc = run_cli("--no-env", "-f", "json", str(path))
    assert (proc.returncode, findings(proc)) == (0, [("SL001", "info", 1, 1)])
    proc = run_cli("--no-env", "--ignore", "SL001", "-f", "json", str(path))
    assert (proc.returncode, findings(proc)) == (0, [])


def test_standard_input_ignores_the_working_directorys_fail_threshold(tmp_path):
    # stdin is linted without a configuration file, so its threshold is not the folder's either
    (tmp_path / ".stacklint.yaml").write_text("fail-on: info\n")
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx\n'  # SL209 unpinned image: a warning
    proc = run_cli("--no-env", "--select", "SL209", "-f", "json", "-", input=text, cwd=tmp_path)
    assert (proc.returncode, findings(proc)) == (0, [("SL209", "warning", 4, 12)])
    on_disk = tmp_path / "docker-stack.yml"
    on_disk.write_text(text)
    proc = run_cli("--no-env", "--select", "SL209", "-f", "json", str(on_disk), cwd=tmp_path)
    assert (proc.returncode, findings(proc)) == (1, [("SL209", "warning", 4, 12)])


def test_a_control_character_is_reported_where_it_is(tmp_path):
    path = tmp_path / "docker-stack.yml"
    # before it: a two-byte, a three-byte and a four-byte character (the C reader counts bytes)
    path.write_text('version: "3.8"\nservices:\n  web:\n    image: "é€🐳\x01"\n', encoding="utf-8")
    proc = run_cli("--no-env", "-f", "json", str(path))
    [finding] = json.loads(proc.stdout)
    assert (finding["code"], finding["message"]) == ("SL001", "control character U+0001 is not allowed in YAML")
    assert (finding["start"], finding["end"]) == ({"line": 4, "column": 16}, {"line": 4, "column": 17})

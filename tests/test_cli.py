"""The command line as a user meets it: exit codes, input errors, stdin, directories."""
from __future__ import annotations

import json
import os

import pytest

from stacklint import __version__

from .conftest import run_cli

BAD = b'version: "3.8"\nservices:\n  web:\n    imgae: nginx\n'
GOOD = b'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n'


def test_findings_exit_1_with_sorted_positions_and_summary(tmp_path):
    f = tmp_path / "docker-stack.yml"
    f.write_bytes(b'version: "3.8"\nservices:\n  web:\n    imgae: nginx\n    image: a\n    image: b\n')
    run = run_cli("--no-env", "--select", "SL0", str(f))
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        f"{f}:4:5: error SL004 services.web: unknown key `imgae`; did you mean `image`? [schema]",
        "  |",
        "4 |     imgae: nginx",
        "  |     ^^^^^",
        "",
        f'{f}:6:5: error SL002 mapping key "image" already defined at line 5 [duplicate-key]',
        "  |",
        "6 |     image: b",
        "  |     ^^^^^",
        "",
        "Found 2 problems (2 errors) in 1 file.",
    ]
    concise = run_cli("--no-env", "--select", "SL0", "--format", "concise", str(f))
    assert concise.stdout.splitlines() == [line for line in run.stdout.splitlines() if line.startswith(str(f))] + [
        "Found 2 problems (2 errors) in 1 file."]


def test_code_frame_marks_the_range_in_display_columns_with_the_fix_title(tmp_path):
    f = tmp_path / "docker-stack.yml"
    # a tab (4 columns) and a wide character (2 columns) before the marked value
    f.write_text('version: 3.8\nservices:\n  web:\n    image: nginx:1.27\n    labels:\n'
                 '      a: "\t日本 ${NOPE}"\n', encoding="utf-8")
    run = run_cli("--no-env", "--select", "SL003,SL005", str(f))
    assert run.stdout.splitlines() == [
        f'{f}:1:10: error SL003 version must be a string; write version: "3.8" [unsupported-version]',
        "  |",
        "1 | version: 3.8",
        '  |          ^^^ fix: Quote the version: "3.8"',
        "",
        f"{f}:6:15: warning SL005 services.web.labels.a: variable NOPE is not set; Docker substitutes an empty "
        "string; give a default (${NOPE:-value}) or require it (${NOPE:?message}) [interpolation]",
        "  |",
        '6 |       a: "    日本 ${NOPE}"',
        "  | " + " " * 19 + "^^^^^^^",  # 10 columns, a tab (4), 日本 (2 each), a space
        "",
        "Found 2 problems (1 error, 1 warning) in 1 file.",
    ]


@pytest.mark.parametrize("args, env, coloured", [
    ((), {}, False),                                 # not a terminal
    ((), {"FORCE_COLOR": "1"}, True),
    (("--color", "never"), {"FORCE_COLOR": "1"}, False),
    (("--color", "always"), {"NO_COLOR": "1"}, True),
    ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins, as no-color.org asks
])
def test_colour_modes(tmp_path, args, env, coloured):
    f = tmp_path / "docker-stack.yml"
    f.write_bytes(BAD)
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    run = run_cli("--no-env", "--select", "SL004", *args, str(f), env={**base, **env, "NO_COLOR": env.get("NO_COLOR", "")})
    assert ("\x1b[1;31merror\x1b[0m SL004" in run.stdout) is coloured
    assert ("\x1b" in run.stdout) is coloured


def test_clean_file_exits_0(tmp_path):
    f = tmp_path / "docker-stack.yml"
    f.write_bytes(GOOD)
    run = run_cli("--no-env", "--select", "SL0", str(f))
    assert (run.returncode, run.stdout) == (0, "No problems in 1 file.\n")


def test_missing_file_is_one_line_and_exit_2(tmp_path):
    run = run_cli(str(tmp_path / "nope.yml"))
    assert run.returncode == 2
    assert run.stderr == f"stacklint: {tmp_path / 'nope.yml'}: no such file\n"
    assert run.stdout == "1 file could not be read (see above).\n"
    assert "Traceback" not in run.stderr


def test_binary_file_is_an_input_error(tmp_path):
    f = tmp_path / "docker-stack.yml"
    f.write_bytes(b"version: \"3.8\"\n\x00\x01\x02")
    run = run_cli(str(f))
    assert run.returncode == 2
    assert run.stderr == f"stacklint: {f}: binary file (NUL byte at line 2); a stack file is text\n"


def test_directory_without_stack_files_is_a_warning_and_exit_0(tmp_path):
    (tmp_path / "values.yml").write_text("a: 1\n")
    run = run_cli(str(tmp_path))
    assert (run.returncode, run.stdout) == (0, "")
    assert run.stderr == f"stacklint: warning: no stack files found in {tmp_path}\n"


def test_directory_search_finds_stack_and_compose_names(tmp_path):
    (tmp_path / "deploy").mkdir()
    for name in ("docker-stack.yml", "deploy/docker-stack.prod.yaml", "deploy/web-stack.yml", "compose.yaml",
                 "docker-compose.override.yml", "values.yml", ".hidden/docker-stack.yml", ".stacklint.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(GOOD if name != ".stacklint.yaml" else b"ignore: [SL209]\n")
    run = run_cli("--no-env", "--format", "json", "--select", "SL004", str(tmp_path))
    assert run.returncode == 0
    run = run_cli("--no-env", "--select", "SL0", str(tmp_path))
    assert run.stdout.splitlines()[-1] == "No problems in 5 files."


def test_stdin(tmp_path):
    run = run_cli("--no-env", "--select", "SL0", "-", input=BAD)
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == ("<stdin>:4:5: error SL004 services.web: unknown key `imgae`; did you mean "
                                          "`image`? [schema]")


def test_json_format(tmp_path):
    f = tmp_path / "docker-stack.yml"
    f.write_bytes(BAD)
    run = run_cli("--no-env", "--select", "SL0", "--format", "json", str(f))
    assert run.returncode == 1
    [item] = json.loads(run.stdout)
    assert item == {
        "path": str(f), "code": "SL004", "name": "schema", "severity": "error",
        "message": "services.web: unknown key `imgae`; did you mean `image`?",
        "start": {"line": 4, "column": 5}, "end": {"line": 4, "column": 10},
        "yaml_path": "services.web.imgae", "docker_stage": "load", "fix": None, "related": [],
    }


def test_unknown_format_and_rule_are_usage_errors(tmp_path):
    f = tmp_path / "docker-stack.yml"
    f.write_bytes(GOOD)
    assert run_cli("--format", "xml", str(f)).returncode == 2
    bad_rule = run_cli("--select", "SL999", str(f))
    assert bad_rule.returncode == 2 and "unknown rule 'SL999'" in bad_rule.stderr


def test_version_flag():
    run = run_cli("--version")
    assert (run.returncode, run.stdout.strip()) == (0, f"stacklint {__version__}")


def test_fail_on_threshold(tmp_path):
    f = tmp_path / "docker-stack.yml"
    f.write_bytes(b"services:\n  web:\n    image: nginx:1.27\n")  # only SL003 info: no version
    assert run_cli("--no-env", "--select", "SL003", str(f)).returncode == 0
    assert run_cli("--no-env", "--select", "SL003", "--fail-on", "info", str(f)).returncode == 1


def test_config_file_is_found_upward_and_validated(tmp_path):
    (tmp_path / "deploy").mkdir()
    f = tmp_path / "deploy" / "docker-stack.yml"
    f.write_bytes(BAD)
    (tmp_path / ".stacklint.yaml").write_text("ignore: [schema]\n")
    assert run_cli("--no-env", "--select", "SL0", str(f)).returncode == 0
    (tmp_path / ".stacklint.yaml").write_text("ignore: [SL004]\nfail_on: warning\n")
    run = run_cli("--no-env", str(f))
    assert run.returncode == 2
    assert run.stderr.strip() == (f"stacklint: {tmp_path / '.stacklint.yaml'}:2:1: invalid configuration: "
                                  "unknown option `fail_on`; did you mean `fail-on`?")


def test_control_characters_from_the_file_are_escaped(tmp_path):
    f = tmp_path / "docker-stack.yml"
    f.write_bytes(b'version: "3.8"\nservices:\n  web:\n    image: nginx\n    "im\\e[31mage\\nX": 1\n')
    run = run_cli("--no-env", "--select", "SL004", str(f))
    assert "\x1b" not in run.stdout
    assert "im\\e[31mage\\nX" in run.stdout

"""Exit codes follow the failure threshold exactly (--fail-on, or `fail-on` in the config), and
`--format json` parses on every real-world corpus file with the exit code its findings imply."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from stacklint.cli import main

from .conftest import ROOT, SHARED, run_cli

# One warning (SL005: NAME is unset) and one info (SL003: no version), nothing worse.
WARNING_AND_INFO = "services:\n  web:\n    image: nginx:${NAME}\n"
INFO_ONLY = "services:\n  web:\n    image: nginx:1.27\n"
ERROR = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80:70000"\n'
RANK = {"info": 1, "warning": 2, "error": 3}


def lint(capsys, monkeypatch, folder, *argv, select=("--select", "SL0")):
    """The CLI in this process; by default only the SL0xx rules the fixtures are written for."""
    monkeypatch.chdir(folder)
    code = main(["--no-env", *select, *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def stacks(tmp_path):
    for name, text in (("warn-stack.yml", WARNING_AND_INFO), ("info-stack.yml", INFO_ONLY),
                       ("error-stack.yml", ERROR)):
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize("file, fail_on, expected", [
    ("warn-stack.yml", None, 0), ("warn-stack.yml", "error", 0), ("warn-stack.yml", "warning", 1),
    ("warn-stack.yml", "info", 1),
    ("info-stack.yml", None, 0), ("info-stack.yml", "warning", 0), ("info-stack.yml", "info", 1),
    ("error-stack.yml", None, 1), ("error-stack.yml", "error", 1),
])
def test_fail_on_flag(capsys, monkeypatch, stacks, file, fail_on, expected):
    args = ["--fail-on", fail_on] if fail_on else []
    code, out, _ = lint(capsys, monkeypatch, stacks, *args, "--format", "json", file)
    assert code == expected
    assert {f["severity"] for f in json.loads(out)} == \
        {"warn-stack.yml": {"warning", "info"}, "info-stack.yml": {"info"}, "error-stack.yml": {"error"}}[file]


@pytest.mark.parametrize("config_name, config_text", [
    (".stacklint.yaml", "fail-on: warning\n"),
    ("pyproject.toml", '[tool.stacklint]\nfail-on = "warning"\n'),
])
def test_fail_on_from_config_and_the_flag_wins(capsys, monkeypatch, stacks, config_name, config_text):
    (stacks / config_name).write_text(config_text)
    assert lint(capsys, monkeypatch, stacks, "warn-stack.yml")[0] == 1
    assert lint(capsys, monkeypatch, stacks, "info-stack.yml")[0] == 0
    assert lint(capsys, monkeypatch, stacks, "--fail-on", "error", "warn-stack.yml")[0] == 0


def test_severity_override_moves_a_finding_across_the_threshold(capsys, monkeypatch, stacks):
    (stacks / ".stacklint.yaml").write_text("severity: {SL005: error}\n")
    code, out, _ = lint(capsys, monkeypatch, stacks, "--format", "github", "warn-stack.yml")
    assert code == 1
    assert out.splitlines()[1].startswith("::error file=warn-stack.yml,line=3,col=18,")


def test_select_ignore_and_quiet(capsys, monkeypatch, stacks):
    code, out, _ = lint(capsys, monkeypatch, stacks, "--ignore", "SL006", "error-stack.yml")
    assert (code, out) == (0, "No problems in 1 file.\n")
    code, out, _ = lint(capsys, monkeypatch, stacks, "--quiet", "--select", "SL006", "-f", "concise", "error-stack.yml")
    assert code == 1
    assert out.startswith("error-stack.yml:6:9: error SL006 ") and out.count("\n") == 1


def test_input_error_wins_over_findings(capsys, monkeypatch, stacks):
    code, out, err = lint(capsys, monkeypatch, stacks, "--format", "json", "error-stack.yml", "missing-stack.yml")
    assert code == 2
    assert err == "stacklint: missing-stack.yml: no such file\n"
    assert [f["code"] for f in json.loads(out)] == ["SL006", None]


def test_bad_fail_on_value_is_a_usage_error():
    proc = run_cli("--fail-on", "fatal", "examples/docker-stack.yml")
    assert proc.returncode == 2
    assert "invalid choice: 'fatal'" in proc.stderr


def corpus_files():
    folder = SHARED / "corpus" / "files"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.mark.skipif(not corpus_files(), reason="../shared/corpus is absent")
@pytest.mark.parametrize("threshold", ["error", "warning", "info"])
def test_json_on_every_corpus_file(capsys, monkeypatch, threshold):
    checked = 0
    for path in corpus_files():
        code, out, err = lint(capsys, monkeypatch, path.parent, "--format", "json", "--fail-on", threshold,
                              path.name, select=())
        findings = json.loads(out)
        assert isinstance(findings, list), path.name
        assert all(set(f) == {"path", "code", "name", "severity", "message", "start", "end", "yaml_path",
                              "docker_stage", "fix", "related"} for f in findings), path.name
        worst = max((RANK[f["severity"]] for f in findings), default=0)
        assert code == (1 if worst >= RANK[threshold] else 0), (path.name, code, findings)
        assert err == ""
        checked += 1
    assert checked == len(corpus_files()) >= 60


def test_pyproject_is_read_with_tomli_where_tomllib_is_missing(tmp_path):
    """Python 3.10 has no tomllib: [tool.stacklint] is read with tomli (a dependency there)."""
    pytest.importorskip("tomli")
    (tmp_path / "pyproject.toml").write_text('[tool.stacklint]\nfail-on = "warning"\nignore = ["SL209"]\n')
    script = ("import sys; sys.modules['tomllib'] = None\n"  # as on 3.10: `import tomllib` fails
              "from pathlib import Path\n"
              "from stacklint import config\n"
              "options = config.load_config(Path(sys.argv[1]))\n"
              "print('tomli' in sys.modules, options['fail_on'].label, sorted(options['ignore']))\n")
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "pyproject.toml")], capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert (proc.returncode, proc.stdout) == (0, "True warning ['SL209']\n"), proc.stderr

"""One settings schema (stacklint/settings.schema.json) for the configuration file and the editor
settings: located errors from both, the compiled fast path agreeing with jsonschema, and the VS
Code extension declaring the server's settings as the schema does."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from stacklint import config, settings_schema
from stacklint.lsp import settings as client_settings
from stacklint.settings_schema import CONFIG, EDITOR, problems

from .conftest import ROOT

EXTENSION = ROOT / "vscode-extension"
EXTENSION_ONLY = {"path", "interpreter", "importStrategy"}  # how to start the server; never sent


def _manifest_settings():
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    properties = manifest["contributes"]["configuration"]["properties"]
    return {key.split(".", 1)[1]: value for key, value in properties.items()}


def _types(schema):
    kind = schema.get("type", [])
    return {kind} if isinstance(kind, str) else set(kind)


def test_the_extension_declares_exactly_the_server_settings_of_the_schema():
    declared = set(_manifest_settings()) - EXTENSION_ONLY
    assert declared == set(settings_schema.properties(EDITOR))
    sent = re.search(r"SERVER_KEYS = \[(.*?)\]", (EXTENSION / "src" / "settings.ts").read_text(), re.S).group(1)
    assert set(re.findall(r"'(\w+)'", sent)) == declared


@pytest.mark.parametrize("key", sorted(settings_schema.properties(EDITOR)))
def test_each_extension_setting_agrees_with_the_schema(key):
    """What VS Code lets a user enter, the server accepts (null: the setting left at its default)."""
    declared, schema = _manifest_settings()[key], settings_schema.properties(EDITOR)[key]
    assert _types(declared) - {"null"} <= _types(schema)
    if "enum" in schema:
        assert [v for v in declared["enum"] if v is not None] == schema["enum"]
    for bound in ("minimum", "maximum"):
        assert declared.get(bound) == schema.get(bound)
    for part in ("items", "additionalProperties"):
        if part in declared:
            inner = settings_schema.resolve(schema[part])
            assert _types(declared[part]) <= _types(inner)
            assert declared[part].get("enum") == inner.get("enum")
    if "default" in schema:
        assert declared["default"] == schema["default"]
    if declared.get("default") is not None:
        assert problems({key: declared["default"]}, EDITOR) == []


@pytest.mark.parametrize("part, data", [
    (CONFIG, {"select": ["SL1"], "fail-on": "warning", "stacks": [{"name": "shop", "files": ["a.yml"]}]}),
    (CONFIG, {"select": "SL1,SL2", "severity": {"SL201": "info"}, "per-file-ignores": {"x/*.yml": ["SL306"]}}),
    (CONFIG, {"stacks": [{"files": []}]}),
    (CONFIG, {"stacks": [{"name": "a b", "files": ["a.yml"]}]}),
    (CONFIG, {"stacks": [{"files": ["a.yml"], "env-files": "x"}]}),
    (CONFIG, {"fail-on": "Warning"}),
    (CONFIG, {"fail_on": "warning"}),
    (CONFIG, []),
    (EDITOR, {"debounceMs": True}),
    (EDITOR, {"debounceMs": 50.5, "inheritEnv": False, "env": {"A": 1}}),
    (EDITOR, {"debounceMs": 10001}),
    (EDITOR, {"files": "deploy/*.yml", "select": ["SL1", 3]}),
])
def test_the_compiled_fast_path_agrees_with_jsonschema(part, data):
    assert (problems(data, part) == []) == settings_schema._validator(part).is_valid(data)


def _config_error(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(config.ConfigError) as caught:
        config.load_config(path)
    return str(caught.value).replace(str(path), name)


@pytest.mark.parametrize("text, expected", [
    ("select: [SL1]\nfail-on: loud\n",
     ".stacklint.yaml:2:10: invalid configuration: `fail-on`: unknown severity 'loud' (expected error, warning or info)"),
    ("severity:\n  SL201: info\n  SL202: [x]\n",
     ".stacklint.yaml:3:10: invalid configuration: `severity.SL202` must be error, warning or info"),
    ("per-file-ignores:\n  legacy/*.yml: 3\n",
     ".stacklint.yaml:2:17: invalid configuration: `per-file-ignores.legacy/*.yml` must be a list of rule codes or names"),
    ("stacks:\n  - name: shop\n    files: []\n",
     ".stacklint.yaml:3:12: invalid configuration: `stacks.0.files` must be a non-empty list of stack files, "
     "relative to the configuration file, in merge order"),
    ("stacks:\n  - files: [a.yml]\n    nmae: shop\n",
     ".stacklint.yaml:3:5: invalid configuration: `stacks.0`: unknown option `nmae`; did you mean `name`?"),
    ("ignore: {SL201: true}\n",
     ".stacklint.yaml:1:9: invalid configuration: `ignore` must be a list of rule codes or names"),
    ("- select\n", ".stacklint.yaml:1:1: invalid configuration: the configuration must be a mapping of options"),
])
def test_config_file_errors_are_located_on_the_key_or_value(tmp_path, text, expected):
    assert _config_error(tmp_path, ".stacklint.yaml", text) == expected


def test_pyproject_errors_are_located_on_the_line_of_the_key(tmp_path):
    text = '[project]\nname = "x"\n\n[tool.stacklint]\nselect = ["SL1"]\nfail-on = 3\n'
    assert _config_error(tmp_path, "pyproject.toml", text) == (
        "pyproject.toml:6:1: invalid configuration: `fail-on` must be error, warning or info")


def test_editor_settings_errors_name_the_key_path_and_skip_only_that_entry():
    parsed, said = client_settings.parse({
        "severity": {"SL003": "loud", "SL004": "info"}, "colour": True, "select": ["SL003", 5],
        "fail-on": "warning", "debounce": -1, "env": {"A": [1]}, "configFile": None})
    assert said == [
        "unknown setting `colour` (settings: configFile, debounceMs, env, failOn, files, ignore, inheritEnv, "
        "inventory, select, severity, strictEnv)",
        "`debounceMs` must be a number of milliseconds (0 to 10000)",
        "`env` must map variable names to values",
        "`select` must be a list of rule codes or names",
        "`severity.SL003`: unknown severity 'loud' (expected error, warning or info)",
    ]
    assert (parsed.select, dict(parsed.severity), parsed.fail_on.label, parsed.debounce_ms, dict(parsed.env)) == \
        (None, {"SL004": client_settings.Severity.INFO}, "warning", client_settings.DEFAULT_DEBOUNCE_MS, {})


def test_a_valid_config_is_read_without_importing_jsonschema(tmp_path):
    path = tmp_path / ".stacklint.yaml"
    path.write_text("select: [SL1]\nseverity: {SL101: info}\nfail-on: warning\n")
    probe = ("import sys; from pathlib import Path; from stacklint import config; "
             "config.load_config(Path(sys.argv[1])); print('jsonschema' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert run.stdout == "False\n"

"""The CI formats over real lint results: exact positions, escaping of hostile text, fingerprints,
input errors, --statistics, and usage errors. Golden files live in test_golden.py."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stacklint.cli import main
from stacklint.diagnostics import Diagnostic, FileResult, Fix, Range, Related, Severity, TextEdit
from stacklint.output import github, gitlab, junit, sarif
from stacklint.output.escape import escape_control
from stacklint.output.fingerprint import fingerprints

from .conftest import ROOT, run_cli

FINDINGS = ROOT / "tests" / "golden" / "findings-stack.yml"
FINDINGS_REL = "tests/golden/findings-stack.yml"

# A service name that tries everything: clear the screen, colour, a newline followed by a
# workflow command, a runner-encoded newline, a C1 CSI and a bidi override.
HOSTILE_NAME = "evil\x1b[2J\x1b[31mred\n::error file=x,line=1::forged%0A::warning::x\x9b31m\u202e"
HOSTILE_YAML = (
    'version: "3.8"\n'
    'services:\n'
    '  "evil\\e[2J\\e[31mred\\n::error file=x,line=1::forged%0A::warning::x\\x9b31m\\u202e":\n'
    '    image: nginx:1.27\n'
    '    ports:\n'
    '      - "80:70000"\n'
)
DANGEROUS = ("\x1b", "\x9b", "\u202e")


# The rules these tests are about; other rules' findings on the fixtures are not their business.
CORE = ["--select", "SL0,SL108"]


def cli(capsys, monkeypatch, *argv, cwd=ROOT):
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("NO_COLOR", "1")
    code = main(["--no-env", *CORE, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def runner_unescape(text: str, prop: bool) -> str:
    """What the GitHub Actions runner does to a command's data (and, with prop, its properties)."""
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    for encoded, plain in pairs + [("%25", "%")]:
        text = text.replace(encoded, plain)
    return text


def runner_parse(line: str):
    """A workflow command line as the runner reads it: (command, properties, data), or None."""
    if not line.startswith("::"):
        return None
    end = line.index("::", 2)
    head, data = line[2:end], line[end + 2:]
    command, _, props = head.partition(" ")
    properties = {}
    for pair in filter(None, props.split(",")):
        key, _, value = pair.partition("=")
        properties[key] = runner_unescape(value, prop=True)
    return command, properties, runner_unescape(data, prop=False)


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "docker-stack.yml"
    path.write_text(HOSTILE_YAML, encoding="utf-8")
    return path


def hostile_findings(capsys, monkeypatch, path):
    code, out, _ = cli(capsys, monkeypatch, "--format", "json", str(path), cwd=path.parent)
    found = json.loads(out)
    assert [(f["code"], f["start"]["line"]) for f in found] == [("SL004", 3), ("SL006", 6)]
    assert all(HOSTILE_NAME in f["message"] for f in found)
    return found


# --- hostile text, every format --------------------------------------------------------------

def test_hostile_name_concise(capsys, monkeypatch, hostile):
    findings = hostile_findings(capsys, monkeypatch, hostile)
    code, out, _ = cli(capsys, monkeypatch, "--format", "concise", str(hostile), cwd=hostile.parent)
    assert code == 1
    assert not any(c in out for c in DANGEROUS)
    lines = out.splitlines()
    assert len(lines) == len(findings) + 1
    assert lines[1] == (f"{hostile}:6:9: error SL006 {escape_control(findings[1]['message'])} [invalid-value]")
    assert "evil\\e[2J\\e[31mred\\n::error file=x,line=1::forged%0A::warning::x\\x9b31m\\u202e" in lines[1]


def test_hostile_name_text_frames_show_the_line_escaped(capsys, monkeypatch, hostile):
    code, out, _ = cli(capsys, monkeypatch, str(hostile), cwd=hostile.parent)
    assert code == 1
    assert not any(c in out for c in DANGEROUS)
    source = HOSTILE_YAML.splitlines()
    assert [line for line in out.splitlines() if line.startswith(("3 | ", "6 | "))] == [
        f"3 | {source[2]}", f"6 | {source[5]}"]


def test_hostile_name_github(capsys, monkeypatch, hostile):
    findings = hostile_findings(capsys, monkeypatch, hostile)
    code, out, _ = cli(capsys, monkeypatch, "--format", "github", "docker-stack.yml", cwd=hostile.parent)
    assert code == 1
    assert not any(c in out for c in DANGEROUS)
    lines = out.splitlines()
    assert len(lines) == len(findings)  # no forged command line
    parsed = [runner_parse(line) for line in lines]
    assert [p[0] for p in parsed] == ["error", "error"]
    for (command, props, data), f in zip(parsed, findings):
        assert props == {"file": "docker-stack.yml", "line": str(f["start"]["line"]),
                         "col": str(f["start"]["column"]), "endLine": str(f["end"]["line"]),
                         "endColumn": str(f["end"]["column"]), "title": f"{f['code']} {f['name']}"}
        # the runner's decoding gives back the message with its controls made visible, and
        # the literal %0A in the name stays literal
        assert data == escape_control(f["message"])
        assert "forged%0A::warning" in data and "\n" not in data


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_hostile_name_json_formats_keep_the_data_exactly(capsys, monkeypatch, hostile, fmt):
    findings = hostile_findings(capsys, monkeypatch, hostile)
    code, out, _ = cli(capsys, monkeypatch, "--format", fmt, str(hostile), cwd=hostile.parent)
    assert code == 1
    assert not any(c in out for c in DANGEROUS)  # escaped as \u001b, \u009b, \u202e
    data = json.loads(out)
    messages = {"json": lambda: [f["message"] for f in data],
                "sarif": lambda: [r["message"]["text"] for r in data["runs"][0]["results"]],
                "gitlab": lambda: [i["description"].split(" ", 1)[1] for i in data]}[fmt]()
    assert messages == [f["message"] for f in findings]


def test_hostile_name_junit(capsys, monkeypatch, hostile):
    findings = hostile_findings(capsys, monkeypatch, hostile)
    code, out, _ = cli(capsys, monkeypatch, "--format", "junit", str(hostile), cwd=hostile.parent)
    assert code == 1
    assert not any(c in out for c in DANGEROUS)
    root = ET.fromstring(out.encode("utf-8"))
    failures = root.findall("./testsuite/testcase/failure")
    assert [f.get("message") for f in failures] == [escape_control(f["message"]) for f in findings]
    assert [f.get("type") for f in failures] == ["SL004", "SL006"]


@pytest.mark.parametrize("fmt", ["text", "concise", "github", "junit"])
def test_hostile_file_name(capsys, monkeypatch, tmp_path, fmt):
    name = "x\x1b]0;owned\x07\n::error::forged-stack.yml"
    (tmp_path / name).write_text("services:\n  web:\n    image: nginx:1.27\n    imgae: x\n", encoding="utf-8")
    code, out, _ = cli(capsys, monkeypatch, "--format", fmt, name, cwd=tmp_path)
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out
    visible = "x\\e]0;owned\\x07\\n::error::forged-stack.yml"
    if fmt in ("text", "concise"):
        assert [line for line in out.splitlines() if line.startswith(visible)][1].startswith(
            f"{visible}:4:5: error SL004 ")
    elif fmt == "github":
        lines = out.splitlines()
        assert len(lines) == 2 and all(line.startswith(("::notice ", "::error ")) for line in lines)
        assert [runner_parse(line)[1]["file"] for line in lines] == [visible] * 2
    else:
        assert ET.fromstring(out.encode()).find("testsuite").get("name") == visible


def test_input_error_on_stderr_is_escaped(capsys, monkeypatch, tmp_path):
    code, out, err = cli(capsys, monkeypatch, "nope\x1b[2J-stack.yml", cwd=tmp_path)
    assert code == 2
    assert err == "stacklint: nope\\e[2J-stack.yml: no such file\n"


# --- GitHub ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["a,b:c", "100%0A", "line\nbreak\r", "%25%3A%2C", "::error::x"])
def test_github_escaping_round_trips_through_the_runner(text):
    assert runner_unescape(github.escape_property(text), prop=True) == escape_control(text)
    assert runner_unescape(github.escape_data(text), prop=False) == escape_control(text)
    assert "\n" not in github.escape_data(text) and "," not in github.escape_property(text)


def test_github_multi_line_range_has_no_columns_and_info_is_a_notice():
    d = Diagnostic("SL004", "spans", Severity.INFO, Range.of(1, 4, 3, 2), ("services", "web"), name="schema")
    out = github.render([FileResult("stack.yml", [d])])
    assert out == "::notice file=stack.yml,line=2,endLine=4,title=SL004 schema::spans\n"


def test_github_paths_relative_to_the_working_directory(capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, "--format", "github", str(FINDINGS))
    assert {runner_parse(line)[1]["file"] for line in out.splitlines()} == {FINDINGS_REL}


# --- SARIF -----------------------------------------------------------------------------------

@pytest.fixture
def findings_sarif(capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, "--format", "sarif", FINDINGS_REL)
    assert code == 1
    return json.loads(out)


def test_sarif_columns_are_code_points(findings_sarif):
    run = findings_sarif["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    lines = FINDINGS.read_text(encoding="utf-8").splitlines()
    located = []
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": FINDINGS_REL, "uriBaseId": "%SRCROOT%"}
        reg = loc["region"]
        assert set(reg) == {"startLine", "startColumn", "endLine", "endColumn"}
        if reg["startLine"] == reg["endLine"]:
            located.append((r["ruleId"], lines[reg["startLine"] - 1][reg["startColumn"] - 1:reg["endColumn"] - 1]))
    # line 9 has a whale (two UTF-16 code units) before the variable: code points put us on it
    assert ("SL005", "${NAME}") in located
    assert ("SL003", "3.8") in located and ("SL002", "image") in located


def test_sarif_rules_and_indexes(findings_sarif):
    from stacklint import catalogue

    driver = findings_sarif["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == sorted(catalogue.load())
    by_id = {r["id"]: r for r in driver["rules"]}
    assert by_id["SL009"]["defaultConfiguration"] == {"level": "warning"}
    assert by_id["SL006"]["help"]["markdown"].startswith("## What it does\n")
    for r in findings_sarif["runs"][0]["results"]:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    levels = {(r["ruleId"], r["level"]) for r in findings_sarif["runs"][0]["results"]}
    assert ("SL009", "warning") in levels and ("SL006", "error") in levels
    assert findings_sarif["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_sarif_rules_stay_within_githubs_limits_and_link_their_pages(findings_sarif):
    from stacklint import catalogue

    driver = findings_sarif["runs"][0]["tool"]["driver"]
    rules = catalogue.load()
    longest = max(rules.values(), key=lambda r: len(" ".join(r.section("What it does").split())))
    assert len(" ".join(longest.section("What it does").split())) > 1024  # the cut is needed
    for r in driver["rules"]:
        assert len(r["fullDescription"]["text"]) <= 1024 and len(r["shortDescription"]["text"]) <= 1024, r["id"]
        assert r["helpUri"] == f"https://github.com/stacklint/stacklint/blob/main/rules/{r['id']}.md"
        assert len(r["properties"]["tags"]) <= 20 and len(set(r["properties"]["tags"])) == len(r["properties"]["tags"])
    cut = next(r for r in driver["rules"] if r["id"] == longest.code)["fullDescription"]["text"]
    assert cut.endswith("\u2026") and " ".join(longest.section("What it does").split()).startswith(cut[:-1])
    security = {r["id"]: r["properties"] for r in driver["rules"] if "security" in r["properties"]["tags"]}
    assert set(security) == {c for c, rule in rules.items() if rule.category == "security"}
    expected = {"error": "8.0", "warning": "5.5", "info": "2.0"}
    assert all(props["security-severity"] == expected[rules[code].severity.label] for code, props in security.items())
    assert not any("security-severity" in r["properties"] for r in driver["rules"] if r["id"] not in security)


def test_sarif_keeps_the_25000_most_severe_results_and_says_so():
    def finding(i: int, severity: Severity) -> Diagnostic:
        return Diagnostic("SL006", f"finding {i}", severity, Range.of(i, 0, i, 1), ("services", str(i)),
                          name="invalid-value")
    # 24,990 info findings, then 20 errors and 20 warnings: 30 info findings must go
    found = [finding(i, Severity.INFO) for i in range(24_990)]
    found += [finding(24_990 + i, Severity.ERROR if i % 2 else Severity.WARNING) for i in range(40)]
    results = [FileResult("a-stack.yml", found)]
    assert sarif.omitted(results) == 30
    run = json.loads(sarif.render(results))["runs"][0]
    assert len(run["results"]) == 25_000
    assert [r["message"]["text"] for r in run["results"][-40:]] == [f"finding {24_990 + i}" for i in range(40)]
    assert run["results"][24_959]["message"]["text"] == "finding 24959"  # the first 24,960 info kept, in order
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": [{
        "level": "warning", "message": {"text": "30 of 25030 findings left out: GitHub code scanning accepts at "
                                                "most 25000 results a run; the most severe are kept (--format json "
                                                "lists them all)"}}]}]


def test_sarif_fix_applies(findings_sarif):
    (result,) = [r for r in findings_sarif["runs"][0]["results"] if r.get("fixes")]
    assert result["ruleId"] == "SL003"
    (change,) = result["fixes"][0]["artifactChanges"]
    (rep,) = change["replacements"]
    assert rep["deletedRegion"] == {"startLine": 3, "startColumn": 10, "endLine": 3, "endColumn": 13}
    line = FINDINGS.read_text(encoding="utf-8").splitlines()[2]
    col, end = rep["deletedRegion"]["startColumn"] - 1, rep["deletedRegion"]["endColumn"] - 1
    assert line[:col] + rep["insertedContent"]["text"] + line[end:] == 'version: "3.8"'


def test_sarif_related_locations_and_severity_levels():
    d = Diagnostic("SL002", "dup", Severity.INFO, Range.of(4, 4, 4, 9), ("a",), name="duplicate-key",
                   related=(Related("first here", Range.of(2, 4, 2, 9)),),
                   fix=Fix("drop it", (TextEdit(Range.of(4, 0, 5, 0), ""),), safe=False))
    (result,) = json.loads(sarif.render([FileResult("s.yml", [d])]))["runs"][0]["results"]
    assert result["level"] == "note"
    assert result["relatedLocations"] == [{"id": 1, "message": {"text": "first here"}, "physicalLocation": {
        "artifactLocation": {"uri": "s.yml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 10}}}]
    assert result["fixes"][0]["properties"] == {"safe": False}
    assert result["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"] == \
        {"startLine": 5, "startColumn": 1, "endLine": 6, "endColumn": 1}


def test_sarif_input_error_is_a_notification_and_outside_paths_are_absolute(capsys, monkeypatch, tmp_path):
    outside = tmp_path / "elsewhere" / "docker-stack.yml"
    outside.parent.mkdir()
    outside.write_text("services:\n  web:\n    image: nginx:1.27\n")
    (tmp_path / "checkout").mkdir()
    code, out, _ = cli(capsys, monkeypatch, "--format", "sarif", "missing-stack.yml", str(outside),
                       cwd=tmp_path / "checkout")
    assert code == 2
    run = json.loads(out)["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"] == "missing-stack.yml: no such file"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {outside.resolve().as_uri()}


# --- fingerprints ----------------------------------------------------------------------------

def _fingerprints(capsys, monkeypatch, path, fmt):
    code, out, _ = cli(capsys, monkeypatch, "--format", fmt, path.name, cwd=path.parent)
    data = json.loads(out)
    if fmt == "sarif":
        return [(r["ruleId"], r["partialFingerprints"]["stacklint/v1"]) for r in data["runs"][0]["results"]]
    return [(i["check_name"].split()[0], i["fingerprint"]) for i in data]


@pytest.mark.parametrize("fmt", ["sarif", "gitlab"])
def test_fingerprints_survive_unrelated_edits(capsys, monkeypatch, tmp_path, fmt):
    path = tmp_path / "docker-stack.yml"
    original = FINDINGS.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    before = _fingerprints(capsys, monkeypatch, path, fmt)
    assert len({fp for _, fp in before}) == len(before) == 10  # one per finding
    # An unrelated edit: a new service and comments above everything, shifting every line.
    edited = original.replace("services:\n", "services:\n  # a comment\n  cache:\n    image: redis:7\n\n", 1)
    path.write_text("# header\n" + edited, encoding="utf-8")
    after = _fingerprints(capsys, monkeypatch, path, fmt)
    assert after == before
    # Another invalid port at the same place: a new message, the same finding.
    path.write_text(original.replace('"80:70000"', '"80:70001"'), encoding="utf-8")
    assert _fingerprints(capsys, monkeypatch, path, fmt) == before
    # The service renamed: its findings are about another path now, and only they change.
    path.write_text(original.replace("  db:\n", "  database:\n"), encoding="utf-8")
    renamed = _fingerprints(capsys, monkeypatch, path, fmt)
    changed = [code for (code, a), (_, b) in zip(before, renamed) if a != b]
    assert len(renamed) == len(before) and changed == ["SL002"]


def _finding(code: str, path, line: int, message: str = "a message") -> Diagnostic:
    return Diagnostic(code, message, Severity.WARNING, Range.of(line, 4, line, 9), path)


def test_a_fingerprint_ignores_the_wording_and_the_line():
    before = fingerprints("s.yml", [_finding("SL309", ("services", "web", "ports", 0), 7, "port 80 is taken")])
    after = fingerprints("s.yml", [_finding("SL309", ("services", "web", "ports", 0), 12, "80/tcp: already in use")])
    assert before == after


def test_different_findings_get_different_fingerprints():
    web = ("services", "web", "ports", 0)
    prints = fingerprints("s.yml", [_finding("SL309", web, 7), _finding("SL208", web, 7),
                                    _finding("SL309", ("services", "api", "ports", 0), 9)])
    assert len(set(prints)) == 3
    assert fingerprints("other.yml", [_finding("SL309", web, 7)])[0] != prints[0]


def test_identical_findings_get_distinct_fingerprints():
    d = [Diagnostic("SL001", "same", Severity.ERROR, Range.of(i, 0, i, 1)) for i in range(3)]
    data = json.loads(gitlab.render([FileResult("s.yml", d)]))
    assert len({i["fingerprint"] for i in data}) == 3


# --- GitLab ----------------------------------------------------------------------------------

def test_gitlab_fields_and_severities(capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, "--format", "gitlab", FINDINGS_REL)
    data = json.loads(out)
    first = data[0]
    assert first["description"] == 'SL003 version must be a string; write version: "3.8"'
    assert first["check_name"] == "SL003 unsupported-version"
    assert first["location"] == {"path": FINDINGS_REL, "positions": {"begin": {"line": 3, "column": 10},
                                                                     "end": {"line": 3, "column": 13}}}
    _, plain, _ = cli(capsys, monkeypatch, "--format", "json", FINDINGS_REL)
    expected = {("error", True): "blocker", ("error", False): "critical", ("warning", False): "major",
                ("info", False): "info"}
    assert [i["severity"] for i in data] == [expected[f["severity"], bool(f["docker_stage"])]
                                             for f in json.loads(plain)]
    assert {i["severity"] for i in data} >= {"blocker", "major"}


@pytest.mark.parametrize("severity, stage, expected", [
    (Severity.ERROR, "load", "blocker"), (Severity.ERROR, "deploy", "blocker"), (Severity.ERROR, "", "critical"),
    (Severity.WARNING, "", "major"), (Severity.WARNING, "deploy", "major"), (Severity.INFO, "", "info")])
def test_gitlab_severity_mapping(severity, stage, expected):
    assert gitlab.severity(Diagnostic("SL201", "m", severity, Range.of(0, 0, 0, 1), stage=stage)) == expected


# --- JUnit -----------------------------------------------------------------------------------

def test_junit_is_well_formed_with_characters_xml_forbids():
    message = "nul\x00 esc\x1b vt\x0b surrogate\ud800 nonchar\ufffe end"
    d = Diagnostic("SL006", message, Severity.ERROR, Range.of(0, 2, 0, 5), ("services",), name="invalid-value")
    results = [FileResult("a-stack.yml", [d]), FileResult("clean-stack.yml", []),
               FileResult("gone-stack.yml", input_error="gone-stack.yml: no such file")]
    root = ET.fromstring(junit.render(results).encode("utf-8"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["a-stack.yml", "clean-stack.yml", "gone-stack.yml"]
    failure = suites[0].find("testcase/failure")
    assert failure.get("message") == "nul\\x00 esc\\e vt\\x0b surrogate\\ud800 nonchar\\ufffe end"
    assert failure.text.startswith("a-stack.yml:1:3: error SL006 nul\\x00")
    assert suites[1].find("testcase").get("name") == "stacklint" and not list(suites[1].find("testcase"))
    assert suites[2].find("testcase/error").get("message") == "gone-stack.yml: no such file"


# --- CLI: formats, statistics, output file ---------------------------------------------------

def test_unknown_format_is_a_usage_error():
    proc = run_cli("--format", "xml", "examples/docker-stack.yml")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "unknown format 'xml' (choose from text, concise, json, sarif, github, gitlab, junit)" in proc.stderr


def test_statistics_text_and_json(capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, "--statistics", FINDINGS_REL)
    assert code == 1
    assert out == ("2  SL004  schema\n2  SL005  interpolation\n2  SL006  invalid-value\n"
                   "1  SL002  duplicate-key\n1  SL003  unsupported-version\n1  SL009  unused-suppression\n"
                   "1  SL108  external-conflict\n")
    code, out, _ = cli(capsys, monkeypatch, "--statistics", "--format", "json", "--ignore", "SL006,SL108",
                       FINDINGS_REL)
    assert code == 1
    assert json.loads(out) == [{"code": "SL004", "name": "schema", "count": 2, "fixable": False},
                               {"code": "SL005", "name": "interpolation", "count": 2, "fixable": False},
                               {"code": "SL002", "name": "duplicate-key", "count": 1, "fixable": False},
                               {"code": "SL003", "name": "unsupported-version", "count": 1, "fixable": True},
                               {"code": "SL009", "name": "unused-suppression", "count": 1, "fixable": False}]


def test_statistics_needs_text_or_json(capsys, monkeypatch):
    with pytest.raises(SystemExit) as exit_:
        cli(capsys, monkeypatch, "--statistics", "--format", "sarif", FINDINGS_REL)
    assert exit_.value.code == 2
    assert "--statistics prints text or json, not sarif" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit"])
def test_output_file_holds_what_stdout_would(capsys, monkeypatch, tmp_path, fmt):
    _, printed, _ = cli(capsys, monkeypatch, "--format", fmt, FINDINGS_REL)
    target = tmp_path / f"report.{fmt}"
    code, out, err = cli(capsys, monkeypatch, "--format", fmt, "--output-file", str(target), FINDINGS_REL)
    assert (code, out, err) == (1, "", "")
    assert target.read_text(encoding="utf-8") == printed


def test_unwritable_output_file_is_a_usage_error(capsys, monkeypatch, tmp_path):
    code, out, err = cli(capsys, monkeypatch, "-o", str(tmp_path / "no" / "such" / "dir.txt"), FINDINGS_REL)
    assert code == 2
    assert err == f"stacklint: --output-file {tmp_path}/no/such/dir.txt: No such file or directory\n"

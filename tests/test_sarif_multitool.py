"""SARIF output passes Microsoft's SARIF Multitool (`Sarif.Multitool validate`) with no
error-level result, and stays within GitHub code scanning's documented limits: the example, the
findings fixture, and a 9,000-service generated stack.

The tool comes from npm (`@microsoft/sarif-multitool`, a self-contained linux-x64 binary, no
.NET needed); `.ci/run` installs it into ~/.cache/stacklint-ci/sarif-multitool. Elsewhere set
STACKLINT_SARIF_MULTITOOL to the binary, or the test skips. The validator needs ~10 ms a result
on two cores, so all files go through one invocation.
"""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE, ROOT, SHARED, run_cli

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "stacklint-ci" / "sarif-multitool"
BINARY = CACHE / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"


def multitool_or_skip() -> Path:
    path = Path(os.environ.get("STACKLINT_SARIF_MULTITOOL") or BINARY)
    if not path.is_file():
        pytest.skip(f"SARIF Multitool not installed at {path} (.ci/run installs it from npm; "
                    "or set STACKLINT_SARIF_MULTITOOL)")
    try:
        subprocess.run([str(path), "--version"], capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as err:
        pytest.skip(f"SARIF Multitool at {path} does not run here: {err}")
    return path


def generated_stack(tmp_path: Path, services: int = 9000) -> Path:
    """../shared's realistic generator when present, else services with one finding each."""
    out = tmp_path / f"stack-{services}.yml"
    gen = SHARED / "bench" / "gen_stack.py"
    if gen.is_file():
        subprocess.run([sys.executable, str(gen), str(services), "-o", str(out)], check=True, timeout=120)
    else:
        lines = ['version: "3.8"', "services:"]
        for i in range(services):
            lines += [f"  svc{i:04d}:", "    image: nginx:1.27", "    ports:", f'      - "{i + 1}:70000"']
        out.write_text("\n".join(lines) + "\n")
    return out


def assert_within_github_limits(path: Path) -> None:
    """docs.github.com, "SARIF support for code scanning": the limits GitHub enforces on upload."""
    assert len(gzip.compress(path.read_bytes())) <= 10 * 1024 * 1024
    log = json.loads(path.read_text())
    assert len(log["runs"]) <= 20
    run = log["runs"][0]
    assert len(run["results"]) <= 25_000
    assert len(run["tool"]["driver"]["rules"]) <= 25_000
    for rule in run["tool"]["driver"]["rules"]:
        assert len(rule["fullDescription"]["text"]) <= 1024 and len(rule["shortDescription"]["text"]) <= 1024
        assert len(rule["properties"]["tags"]) <= 20
    for result in run["results"]:
        assert len(result["locations"]) <= 1000 and len(result.get("relatedLocations", ())) <= 1000


@pytest.mark.slow
def test_sarif_passes_the_multitool(tmp_path):
    tool = multitool_or_skip()
    inputs = {"example": EXAMPLE, "findings": ROOT / "tests" / "golden" / "findings-stack.yml",
              "generated": generated_stack(tmp_path)}
    logs = tmp_path / "logs"
    logs.mkdir()
    counts = {}
    for name, stack in inputs.items():
        target = logs / f"{name}.sarif"
        proc = run_cli("--no-env", "--format", "sarif", "-o", str(target), str(stack))
        assert proc.returncode in (0, 1), proc.stderr
        assert_within_github_limits(target)
        results = json.loads(target.read_text())["runs"][0]["results"]
        for r in results:  # regions carry start and end, line and column
            region = r["locations"][0]["physicalLocation"]["region"]
            assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}, r
        counts[name] = len(results)
        assert counts[name] == len(json.loads(run_cli("--no-env", "--format", "json", str(stack)).stdout)), name
    assert counts["findings"] >= 10
    # standard input and an unreadable file: a relative URI without a base, a tool notification
    proc = run_cli("--no-env", "--format", "sarif", "-o", str(logs / "stdin.sarif"), "-", "missing-stack.yml",
                   input=inputs["findings"].read_text())
    assert proc.returncode == 2
    out = tmp_path / "validation.sarif"
    # the 9,000-service log is over the tool's default 10 MB limit (GitHub's applies to the gzip)
    report = validate(tool, sorted(logs.iterdir()), out, "--max-file-size-in-kb", "200000")
    problems = [(r["ruleId"], r["message"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                for run in report["runs"] for r in run.get("results", []) if r.get("level") in ("error", "warning")]
    assert problems == [], problems
    notices = [n for run in report["runs"] for inv in run.get("invocations", [])
               for n in inv.get("toolExecutionNotifications", []) if n.get("level") == "error"]
    assert notices == [], notices


def test_the_multitool_catches_a_broken_region(tmp_path):
    """The check above can fail: an end column before the start column is an error."""
    tool = multitool_or_skip()
    log = tmp_path / "broken.sarif"
    proc = run_cli("--no-env", "--format", "sarif", "-o", str(log), "tests/golden/findings-stack.yml")
    assert proc.returncode == 1
    data = json.loads(log.read_text())
    data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["endColumn"] = 1
    del data["runs"][0]["results"][1]["locations"]  # GitHub's ingestion rules require them
    log.write_text(json.dumps(data))
    report = validate(tool, [log], tmp_path / "validation.sarif")
    rules = {r["ruleId"] for run in report["runs"] for r in run.get("results", []) if r.get("level") == "error"}
    assert rules == {"SARIF1007", "GH1015", "GH1017", "GH2012"}


def validate(tool: Path, logs, out: Path, *options: str) -> dict:
    """The Multitool's report on logs: the SARIF rules and GitHub's ingestion rules (rule kind
    Gh: what code scanning requires on upload), errors and warnings."""
    # files first: the tool's parser mistakes options that follow --log for its values
    proc = subprocess.run([str(tool), "validate", *map(str, logs), "-o", str(out), *options,
                           "--rule-kind", "Gh;Sarif", "--level", "Error;Warning", "--log", "ForceOverwrite", "-q"],
                          capture_output=True, timeout=1800)
    assert out.is_file(), proc.stdout.decode() + proc.stderr.decode()
    return json.loads(out.read_text(encoding="utf-8-sig"))

"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, SARIF viewers).

Regions are 1-based with an exclusive end column; our columns count Unicode code points, so the
run says `columnKind: unicodeCodePoints` instead of SARIF's default UTF-16 code units.

GitHub code scanning's documented limits are kept: a rule's fullDescription has at most 1,024
characters, a run at most 25,000 results (the most severe are kept, and a notification says how
many were left out), and security rules carry a `security-severity` score, by which GitHub
ranks security alerts.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from .. import __version__, catalogue
from ..diagnostics import Diagnostic, FileResult, Range, Severity
from .artifact import STDIN, is_inside, relative_path
from .fingerprint import fingerprints
from .escape import json_safe

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "stacklint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub's limits for an uploaded SARIF file (docs.github.com, "SARIF support for code scanning").
MAX_DESCRIPTION = 1024
MAX_RESULTS = 25_000
# GitHub's bands: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.INFO: "2.0"}


def region(r: Range) -> dict:
    return {"startLine": r.start.line + 1, "startColumn": r.start.column + 1,
            "endLine": r.end.line + 1, "endColumn": r.end.column + 1}


def artifact_location(path: str) -> dict:
    rel = relative_path(path)
    if rel == STDIN:
        return {"uri": quote(STDIN)}
    if is_inside(rel):
        # fsencode: the bytes of a file name that is not UTF-8 become %XX as well
        return {"uri": quote(os.fsencode(rel)), "uriBaseId": SRCROOT}
    return {"uri": Path(path).resolve().as_uri()}


def shortened(text: str, limit: int) -> str:
    """text cut at a word boundary so that it fits limit characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:") + "\u2026"


def rule_descriptor(rule: catalogue.Rule) -> dict:
    page = rule.body.split("\n", 1)[1].strip() if rule.body.startswith("# ") else rule.body
    full = " ".join(rule.section("What it does").split()) or rule.summary
    properties = {"tags": [rule.category], "fixable": rule.fixable}
    if rule.category == "security":  # the tag `security` makes GitHub list them as security alerts
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": shortened(rule.summary or rule.name, MAX_DESCRIPTION)},
        "fullDescription": {"text": shortened(full, MAX_DESCRIPTION)},
        "helpUri": rule.url,
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def omitted(results: list[FileResult]) -> int:
    """How many findings a SARIF report leaves out to stay within GitHub's result cap."""
    return max(0, sum(len(r.diagnostics) for r in results if not r.input_error) - MAX_RESULTS)


def _within_cap(found: list[dict]) -> list[dict]:
    """The MAX_RESULTS most severe results, in their original order."""
    if len(found) <= MAX_RESULTS:
        return found
    rank = {"error": 0, "warning": 1, "note": 2}
    keep = sorted(range(len(found)), key=lambda i: (rank[found[i]["level"]], i))[:MAX_RESULTS]
    return [found[i] for i in sorted(keep)]


def _fix(d: Diagnostic, location: dict) -> dict:
    return {
        "description": {"text": d.fix.title},
        "artifactChanges": [{
            "artifactLocation": location,
            "replacements": [{"deletedRegion": region(e.range), "insertedContent": {"text": e.new_text}}
                             for e in d.fix.edits],
        }],
        "properties": {"safe": d.fix.safe},
    }


def _result(d: Diagnostic, location: dict, fingerprint: str, rule_index: dict[str, int]) -> dict:
    out = {"ruleId": d.code}
    if d.code in rule_index:
        out["ruleIndex"] = rule_index[d.code]
    out.update({
        "level": LEVELS[d.severity],
        "message": {"text": d.message},
        "locations": [{
            "physicalLocation": {"artifactLocation": location, "region": region(d.range)},
            "logicalLocations": [{"fullyQualifiedName": d.dotted_path(), "kind": "member"}],
        }],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    })
    if d.related:
        out["relatedLocations"] = [
            {"id": i, "message": {"text": r.message},
             "physicalLocation": {"artifactLocation": artifact_location(r.path) if r.path else location,
                                  "region": region(r.range)}}
            for i, r in enumerate(d.related, start=1)]
    if d.fix is not None:
        out["fixes"] = [_fix(d, location)]
    properties = {"yamlPath": d.dotted_path()}
    if d.stage:
        properties["dockerStage"] = d.stage
    out["properties"] = properties
    return out


def render(results: list[FileResult], **_) -> str:
    rules = list(catalogue.load().values())
    rule_index = {r.code: i for i, r in enumerate(rules)}
    sarif_results, notifications = [], []
    for result in results:
        location = artifact_location(result.path)
        if result.input_error:
            notifications.append({"level": "error", "message": {"text": result.input_error},
                                  "locations": [{"physicalLocation": {"artifactLocation": location}}]})
            continue
        prints = fingerprints(relative_path(result.path), result.diagnostics)
        sarif_results.extend(_result(d, location, fp, rule_index)
                             for d, fp in zip(result.diagnostics, prints))
    left_out = omitted(results)
    if left_out:
        sarif_results = _within_cap(sarif_results)
        notifications.append({"level": "warning", "message": {"text": (
            f"{left_out} of {left_out + MAX_RESULTS} findings left out: GitHub code scanning accepts at most "
            f"{MAX_RESULTS} results a run; the most severe are kept (--format json lists them all)")}})
    run = {
        "tool": {"driver": {"name": "stacklint", "version": __version__, "semanticVersion": __version__,
                            "rules": [rule_descriptor(r) for r in rules]}},
        "invocations": [{"executionSuccessful": not any(n["level"] == "error" for n in notifications),
                         **({"toolExecutionNotifications": notifications} if notifications else {})}],
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().resolve().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    information_uri = _information_uri()
    if information_uri:
        run["tool"]["driver"]["informationUri"] = information_uri
    return json_safe(json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False)) + "\n"


def _information_uri() -> str:
    """The project's home page from the installed package's metadata (none is declared yet)."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata
        for entry in metadata("stacklint").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() in ("homepage", "home", "documentation", "repository", "source"):
                return url.strip()
    except (ImportError, PackageNotFoundError):
        pass
    return ""

"""GitLab Code Quality (a subset of the Code Climate JSON): shown in merge requests.

Severity: an error Docker itself refuses (stage load/deploy, or task: no task ever runs) blocks
the deploy, hence `blocker`; other errors are `critical`, warnings `major`, infos `info`.
"""
from __future__ import annotations

import json

from ..diagnostics import Diagnostic, FileResult, Severity
from .artifact import relative_path
from .fingerprint import digest, fingerprints
from .escape import json_safe


def severity(d: Diagnostic) -> str:
    if d.severity == Severity.ERROR:
        return "blocker" if d.stage else "critical"
    return "major" if d.severity == Severity.WARNING else "info"


def render(results: list[FileResult], **_) -> str:
    issues = []
    for result in results:
        path = relative_path(result.path)
        if result.input_error:
            issues.append({"description": result.input_error, "check_name": "input-error",
                           "fingerprint": digest("input-error", path),
                           "severity": "blocker", "location": {"path": path, "lines": {"begin": 1}}})
            continue
        for d, fp in zip(result.diagnostics, fingerprints(path, result.diagnostics)):
            issues.append({
                "description": f"{d.code} {d.message}",
                "check_name": f"{d.code} {d.name}".strip(),
                "fingerprint": fp,
                "severity": severity(d),
                "location": {"path": path,
                             "positions": {"begin": {"line": d.range.start.line + 1,
                                                     "column": d.range.start.column + 1},
                                           "end": {"line": d.range.end.line + 1,
                                                   "column": d.range.end.column + 1}}},
            })
    return json_safe(json.dumps(issues, indent=2, ensure_ascii=False)) + "\n"


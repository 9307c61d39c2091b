"""Stable JSON: a list of findings, each with documented fields (see README, "JSON output")."""
from __future__ import annotations

import json

from ..diagnostics import Diagnostic, FileResult
from .escape import json_safe


def diagnostic_dict(path: str, d: Diagnostic) -> dict:
    return {
        "path": path,
        "code": d.code,
        "name": d.name,
        "severity": d.severity.label,
        "message": d.message,
        # 1-based, columns in Unicode code points; end is exclusive
        "start": {"line": d.range.start.line + 1, "column": d.range.start.column + 1},
        "end": {"line": d.range.end.line + 1, "column": d.range.end.column + 1},
        "yaml_path": d.dotted_path(),
        "docker_stage": d.stage or None,
        "fix": None if d.fix is None else {
            "title": d.fix.title,
            "safe": d.fix.safe,
            "edits": [{"start": {"line": e.range.start.line + 1, "column": e.range.start.column + 1},
                       "end": {"line": e.range.end.line + 1, "column": e.range.end.column + 1},
                       "new_text": e.new_text} for e in d.fix.edits],
        },
        "related": [{"message": r.message, **({"path": r.path} if r.path else {}),
                     "start": {"line": r.range.start.line + 1, "column": r.range.start.column + 1},
                     "end": {"line": r.range.end.line + 1, "column": r.range.end.column + 1}}
                    for r in d.related],
    }


def render(results: list[FileResult], **_) -> str:
    out = []
    for result in results:
        if result.input_error:
            out.append({"path": result.path, "code": None, "name": "input-error", "severity": "error",
                        "message": result.input_error, "start": None, "end": None, "yaml_path": None,
                        "docker_stage": None, "fix": None, "related": []})
        out.extend(diagnostic_dict(result.path, d) for d in result.diagnostics)
    return json_safe(json.dumps(out, indent=2, ensure_ascii=False)) + "\n"

"""`--statistics`: how often each rule fired, instead of the findings (as ruff does)."""
from __future__ import annotations

import json
from collections import Counter

from .. import catalogue
from ..diagnostics import FileResult

FORMATS = ("text", "json")


def counts(results: list[FileResult]) -> list[dict]:
    """Rows sorted by count (most first), then code."""
    counter = Counter(d.code for r in results for d in r.diagnostics)
    rules = catalogue.load()
    rows = []
    for code, count in sorted(counter.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(code)
        rows.append({"code": code, "name": rule.name if rule else "", "count": count,
                     "fixable": bool(rule and rule.fixable)})
    return rows


def render(results: list[FileResult], fmt: str = "text") -> str:
    rows = counts(results)
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    if not rows:
        return ""
    width = max(len(str(r["count"])) for r in rows)
    return "".join(f"{r['count']:>{width}}  {r['code']}  {r['name']}\n" for r in rows)

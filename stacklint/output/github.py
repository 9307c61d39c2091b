"""GitHub Actions workflow commands: one `::error file=...,line=...::message` annotation a finding.

The runner decodes %25, %0D, %0A (and in properties %3A, %2C), so text from the stack file is
encoded the same way: it cannot end the command early, start a new one, or smuggle `%0A` through.
Control characters are made visible first, so ANSI sequences cannot repaint the log either.
"""
from __future__ import annotations


from ..diagnostics import FileResult, Severity
from .artifact import relative_path
from .escape import escape_control

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return escape_control(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, properties: dict, message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    return f"::{kind} {props}::{escape_data(message)}"


def render(results: list[FileResult], **_) -> str:
    lines = []
    for result in results:
        path = relative_path(result.path)
        if result.input_error:
            lines.append(_command("error", {"file": path, "title": "stacklint"}, result.input_error))
            continue
        for d in result.diagnostics:
            start, end = d.range.start, d.range.end
            props = {"file": path, "line": start.line + 1}
            # Columns only make sense within one line (GitHub drops them otherwise).
            if start.line == end.line:
                props.update(col=start.column + 1, endLine=end.line + 1, endColumn=end.column + 1)
            else:
                props["endLine"] = end.line + 1
            props["title"] = f"{d.code} {d.name}".strip()
            lines.append(_command(COMMANDS[d.severity], props, d.message))
    return "".join(line + "\n" for line in lines)

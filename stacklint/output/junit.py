"""JUnit XML for CI test-report views: one testsuite per file, one testcase per finding.

A finding fails its testcase only when it reaches the file's fail threshold (`fail-on`, error by
default), so the report agrees with the exit code; a finding below it is a passing testcase with
the finding as its output. A file without findings gets one passing testcase, so it shows up as
checked. Text from the stack
file goes through escape_control and then loses whatever else XML 1.0 forbids (lone surrogates,
U+FFFE/U+FFFF), so the report always parses.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..diagnostics import FileResult
from .artifact import relative_path
from .escape import escape_control

_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", escape_control(text))


def render(results: list[FileResult], **_) -> str:
    root = ET.Element("testsuites", name="stacklint")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for result in results:
        path = xml_text(relative_path(result.path))
        suite = ET.SubElement(root, "testsuite", name=path)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        if result.input_error:
            case = ET.SubElement(suite, "testcase", name="read", classname=path, file=path)
            ET.SubElement(case, "error", message=xml_text(result.input_error), type="input-error")
            counts.update(tests=1, errors=1)
        elif not result.diagnostics:
            ET.SubElement(suite, "testcase", name="stacklint", classname=path, file=path)
            counts["tests"] = 1
        for d in result.diagnostics:
            line, column = d.range.start.line + 1, d.range.start.column + 1
            case = ET.SubElement(suite, "testcase", name=xml_text(f"{d.code} {d.dotted_path()}"),
                                 classname=path, file=path, line=str(line))
            report = xml_text(f"{path}:{line}:{column}: {d.severity.label} {d.code} {d.message} [{d.name}]")
            counts["tests"] += 1
            if d.severity >= result.threshold:
                ET.SubElement(case, "failure", message=xml_text(d.message), type=d.code).text = report
                counts["failures"] += 1
            else:
                ET.SubElement(case, "system-out").text = report
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

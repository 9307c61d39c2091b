"""stacklint.limits: the caps per rule and per file, and the closing finding that counts the rest."""
from __future__ import annotations

from stacklint import limits
from stacklint.diagnostics import Diagnostic, Range, Severity
from stacklint.engine import lint
from stacklint.settings import Settings


def diag(code: str, line: int, severity=Severity.WARNING) -> Diagnostic:
    return Diagnostic(code, f"{code} on line {line}", severity, Range.of(line, 0, line, 1))


def test_below_the_caps_nothing_changes():
    found = [diag("SL401", i) for i in range(limits.MAX_PER_RULE)]
    assert limits.cap(found, []) == found


def test_per_rule_cap_keeps_the_first_and_counts_the_rest_with_the_worst_severity():
    found = [diag("SL401", i) for i in range(limits.MAX_PER_RULE + 5)]
    found[-1].severity = Severity.ERROR
    shown = limits.cap(found, [])
    assert shown[:-1] == found[:limits.MAX_PER_RULE]
    closing = shown[-1]
    assert (closing.code, closing.severity, closing.range.start.line) == ("SL401", Severity.ERROR, limits.MAX_PER_RULE)
    assert closing.message == (f"5 more SL401 findings not shown (stacklint shows at most {limits.MAX_PER_RULE} "
                               "per rule); fix these and run again")


def test_per_file_cap_across_rules():
    rules = limits.MAX_PER_FILE // limits.MAX_PER_RULE + 1
    found = sorted((diag(f"SL{400 + r}", i) for r in range(rules) for i in range(limits.MAX_PER_RULE)),
                   key=Diagnostic.sort_key)
    shown = limits.cap(found, [])
    closings = [d for d in shown if "not shown" in d.message]
    assert len(shown) - len(closings) == limits.MAX_PER_FILE
    assert sum(int(d.message.split()[0].replace(",", "")) for d in closings) == limits.MAX_PER_RULE
    assert all(d.message.endswith(f"(stacklint shows at most {limits.MAX_PER_FILE} per file); fix these and run "
                                  "again") for d in closings)


def test_omitted_counts_are_added_to_the_closing_finding():
    where = Range.of(3, 0, 3, 1)
    shown = limits.cap([diag("SL309", 1)], [limits.Omitted("SL309", 7, Severity.ERROR, where)])
    assert [(d.message, d.severity, d.range) for d in shown[1:]] == [
        (f"7 more SL309 findings not shown (stacklint shows at most {limits.MAX_PER_FILE} per file); fix these and "
         "run again", Severity.ERROR, where)]


def test_a_file_with_thousands_of_findings_stays_bounded():
    text = "services:\n" + "".join(f"  s{i}:\n    image: nginx\n" for i in range(2000))
    found = lint(text, None, Settings(env={}))
    assert len(found) <= limits.MAX_PER_FILE + len({d.code for d in found})
    assert {d.code for d in found if "not shown" in d.message} == {"SL209", "SL401", "SL402"}

"""The language server's incremental lint equals a full lint() of the same text after every edit.

Seeded random editing sessions (tests/editing.py) on real files: the bundled examples, the rule
pages' examples, files of ../shared/corpus and a generated 300-service stack (both skipped without
../shared). After each edit the diagnostics of IncrementalLinter.lint must equal engine.lint's,
field by field (code, range, message, severity, related, fix, path, name, stage); the full lint()
shares no state with the incremental path. A minimum share of edits must take the incremental
path, or the comparison would prove nothing about it.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from stacklint import catalogue
from stacklint.checks import registered_codes
from stacklint.engine import lint
from stacklint.incremental import BLOCK, FULL, INCREMENTAL, IncrementalLinter, Superseded
from stacklint.settings import Settings
from tests.conftest import EXAMPLE, shared_or_skip
from tests.editing import Tally, differential

EVERY_RULE = Settings(env={}, select=frozenset(registered_codes()))
WITH_ENV = Settings(env={"TAG": "1.25", "DB_PASSWORD": "s3cr3t-value"})


def _report(capsys, what: str, tally: Tally, **minimum: float) -> None:
    """minimum: per reuse path (a Tally field), the least share of edits that must take it."""
    with capsys.disabled():
        print(f"\n{what}: {tally.line()}")
    for path, share in minimum.items():
        took = getattr(tally, path)
        assert took >= share * tally.edits, f"only {took} of {tally.edits} edits took the {path} path"


def test_bundled_examples(capsys):
    tally = Tally()
    for i, path in enumerate(sorted(EXAMPLE.parent.glob("*.yml"))):
        for settings in (EVERY_RULE, WITH_ENV):
            tally += differential(path.read_text(encoding="utf-8"), str(path), settings, 60, seed=i)
    _report(capsys, "examples", tally, incremental=0.3, block=0.25, schema=0.02, model=0.25, superseded=0.05)


def test_rule_page_examples(capsys):
    tally = Tally()
    rules = catalogue.load()
    for n, code in enumerate(sorted(rules)):
        for example in rules[code].examples("Example") + rules[code].examples("Use instead"):
            tally += differential(example, None, EVERY_RULE, 3, seed=n)
    _report(capsys, "rule page examples", tally, incremental=0.2, block=0.25, schema=0.2, model=0.25, superseded=0.05)


def test_corpus(capsys):
    files = sorted(shared_or_skip("corpus", "files").iterdir())
    # the largest files have the most services to keep
    files = sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:8]
    tally = Tally()
    for i, path in enumerate(files):
        text = path.read_text(encoding="utf-8", errors="replace")
        tally += differential(text, str(path), EVERY_RULE, 20, seed=100 + i)
    _report(capsys, "corpus", tally, incremental=0.3, block=0.25, schema=0.02, model=0.25, superseded=0.05)


def test_generated_300_services(capsys, tmp_path):
    gen = shared_or_skip("bench", "gen_stack.py")
    out = tmp_path / "docker-stack.yml"
    subprocess.run([sys.executable, str(gen), "300", "-o", str(out)], check=True, capture_output=True)
    tally = differential(out.read_text(encoding="utf-8"), str(out), EVERY_RULE, 8, seed=7)
    _report(capsys, "generated 300 services", tally, incremental=0.4, block=0.5, schema=0.5, model=0.5)


def _example_edit(old: str, new: str) -> tuple:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text, text.replace(old, new)


def test_an_edit_inside_one_service_rechecks_only_that_service():
    text, edited = _example_edit("image: dockersamples/atsea_db\n", "image: dockersamples/atsea_db:latest\n")
    linter = IncrementalLinter()
    linter.lint(text, str(EXAMPLE), WITH_ENV)
    got = linter.lint(edited, str(EXAMPLE), WITH_ENV)
    assert got == lint(edited, str(EXAMPLE), WITH_ENV)
    assert (linter.last_mode, linter.reused) == (INCREMENTAL, 4)


def test_an_edit_outside_the_services_is_a_full_lint():
    text, edited = _example_edit("  back-tier:\n", "  back-tier:\n    driver: overlay\n")
    linter = IncrementalLinter()
    linter.lint(text, str(EXAMPLE), WITH_ENV)
    assert linter.lint(edited, str(EXAMPLE), WITH_ENV) == lint(edited, str(EXAMPLE), WITH_ENV)
    assert (linter.last_mode, linter.reused) == (FULL, 0)


def test_forget_makes_the_next_lint_full():
    text, edited = _example_edit("image: dockersamples/atsea_db\n", "image: dockersamples/atsea_db:12\n")
    linter = IncrementalLinter()
    linter.lint(text, str(EXAMPLE), WITH_ENV)
    linter.forget()
    linter.lint(edited, str(EXAMPLE), WITH_ENV)
    assert linter.last_mode == FULL


STACK = """version: "3.8"
x-logging: &logging
  logging:
    driver: json-file
services:
  web:
    <<: *logging
    image: nginx:1.27
    deploy:
      replicas: 2
  db:
    <<: *logging
    image: postgres:16
    deploy:
      replicas: 1
networks:
  back: {}
"""


def _lint_twice(edited: str):
    linter = IncrementalLinter()
    linter.lint(STACK, "stack.yml", EVERY_RULE)
    got = linter.lint(edited, "stack.yml", EVERY_RULE)
    assert got == lint(edited, "stack.yml", EVERY_RULE)
    return linter, got


def test_a_value_typed_in_one_service_reparses_and_validates_only_that_block():
    linter, _ = _lint_twice(STACK.replace("replicas: 2", "replicas: 3"))
    assert (linter.parse_mode, linter.schema_reused, linter.model_reused) == (BLOCK, True, True)


def test_a_schema_error_typed_in_one_service_is_found_by_the_full_schema():
    linter, got = _lint_twice(STACK.replace("replicas: 2", "replicas: two"))
    assert (linter.parse_mode, linter.schema_reused) == (BLOCK, False)
    assert [(d.code, d.range.start.line, d.range.start.column) for d in got if d.code == "SL004"] == [("SL004", 9, 16)]


def test_a_line_added_in_one_service_moves_the_findings_after_it():
    linter, got = _lint_twice(STACK.replace("    image: nginx:1.27\n", "    image: nginx:1.27\n    # pinned\n"))
    assert linter.parse_mode == BLOCK
    # db's findings (no healthcheck, no limits, ...) are where they were, one line further down
    before = lint(STACK, "stack.yml", EVERY_RULE)
    of_db = lambda found, moved: sorted((d.code, d.range.start.line + moved, d.range.start.column)  # noqa: E731
                                         for d in found if d.path[:2] == ("services", "db"))
    assert of_db(got, 0) == of_db(before, 1) and len(of_db(got, 0)) == 7


@pytest.mark.parametrize("old, new", [
    ("    image: nginx:1.27\n", "    image: nginx:1.27\n    labels: &l {a: b}\n"),  # an anchor in the block
    ("      replicas: 2\n", "      replicas: 2\n  api:\n    image: x\n"),  # a new service inside the block
    ("      replicas: 2\n", "      replicas: 2\nvolumes: {}\n"),  # a new top-level key inside the block
    ("    image: nginx:1.27\n", "    image: nginx:1.27\n\timage: x\n"),  # a tab
    ("  web:\n", "  web2:\n"),  # the service's key line
])
def test_edits_a_block_reparse_cannot_be_sure_of_parse_the_whole_text(old, new):
    assert STACK.count(old) == 1
    linter, _ = _lint_twice(STACK.replace(old, new))
    assert linter.parse_mode == FULL


@pytest.mark.parametrize("stack", [STACK, STACK.split("networks:")[0], STACK.split("networks:")[0].rstrip("\n")],
                         ids=["before networks", "at the end", "at the end, no final line break"])
def test_the_last_line_of_the_last_service_reparses_only_its_block(stack):
    # db's block has no next key: its own last line may be edited (a service typed at the end)
    linter = IncrementalLinter()
    linter.lint(stack, "stack.yml", EVERY_RULE)
    assert stack.count("replicas: 1") == 1
    edited = stack.replace("replicas: 1", "replicas: 12")
    assert linter.lint(edited, "stack.yml", EVERY_RULE) == lint(edited, "stack.yml", EVERY_RULE)
    assert linter.parse_mode == BLOCK


@pytest.mark.parametrize("new", [
    "      replicas: 1\nx:\n",  # a top-level key after the last service
    '      replicas: "1\n',  # a quote the next line could close
], ids=["a top-level key", "an open quote"])
def test_last_line_edits_that_reach_past_the_last_service_parse_the_whole_text(new):
    linter, _ = _lint_twice(STACK.replace("      replicas: 1\n", new))
    assert linter.parse_mode == FULL


def test_a_superseded_lint_stops_and_the_next_one_compares_with_what_it_parsed():
    linter = IncrementalLinter()
    linter.lint(STACK, "stack.yml", EVERY_RULE)
    typed = STACK.replace("replicas: 2", "replicas: 3")
    with pytest.raises(Superseded):
        linter.lint(typed, "stack.yml", EVERY_RULE, superseded=lambda: True)
    again = typed.replace("replicas: 3", "replicas: 4")
    assert linter.lint(again, "stack.yml", EVERY_RULE) == lint(again, "stack.yml", EVERY_RULE)
    assert linter.parse_mode == BLOCK


@pytest.mark.parametrize("settings", [
    EVERY_RULE,
    Settings(env={}, select=frozenset({"SL105", "SL203"})),  # stack-wide checks only
], ids=["every rule", "stack-wide rules only"])
def test_a_lint_stopped_between_stack_wide_checks_leaves_its_services_and_model_to_the_next(settings):
    asked = []

    def superseded_after_the_first_stack_check():
        asked.append(1)
        return len(asked) > 3  # after parse, after load, before the first stack-wide check: not yet

    linter = IncrementalLinter()
    typed = STACK.replace("replicas: 2", "replicas: 3")
    with pytest.raises(Superseded):
        linter.lint(typed, "stack.yml", settings, superseded=superseded_after_the_first_stack_check)
    assert len(asked) == 4  # it stopped before the second stack-wide check, not at the end
    again = typed.replace("replicas: 3", "replicas: 4")
    assert linter.lint(again, "stack.yml", settings) == lint(again, "stack.yml", settings)
    assert (linter.parse_mode, linter.model_reused) == (BLOCK, True)


def test_a_text_equal_to_the_last_one_reuses_its_document():
    linter, _ = _lint_twice(STACK.replace("replicas: 2", "replicas: 3"))
    again = STACK.replace("replicas: 2", "replicas: 3")
    assert linter.lint(again, "stack.yml", EVERY_RULE) == lint(again, "stack.yml", EVERY_RULE)
    assert (linter.parse_mode, linter.schema_reused, linter.last_mode, linter.reused) == (BLOCK, True, INCREMENTAL, 2)


def test_keys_typed_in_two_adjacent_services_reparse_both_blocks():
    edited = STACK.replace("replicas: 2", "replicas: 3").replace("postgres:16", "postgres:17")
    linter, _ = _lint_twice(edited)
    assert (linter.parse_mode, linter.schema_reused) == (BLOCK, True)


def _many_services(count: int) -> str:
    services = "".join(f"  s{i}:\n    image: nginx:1.27\n    deploy:\n      replicas: 1\n" for i in range(count))
    return f'version: "3.8"\nservices:\n{services}'


def _typed(text: str, service: int, digit: int) -> str:
    """text with service s{service}'s replica count set to digit (one key typed over another)."""
    lines = text.split("\n")
    line = lines.index(f"  s{service}:") + 3
    lines[line] = lines[line][:-1] + str(digit)
    return "\n".join(lines)


def test_typing_long_in_one_service_keeps_reparsing_only_its_block():
    """Each splice replaces the block's last parse: one live parse, however many keys (the
    limit on chained parses counts those still in use)."""
    from stacklint.incremental_parse import MAX_SPLICES

    text = _many_services(20)
    linter = IncrementalLinter()
    linter.lint(text, "stack.yml", EVERY_RULE)
    modes = []
    for key in range(3 * MAX_SPLICES):
        text = _typed(text, 7, 1 + key % 9)
        got = linter.lint(text, "stack.yml", EVERY_RULE)
        modes.append(linter.parse_mode)
        if key % MAX_SPLICES == MAX_SPLICES - 1:
            assert got == lint(text, "stack.yml", EVERY_RULE)
    assert set(modes) == {BLOCK}


def test_keys_in_many_services_still_parse_everything_now_and_then():
    from stacklint.incremental_parse import MAX_SPLICES

    text = _many_services(MAX_SPLICES + 10)
    linter = IncrementalLinter()
    linter.lint(text, "stack.yml", EVERY_RULE)
    modes = []
    for service in range(MAX_SPLICES + 5):  # not the last service: an edit at the end of the file parses it all
        text = _typed(text, service, 2)
        got = linter.lint(text, "stack.yml", EVERY_RULE)
        modes.append(linter.parse_mode)
    assert got == lint(text, "stack.yml", EVERY_RULE)
    assert modes.index(FULL) == MAX_SPLICES  # after that many parses in use, one full parse
    assert modes.count(FULL) == 1

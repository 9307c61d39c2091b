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

from stacklint import catalogue
from stacklint.checks import registered_codes
from stacklint.engine import lint
from stacklint.incremental import FULL, INCREMENTAL, IncrementalLinter
from stacklint.settings import Settings
from tests.conftest import EXAMPLE, shared_or_skip
from tests.editing import differential

EVERY_RULE = Settings(env={}, select=frozenset(registered_codes()))
WITH_ENV = Settings(env={"TAG": "1.25", "DB_PASSWORD": "s3cr3t-value"})


def _report(capsys, what: str, edits: int, hits: int, blocks: int, minimum: float, block_minimum: float) -> None:
    with capsys.disabled():
        print(f"\n{what}: {edits} edits, {hits} incremental ({hits / max(edits, 1):.0%}), "
              f"{blocks} parsed only the edited block ({blocks / max(edits, 1):.0%})")
    assert hits >= minimum * edits, f"only {hits} of {edits} edits took the incremental path"
    assert blocks >= block_minimum * edits, f"only {blocks} of {edits} edits re-parsed only their block"


def test_bundled_examples(capsys):
    edits = hits = blocks = 0
    for i, path in enumerate(sorted(EXAMPLE.parent.glob("*.yml"))):
        for settings in (EVERY_RULE, WITH_ENV):
            e, h, b = differential(path.read_text(encoding="utf-8"), str(path), settings, 60, seed=i)
            edits, hits, blocks = edits + e, hits + h, blocks + b
    _report(capsys, "examples", edits, hits, blocks, 0.3, 0.25)


def test_rule_page_examples(capsys):
    edits = hits = blocks = 0
    rules = catalogue.load()
    for n, code in enumerate(sorted(rules)):
        for example in rules[code].examples("Example") + rules[code].examples("Use instead"):
            e, h, b = differential(example, None, EVERY_RULE, 3, seed=n)
            edits, hits, blocks = edits + e, hits + h, blocks + b
    _report(capsys, "rule page examples", edits, hits, blocks, 0.2, 0.25)


def test_corpus(capsys):
    files = sorted(shared_or_skip("corpus", "files").iterdir())
    # the largest files have the most services to keep
    files = sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:8]
    edits = hits = blocks = 0
    for i, path in enumerate(files):
        text = path.read_text(encoding="utf-8", errors="replace")
        e, h, b = differential(text, str(path), EVERY_RULE, 20, seed=100 + i)
        edits, hits, blocks = edits + e, hits + h, blocks + b
    _report(capsys, "corpus", edits, hits, blocks, 0.3, 0.25)


def test_generated_300_services(capsys, tmp_path):
    gen = shared_or_skip("bench", "gen_stack.py")
    out = tmp_path / "docker-stack.yml"
    subprocess.run([sys.executable, str(gen), "300", "-o", str(out)], check=True, capture_output=True)
    e, h, b = differential(out.read_text(encoding="utf-8"), str(out), EVERY_RULE, 8, seed=7)
    _report(capsys, "generated 300 services", e, h, b, 0.4, 0.5)


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

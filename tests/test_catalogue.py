"""The catalogue and the code agree: every check has a page, every page a check, and every
example on every page behaves as marked.

An example raises exactly the codes marked `# expect: SLnnn` on the marked lines, counting the
page's own code and every code marked anywhere in the example (other rules' findings, such as
an untagged image in a short example, are not the page's business). A "Use instead" block
raises nothing of the page's code.

A page whose rule needs more than the file (the cluster-aware SL5xx rules) names its context in
the front matter: `example_inventory: fixtures/NAME.json` (relative to the page) is loaded as
the examples' Swarm inventory; `example_files: NAME=fixtures/FILE` puts that file beside the
example as NAME (SL007's `.env`).
"""
from __future__ import annotations

import re

import pytest

from stacklint import catalogue
from stacklint.checks import registered_codes
from stacklint.engine import lint
from stacklint.inventory import load_inventory
from stacklint.settings import Settings

RULES = catalogue.load()
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def test_the_generated_index_has_the_front_matter_of_every_page():
    from stacklint.catalogue_generate import TARGET, generate

    assert TARGET.read_text(encoding="utf-8") == generate(), "out of date, run: python -m stacklint.catalogue_generate"


def test_the_index_lookups_agree_with_the_pages():
    for code, rule in RULES.items():
        assert (catalogue.name_of(code), catalogue.severity_of(code)) == (rule.name, rule.severity)
    assert catalogue.opt_in() == {code for code, rule in RULES.items() if rule.meta("opt_in") == "true"}
    assert catalogue.resolve("docker-socket-mount") == ("SL201",)
    assert catalogue.name_of("SL999") == "" and catalogue.severity_of("SL999") is None


def test_every_check_has_a_page_and_every_page_a_check():
    pages = set(RULES)
    checks = registered_codes()
    assert sorted(checks - pages) == [], "checks without a rules/ page"
    assert sorted(pages - checks) == [], "rules/ pages without a check"


@pytest.mark.parametrize("code", sorted(RULES))
def test_page_has_every_section(code):
    rule = RULES[code]
    for title in ("What it does", "Why it matters", "Example", "Use instead", "References"):
        assert rule.section(title), f"{code}: section '{title}' is missing or empty"
    assert rule.examples("Example"), f"{code}: no ```yaml example"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name


def _settings(rule) -> Settings:
    inventory = rule.meta("example_inventory")
    # an opt-in rule's page shows it selected, as its users run it
    select = frozenset(RULES) if rule.meta("opt_in") == "true" else None
    return Settings(env={}, select=select,
                    inventory=load_inventory(str(rule.path.parent / inventory)) if inventory else None)


def _write_example(rule, example: str, folder):
    """The example as a stack file in folder, with the files its page names beside it."""
    for entry in filter(None, rule.meta("example_files").split(",")):
        name, _, fixture = entry.strip().partition("=")
        (folder / name).write_bytes((rule.path.parent / fixture).read_bytes())
    path = folder / "docker-stack.yml"
    path.write_text(example)
    return path


def _marked(example: str):
    marks = set()
    for i, line in enumerate(example.splitlines(), start=1):
        m = _EXPECT.search(line)
        if m:
            for code in re.findall(r"SL\d{3}", m.group(1)):
                marks.add((code, i))
    return marks


@pytest.mark.parametrize("code", sorted(RULES))
def test_examples_raise_exactly_what_they_mark(code, tmp_path):
    for example in RULES[code].examples("Example"):
        marks = _marked(example)
        assert any(c == code for c, _ in marks), f"{code}: an example marks no {code}"
        codes = {c for c, _ in marks} | {code}
        path = _write_example(RULES[code], example, tmp_path)
        got = {(d.code, d.range.start.line + 1) for d in lint(example, str(path), _settings(RULES[code]))
               if d.code in codes}
        assert got == marks, f"{code} example:\n{example}"


@pytest.mark.parametrize("code", sorted(RULES))
def test_use_instead_is_clean(code, tmp_path):
    for example in RULES[code].examples("Use instead"):
        path = _write_example(RULES[code], example, tmp_path)
        got = [(d.code, d.range.start.line + 1, d.message) for d in lint(example, str(path), _settings(RULES[code]))
               if d.code == code]
        assert got == [], f"{code} 'use instead' still raises it:\n{example}"


@pytest.mark.parametrize("code", sorted(RULES))
def test_fixable_in_the_front_matter_is_what_the_examples_do(code, tmp_path):
    """`fixable: true` means an example's finding carries a fix that, applied, makes that finding
    go away; `fixable: false` means no example's finding carries one."""
    from .conftest import apply_edits

    rule = RULES[code]
    path = tmp_path / "docker-stack.yml"
    fixed_one = False
    for example in rule.examples("Example"):
        for d in lint(example, str(path), _settings(rule)):
            if d.code != code or d.fix is None:
                continue
            assert rule.fixable, f"{code} is marked fixable: false but its finding offers {d.fix.title!r}"
            after = apply_edits(example, d.fix.edits)
            still = [(f.code, f.dotted_path()) for f in lint(after, str(path), _settings(rule)) if f.code == code]
            assert (d.code, d.dotted_path()) not in still, f"{code}: the fix {d.fix.title!r} leaves the finding:\n{after}"
            fixed_one = True
    assert fixed_one == rule.fixable, f"{code} is marked fixable: {str(rule.fixable).lower()}"

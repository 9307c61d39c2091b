"""The "Ignore SLnnn on this line" edit: it silences the finding, and never changes a value."""
from __future__ import annotations

import pytest

from stacklint.document import parse
from stacklint.engine import lint
from stacklint.lsp.ignore import ignore_edit
from stacklint.settings import Settings


def _apply(text: str, edit) -> str:
    lines = text.splitlines(keepends=True) or [""]
    r = edit.range
    start = sum(len(x) for x in lines[:r.start.line]) + r.start.column
    end = sum(len(x) for x in lines[:r.end.line]) + r.end.column
    return text[:start] + edit.new_text + text[end:]


def _ignore(text: str, code: str):
    """(new text, the finding ignored) for the first finding of code."""
    found = [d for d in lint(text, None, Settings(env={})) if d.code == code]
    assert found, f"no {code} in {text!r}"
    doc = parse(text)
    edit = ignore_edit(code, found[0].range.start.line, text.splitlines() or [""], doc,
                       "\r\n" if "\r\n" in text else "\n")
    return (None if edit is None else _apply(text, edit)), found[0]


CASES = [
    # (name, text, code, expected text after the edit)
    ("append", 'version: 3.8\nservices: {}\n', "SL003",
     'version: 3.8  # stacklint: ignore[SL003]\nservices: {}\n'),
    ("trailing spaces replaced", 'version: 3.8   \nservices: {}\n', "SL003",
     'version: 3.8  # stacklint: ignore[SL003]\nservices: {}\n'),
    ("after another comment", 'version: 3.8 # pinned\nservices: {}\n', "SL003",
     'version: 3.8 # pinned  # stacklint: ignore[SL003]\nservices: {}\n'),
    ("extend an existing list", 'version: "3.8"\nservices:\n  wéb: {image: x, image: y}  # stacklint: ignore[SL004] old\n',
     "SL002", 'version: "3.8"\nservices:\n  wéb: {image: x, image: y}  # stacklint: ignore[SL004,SL002] old\n'),
    ("block scalar header", 'version: "3.8"\nservices:\n  web:\n    image: x\n    command: |\n      echo ${NOPE}\n',
     "SL005", 'version: "3.8"\nservices:\n  web:\n    image: x\n    command: |  # stacklint: ignore[SL005]\n'
     '      echo ${NOPE}\n'),
    ("multi-line quoted value: comment above", 'version: "3.8"\nservices:\n  web:\n    image: x\n'
     '    command: "echo ${NOPE}\n      and more"\n', "SL005",
     'version: "3.8"\nservices:\n  web:\n    image: x\n    # stacklint: ignore[SL005]\n'
     '    command: "echo ${NOPE}\n      and more"\n'),
    ("crlf", 'version: "3.8"\r\nservices:\r\n  web:\r\n    image: x\r\n    command: "a ${NOPE}\r\n     b"\r\n', "SL005",
     'version: "3.8"\r\nservices:\r\n  web:\r\n    image: x\r\n    # stacklint: ignore[SL005]\r\n'
     '    command: "a ${NOPE}\r\n     b"\r\n'),
]


@pytest.mark.parametrize("name,text,code,after", CASES, ids=[c[0] for c in CASES])
def test_ignore_edit_silences_without_changing_values(name, text, code, after):
    new, finding = _ignore(text, code)
    assert new == after
    remaining = lint(new, None, Settings(env={}))
    assert not [d for d in remaining if d.code == code and d.message == finding.message]
    assert not [d for d in remaining if d.code == "SL009"], "the new comment must be used, not reported"
    assert parse(new).data == parse(text).data


def test_no_edit_inside_a_block_scalar_or_for_sl009():
    text = 'version: "3.8"\nservices:\n  web:\n    image: x\n    command: |\n      echo ${NOPE}\n'
    doc = parse(text)
    assert ignore_edit("SL005", 5, text.splitlines(), doc) is None
    assert ignore_edit("SL009", 0, text.splitlines(), doc) is None


def test_the_same_code_twice_is_not_offered_again():
    text = 'version: 3.8  # stacklint: ignore[SL003]\n'
    assert ignore_edit("SL003", 0, text.splitlines(), parse(text)) is None

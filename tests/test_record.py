"""Record and FrozenRecord (stacklint/record.py): what the written-out classes keep of @dataclass."""
from __future__ import annotations

import pickle

import pytest

from stacklint.diagnostics import Diagnostic, Fix, Range, Related, Severity, TextEdit
from stacklint.settings import Settings

AT = Range.of(1, 2, 1, 5)


def _diagnostic(**changes) -> Diagnostic:
    fix = Fix("drop it", (TextEdit(AT, ""),), safe=False)
    values = dict(code="SL201", message="m", severity=Severity.WARNING, range=AT, path=("services", "web"),
                  fix=fix, related=(Related("there", Range.of(3, 0, 3, 4), path="b.yml"),), name="n", stage="load")
    values.update(changes)
    return Diagnostic(**values)


def test_replace_changes_the_named_fields_and_copies_the_others():
    d = _diagnostic()
    moved = d.replace(range=Range.of(2, 2, 2, 5), severity=Severity.ERROR)
    assert moved == _diagnostic(range=Range.of(2, 2, 2, 5), severity=Severity.ERROR)
    assert moved.fix is d.fix and moved.related is d.related
    assert d == _diagnostic()  # the original is untouched


def test_replace_of_a_frozen_record_is_a_new_equal_hashing_record():
    r = Related("there", AT)
    other = r.replace(path="b.yml")
    assert (other.message, other.range, other.path) == ("there", AT, "b.yml")
    assert r.path is None
    assert hash(other.replace(path=None)) == hash(r)
    assert Settings().replace(fail_on=Severity.INFO) == Settings(fail_on=Severity.INFO)


def test_replace_refuses_a_name_that_is_not_a_field():
    with pytest.raises(TypeError, match="Related has no field 'messge'"):
        Related("there", AT).replace(messge="x")


def test_frozen_records_cannot_be_assigned_but_pickle_for_jobs():
    fix = Fix("t", (TextEdit(AT, "x"),))
    with pytest.raises(AttributeError, match="cannot assign to field 'title' of a Fix"):
        fix.title = "u"
    d = _diagnostic(fix=fix)
    assert pickle.loads(pickle.dumps(d)) == d

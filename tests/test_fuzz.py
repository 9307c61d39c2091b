"""The short fuzz run, in every pytest run: 2,200 generated cases, each held to the invariant
(tests/fuzz/invariants.py): a result or a clean input error with a location, never an
exception, every range inside the file, every output format rendering it.

The long run is `python3 -m tests.fuzz.run --cases 100000`.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stacklint.versions import SUPPORTED

from .conftest import run_cli
from .fuzz import generators, properties

# Random search, no example database in the checkout; hypothesis prints the failing input.
def fuzz(cases: int) -> settings:
    return settings(max_examples=cases, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])


@fuzz(700)
@given(generators.stack_texts())
def test_stack_like_yaml(text):
    properties.text_property(text)


@fuzz(500)
@given(generators.yaml_noise)
def test_yaml_noise(text):
    properties.text_property(text)


@pytest.mark.skipif(not generators.corpus_files(), reason="../shared/corpus is absent")
@fuzz(400)
@given(generators.mutated_corpus())
def test_mutated_corpus_files(text):
    properties.text_property(text)


@fuzz(350)
@given(generators.raw_bytes())
def test_bytes_through_the_file_reader(data):
    properties.bytes_property(data)


@fuzz(150)
@given(generators.hostile_stacks())
def test_port_ranges_typed_interpolation_and_env_files(case):
    properties.hostile_property(case)


@fuzz(25)
@given(generators.stack_file_sets())
def test_multi_file_stacks(files):
    properties.multifile_property(files)


@fuzz(25)
@given(generators.stack_file_sets())
def test_fixes_applied_to_every_file_of_a_stack(files):
    properties.fix_property(files)


@fuzz(200)
@given(generators.stack_data, st.sampled_from(SUPPORTED))
def test_schema_layer_on_arbitrary_data(data, version):
    properties.schema_property(data, version)


@fuzz(6)
@given(generators.raw_bytes())
def test_bytes_through_the_command_line(tmp_path_factory, data):
    """The real CLI on a few generated files: exit 0/1 with findings, or 2 with a located error."""
    path = tmp_path_factory.mktemp("fuzz") / "stack.yml"
    path.write_bytes(data)
    proc = run_cli("--no-env", "--format", "concise", str(path))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1, 2), proc
    if proc.returncode == 2:
        assert re.fullmatch(rf"stacklint: {re.escape(str(path))}: .*\b(line|byte) \d+.*\n", proc.stderr), proc.stderr
    else:
        assert proc.stderr == ""
        lines = proc.stdout.splitlines()
        # the summary: "Found N problems ..." (then, when info findings repeat, one line grouping them)
        summary = next((i for i, line in enumerate(lines) if re.match(r"Found \d+ problems? ", line)), len(lines) - 1)
        assert summary >= len(lines) - 2, proc.stdout
        for line in lines[:summary]:
            assert re.match(rf"{re.escape(str(path))}:\d+:\d+: (error|warning|info) SL\d{{3}} ", line), line

"""`--jobs N`: files linted in N processes, the report exactly as a serial run prints it."""
from __future__ import annotations

import functools
import os
import re

import pytest

from stacklint import config, runner
from stacklint.output import text
from stacklint.settings import DEFAULT

from .conftest import EXAMPLE, ROOT, run_cli

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def tree(tmp_path):
    """A directory of stack files that differ in their findings, a bad file and a config'd folder."""
    lines = EXAMPLE.read_text().splitlines(keepends=True)
    for i in range(24):
        # drop a different line from each copy: different findings, some YAML errors
        text = "".join(lines[:i * 3] + lines[i * 3 + 1:])
        folder = tmp_path / f"team{i % 3}"
        folder.mkdir(exist_ok=True)
        (folder / f"docker-stack-{i:02d}.yml").write_text(text)
    for fixture in sorted(FIXTURES.glob("*stack*.yml")):
        (tmp_path / fixture.name).write_text(fixture.read_text())
    (tmp_path / "team1" / ".stacklint.yaml").write_text("ignore: [SL106]\n")  # per-folder settings
    (tmp_path / "team2" / "broken-stack.yml").write_bytes(b"services:\x00\n")  # an input error
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif"])
@pytest.mark.parametrize("colour", ["never", "always"])
def test_parallel_output_is_the_serial_output(tree, fmt, colour):
    serial = run_cli("--format", fmt, "--color", colour, "--jobs", "1", str(tree))
    parallel = run_cli("--format", fmt, "--color", colour, "--jobs", "3", str(tree))
    assert serial.returncode == 2, serial.stderr  # the broken file is an input error
    assert "broken-stack.yml" in serial.stderr
    assert serial.stdout.count("docker-stack-") >= 24  # every file is in the report
    assert (parallel.returncode, parallel.stdout, parallel.stderr) == \
        (serial.returncode, serial.stdout, serial.stderr)


_FINDING = re.compile(r"^.+:\d+:\d+: (error|warning|info) SL\d{3} ")  # a concise finding line


def test_the_folder_config_reaches_the_workers(tree):
    parallel = run_cli("--format", "concise", "--jobs", "2", "--select", "SL106", str(tree))
    reported = {line.split("/")[-2] for line in parallel.stdout.splitlines() if _FINDING.match(line)}
    assert reported == {"team0", "team2", tree.name}  # team1's .stacklint.yaml ignores SL106


def test_standard_input_keeps_its_place_among_files(tree):
    first, second, *rest = sorted((tree / "team0").glob("*.yml"))[:6]
    args = ("--format", "concise", str(first), "-", str(second), *map(str, rest))
    serial = run_cli("--jobs", "1", *args, input=EXAMPLE.read_text())
    parallel = run_cli("--jobs", "2", *args, input=EXAMPLE.read_text())
    assert "<stdin>:" in serial.stdout
    assert parallel.stdout == serial.stdout
    names = [line.split(":")[0] for line in parallel.stdout.splitlines() if _FINDING.match(line)]
    order = list(dict.fromkeys(names))
    assert order == [str(first), "<stdin>", str(second), *map(str, rest)]


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(value):
    proc = run_cli("--jobs", value, str(EXAMPLE))
    assert proc.returncode == 2
    assert f"argument --jobs/-j: expected a whole number of at least 1, not '{value}'" in proc.stderr


def _linted_by(result):
    result.rendered = ("pid", os.getpid())
    return result


# as the command line builds it: picklable, for the workers
SETTINGS_FOR = functools.partial(config.settings_for, base=DEFAULT, config_path=None)


def test_then_runs_in_the_process_that_linted_the_file(tree):
    files = runner.expand([str(tree)])
    parallel = runner.lint_paths(files, SETTINGS_FOR, jobs=2, then=_linted_by)
    serial = runner.lint_paths(files, SETTINGS_FOR, jobs=1, then=_linted_by)
    assert [r.path for r in parallel] == files
    assert {r.rendered[1] for r in serial} == {os.getpid()}
    assert os.getpid() not in {r.rendered[1] for r in parallel}
    assert parallel == serial  # `rendered` is not a field: the results are the same


@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("concise", [False, True])
def test_a_part_rendered_in_advance_is_the_report_rendered_at_the_end(tree, colour, concise):
    files = runner.expand([str(tree)])[:8]
    results = runner.lint_paths(files, SETTINGS_FOR, jobs=1)
    expected = text.render(results, colour=colour, concise=concise)
    assert sum(len(r.diagnostics) for r in results) > 8 and expected.count("\n") > 16
    failing = [r.failing for r in results]
    assert True in failing and False in failing
    for r in results:
        text.with_part(r, colour=colour, concise=concise)
    assert text.render(results, colour=colour, concise=concise) == expected
    # the findings are gone too (a worker sends back only their count); the exit status stays
    assert all(r.diagnostics is None for r in results)
    assert [r.failing for r in results] == failing
    # the source is gone, so a part rendered with other options cannot be rendered again
    assert all(r.text is None and r.data is None for r in results)
    with pytest.raises(ValueError, match="rendered with other options"):
        text.render(results, colour=not colour, concise=concise)

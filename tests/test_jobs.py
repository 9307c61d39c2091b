"""`--jobs N`: files linted in N processes, the report exactly as a serial run prints it."""
from __future__ import annotations

import re

import pytest

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


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_parallel_output_is_the_serial_output(tree, fmt):
    serial = run_cli("--format", fmt, "--jobs", "1", str(tree))
    parallel = run_cli("--format", fmt, "--jobs", "3", str(tree))
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

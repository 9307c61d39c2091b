"""Output is never cut short: thousands of findings through a pipe, into a file, or to a reader
that leaves early (`| head`), in the text, concise and github formats."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT, SHARED, run_cli

# 15 files of 20 services with 10 invalid port specs each: 3,000 findings, exactly the per-rule
# cap in every file (stacklint.limits), so every one of them is printed.
FILES, SERVICES, PER_SERVICE = 15, 20, 10
TOTAL = FILES * SERVICES * PER_SERVICE


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A folder of stack files with exactly 3000 SL006 findings (tests select SL006)."""
    from stacklint.limits import MAX_PER_RULE

    assert SERVICES * PER_SERVICE == MAX_PER_RULE
    folder = tmp_path_factory.mktemp("many")
    for f in range(FILES):
        lines = ['version: "3.8"', "services:"]
        for i in range(SERVICES):
            lines += [f"  svc{i:03d}:", "    image: nginx:1.27", "    ports:"]
            lines += [f'      - "{8000 + j}:{70000 + j}"' for j in range(PER_SERVICE)]
        (folder / f"docker-stack-{f:02d}.yml").write_text("\n".join(lines) + "\n")
    return folder


def shell(command: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=ROOT, timeout=300)


def stacklint_cmd(*args: str) -> str:
    return " ".join([sys.executable, "-m", "stacklint", *args])


def test_every_line_through_a_pipe(many):
    proc = shell(stacklint_cmd("--select", "SL006", "--format", "concise", str(many)) + " | cat")
    lines = proc.stdout.splitlines()
    assert len(lines) == TOTAL + 1
    assert sum(" SL006 " in line for line in lines) == TOTAL
    assert lines[-1] == f"Found {TOTAL} problems ({TOTAL} errors) in {FILES} files."
    last_file = many / f"docker-stack-{FILES - 1:02d}.yml"
    last = 2 + SERVICES * (PER_SERVICE + 3)
    assert lines[-2].startswith(f"{last_file}:{last}:9: error "
                                f"SL006 services.svc{SERVICES - 1:03d}.ports.{PER_SERVICE - 1}: ")
    assert proc.stderr == ""
    framed = shell(stacklint_cmd("--select", "SL006", str(many)) + " | cat").stdout.splitlines()
    assert len(framed) == TOTAL * 5 + 1  # the finding, three lines of frame, a blank line
    assert framed[-5:-1] == [f"{' ' * len(str(last))} |", f'{last} |       - "8009:70009"',
                             f"{' ' * len(str(last))} |         ^^^^^^^^^^^^", ""]


def test_every_line_to_a_pipe_and_a_file_alike(many, tmp_path):
    piped = run_cli("--select", "SL006", str(many))  # stdout=PIPE
    assert piped.returncode == 1
    report = tmp_path / "report.txt"
    written = run_cli("--select", "SL006", str(many), "--output-file", str(report))
    assert (written.returncode, written.stdout) == (1, "")
    assert report.read_text(encoding="utf-8") == piped.stdout
    assert piped.stdout.count("\n") == TOTAL * 5 + 1


def test_github_annotations_through_a_pipe(many):
    proc = shell(stacklint_cmd("--select", "SL006", "--format", "github", str(many)) + " | cat")
    lines = proc.stdout.splitlines()
    assert len(lines) == TOTAL
    assert all(line.startswith("::error file=") for line in lines)


def test_a_reader_that_leaves_early_is_not_an_error(many):
    proc = shell(stacklint_cmd(str(many)) + " | head -n 3")
    assert proc.stdout.count("\n") == 3
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_generated_stack_text_and_json_agree(tmp_path):
    """The realistic generator's 300-service stack: one concise line per JSON finding, plus the summary
    (and a line grouping the repeated info findings)."""
    gen = SHARED / "bench" / "gen_stack.py"
    if not gen.is_file():
        pytest.skip(f"{gen} is absent")
    stack = tmp_path / "stack-300.yml"
    subprocess.run([sys.executable, str(gen), "300", "-o", str(stack)], check=True, timeout=120)
    findings = json.loads(run_cli("--no-env", "--format", "json", str(stack)).stdout)
    proc = shell(stacklint_cmd("--no-env", "--format", "concise", str(stack)) + " | cat")
    lines = proc.stdout.splitlines()
    assert lines[-2].startswith("Found ") and lines[-1].startswith("Repeated info findings: ")
    assert len(lines) == len(findings) + 2

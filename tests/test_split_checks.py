"""A big file's checks on two processes (split_checks.py): the findings of a serial lint, always."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from stacklint import catalogue, split_checks
from stacklint.checks import registered_codes
from stacklint.document import parse
from stacklint.engine import lint, load, run_checks
from stacklint.settings import Settings
from tests.conftest import EXAMPLE, run_cli, shared_or_skip

EVERY_RULE = Settings(env={}, select=frozenset(registered_codes()))
WITH_ENV = Settings(env={"TAG": "1.25", "DB_PASSWORD": "s3cr3t-value"})

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the split forks a worker")


def _same_split_and_serial(text: str, path, settings: Settings) -> None:
    serial = lint(text, path, settings)
    split = lint(text, path, settings, checks=split_checks.SplitChecks(always=True))
    assert split == serial, path
    # and before the final pass sorts them: the checks' findings in the order run_checks gives
    assert _checks_split(text, path, settings) == _checks_serial(text, path, settings), path


def _checks_split(text: str, path, settings: Settings) -> list | None:
    split = split_checks.SplitChecks(always=True)
    ctx, _ = load(parse(text), path, settings, started=split.start)
    return None if ctx is None else split.results(ctx, settings)


def _checks_serial(text: str, path, settings: Settings) -> list | None:
    ctx, _ = load(parse(text), path, settings)
    return None if ctx is None else run_checks(ctx, settings)


def test_bundled_examples():
    for path in sorted(EXAMPLE.parent.glob("*.yml")):
        for settings in (EVERY_RULE, WITH_ENV):
            _same_split_and_serial(path.read_text(encoding="utf-8"), str(path), settings)


def test_rule_page_examples():
    rules = catalogue.load()
    for code in sorted(rules):
        for example in rules[code].examples("Example") + rules[code].examples("Use instead"):
            _same_split_and_serial(example, None, EVERY_RULE)


def test_corpus():
    for path in sorted(shared_or_skip("corpus", "files").iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        _same_split_and_serial(text, str(path), EVERY_RULE)


def test_a_worker_that_dies_leaves_its_share_to_this_process(monkeypatch):
    monkeypatch.setattr(split_checks, "_work", lambda ctx, services, checks, writer: os._exit(3))
    _same_split_and_serial(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE), EVERY_RULE)


CROSS_SERVICE = """\
services:
  web:
    image: nginx
    networks: [front, missing]
    ports: ["80:80"]
    secrets: [db_password]
  api:
    image: api:latest
    ports: ["80:8080"]
    volumes: [/var/run/docker.sock:/var/run/docker.sock]
  worker:
    image: worker
    networks: [front]
    secrets: [absent]
networks:
  front:
    driver: overlay
  unused: {}
secrets:
  db_password:
    file: ./db_password.txt
"""


def test_services_split_across_processes_with_findings_about_each_other():
    # a port both publish, references to what is declared and what is not, a declaration no
    # service uses: stack-wide findings read every service while each process checks a share
    _same_split_and_serial(CROSS_SERVICE, None, EVERY_RULE)
    codes = {d.code for d in _checks_split(CROSS_SERVICE, None, EVERY_RULE)}
    assert {"SL101", "SL105", "SL201", "SL309"} <= codes


def test_the_worker_takes_the_last_services_and_each_process_at_least_one(monkeypatch):
    names = [f"s{i}" for i in range(10)]
    monkeypatch.setattr(split_checks, "WORKER_SHARE", 0.7)
    assert split_checks._shares(names) == (names[:3], names[3:])
    for share in (0.0, 1.0):
        monkeypatch.setattr(split_checks, "WORKER_SHARE", share)
        assert split_checks._shares(["a", "b"]) == (["a"], ["b"])


def test_a_file_with_one_service_is_not_split(monkeypatch):
    monkeypatch.setattr(split_checks, "_Worker", None)  # forking would fail
    _same_split_and_serial("services:\n  web:\n    image: nginx\n", None, EVERY_RULE)


def test_small_files_are_not_split():
    assert not split_checks.worth_it(split_checks.MIN_SERVICES - 1)


@pytest.fixture(scope="module")
def big_stack(tmp_path_factory):
    gen = shared_or_skip("bench", "gen_stack.py")
    out = tmp_path_factory.mktemp("big") / "docker-stack.yml"
    subprocess.run([sys.executable, str(gen), str(split_checks.MIN_SERVICES + 50), "-o", str(out)], check=True,
                   capture_output=True)
    return out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_the_command_line_report_is_the_serial_one(big_stack, fmt):
    serial = run_cli("--no-env", "--format", fmt, "--jobs", "1", str(big_stack))
    split = run_cli("--no-env", "--format", fmt, "--jobs", "2", str(big_stack))
    assert serial.stdout.count("SL4") > 100  # a real report
    assert (split.returncode, split.stdout, split.stderr) == (serial.returncode, serial.stdout, serial.stderr)


def test_a_big_generated_stack(big_stack):
    _same_split_and_serial(big_stack.read_text(encoding="utf-8"), str(big_stack), EVERY_RULE)
    _same_split_and_serial(big_stack.read_text(encoding="utf-8"), str(big_stack), WITH_ENV)


def test_only_a_run_that_asks_for_it_forks(big_stack, monkeypatch):
    from stacklint import runner

    forks = []
    real_fork = os.fork

    def counted_fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counted_fork)
    monkeypatch.setattr(split_checks, "default_jobs", lambda: 2)
    settings_for = lambda path: EVERY_RULE  # noqa: E731
    serial = runner.lint_paths([str(big_stack)], settings_for, jobs=2)
    assert forks == []
    split = runner.lint_paths([str(big_stack)], settings_for, jobs=2, split=True)
    assert forks == [1]
    assert split[0].diagnostics == serial[0].diagnostics
    runner.lint_paths([str(big_stack)], settings_for, jobs=1, split=True)
    assert forks == [1]  # one process asked for: one process

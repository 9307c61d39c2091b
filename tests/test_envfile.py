"""Docker's env-file syntax, one parser (stacklint/envfile.py) for `--env-file` and a service's
`env_file` (SL006): what it reads, the errors it raises (Docker's words, no value quoted), and,
where the docker CLI is installed, the same answers as `docker stack config` on the same bytes."""
from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from stacklint.engine import lint
from stacklint.envfile import EnvFileError, parse_key_value_file
from stacklint.settings import Settings

from .conftest import docker_or_skip

# bytes -> the variables Docker sets (no lookup), or the error; each verified with docker 28.2.2
READS = [
    (b"A=1\nB=two words \n", {"A": "1", "B": "two words "}),  # trailing spaces are part of the value
    (b'A="quoted"\nB=\'single\'\n', {"A": '"quoted"', "B": "'single'"}),  # 28.2.2 keeps quotes
    (b"X= y\r\nZ=1\r\n", {"X": " y", "Z": "1"}),  # one CR before the newline is dropped
    (b"\xef\xbb\xbfA=1\n", {"A": "1"}),  # a BOM on the first line
    (b"  # comment\n\n\t  A=1\n", {"A": "1"}),  # leading whitespace, comments, blank lines
    (b"\xc2\xa0A=1\n", {"A": "1"}),  # NBSP is Go whitespace
    (b"\x1cA=1\n", {"\x1cA": "1"}),  # \x1c is Python whitespace but not Go's
    (b"A=1\nA=2\nB=x=y\n", {"A": "2", "B": "x=y"}),  # later wins; the value is after the first `=`
    (b"BARE\nA=1", {"A": "1"}),  # a bare name with no lookup is left out; no final newline
    (b"A=" + b"x" * 65533 + b"\n", {"A": "x" * 65533}),  # the longest line bufio.Scanner takes
]
ERRORS = [
    (b"A=1\nBAD NAME=s3cr3t\n", 2, "variable 'BAD NAME' contains whitespaces (line 2)"),
    (b"A\tB=s3cr3t\n", 1, "variable 'A\tB' contains whitespaces (line 1)"),
    (b"# pasted\nhunter2 s3cr3t\n", 2,
     "variable on line 2 contains whitespaces (the line is not shown: without `=` it may be a value)"),
    (b"A=1\n  =s3cr3t\n", 2, "no variable name on line 2"),
    (b"A=1\nB=s3cr3t\xff\n", 2, "invalid utf8 bytes at line 2"),
    (b"A=" + b"x" * 65534 + b"\n", 1, "bufio.Scanner: token too long"),
    (b"BAD NAME=1\n=2\n", 1, "variable 'BAD NAME' contains whitespaces (line 1)"),  # the first bad line
]


@pytest.mark.parametrize("data,expected", READS)
def test_reads_what_docker_reads(data, expected):
    assert parse_key_value_file(data) == expected


def test_a_bare_name_takes_its_value_from_the_lookup():
    lookup = {"FROM_SHELL": "v", "EMPTY": ""}.get
    assert parse_key_value_file(b"FROM_SHELL\nEMPTY\nUNSET\nA=1\n", lookup) == {"FROM_SHELL": "v", "EMPTY": "", "A": "1"}


@pytest.mark.parametrize("data,line,message", ERRORS)
def test_errors_are_dockers_words_without_a_value(data, line, message):
    with pytest.raises(EnvFileError) as caught:
        parse_key_value_file(data)
    assert (caught.value.line, str(caught.value)) == (line, message)
    assert "s3cr3t" not in str(caught.value)


def test_a_service_env_file_with_a_bad_line_is_sl006_at_the_entry(tmp_path):
    (tmp_path / "app.env").write_bytes(b"LOG_LEVEL=debug\nhunter2 s3cr3t\n")
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    env_file: [./app.env]\n'
    found = lint(text, str(tmp_path / "docker-stack.yml"), Settings(env={}, select=frozenset({"SL006"})))
    assert [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.range.end.column + 1, d.message)
            for d in found] == [
        ("SL006", 5, 16, 25, "invalid env file (./app.env): variable on line 2 contains whitespaces "
                             "(the line is not shown: without `=` it may be a value)")]


def _docker_kind(message: str) -> str:
    """Which of parseKeyValueFile's errors Docker's message is (Docker quotes the line, the key
    or the bytes, which ours leave out, so the words before the quote are compared)."""
    for kind in ("invalid utf8 bytes at line", "no variable name on line", "contains whitespaces",
                 "bufio.Scanner: token too long"):
        if kind in message:
            return kind
    raise AssertionError(f"not an env-file error: {message}")


@pytest.mark.docker
@pytest.mark.parametrize("data,expected", READS + [(d, m) for d, _, m in ERRORS])
def test_docker_stack_config_agrees(tmp_path, data, expected):
    docker = docker_or_skip()
    (tmp_path / "a.env").write_bytes(data)
    (tmp_path / "s.yml").write_text('version: "3.8"\nservices:\n  a:\n    image: nginx\n    env_file: a.env\n')
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOCKER_CONFIG": str(tmp_path / "docker-config")}
    proc = subprocess.run([docker, "stack", "config", "-c", "s.yml"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    if isinstance(expected, dict):
        assert proc.returncode == 0, proc.stderr
        assert yaml.safe_load(proc.stdout)["services"]["a"].get("environment", {}) == expected
    else:
        assert proc.returncode != 0
        assert _docker_kind(proc.stderr) == _docker_kind(expected), proc.stderr

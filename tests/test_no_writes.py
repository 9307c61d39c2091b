"""A lint writes nothing but the report it is asked for (`--output-file`).

The CLI runs in a child process with a read-only HOME and XDG_CACHE_HOME and an audit hook
(PEP 578) that logs every open for writing, every directory made and every file renamed or
removed. Read-only modes alone prove little when tests run as root, so the log is the check;
a snapshot of every file under the test's folder before and after backs it up. The positive
controls show the hook catching each kind of write in the same setup.
"""
from __future__ import annotations

import os
import shutil
import stat
import textwrap

import pytest

from .conftest import EXAMPLE, run_cli

WRITE_HOOK = textwrap.dedent('''
    import os, sys
    _LOG = os.environ["STACKLINT_WRITE_LOG"]
    _ALLOWED = {os.path.realpath(_LOG)} | {
        os.path.realpath(p) for p in os.environ.get("STACKLINT_WRITE_ALLOWED", "").split(os.pathsep) if p}
    _WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    _CHANGES = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.truncate", "os.symlink", "os.link",
                "os.chmod", "os.utime", "shutil.copyfile", "shutil.rmtree"}

    def _path(value):
        return os.path.realpath(os.fsdecode(value)) if isinstance(value, (str, bytes)) else value

    def _record(event, args):
        fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, (event + " " + repr(args)[:300] + "\\n").encode("utf-8", "replace"))
        finally:
            os.close(fd)

    def _hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes)):
            mode, flags = args[1], args[2]
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(flags & _WRITE_FLAGS)
            if writes and _path(args[0]) not in _ALLOWED:
                _record(event, args)
        elif event in _CHANGES:
            _record(event, args)

    sys.addaudithook(_hook)
''')


def _snapshot(root):
    """Every file and directory under root with its size and modification time."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            found[os.path.relpath(path, root)] = (st.st_size, st.st_mtime_ns)
    return found


@pytest.fixture
def sealed(tmp_path):
    """run(*cli_args, allowed=[paths], python_code=None) -> (CompletedProcess, logged writes, changed files)."""
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(WRITE_HOOK)
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    cache.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(EXAMPLE, work / "docker-stack.yml")
    log = tmp_path / "writes.log"
    for folder in (home, cache):
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)

    def run(*args, allowed=(), python_code=None):
        log.write_text("")
        before = _snapshot(tmp_path)
        env = dict(os.environ, HOME=str(home), XDG_CACHE_HOME=str(cache), PYTHONPATH=str(hook_dir),
                   STACKLINT_WRITE_LOG=str(log), STACKLINT_WRITE_ALLOWED=os.pathsep.join(map(str, allowed)),
                   PYTHONDONTWRITEBYTECODE="1")  # the interpreter's own .pyc files are not the lint's doing
        if python_code is None:
            proc = run_cli(*args, env=env, cwd=work)
        else:
            import subprocess
            import sys
            proc = subprocess.run([sys.executable, "-c", python_code], capture_output=True, text=True, env=env,
                                  cwd=work, timeout=60)
        after = _snapshot(tmp_path)
        changed = sorted(p for p in set(before) | set(after)
                         if before.get(p) != after.get(p) and p != "writes.log" and not p.startswith("report"))
        return proc, log.read_text().splitlines(), changed

    yield run, work, tmp_path
    for folder in (home, cache):
        folder.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit"])
def test_a_lint_writes_only_its_output_file(sealed, fmt):
    run, work, root = sealed
    report = root / f"report.{fmt}"
    stack = work / "docker-stack.yml"
    proc, writes, changed = run("--format", fmt, "--output-file", str(report), str(stack), str(work),
                                allowed=[report])
    assert proc.returncode == 1, proc.stderr  # the example has an error: the lint really ran
    assert report.stat().st_size > 0
    assert proc.stderr == ""
    assert writes == []
    assert changed == []


def test_a_lint_to_standard_output_writes_nothing(sealed):
    run, work, _ = sealed
    proc, writes, changed = run("--format", "json", "docker-stack.yml")
    assert proc.returncode == 1, proc.stderr
    assert '"code": "SL' in proc.stdout
    assert writes == []
    assert changed == []


@pytest.mark.parametrize("code, event", [
    ("open('made.txt', 'w').close()", "open"),
    ("import os; os.close(os.open('made.txt', os.O_WRONLY | os.O_CREAT))", "open"),
    ("import os; os.mkdir('made')", "os.mkdir"),
    ("import os; open('x', 'w').close(); os.replace('x', 'y')", "os.rename"),
])
def test_the_hook_catches_each_kind_of_write(sealed, code, event):
    run, _, _ = sealed
    proc, writes, changed = run(python_code=code)
    assert proc.returncode == 0, proc.stderr
    assert any(line.startswith(event + " ") for line in writes), writes
    assert changed  # and the snapshot sees it too

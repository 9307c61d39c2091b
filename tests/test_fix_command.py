"""`--fix`, `--diff` and `--unsafe-fixes`: exact results, and properties over real files.

Property (every corpus file and every rule page example): after the fixes, the fixed findings
are gone, no finding appears that was not there, and the YAML data is the original's except at
the fixed paths; the `--diff` output, applied with `patch`, gives the same file as `--fix`.
"""
from __future__ import annotations

import copy
import shutil
import subprocess
from collections import Counter

import pytest

from stacklint import catalogue
from stacklint.document import parse
from stacklint.engine import lint
from stacklint.fixes import apply_fixes
from stacklint.settings import Settings

from .conftest import SHARED, run_cli

BROKEN = """\
version: 3.8
services:
  web:
    image: nginx:1.25
    container_name: web   # ignored by stack deploy
    deploy:
      replicas: 2
"""
FIXED = BROKEN.replace("version: 3.8", 'version: "3.8"').replace("    container_name: web   # ignored by stack deploy\n", "")


def test_fix_writes_the_safe_fixes_and_reports_what_remains(tmp_path):
    stack = tmp_path / "docker-stack.yml"
    stack.write_text(BROKEN)
    run = run_cli("--fix", "--select", "SL003,SL306", str(stack))
    assert (run.returncode, stack.read_text()) == (0, FIXED)
    assert run.stderr == "stacklint: fixed 2 findings (SL003, SL306)\n"
    assert run.stdout == "No problems in 1 file.\n"  # what remains


def test_diff_writes_nothing_and_applies_with_patch(tmp_path):
    if not shutil.which("patch"):
        pytest.skip("no patch program")
    stack = tmp_path / "docker-stack.yml"
    stack.write_text(BROKEN)
    run = run_cli("--diff", "docker-stack.yml", cwd=tmp_path)
    assert run.returncode == 1
    assert stack.read_text() == BROKEN
    assert run.stdout.startswith("--- a/docker-stack.yml\n+++ b/docker-stack.yml\n")
    subprocess.run(["patch", "-p1", "-s"], input=run.stdout, text=True, cwd=tmp_path, check=True)
    assert stack.read_text() == FIXED


def test_standard_input_gets_the_fixed_text_on_standard_output():
    run = run_cli("--fix", "-", input=BROKEN)
    assert (run.returncode, run.stdout) == (0, FIXED)


def test_unsafe_fixes_only_when_asked(tmp_path):
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.25\n    secrets: [db]\n'
    stack = tmp_path / "docker-stack.yml"
    stack.write_text(text)
    assert run_cli("--fix", "--select", "SL101", str(stack)).returncode == 1
    assert stack.read_text() == text
    run = run_cli("--fix", "--unsafe-fixes", "--select", "SL101", str(stack))
    assert run.returncode == 0, run.stdout
    assert "db:\n    external: true" in stack.read_text()


def test_a_file_changed_since_it_was_read_is_not_written(tmp_path):
    from stacklint.diagnostics import FileResult
    from stacklint.fix_command import fix_files

    stack = tmp_path / "docker-stack.yml"
    stack.write_text(BROKEN)
    result = FileResult(str(stack), lint(BROKEN, str(stack), Settings(env={})), text=BROKEN, data=BROKEN.encode())
    stack.write_text(BROKEN + "# edited meanwhile\n")
    outcome = fix_files([result], diff=False, unsafe=False)
    assert (outcome.failed, stack.read_text()) == (True, BROKEN + "# edited meanwhile\n")


def test_overlapping_fixes_apply_one_and_leave_the_rest():
    text = "version: 3.8\nservices: {}\n"
    (d,) = [d for d in lint(text, None, Settings(env={})) if d.code == "SL003"]
    twin = d.replace(code="SL999")
    applied = apply_fixes(text, [d, twin])
    assert (applied.text, len(applied.fixed), len(applied.overlapping)) == ('version: "3.8"\nservices: {}\n', 1, 1)


# --- properties over real files -------------------------------------------------------------------
def _texts():
    out = []
    corpus = SHARED / "corpus" / "files"
    if corpus.is_dir():
        out += [(f"corpus/{p.name}", p.read_text(encoding="utf-8", errors="replace")) for p in sorted(corpus.iterdir())]
    for rule in catalogue.load().values():
        for n, example in enumerate(rule.examples("Example")):
            out.append((f"{rule.code}-example-{n}", example))
    return out


def _only_known(after, before):
    """after without the mapping keys before lacks: what a fix added (a declaration) is its own."""
    if isinstance(after, dict) and isinstance(before, dict):
        return {k: _only_known(v, before[k]) for k, v in after.items() if k in before}
    return after


def _exists(data, path) -> bool:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return False
    return True


def _without(data, paths):
    """data without the nodes at paths (and without a mapping that only held such a node: a fix
    that declares `networks: {net: ...}` adds the section too)."""
    data = copy.deepcopy(data)
    for path in sorted(paths, key=len, reverse=True):
        cur, parent = data, None
        for step in path[:-1]:
            try:
                parent, cur = cur, cur[step]
            except (KeyError, IndexError, TypeError):
                cur = None
                break
        if isinstance(cur, dict):
            cur.pop(path[-1], None)
            if not cur and isinstance(parent, dict):
                parent.pop(path[-2], None)
        elif isinstance(cur, list) and isinstance(path[-1], int) and path[-1] < len(cur):
            cur[path[-1]] = None
    return data


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_fixes_remove_their_findings_and_change_nothing_else(unsafe, tmp_path):
    settings = Settings(env={})
    checked = 0
    for name, text in _texts():
        path = str(tmp_path / "docker-stack.yml")
        before = lint(text, path, settings)
        applied = apply_fixes(text, before, unsafe=unsafe)
        if not applied.fixed:
            continue
        checked += 1
        after = lint(applied.text, path, settings)
        fixed_paths = {d.path for d in applied.fixed}
        left = Counter((d.code, d.path) for d in after)
        was = Counter((d.code, d.path) for d in before)
        # a finding on a node the fix created (a declared external network's "create it first") is
        # about the fix's own text; any other new finding is a fix that broke something
        new = [key for key in left - was if _exists(parse(text).data, key[1])]
        assert not new, f"{name}: new findings {new}"
        for d in applied.fixed:
            if not applied.overlapping:
                assert (d.code, d.path) not in left, f"{name}: {d.code} at {d.path} survived its fix"
        original = _without(parse(text).data, fixed_paths)
        assert _only_known(_without(parse(applied.text).data, fixed_paths), original) == original, name
    assert checked > 0


def test_a_declaration_added_after_a_last_line_without_newline_starts_its_own_line():
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.25\n    networks: [public]\nnetworks:\n  default:\n    driver: overlay'
    applied = apply_fixes(text, lint(text, None, Settings(env={})), unsafe=True)
    assert [d.code for d in applied.fixed] == ["SL103"]
    assert applied.text == text + "\n  public:\n    external: true\n"


def test_a_key_whose_anchor_an_alias_uses_is_not_deleted():
    # a fuzz find (family `fix`, seed 21261252): deleting `links` took the anchor `networks` uses
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    links: &a3 [db]\n    networks: *a3\n'
    found = lint(text, None, Settings(env={}))
    links = next(d for d in found if d.path == ("services", "web", "links"))
    assert (links.code, links.fix) == ("SL306", None)
    applied = apply_fixes(text, found, unsafe=True)
    assert [d.code for d in applied.fixed] == ["SL103"]
    assert applied.text == text + "networks:\n  db:\n    external: true\n"
    assert parse(applied.text).problems == []  # still YAML, the alias still defined

"""Golden files: every format's exact output on the bundled example and on a file with one
finding of each kind (a fix, non-ASCII text before a column, a suppression, a duplicate key).

The empty case (a folder without stack files) has its golden file in every format too: a
warning on standard error, exit 0, and an empty report that is still valid.

Only what must vary is normalised: stacklint's version, the absolute checkout path (SARIF's
%SRCROOT%) and the tool's home page. When rules change the findings, regenerate and review:

    STACKLINT_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py && git diff tests/golden
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from stacklint import __version__
from stacklint.cli import main
from stacklint.output import FORMATS

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
INPUTS = {"example": "examples/docker-stack.yml", "findings": "tests/golden/findings-stack.yml"}
EXTENSIONS = {"text": "txt", "concise": "txt", "json": "json", "sarif": "sarif", "github": "txt", "gitlab": "json", "junit": "xml"}
UPDATE = os.environ.get("STACKLINT_UPDATE_GOLDEN") == "1"


def normalise(text: str) -> str:
    text = text.replace(Path(ROOT).resolve().as_uri() + "/", "file:///ROOT/")
    text = re.sub(r'("(?:semanticVersion|version)": )"' + re.escape(__version__) + '"',
                  r'\1"VERSION"', text)
    return re.sub(r'\n *"informationUri": "[^"]*",?', "", text)


def test_every_format_has_golden_files():
    assert set(EXTENSIONS) == set(FORMATS)


@pytest.mark.parametrize("name", sorted(INPUTS))
@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_golden(fmt, name, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    code = main(["--no-env", "--format", fmt, INPUTS[name]])
    out, err = capsys.readouterr()
    # the example's findings grow as rules are added; the findings file has errors by design
    assert err == ""
    assert code == 1 if name == "findings" else code in (0, 1)
    got = normalise(out)
    path = GOLDEN / f"{name}.{fmt}.{EXTENSIONS[fmt]}"
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"{path.name} is missing: STACKLINT_UPDATE_GOLDEN=1 python3 -m pytest {__file__}"
    assert got == path.read_text(encoding="utf-8"), \
        f"{path.name} differs; if the change is intended: STACKLINT_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py"


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_golden_empty(fmt, capsys, monkeypatch, tmp_path):
    (tmp_path / "values.yml").write_text("not: a stack file\n")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    code = main(["--no-env", "--format", fmt, str(tmp_path)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, f"stacklint: warning: no stack files found in {tmp_path}\n")
    got = normalise(out)
    path = GOLDEN / f"empty.{fmt}.{EXTENSIONS[fmt]}"
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), \
        f"{path.name} differs; if the change is intended: STACKLINT_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py"

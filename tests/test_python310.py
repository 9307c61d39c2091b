"""Python 3.10 is supported (`requires-python = ">=3.10"`), but the project's machines cannot
install a 3.10 interpreter (Debian 12 ships 3.11; the standalone builds that pip and npm
installers fetch come from GitHub). vermin reads the source instead and names every language
feature and standard-library name newer than 3.10; a use guarded for 3.10 carries `# novermin`.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

pytest.importorskip("vermin", reason="vermin is not installed (pip install -e '.[test]')")

pytestmark = pytest.mark.slow  # vermin parses every file: a minute or more on two busy cores

VERMIN = "import sys; from vermin.main import main; sys.exit(main())"


def newer_than_3_10(*paths: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", VERMIN, "--no-tips", "--violations", "--target=3.10-",
                           "--eval-annotations", "--quiet", *paths], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_the_package_and_its_tests_run_on_python_3_10():
    proc = newer_than_3_10("stacklint", "tests", "benchmarks")
    assert (proc.returncode, proc.stdout.strip()) == (0, ""), proc.stdout + proc.stderr


def test_the_check_sees_a_3_11_name(tmp_path):
    """The check above can fail: an unguarded tomllib (3.11) is named."""
    (tmp_path / "uses_tomllib.py").write_text("import tomllib\n")
    proc = newer_than_3_10(str(tmp_path))
    assert proc.returncode != 0
    assert "'tomllib' module requires !2, 3.11" in proc.stdout

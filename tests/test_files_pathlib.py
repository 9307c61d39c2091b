"""files.py answers as pathlib does, without importing it: pathlib itself is the oracle."""
from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from stacklint.config import find_config
from stacklint.files import is_file, parent_folder, pathlib_form

# Every path of up to four of these pieces: empty, `.` and `..` components, leading, doubled
# and trailing slashes.
_PIECES = ("a", ".", "..", "/", "//", "b.yml", "./", ".a")
_PATHS = sorted({"".join(p) for n in range(1, 5) for p in itertools.product(_PIECES, repeat=n)} | {""})


@pytest.mark.skipif(os.sep != "/", reason="the POSIX forms")
def test_pathlib_form_and_parent_folder_are_what_pathlib_says():
    wrong = [(p, pathlib_form(p), str(Path(p))) for p in _PATHS if pathlib_form(p) != str(Path(p))]
    wrong += [(p, parent_folder(p), str(Path(p).parent)) for p in _PATHS if parent_folder(p) != str(Path(p).parent)]
    assert len(_PATHS) > 3000 and wrong == []


def test_is_file_is_what_pathlib_says(tmp_path):
    (tmp_path / "f").write_text("x")
    (tmp_path / "d").mkdir()
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    cases = ["f", "d", "missing", "f/under-a-file", "loop", "d/../f"]
    assert [is_file(str(tmp_path / c)) for c in cases] == [(tmp_path / c).is_file() for c in cases] \
        == [True, False, False, False, False, True]
    assert is_file("nul\0in-name") is False


def test_find_config_walks_up_as_before(tmp_path):
    deep = tmp_path / "repo" / "deploy" / "prod"
    deep.mkdir(parents=True)
    stack = deep / "docker-stack.yml"
    stack.write_text("services: {}\n")
    (tmp_path / "repo" / "pyproject.toml").write_text("[tool.other]\nx = 1\n")  # no [tool.stacklint]: passed
    assert not str(find_config(str(stack)) or "").startswith(str(tmp_path))  # none here (above: not ours)
    (tmp_path / "repo" / ".stacklint.yaml").write_text("ignore: [SL401]\n")
    assert find_config(str(stack)) == tmp_path / "repo" / ".stacklint.yaml"
    (deep.parent / "pyproject.toml").write_text("[tool.stacklint]\nignore = ['SL402']\n")
    found = find_config(os.path.relpath(stack))  # relative, as a command line gives it
    assert isinstance(found, Path) and found == (deep.parent / "pyproject.toml").resolve()
    assert find_config(deep) == found  # a folder, and a Path (the language server's)

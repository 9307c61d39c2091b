"""Coverage-guided fuzzing with atheris (libFuzzer): bytes -> decode -> lint -> every format.

    pip install atheris
    python3 -m tests.fuzz.atheris_lint -max_total_time=600 -timeout=10 /tmp/corpus-dir [seed dirs...]

The seed directory can start with copies of ../shared/corpus/files and examples/. A crash
(any exception, a broken invariant, or a case over -timeout seconds) is written by libFuzzer as
crash-*/timeout-* in the working directory; replay one with
`python3 -m tests.fuzz.atheris_lint crash-FILE`.
"""
from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["stacklint"]):
    from stacklint.diagnostics import FileResult
    from stacklint.engine import lint
    from stacklint.source import NotText, decode

    from .properties import SETTINGS  # the same environment and inventory as the other fuzzers

from .invariants import check_diagnostics, check_rendering


def one_input(data: bytes) -> None:
    try:
        decoded = decode(data)
    except NotText as err:
        assert "line" in str(err) or "byte" in str(err), err
        return
    diagnostics = lint(decoded.text, "fuzz.yml", SETTINGS)
    if decoded.problem is not None:
        diagnostics.insert(0, decoded.problem)
    check_diagnostics(decoded.text, diagnostics)
    check_rendering([FileResult("fuzz.yml", diagnostics)])


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

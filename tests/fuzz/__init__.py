"""Fuzzing stacklint: input generators, the invariant every result must hold, and the long run.

`python3 -m tests.fuzz.run --cases 100000` is the long run; tests/test_fuzz.py runs a short one
with every pytest run.
"""

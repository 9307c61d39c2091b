#!/usr/bin/env python3
"""Print the corpus precision/recall table (the same one tests/test_corpus_labels.py asserts).

    python3 benchmarks/corpus_labels.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import SHARED  # noqa: E402
from tests.test_corpus_labels import PRECISION, RECALL, format_table, table  # noqa: E402


def main() -> int:
    corpus = SHARED / "corpus"  # ../shared, or ../../shared from a worktree
    if not corpus.exists():
        print(f"{corpus} is absent", file=sys.stderr)
        return 2
    rows = table(corpus)
    print(format_table(rows))
    bad = [r for r in rows if r[5] < PRECISION or r[6] < RECALL]
    print(f"\n{len(rows) - len(bad)} of {len(rows)} tags meet precision >= {PRECISION} and recall >= {RECALL}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

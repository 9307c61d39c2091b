"""Precision and recall of the rules against an operator's labels of real stack files.

`../shared/corpus/labels.tsv` tags services, networks, volumes, secrets and configs of 40 real
files. For every tag a rule covers, the rule's findings on those files (by subject) are compared
with the labels: precision >= 0.95 and recall >= 0.90. Run with `-s` to see the table; the
same table is printed by `python3 benchmarks/corpus_labels.py`.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from stacklint.checks import registered_codes
from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import SHARED

# tag -> the code whose findings it labels
TAGS = {
    "UNDECLARED_NETWORK": "SL103",
    "EXTERNAL_SECRET": "SL106", "EXTERNAL_NETWORK": "SL106", "EXTERNAL_CONFIG": "SL106",
    "EXTERNAL_VOLUME": "SL106",
    "DOCKER_SOCK_MOUNT": "SL201",
    "PLAINTEXT_SECRET_IN_ENV": "SL202",
    "UNENCRYPTED_OVERLAY": "SL203",
    "PRIVILEGED_CAPS": "SL204",
    "HOST_NETWORK": "SL205",
    "EXPOSED_ADMIN_PORT": "SL208", "EXPOSED_INTERNAL_PORT": "SL208",
    "LATEST_OR_UNTAGGED_IMAGE": "SL209",
    "BAD_PLACEMENT_PREFERENCE": "SL305",
    "STACK_IGNORED_KEY": "SL306",
    "PORT_CONFLICT": "SL309",
    "NO_HEALTHCHECK": "SL401",
    "NO_RESOURCE_LIMITS": "SL402",
    "LOCAL_VOLUME_UNPINNED": "SL403",
    "EPHEMERAL_STATEFUL": "SL404",
}
PRECISION, RECALL = 0.95, 0.90


def subject(path) -> str:
    """The labels' subject of a finding: a service name, `networks.X` and the like, or `-`."""
    if len(path) >= 2 and path[0] == "services":
        return str(path[1])
    if len(path) >= 2 and path[0] in ("networks", "volumes", "secrets", "configs"):
        return f"{path[0]}.{path[1]}"
    return "-"


def load_labels(corpus: Path):
    labels = defaultdict(set)  # (file, tag) -> subjects
    with open(corpus / "labels.tsv", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            labels[(row["file"], row["tag"])].add(row["service"])
    return labels


def table(corpus: Path):
    """Rows (tag, code, labelled, found, true positives, precision, recall) for covered tags."""
    labels = load_labels(corpus)
    files = sorted({f for f, _ in labels})
    codes = registered_codes()
    found = defaultdict(set)  # (file, code) -> subjects
    for name in files:
        text = (corpus / "files" / name).read_text(encoding="utf-8")
        for d in lint(text, str(corpus / "files" / name), Settings(env={})):
            found[(name, d.code)].add(subject(d.path))
    rows = []
    for code in sorted(set(TAGS.values())):
        if code not in codes:
            continue
        tags = [t for t, c in TAGS.items() if c == code]
        reported = sum(len(found[(f, code)]) for f in files)
        hits = sum(len(found[(f, code)] & set().union(*(labels[(f, t)] for t in tags))) for f in files)
        for tag in tags:
            labelled = sum(len(labels[(f, tag)]) for f in files)
            tp = sum(len(found[(f, code)] & labels[(f, tag)]) for f in files)
            rows.append((tag, code, labelled, reported, tp,
                         hits / reported if reported else 1.0, tp / labelled if labelled else 1.0))
    return rows


def format_table(rows) -> str:
    lines = [f"{'tag':<26} {'code':<6} {'labels':>6} {'found':>6} {'tp':>4} {'precision':>9} {'recall':>7}"]
    for tag, code, labelled, reported, tp, p, r in rows:
        lines.append(f"{tag:<26} {code:<6} {labelled:>6} {reported:>6} {tp:>4} {p:>9.2f} {r:>7.2f}")
    return "\n".join(lines)


def test_precision_and_recall_per_tag():
    corpus = SHARED / "corpus"
    if not corpus.exists():
        pytest.skip("../shared/corpus is absent")
    rows = table(corpus)
    print("\n" + format_table(rows))
    bad = [r for r in rows if r[5] < PRECISION or r[6] < RECALL]
    assert not bad, "below precision 0.95 or recall 0.90:\n" + format_table(bad)

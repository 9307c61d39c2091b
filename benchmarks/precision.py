#!/usr/bin/env python3
"""Per-rule precision of the default rules on real stack files nobody here wrote.

    python3 benchmarks/precision/fetch_files.py   # once: the extra files into an ignored folder
    python3 benchmarks/precision.py               # the table
    python3 benchmarks/precision.py --unlabelled  # findings nobody has judged yet, as TSV rows
    python3 benchmarks/precision.py --batch oos1  # the table for one batch of files only

Files: `../shared/corpus/files` (60) and `benchmarks/precision/files` (178; manifest.tsv pins each
one's repo, path, commit and sha256). Every warning- and error-level finding there is judged by
hand in `benchmarks/precision/labels.tsv` (TP or FP, with the reason; NA for a finding that only
the harness causes: a `file:` or env_file that exists in the repository beside the stack file,
which the harness does not copy; an error from a `${VAR}` the empty environment leaves empty; an
override file, linted alone, missing what its base file gives). A finding is matched to
its label by file, code, line and column; a finding without a label, or a label whose finding
is gone, is listed so that the table never silently drifts. Targets: warning >= 0.95, error 1.00.
manifest.tsv's `batch` column names when a file joined: empty for the files the rules were tuned
on (and the corpus), `oos1` for 46 files collected afterwards to measure precision out of sample,
`oos2` for 42 more (2026-12-01: measured once, then SL404's one false positive there was fixed and
SL203's messages made precise).
The files are linted with an empty environment, so SL005's warning-level "variable is not set"
says only that this run lacks the variable: it is not a claim about the file and is not judged.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stacklint.diagnostics import Severity  # noqa: E402
from stacklint.engine import lint  # noqa: E402
from stacklint.settings import Settings  # noqa: E402

SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
              ROOT.parent / "shared")
SETS = {"corpus": SHARED / "corpus" / "files",
        "extra": ROOT / "benchmarks" / "precision" / "files"}
LABELS = ROOT / "benchmarks" / "precision" / "labels.tsv"
MANIFEST = ROOT / "benchmarks" / "precision" / "manifest.tsv"
TUNED = "tuned"  # the batch of the corpus and of the manifest rows with an empty batch
COLUMNS = ("set", "file", "code", "line", "col", "verdict", "reason")
TARGET = {Severity.ERROR: 1.0, Severity.WARNING: 0.95}


def batches():
    """File name -> batch, for the extra files (the corpus files are all in TUNED)."""
    with open(MANIFEST, newline="") as fh:
        return {r["file"]: r.get("batch") or TUNED for r in csv.DictReader(fh, delimiter="\t")}


def in_batch(set_name, file, batch, batch_of):
    if batch is None:
        return True
    return (TUNED if set_name == "corpus" else batch_of.get(file, TUNED)) == batch


def findings(batch=None):
    """(set, file, code, line, col) -> (severity, message) for every judged-level finding."""
    out = {}
    batch_of = batches()
    for name, folder in SETS.items():
        if not folder.exists():
            continue
        for path in sorted(folder.iterdir()):
            if not in_batch(name, path.name, batch, batch_of):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for d in lint(text, str(path), Settings(env={})):
                if d.severity not in TARGET or (d.code == "SL005" and d.severity == Severity.WARNING):
                    continue
                key = (name, path.name, d.code, d.range.start.line + 1, d.range.start.column + 1)
                out[key] = (d.severity, d.message)
    return out


def load_labels():
    if not LABELS.exists():
        return {}
    with open(LABELS, newline="") as fh:
        return {(r["set"], r["file"], r["code"], int(r["line"]), int(r["col"])): (r["verdict"], r["reason"])
                for r in csv.DictReader(fh, delimiter="\t")}


def table(found, labels):
    per = defaultdict(Counter)
    severity = {}
    for key, (sev, _) in found.items():
        code = key[2]
        severity[code] = sev
        verdict = labels.get(key, ("unlabelled",))[0]
        per[code][verdict] += 1
    rows = []
    for code in sorted(per):
        c = per[code]
        judged = c["TP"] + c["FP"]
        precision = c["TP"] / judged if judged else 1.0
        rows.append((code, severity[code].name.lower(), c["TP"], c["FP"], c["NA"], c["unlabelled"], precision,
                     precision >= TARGET[severity[code]] and not c["unlabelled"]))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--unlabelled", action="store_true", help="print unjudged findings as TSV rows")
    ap.add_argument("--batch", metavar="NAME",
                    help=f"only the files of this manifest batch ({TUNED!r} = the files the rules were tuned on)")
    args = ap.parse_args()
    missing = [str(f) for f in SETS.values() if not f.exists()]
    if missing:
        print("absent (run benchmarks/precision/fetch_files.py?): " + ", ".join(missing), file=sys.stderr)
    batch_of = batches()
    if args.batch is not None and args.batch != TUNED and args.batch not in batch_of.values():
        print(f"no such batch in {MANIFEST.name}: {args.batch}", file=sys.stderr)
        return 2
    found = findings(args.batch)
    labels = {k: v for k, v in load_labels().items() if in_batch(k[0], k[1], args.batch, batch_of)}
    if args.unlabelled:
        for key, (sev, msg) in sorted(found.items()):
            if key not in labels:
                print("\t".join(map(str, key)) + "\t?\t" + msg.replace("\t", " "))
        return 0
    rows = table(found, labels)
    print(f"{'code':<6} {'severity':<8} {'TP':>4} {'FP':>4} {'NA':>4} {'new':>4} {'precision':>9}  target")
    for code, sev, tp, fp, na, new, p, ok in rows:
        print(f"{code:<6} {sev:<8} {tp:>4} {fp:>4} {na:>4} {new:>4} {p:>9.2f}  {'ok' if ok else 'BELOW'}")
    stale = [k for k in labels if k not in found and (SETS[k[0]]).exists()]
    for k in stale:
        print("stale label (no such finding any more): " + "\t".join(map(str, k)))
    files = sum(in_batch(name, p.name, args.batch, batch_of)
                for name, f in SETS.items() if f.exists() for p in f.iterdir())
    bad = [r for r in rows if not r[7]]
    print(f"\n{files} files; {len(rows) - len(bad)} of {len(rows)} rules at target "
          f"(warning >= {TARGET[Severity.WARNING]}, error {TARGET[Severity.ERROR]:.2f})")
    return 1 if bad or stale else 0


if __name__ == "__main__":
    sys.exit(main())

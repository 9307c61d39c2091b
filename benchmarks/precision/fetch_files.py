#!/usr/bin/env python3
"""Put the precision set's stack files into benchmarks/precision/files/ (git-ignored).

    python3 benchmarks/precision/fetch_files.py [--mirrors /work/.mirror]

The files are public stack files nobody on the project wrote; the repository keeps only
manifest.tsv (repo, path, commit, sha256 per file), never their text. Each file is read with
`git show COMMIT:PATH` from a local mirror (`MIRRORS/<owner>+<name>/repo`, as the search tool's
`fetch` leaves it) and checked against its sha256. What cannot be had is printed with the raw
URL to fetch it by hand; the exit status is 1 when anything is missing or differs.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.tsv"
FILES = HERE / "files"


def rows():
    with open(MANIFEST, newline="") as fh:
        yield from csv.DictReader(fh, delimiter="\t")


def git_dir(mirrors: Path, repo: str):
    base = mirrors / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").exists():
            return candidate
    return None


def read_blob(mirrors: Path, row) -> bytes | None:
    gd = git_dir(mirrors, row["repo"])
    if gd is None:
        return None
    res = subprocess.run(["git", f"--git-dir={gd}", "show", f"{row['commit']}:{row['path']}"],
                         capture_output=True)
    return res.stdout if res.returncode == 0 else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    args = ap.parse_args()
    FILES.mkdir(exist_ok=True)
    have = missing = 0
    for row in rows():
        target = FILES / row["file"]
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == row["sha256"]:
            have += 1
            continue
        blob = read_blob(args.mirrors, row)
        if blob is not None and hashlib.sha256(blob).hexdigest() == row["sha256"]:
            target.write_bytes(blob)
            have += 1
            continue
        missing += 1
        why = "not in the mirrors" if blob is None else "sha256 differs"
        print(f"missing ({why}): https://raw.githubusercontent.com/{row['repo']}/{row['commit']}/"
              f"{row['path']} -> {target.relative_to(HERE.parent.parent)}")
    print(f"{have} files in {FILES.relative_to(HERE.parent.parent)}, {missing} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

"""Verdict agreement with Docker's own loader, `docker stack config`.

stacklint "rejects" a file when it reports a finding whose `stage` is "load" (every such finding
is an error of SL001-SL006 or the load-time half of SL108). Docker rejects it when
`docker stack config` exits non-zero. The two must agree on every file:
- the 357 oracle cases (`../shared/oracle`, Docker's answers recorded in results.tsv),
- the 60 corpus files in their three recorded contexts (as is, with variables, with env files),
- the bundled example,
- generated mutations of valid files (tests/mutations.py), judged live by `docker stack config`.
Each group prints its count. Lint runs with the case's environment and strict_env=True: the
environment given is the deploy's, exactly as for Docker.
"""
from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import EXAMPLE, ROOT, SHARED, docker_or_skip, shared_or_skip
from .mutations import mutations

FIXTURES = ROOT / "tests" / "fixtures"


def rejects(text: str, path: Path, env: dict) -> list:
    """stacklint's load-stage findings (empty: stacklint accepts the file as Docker's loader would)."""
    return [d for d in lint(text, str(path), Settings(env=env, strict_env=True)) if d.stage == "load"]


def _header(text: str, name: str) -> str:
    m = re.search(rf"^# {name}: (.*)$", text, re.M)
    return m.group(1) if m else ""


def _oracle_cases():
    results = SHARED / "oracle" / "results.tsv"
    if not results.exists():
        return []
    with open(results, newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["mode"] == "config"]
    return rows


def _docker_config(path: Path, env: dict) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(path.parent), "DOCKER_CONFIG": str(path.parent / ".docker")}
    return subprocess.run([docker_or_skip(), "stack", "config", "-c", str(path)], capture_output=True, text=True,
                          env={**base, **env}, cwd=path.parent, timeout=60)


def _materialise(text: str, folder: Path) -> Path:
    """The case file and its auxiliary files (`# files: a=content;b=`) in folder."""
    files = _header(text, "files")
    if files:
        for item in files.split(";"):
            name, _, content = item.partition("=")
            (folder / name).write_bytes(content.encode().decode("unicode_escape").encode("latin-1"))
    path = folder / "docker-stack.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_oracle_cases_agree(tmp_path):
    rows = _oracle_cases()
    if not rows:
        pytest.skip("../shared/oracle is absent")
    disagree, compared = [], 0
    for row in rows:
        case = SHARED / "oracle" / "cases" / f"{row['case']}.yml"
        text = case.read_text(encoding="utf-8")
        if _header(text, "also"):
            continue  # two -c files: stacklint lints one file at a time
        folder = tmp_path / row["case"]
        folder.mkdir()
        path = _materialise(text, folder)
        env = dict(kv.split("=", 1) for kv in _header(text, "env").split(";") if "=" in kv)
        found = rejects(text, path, env)
        docker_rejects = row["rc"] != "0"
        compared += 1
        if bool(found) != docker_rejects:
            disagree.append(f"{row['case']}: docker rc={row['rc']} ({row['stderr'][:90]}); "
                            f"stacklint: {[(d.code, d.message[:80]) for d in found] or 'accepts'}")
    print(f"\noracle cases compared: {compared}, agree: {compared - len(disagree)}")
    assert not disagree, "\n".join(disagree)


def _manifest():
    path = SHARED / "corpus" / "manifest.tsv"
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_corpus_agrees_in_all_three_contexts(tmp_path):
    corpus = shared_or_skip("corpus")
    disagree, compared = [], 0
    for row in _manifest():
        source = corpus / "files" / row["file"]
        text = source.read_text(encoding="utf-8")
        variables = {v: "example" for v in row["env_vars_set"].split(",") if v}
        # as is: no variables, env files missing (Docker ran it in a folder without them)
        bare = tmp_path / "bare" / row["file"]
        bare.mkdir(parents=True)
        contexts = [("as is", bare, {}, row["oracle_rc"]), ("env", bare, variables, row["oracle_env_rc"])]
        stubbed = tmp_path / "ctx" / row["file"]
        stubbed.mkdir(parents=True)
        for rel in filter(None, row["stubbed_env_files"].split(",")):
            target = stubbed / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("")
        contexts.append(("env+files", stubbed, variables, row["oracle_ctx_rc"]))
        for label, folder, env, rc in contexts:
            path = folder / "docker-stack.yml"
            path.write_text(text, encoding="utf-8")
            found = rejects(text, path, env)
            compared += 1
            if bool(found) != (rc != "0"):
                disagree.append(f"{row['file']} [{label}]: docker rc={rc}; stacklint: "
                                f"{[(d.code, d.message[:80]) for d in found] or 'accepts'}")
    print(f"\ncorpus contexts compared: {compared}, agree: {compared - len(disagree)}")
    assert not disagree, "\n".join(disagree)


def test_example_agrees(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "docker-stack.yml"
    path.write_text(text)
    docker = _docker_config(path, {})
    assert docker.returncode == 0, docker.stderr
    assert rejects(text, path, {}) == []


def _mutation_bases():
    bases = [EXAMPLE, FIXTURES / "rich-stack.yml", FIXTURES / "small-3.4-stack.yml"]
    return [(b.name, b.read_text(encoding="utf-8")) for b in bases]


def test_generated_mutations_agree(tmp_path):
    docker_or_skip()
    seen, cases = set(), []
    for name, text in _mutation_bases():
        for seed in (0, 1):
            for label, mutated in mutations(text, seed=seed):
                if mutated not in seen:
                    seen.add(mutated)
                    cases.append((f"{name}/{seed}/{label}", mutated))
    assert len(cases) >= 200, len(cases)
    env = {"TAG": "1.27"}
    disagree = []
    for i, (label, text) in enumerate(cases):
        folder = tmp_path / str(i)
        folder.mkdir()
        path = folder / "docker-stack.yml"
        path.write_text(text, encoding="utf-8")
        docker = _docker_config(path, env)
        found = rejects(text, path, env)
        if bool(found) != (docker.returncode != 0):
            disagree.append(f"{label}: docker rc={docker.returncode} ({docker.stderr.strip()[:120]}); "
                            f"stacklint: {[(d.code, d.message[:80]) for d in found] or 'accepts'}")
    print(f"\ngenerated mutations compared: {len(cases)}, agree: {len(cases) - len(disagree)}")
    assert not disagree, "\n".join(disagree)

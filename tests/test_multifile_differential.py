"""Multi-file stacks against `docker stack config -c A -c B [-c C]`, on generated cases.

For every case (tests/multifile_cases.py: one family per merge rule of docker/cli's merge.go):
- stacklint reports an error-level load finding exactly when Docker refuses the combination;
- where Docker accepts it, stacklint's merged stack equals Docker's output, compared after
  bringing both to one canonical shape (short syntax expanded as Docker's loader expands it,
  durations and sizes as numbers).
Docker's answers are recorded in tests/data/multifile_answers.json (`python3 -m
tests.multifile_cases` rewrites them); the `docker` test checks them against the live CLI.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest

from stacklint.document import parse
from stacklint.diagnostics import Severity
from stacklint.merge import merge_files
from stacklint.parsers import parse_bytes, parse_duration, parse_port_spec, parse_volume, split_command
from stacklint.settings import Settings
from stacklint.stack import lint_stack

from .conftest import ROOT, docker_or_skip
from .multifile_cases import ANSWERS, cases, docker_answer

CASES = cases()
RECORDED = json.loads((ROOT / ANSWERS).read_text())


def _refused_by_stacklint(texts) -> bool:
    found = lint_stack([(t, None) for t in texts], Settings(env={}))
    return any(d.stage == "load" and d.severity == Severity.ERROR for per_file in found for d in per_file)


def test_answers_are_for_these_cases():
    assert sorted(RECORDED) == sorted(CASES)


def test_every_merge_rule_agrees_with_docker(capsys):
    totals, agree, disagreements = Counter(), Counter(), []
    for case, texts in CASES.items():
        family = case.rsplit("-", 1)[0]
        totals[family] += 1
        answer = RECORDED[case]
        refused = _refused_by_stacklint(texts)
        if refused != (answer["rc"] != 0):
            disagreements.append(f"{case}: docker rc={answer['rc']} {answer['error']!r}, stacklint refused={refused}")
            continue
        if answer["rc"] == 0:
            ours = canonical(merge_files([parse(t).data for t in texts])[0])
            theirs = canonical(answer["config"])
            if ours != theirs:
                disagreements.append(f"{case}:\n  ours   {ours}\n  docker {theirs}")
                continue
        agree[family] += 1
    with capsys.disabled():
        print("\nmulti-file differential: " + ", ".join(f"{f} {agree[f]}/{totals[f]}" for f in totals)
              + f"; total {sum(agree.values())}/{sum(totals.values())}")
    assert disagreements == []


@pytest.mark.docker
def test_recorded_answers_match_the_live_cli():
    docker = docker_or_skip()
    stale = [case for case, texts in CASES.items()
             if _comparable(docker_answer(texts, docker)) != _comparable(RECORDED[case])]
    assert stale == [], "re-record with `python3 -m tests.multifile_cases`"


def _comparable(answer: dict) -> tuple:
    return answer["sha256"], answer["rc"], json.dumps(answer["config"], sort_keys=True), answer["error"]


# --- one canonical shape for Docker's output and for stacklint's merged data ----------------------
def canonical(data: dict) -> dict:
    out = {}
    for name, svc in sorted((data.get("services") or {}).items()):
        # init is a *bool: Docker prints `init: false`, so false is not "absent" there
        out[name] = {k: _field(k, v) for k, v in sorted(svc.items()) if k == "init" or not _empty(_field(k, v))}
    tops = {}
    for section in ("networks", "volumes", "secrets", "configs"):
        for name, obj in sorted((data.get(section) or {}).items()):
            obj = dict(obj or {})
            if obj.get("external") and obj.get("name") == name:
                obj.pop("name")  # Docker names an external object after its key when it has no name
            tops[f"{section}.{name}"] = {k: v for k, v in sorted(obj.items()) if not _empty(v)}
    return {"services": out, "objects": tops}


def _empty(v) -> bool:
    return v in (None, "", [], {}, 0, False)


def _field(key, value):
    if key == "ports":
        return [p for item in value for p in _port(item)]
    if key == "volumes":
        return [_volume(item) for item in value]
    if key in ("secrets", "configs"):
        return [{"source": item} if isinstance(item, str) else item for item in value]
    if key in ("command", "entrypoint"):
        return split_command(value) if isinstance(value, str) else value
    if key in ("environment", "labels", "sysctls"):
        return _map(value, None if key == "environment" else "")
    if key in ("dns", "dns_search", "tmpfs", "env_file"):
        return [value] if isinstance(value, str) else value
    if key == "expose":
        return [str(v) for v in value]
    if key == "extra_hosts":
        return [f"{k}:{v}" for k, v in value.items()] if isinstance(value, dict) else value
    if key == "ulimits":
        return {k: ({"single": v} if isinstance(v, int) else v) for k, v in value.items()}
    if key == "networks":
        items = dict.fromkeys(value) if isinstance(value, list) else value
        return {k: {a: b for a, b in (v or {}).items() if not _empty(b)} for k, v in items.items()}
    if key in ("stop_grace_period",):
        return parse_duration(str(value))
    if key == "healthcheck":
        out = {k: (parse_duration(str(v)) if k in ("interval", "timeout", "start_period") else v)
               for k, v in value.items()}
        if isinstance(out.get("test"), str):
            out["test"] = ["CMD-SHELL", out["test"]]
        return {k: v for k, v in out.items() if not (_empty(v) and k != "retries")}
    if key == "deploy":
        return _deploy(value)
    if key == "build":
        return {k: (_map(v, None) if k == "args" else v) for k, v in value.items() if not _empty(v)}
    if key == "logging":
        return {k: v for k, v in value.items() if not _empty(v)}
    return value


def _map(value, missing):
    if isinstance(value, list):
        pairs = [str(item).partition("=") for item in value]
        return {k: (v if sep else missing) for k, sep, v in pairs}
    return {k: (missing if v is None else str(v)) for k, v in value.items()}


def _port(item):
    if isinstance(item, dict):
        return [{k: v for k, v in item.items() if not _empty(v)}]
    return [{k: v for k, v in (("mode", m.mode), ("target", m.target), ("published", m.published),
                               ("protocol", m.protocol)) if v is not None}
            for m in parse_port_spec(str(item))]


def _volume(item):
    if isinstance(item, dict):
        return {k: v for k, v in item.items() if not _empty(v)}
    spec = parse_volume(item)
    out = {"type": spec.type, "source": spec.source, "target": spec.target, "read_only": spec.read_only}
    if spec.type == "volume" and not spec.source:
        out["volume"] = {}
    return {k: v for k, v in out.items() if not _empty(v)}


def _deploy(value):
    out = {}
    for k, v in value.items():
        if k in ("restart_policy", "update_config", "rollback_config"):
            v = {a: (parse_duration(str(b)) if a in ("delay", "window", "monitor") else b) for a, b in (v or {}).items()}
            v = {a: b for a, b in v.items() if not (_empty(b) and a not in ("max_attempts", "parallelism"))}
        elif k == "resources":
            v = {part: {a: (parse_bytes(str(b)) if a == "memory" else b) for a, b in (limits or {}).items()
                        if not _empty(b) and b != "0"}
                 for part, limits in (v or {}).items()}
            v = {a: b for a, b in v.items() if b}
        elif k == "placement":
            v = {a: b for a, b in (v or {}).items() if not _empty(b)}
        elif k == "labels":
            v = _map(v, "")
        if k != "replicas" and _empty(v):
            continue
        out[k] = v
    return out

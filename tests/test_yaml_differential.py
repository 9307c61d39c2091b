"""YAML syntax against Docker's own loader (`docker stack config`, client only, offline).

600 generated stack files (tests/yaml_syntax_cases.py) mix the YAML forms where libyaml 0.1.7
(inside the C composer) and go-yaml v3 (Docker) disagree with everything around them. Docker's
answers are cached in tests/data/yaml_syntax_docker.json, so the comparison runs without docker;
test_cached_answers_are_dockers re-asks the live CLI (`docker` marker: quick, offline, run in CI).

How the verdicts map: Docker refuses a file exactly when stacklint reports a load-stage finding.
Where Docker's error is the YAML library's, the code is fixed:
- `yaml: line N: ...` and other go-yaml syntax errors, `anchor ... contains itself`,
  `cannot decode ...`, `map merge requires ...`: SL001 (the YAML is not what Docker reads);
- `mapping key "k" already defined`: SL002 (its own rule);
- a key that is not a string (`invalid map key`, `cannot unmarshal !!seq into string`,
  `json: unsupported type`, `top-level object must be a mapping`): SL004.
Where both accept, the `x-` fields stacklint read equal the ones Docker printed back (read with
PyYAML, a YAML reader that is not stacklint's, taught the plain forms go-yaml writes: it quotes
every string that would read back as another type, by its own rules, not YAML 1.1's).
"""
from __future__ import annotations

import datetime
import json
import math
import re

import pytest
import yaml as pyyaml

from stacklint.document import parse
from stacklint.engine import lint
from stacklint.scalars import GoTime
from stacklint.settings import Settings

from .conftest import docker_or_skip
from .yaml_syntax_cases import CACHE, ask_docker, digest, docker_answer, documents

# How often an answer that differs from the cached one is asked again (see test_cached_answers_are_dockers):
# with two unknown keys, sixteen tries all missing the cached one has odds 1 in 65,536.
RETRIES = 16


class _DockerOutputLoader(pyyaml.SafeLoader):
    """Reads what go-yaml's encoder writes: only its own plain forms of null, bool, int, float and
    time (RFC 3339) are typed; `22:22` or `2024-02-30`, unquoted, are strings (YAML 1.1 differs)."""

    yaml_implicit_resolvers: dict = {}


for _tag, _pattern, _first in [
    ("null", r"^(?:null|~|)$", ["n", "~", ""]),
    ("bool", r"^(?:true|false)$", ["t", "f"]),
    ("int", r"^-?[0-9]+$", list("-0123456789")),
    ("float", r"^-?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.inf)$|^\.nan$", list("-.0123456789")),
    ("timestamp", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})$",
     list("0123456789")),
]:
    _DockerOutputLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first)

_KEY_ERRORS = ("invalid map key", "into string", "json: unsupported type", "top-level object must be a mapping")


def expected_code(error: str):
    """The code stacklint must report for Docker's error, or None when any load finding will do."""
    if "already defined" in error and "yaml: unmarshal errors" in error:
        return "SL002"
    if any(k in error for k in _KEY_ERRORS):
        return "SL004"
    if error.startswith("yaml:") or "contains itself" in error:
        return "SL001"
    return None


def same(docker, ours) -> bool:
    """Docker's printed value (as PyYAML reads it) and the value stacklint loaded."""
    if isinstance(ours, GoTime):  # Docker prints a time.Time in RFC 3339
        mine = datetime.datetime.fromisoformat(ours.rfc3339())
        return isinstance(docker, datetime.datetime) and docker == mine and docker.utcoffset() == mine.utcoffset()
    if isinstance(ours, bool) or ours is None or isinstance(docker, bool):
        return docker is ours
    if isinstance(ours, (int, float)):
        if not isinstance(docker, (int, float)):
            return False
        return (math.isnan(ours) and math.isnan(docker)) or ours == docker
    if isinstance(ours, str):
        # go-yaml's encoder drops the leading line breaks of a literal block (`|2` then a blank
        # line); Docker loaded them, as stacklint does
        return isinstance(docker, str) and (docker == ours or ours[:1] == "\n" and docker == ours.lstrip("\n"))
    if isinstance(ours, list):
        return isinstance(docker, list) and len(docker) == len(ours) and all(map(same, docker, ours))
    return isinstance(docker, dict) and docker.keys() == ours.keys() and all(same(docker[k], ours[k]) for k in ours)


def _extensions(data) -> dict:
    """The x- fields at the top level and in each service: what Docker keeps as it loaded them."""
    out = {k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x-")}
    for name, service in (data.get("services") or {}).items():
        for k, v in (service or {}).items():
            if isinstance(k, str) and k.startswith("x-"):
                out[f"{name}.{k}"] = v
    return out


def _cache() -> dict:
    return json.loads(CACHE.read_text(encoding="utf-8"))


def test_stacklint_refuses_exactly_the_yaml_docker_refuses():
    cache = _cache()
    answers = cache["answers"]
    texts = documents()
    missing = [i for i, t in enumerate(texts) if digest(t) not in answers]
    assert not missing, f"documents {missing[:5]}... have no cached answer: python3 -m tests.yaml_syntax_cases --write-cache"
    counts = {"docker accepts": 0, "docker refuses": 0, "data compared": 0}
    wrong = []
    for i, text in enumerate(texts):
        answer = answers[digest(text)]
        found = [d for d in lint(text, "docker-stack.yml", Settings(env={}, strict_env=True)) if d.stage == "load"]
        codes = sorted({d.code for d in found})
        if answer["status"] != 0:
            counts["docker refuses"] += 1
            code = expected_code(answer["error"])
            if not found or (code is not None and code not in codes):
                wrong.append((i, f"Docker: {answer['error'][:120]!r}; stacklint: {codes or 'nothing'}"))
            continue
        counts["docker accepts"] += 1
        if found:
            wrong.append((i, f"Docker accepts; stacklint: {[(d.code, d.message) for d in found][:2]}"))
            continue
        theirs = _extensions(pyyaml.load(answer["output"], Loader=_DockerOutputLoader))
        ours = _extensions(parse(text).data)
        counts["data compared"] += 1
        if not same(theirs, ours):
            wrong.append((i, f"data differs: Docker {str(theirs)[:200]} / stacklint {str(ours)[:200]}"))
    print(f"\nYAML differential, {len(texts)} documents against Docker {cache['docker']}: {counts}, "
          f"{len(wrong)} disagreements")
    assert not wrong, "\n".join(f"document {i}: {why}\n{texts[i]}" for i, why in wrong[:5])


@pytest.mark.docker
def test_cached_answers_are_dockers():
    """Docker's answers, asked again, are the cached ones (offline: `docker stack config` only)."""
    docker = docker_or_skip()
    texts = documents()
    answers = _cache()["answers"]
    live = ask_docker(texts, docker)
    # Docker names one of several unknown keys, whichever Go's map order gives first (document
    # 434 has two): an answer that differs is asked again, and the cached one must come back
    changed = [i for i, (t, a) in enumerate(zip(texts, live)) if answers[digest(t)] != a
               and not any(answers[digest(t)] == docker_answer(t, docker) for _ in range(RETRIES))]
    print(f"\n{len(texts)} cached answers re-verified against the live docker CLI, {len(changed)} changed")
    assert not changed, f"documents {changed[:10]} answer differently now: rewrite the cache"

"""The deploy differential: stacklint's errors against what a real Swarm did with each case.

tests/deploy_cases/<class>/<id>.yml are stack files, each with a mutation on the lines its
`# mutated:` header names (controls have none); tests/deploy_cases/results.tsv is Docker's answer to
each, recorded by tools/deploy_oracle.py on the engine named in tests/deploy_cases/ENGINE.

- Every CI run: stacklint must report an error whose range touches a mutated line exactly when the
  deploy failed, the service never scheduled or its tasks failed, and no error at all on a case that
  deployed and ran. The counts per class are printed.
- `slow` + `swarm`: re-deploy a deterministic sample (all of them with STACKLINT_DEPLOY_SAMPLE=all)
  on the engine STACKLINT_TEST_DOCKER_HOST names and check the recorded answers still hold.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from stacklint.diagnostics import Severity
from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import ROOT

CASES = ROOT / "tests" / "deploy_cases"


def _oracle():
    spec = importlib.util.spec_from_file_location("deploy_oracle", ROOT / "tools" / "deploy_oracle.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


oracle = _oracle()
RECORDED_ENGINE = (CASES / "ENGINE").read_text().strip()


def _errors(case, tmp_path: Path):
    """stacklint's error-level findings on a case, linted as it was deployed (files, env, stack name)."""
    folder = tmp_path / case.id.replace("/", "__")
    folder.mkdir()
    for name, content in case.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    stack = folder / "stack.yml"
    text = case.path.read_text(encoding="utf-8")
    stack.write_text(text, encoding="utf-8")
    inventory = oracle.swarm_inventory(case, RECORDED_ENGINE) if case.inventory == "swarm" else None
    # the environment is the deploy's own (strict_env): an unset variable's empty value is Docker's too
    settings = Settings(env=dict(case.env), strict_env=True, stack_name=oracle.STACK, engine_version=RECORDED_ENGINE,
                        inventory=inventory)
    return [d for d in lint(text, str(stack), settings) if d.severity >= Severity.ERROR]


def _verdict(case, outcome: str, errors) -> str:
    """'' when stacklint agrees with Docker, else what is wrong."""
    if outcome == "ok":
        return "" if not errors else f"Docker deployed and ran it; stacklint: {_show(errors)}"
    touching = [d for d in errors if any(d.range.start.line + 1 <= n <= d.range.end.line + 1 for n in case.mutated)]
    if touching:
        return ""
    return f"Docker: {outcome}; stacklint has no error on lines {list(case.mutated)}" + (
        f" (errors elsewhere: {_show(errors)})" if errors else "")


def _show(errors) -> str:
    return "; ".join(f"{d.code} line {d.range.start.line + 1}: {d.message}" for d in errors)


def test_cases_are_well_formed():
    cases = oracle.all_cases()
    recorded = oracle.read_results()
    assert sorted(c.id for c in cases) == sorted(recorded), "results.tsv must have one row per case"
    for case in cases:
        outcome, _ = recorded[case.id]
        assert outcome in oracle.OUTCOMES, case.id
        assert case.klass == case.id.split("/")[0], f"{case.id}: '# class:' must name its folder"
        # a control has no mutation; a mutated case names lines inside the file
        lines = case.path.read_text(encoding="utf-8").count("\n") + 1
        assert all(1 <= n <= lines for n in case.mutated), case.id
        assert bool(case.mutated) == (case.klass != "control"), f"{case.id}: controls (only) have no '# mutated:'"


def test_stacklint_agrees_with_the_recorded_deploys(tmp_path, capsys):
    recorded = oracle.read_results()
    per_class, agree, wrong = Counter(), Counter(), []
    for case in oracle.all_cases():
        if case.id not in recorded:
            continue  # test_cases_are_well_formed reports it
        outcome, message = recorded[case.id]
        problem = _verdict(case, outcome, _errors(case, tmp_path))
        per_class[case.klass] += 1
        if problem:
            wrong.append(f"{case.id}: {problem}" + (f" [Docker: {message}]" if message else ""))
        else:
            agree[case.klass] += 1
    outcomes = Counter(o for o, _ in recorded.values())
    with capsys.disabled():
        print(f"\ndeploy differential (engine {RECORDED_ENGINE}): "
              + ", ".join(f"{k} {agree[k]}/{n}" for k, n in sorted(per_class.items()))
              + f"; total {sum(agree.values())}/{sum(per_class.values())}; outcomes "
              + ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items())))
    assert not wrong, "\n".join(wrong)


# --- Live re-verification --------------------------------------------------------------------------

DEFAULT_SAMPLE = 40  # about 2 minutes on the CI engine (most cases fail in the deploy itself)


@pytest.mark.slow
@pytest.mark.swarm
def test_recorded_answers_still_hold_on_the_live_swarm():
    host = os.environ.get("STACKLINT_TEST_DOCKER_HOST")
    if not host:
        pytest.skip("STACKLINT_TEST_DOCKER_HOST is unset: no engine started for these tests")
    env = oracle.engine_env(host)
    version = oracle.engine_version(env)
    if version.split(".")[:2] != RECORDED_ENGINE.split(".")[:2]:
        pytest.skip(f"the answers were recorded on engine {RECORDED_ENGINE}, this one is {version}")
    wanted = os.environ.get("STACKLINT_DEPLOY_SAMPLE", str(DEFAULT_SAMPLE))
    cases = oracle.all_cases()
    cases = oracle.sample(cases, 0 if wanted == "all" else int(wanted))
    oracle.build_probe_image(env, cases)
    recorded = oracle.read_results()
    start = time.monotonic()
    got = oracle.run(env, cases)
    changed = [f"{c.id}: recorded {recorded[c.id]}, now {got[c.id]}" for c in cases if got[c.id] != recorded[c.id]]
    print(f"{len(cases)} cases re-deployed in {time.monotonic() - start:.0f}s")
    assert not changed, "\n".join(changed)

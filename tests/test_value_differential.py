"""Values Docker reads with a Go parser of its own, against Docker's answers.

2,400 generated values (tests/value_syntax_cases.py: memory sizes, durations, short-syntax ports
and volumes, string commands, settings with odd numbers, images, legacy restart policies, cpus), each in its own stack file; Docker's answers are cached in
tests/data/value_syntax_docker.json, so the comparison runs without docker. Two claims:
- the parser that mirrors Docker's reads each accepted value as Docker did (the bytes, the
  duration as Go prints it, the port mappings, the volume, the command's words, the NanoCPUs) and
  refuses each value
  Docker's parser refused;
- a whole lint refuses exactly the files Docker refuses: a load-stage finding where Docker's
  loader failed; for images and cpus, an error at load or deploy where `docker stack deploy`
  failed (the CLI's conversion, or the daemon: a negative number of CPUs, the Swarm's older
  image grammar). Images have no parser test (the CLI keeps the reference as written), nor do
  fields (whole settings with an odd number in them: only the verdict is compared).
The live tests ask `docker stack config` again (`docker`: offline, quick) and redeploy a sample
of the commands and cpus values on the test engine (`swarm`).
"""
from __future__ import annotations

import json
import random

import pytest

from stacklint.diagnostics import Severity
from stacklint.engine import lint
from stacklint.memo import Tables, within
from stacklint.parsers import (parse_bytes, parse_cpus, parse_duration, parse_port_spec, parse_restart_policy,
                               parse_volume, split_command)
from stacklint.settings import Settings

from .conftest import docker_or_skip, engine_env, swarm_manager_or_skip
from .value_syntax_cases import CACHE, LOADER_KINDS, SWARM_KINDS, _loader_answer, ask_swarm, port_digest, stack, values

ANSWERS = json.loads(CACHE.read_text(encoding="utf-8"))["answers"]
KINDS = (*LOADER_KINDS, *SWARM_KINDS)


def go_duration(ns: int) -> str:
    """Go's time.Duration.String: how `docker stack config` prints the duration it read."""
    if ns == 0:
        return "0s"
    sign, ns = ("-", -ns) if ns < 0 else ("", ns)

    def decimal(value: int, places: int) -> str:
        whole, fraction = divmod(value, 10**places)
        fraction_text = str(fraction).rjust(places, "0").rstrip("0")
        return f"{whole}.{fraction_text}" if fraction_text else str(whole)

    if ns < 1_000:
        return f"{sign}{ns}ns"
    if ns < 1_000_000:
        return f"{sign}{decimal(ns, 3)}µs"
    if ns < 1_000_000_000:
        return f"{sign}{decimal(ns, 6)}ms"
    minutes, rest = divmod(ns, 60 * 10**9)
    hours, minutes = divmod(minutes, 60)
    text = f"{decimal(rest, 9)}s"
    if hours or minutes:
        text = f"{minutes}m{text}"
    if hours:
        text = f"{hours}h{text}"
    return sign + text


def test_go_duration_prints_as_go_does():
    # examples from Go's time package tests (TestDurationString)
    assert [go_duration(d) for d in (0, 1, 1_100, 2_200_000, 3_300_000_000, 4 * 60 * 10**9 + 5 * 10**9,
                                      -(2**63))] == \
        ["0s", "1ns", "1.1µs", "2.2ms", "3.3s", "4m5s", "-2562047h47m16.854775808s"]


def read_as_docker_prints(kind: str, value: str):
    """What stacklint's parser makes of value, in the form Docker's answer has."""
    if kind == "memory":
        return str(parse_bytes(value))
    if kind == "duration":
        return go_duration(parse_duration(value))
    if kind == "port":
        mappings = sorted([m.mode, m.target, m.published or 0, m.protocol] for m in parse_port_spec(value))
        return port_digest(mappings) if len(mappings) > 8 else mappings
    if kind == "volume":
        spec = parse_volume(value)
        return [[spec.type, spec.source, spec.target, spec.read_only]]
    if kind == "command":
        return split_command(value)
    if kind == "restart":  # no policy: the Swarm's default, any with no limit
        condition, attempts = parse_restart_policy(value)
        return [condition or "any", attempts or 0]
    return parse_cpus(value)


def _comparable(kind: str, ours, docker):
    if kind == "volume" and ours[0][0] == "bind":  # Docker prints a bind's source made absolute
        docker = [[docker[0][0], ours[0][1], *docker[0][2:]]]
    return ours, docker


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("image", "field")])
def test_the_parser_reads_each_value_as_docker_did(kind):
    wrong = []
    for value in values(kind):
        answer = ANSWERS[kind][value]
        try:
            ours = within(Tables(), read_as_docker_prints, kind, value)
        except ValueError as err:
            ours, why = None, str(err)
        if answer["status"] == 0:
            if ours is None:
                wrong.append(f"{value!r}: Docker read {answer['value']}, stacklint refused it ({why})")
            elif _comparable(kind, ours, answer["value"])[0] != _comparable(kind, ours, answer["value"])[1]:
                wrong.append(f"{value!r}: Docker read {answer['value']}, stacklint {ours}")
        elif ours is not None and "Error response from daemon" not in answer["error"]:
            # (a value the daemon refused was read by the CLI: the lint test covers it)
            wrong.append(f"{value!r}: Docker refused it ({answer['error']}), stacklint read {ours}")
    accepted = sum(a["status"] == 0 for a in ANSWERS[kind].values())
    print(f"\n{kind}: {len(values(kind))} values, {accepted} accepted by Docker, {len(wrong)} read otherwise")
    assert not wrong, "\n".join(wrong[:10])


@pytest.mark.parametrize("kind", KINDS)
def test_a_lint_refuses_exactly_the_files_docker_refuses(kind):
    stages = ("load", "deploy") if kind in ("image", "restart", "cpus") else ("load",)
    wrong = []
    for value in values(kind):
        refused = ANSWERS[kind][value]["status"] != 0
        errors = [f"{d.code} {d.message}" for d in lint(stack(kind, value), None, Settings(env={}))
                  if d.severity == Severity.ERROR and d.stage in stages]
        if bool(errors) != refused:
            wrong.append(f"{value!r}: Docker {'refused' if refused else 'accepted'} it; stacklint: {errors or 'no error'}")
    assert not wrong, "\n".join(wrong[:10])


@pytest.mark.docker
@pytest.mark.parametrize("kind", LOADER_KINDS)
def test_cached_answers_are_dockers(kind):
    """`docker stack config`, asked again, gives the cached answers (client only, offline)."""
    docker_or_skip()
    changed = [v for v in values(kind) if _loader_answer(kind, v) != ANSWERS[kind][v]]
    assert not changed, f"{len(changed)} {kind} values answer differently now (rewrite the cache): {changed[:5]}"


@pytest.mark.swarm
@pytest.mark.parametrize("kind", SWARM_KINDS)
def test_cached_answers_hold_on_the_swarm(kind):
    """A sample of the values, deployed again on the test engine, gives the cached answers."""
    swarm_manager_or_skip()
    sample = random.Random(0).sample(values(kind), 24)
    live = ask_swarm(kind, sample, engine_env())
    changed = [f"{v!r}: cached {ANSWERS[kind][v]}, now {got}" for v, got in zip(sample, live)
               if got != ANSWERS[kind][v]]
    assert not changed, "\n".join(changed)

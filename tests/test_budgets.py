"""Cost budgets: a small pathological file of each shape costs at most a fixed multiple of a
normal file of the same size, and doubling the file at most doubles the cost (plus slack).

Cost is counted, not timed: the Python and C function calls one lint makes (sys.setprofile),
which is deterministic on a shared machine. Wall time lives in benchmarks/hostile.py.
"""
from __future__ import annotations

import sys

import pytest

from stacklint import limits
from stacklint.engine import lint
from stacklint.settings import Settings

SIZE = 6_000  # bytes; big enough for the shape to dominate, small enough to profile quickly


def calls(text: str) -> int:
    lint(text, None, Settings(env={}))  # first use fills the per-process tables (catalogue, schema)
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        lint(text, None, Settings(env={}))
    finally:
        sys.setprofile(None)
    return count


def _grow(head: list, block, size: int) -> str:
    lines, i = list(head), 0
    while sum(len(line) + 1 for line in lines) < size:
        lines += block(i)
        i += 1
    return "\n".join(lines) + "\n"


def normal(size: int) -> str:
    return _grow(['version: "3.8"', "services:"], lambda i: [
        f"  svc{i}:", f"    image: registry.example.com/team/app{i}:1.{i}", "    environment:",
        "      LOG_LEVEL: info", "    ports:", f'      - "{20000 + i}:8080"', "    deploy:", "      replicas: 2",
        "      resources:", "        limits: {cpus: '0.5', memory: 256M}"], size)


def port_ranges(size: int) -> str:
    # every service publishes every port twice: n^2 pairs, 2 * 65,535 ports each
    return _grow(['version: "3.8"', "services:"], lambda i: [
        f"  s{i}:", "    image: nginx:1.27", '    ports: ["1-65535:1-65535", "1-65535:1-65535/udp"]'], size)


def anchors(size: int) -> str:
    # one 40-key anchor used twice per service: each line of YAML stands for 40 keys of data
    head = ['version: "3.8"', "x-l: &l"] + [f"  k{i}: v" for i in range(40)] + ["services:"]
    return _grow(head, lambda i: [f"  s{i}:", "    image: nginx:1.27", "    labels: *l", "    environment: *l"], size)


def long_list(size: int) -> str:
    # one service with a long list of overlapping port ranges
    head = ['version: "3.8"', "services:", "  s:", "    image: nginx:1.27", "    ports:"]
    return _grow(head, lambda i: [f'      - "{1000 + i}-{1010 + i}:{1000 + i}-{1010 + i}"'], size)


def many_services(size: int) -> str:
    # the smallest service there is, over and over: every per-service rule fires for each
    return _grow(['version: "3.8"', "services:"], lambda i: [f"  s{i}:", "    image: x"], size)


# Multiples of the normal file's cost, from measurement (20 kB and 80 kB gave the same ratios:
# ranges 2.4, anchors 13, long list 0.7, many services 5.7) with some headroom.
BUDGETS = {port_ranges: 4, anchors: 16, long_list: 2, many_services: 8}


@pytest.fixture(scope="module")
def normal_cost():
    return calls(normal(SIZE)), calls(normal(2 * SIZE))


@pytest.mark.parametrize("shape", list(BUDGETS), ids=lambda f: f.__name__)
def test_pathological_shape_stays_within_its_budget(shape, normal_cost):
    small, double = calls(shape(SIZE)), calls(shape(2 * SIZE))
    assert small <= BUDGETS[shape] * normal_cost[0]
    # linear: twice the file may cost a little more than twice (the normal file's own ratio)
    assert double / small <= 1.25 * normal_cost[1] / normal_cost[0]


@pytest.mark.parametrize("shape", list(BUDGETS), ids=lambda f: f.__name__)
def test_findings_of_each_shape_are_capped(shape):
    found = lint(shape(4 * SIZE), None, Settings(env={}))
    codes = {d.code for d in found}
    assert len(found) <= limits.MAX_PER_FILE + len(codes)
    for code in codes:
        assert sum(d.code == code for d in found) <= limits.MAX_PER_RULE + 1

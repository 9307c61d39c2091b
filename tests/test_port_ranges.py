"""stacklint.port_ranges: overlaps of intervals by a sorted sweep, checked against brute force."""
from __future__ import annotations

import itertools
import random

import pytest

from stacklint.port_ranges import Interval, count_overlapping_pairs, describe, overlapping_pairs, points_within


def iv(start, end, key="tcp", owner=None):
    return Interval(start, end, key, owner if owner is not None else f"{start}-{end}")


def brute_force(intervals):
    """Every pair of equal keys sharing a port, (first, second, lo, hi), in input order."""
    out = set()
    for (i, a), (j, b) in itertools.combinations(enumerate(intervals), 2):
        lo, hi = max(a.start, b.start), min(a.end, b.end)
        if a.key == b.key and lo <= hi:
            out.add((a.owner, b.owner, lo, hi))
    return out


def as_set(pairs):
    return {(p.first.owner, p.second.owner, p.start, p.end) for p in pairs}


def test_two_full_ranges_are_one_pair_naming_the_overlap():
    pairs = list(overlapping_pairs([iv(1, 65535, owner="a"), iv(1, 65535, owner="b")]))
    assert [(p.first.owner, p.second.owner, p.start, p.end) for p in pairs] == [("a", "b", 1, 65535)]


def test_partial_overlap_names_only_the_shared_ports():
    assert as_set(overlapping_pairs([iv(8000, 8010, owner="a"), iv(8005, 9000, owner="b")])) == {("a", "b", 8005, 8010)}


def test_first_of_a_pair_is_the_earlier_in_the_input_even_when_it_starts_later():
    assert as_set(overlapping_pairs([iv(90, 100, owner="late"), iv(1, 95, owner="wide")])) == {("late", "wide", 90, 95)}


def test_touching_is_not_overlapping_and_sharing_one_end_is():
    assert as_set(overlapping_pairs([iv(1, 9), iv(10, 20)])) == set()
    assert as_set(overlapping_pairs([iv(1, 10, owner="a"), iv(10, 20, owner="b")])) == {("a", "b", 10, 10)}


def test_different_keys_never_overlap():
    assert as_set(overlapping_pairs([iv(53, 53, "udp"), iv(53, 53, "tcp")])) == set()


def test_an_interval_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="interval 9-1 ends before it starts"):
        list(overlapping_pairs([iv(9, 1)]))


@pytest.mark.parametrize("seed", range(30))
def test_pairs_and_count_agree_with_brute_force(seed):
    rng = random.Random(seed)
    intervals = []
    for n in range(rng.randint(0, 40)):
        start = rng.randint(1, 200)
        intervals.append(Interval(start, start + rng.choice([0, 0, 1, 5, 50, 300]), rng.choice(["tcp", "udp"]), n))
    expected = brute_force(intervals)
    found = list(overlapping_pairs(intervals))
    assert len(found) == len(expected)  # no pair twice
    assert as_set(found) == expected
    assert count_overlapping_pairs(intervals) == len(expected)


def test_reading_the_first_pairs_does_not_build_the_rest():
    # 2,000 identical ranges: 1,999,000 pairs; taking 5 must not walk them all.
    intervals = [iv(1, 65535, owner=i) for i in range(2000)]
    pairs = overlapping_pairs(intervals)
    assert [(p.first.owner, p.second.owner) for p in itertools.islice(pairs, 3)] == [(0, 1), (0, 2), (1, 2)]
    assert count_overlapping_pairs(intervals) == 2000 * 1999 // 2


def test_points_within_and_describe():
    assert points_within([22, 2377, 4789, 7946], 1, 5000) == [22, 2377, 4789]
    assert points_within([22, 2377, 4789, 7946], 23, 2376) == []
    assert (describe(80, 80), describe(8000, 8010)) == ("80", "8000-8010")

"""port_ranges.IntervalMap: later assignments win where they overlap, as intervals."""
from __future__ import annotations

import random

from stacklint.port_ranges import IntervalMap, Segment


def test_an_assignment_inside_a_segment_cuts_it_in_three():
    m = IntervalMap()
    m.assign(10, 20, "a")
    m.assign(15, 15, "b")
    assert m.segments() == [Segment(10, 14, "a"), Segment(15, 15, "b"), Segment(16, 20, "a")]


def test_an_assignment_over_several_segments_keeps_their_outer_parts():
    m = IntervalMap()
    for start, end, owner in ((0, 0, "z"), (10, 20, "a"), (30, 40, "c"), (18, 35, "d")):
        m.assign(start, end, owner)
    assert m.segments() == [Segment(0, 0, "z"), Segment(10, 17, "a"), Segment(18, 35, "d"), Segment(36, 40, "c")]


def test_the_same_answers_as_a_map_of_single_ports():
    rng = random.Random(5)
    for _ in range(200):
        m, ports = IntervalMap(), {}
        for n in range(rng.randint(1, 8)):
            start = rng.randint(0, 30)
            end = start + rng.randint(0, 10)
            m.assign(start, end, n)
            ports.update(dict.fromkeys(range(start, end + 1), n))
        expanded = {p: seg.owner for seg in m.segments() for p in range(seg.start, seg.end + 1)}
        assert expanded == ports
        starts = [seg.start for seg in m.segments()]
        assert starts == sorted(starts)

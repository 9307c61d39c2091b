"""Overlaps among closed integer intervals (published port ranges), found by a sorted sweep.

Pure and independent of YAML: an interval is (start, end, key, owner), and two intervals
overlap when their keys are equal (the protocol) and they share at least one integer. The
sweep costs O(n log n) plus the pairs it yields, so a caller that stops early pays for what
it reads; `count_overlapping_pairs` gives the total in O(n log n) without building any pair.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
import heapq
from bisect import bisect_left, bisect_right

from .record import tuple_record

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:
    from typing import Any


@tuple_record
class Interval:
    start: int
    end: int  # inclusive
    key: Hashable  # only intervals with equal keys can overlap (e.g. the protocol)
    owner: Any  # whatever the caller needs back (service, path, mode)


@tuple_record
class Overlap:
    first: Interval  # the one earlier in the input
    second: Interval
    start: int  # the shared ports, inclusive
    end: int


def _by_key(intervals: Iterable[Interval]) -> dict[Hashable, list[tuple[int, Interval]]]:
    groups: dict[Hashable, list[tuple[int, Interval]]] = {}
    for order, iv in enumerate(intervals):
        if iv.start > iv.end:
            raise ValueError(f"interval {iv.start}-{iv.end} ends before it starts")
        groups.setdefault(iv.key, []).append((order, iv))
    return groups


def overlapping_pairs(intervals: Iterable[Interval]) -> Iterator[Overlap]:
    """Every overlapping pair once, ordered by where the later-starting interval starts.

    The pair's `first` is the interval that came first in the input, so a caller can report
    the second against the first, as a reader of the file meets them.
    """
    for group in _by_key(intervals).values():
        group.sort(key=lambda item: (item[1].start, item[0]))
        active: list[tuple[int, int, Interval]] = []  # heap of (end, order, interval) still open
        for order, iv in group:
            while active and active[0][0] < iv.start:
                heapq.heappop(active)
            for _end, other_order, other in sorted(active, key=lambda a: a[1]):
                a, b = (other, iv) if other_order < order else (iv, other)
                yield Overlap(a, b, iv.start, min(iv.end, other.end))
            heapq.heappush(active, (iv.end, order, iv))


def count_overlapping_pairs(intervals: Iterable[Interval]) -> int:
    """How many pairs overlapping_pairs would yield, without building them."""
    total = 0
    for group in _by_key(intervals).values():
        ends: list[int] = []
        for start, end in sorted((iv.start, iv.end) for _, iv in group):
            while ends and ends[0] < start:
                heapq.heappop(ends)
            total += len(ends)
            heapq.heappush(ends, end)
    return total


def points_within(points: list[int], start: int, end: int) -> list[int]:
    """The members of a sorted list that fall in [start, end], by bisection."""
    return points[bisect_left(points, start):bisect_right(points, end)]


def describe(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


@tuple_record
class Segment:
    start: int
    end: int  # inclusive
    owner: Any


class IntervalMap:
    """A map from integers to owners, assigned a whole interval at a time (a later assignment
    wins where it overlaps an earlier one) and kept as disjoint intervals: assigning 1-65535
    costs one segment, not 65,535 keys. Assigning costs O(log n) plus the segments it cuts."""

    def __init__(self) -> None:
        self._segments: list[Segment] = []
        self._starts: list[int] = []

    def assign(self, start: int, end: int, owner: Any) -> None:
        if start > end:
            raise ValueError(f"interval {start}-{end} ends before it starts")
        segments = self._segments
        first = bisect_right(self._starts, start) - 1
        if first < 0 or segments[first].end < start:
            first += 1
        last = first
        while last < len(segments) and segments[last].start <= end:
            last += 1
        # what stays of the cut segments: the part before the new one and the part after it
        kept_before = [s._replace(end=start - 1) for s in segments[first:first + 1] if s.start < start]
        kept_after = [s._replace(start=end + 1) for s in segments[last - 1:last] if last > first and s.end > end]
        replacement = kept_before + [Segment(start, end, owner)] + kept_after
        segments[first:last] = replacement
        self._starts[first:last] = [s.start for s in replacement]

    def segments(self) -> list[Segment]:
        """The disjoint segments, in ascending order."""
        return list(self._segments)

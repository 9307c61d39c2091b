"""Random editing sessions on a stack file, as a user types: the input of the incremental-vs-full
differential (tests/test_incremental.py, and its long run in benchmarks/lsp_latency.py).

Each step is one edit of one kind: typing into a value, typing anywhere, deleting a line, pasting
a block copied from elsewhere in the file, breaking the YAML (and fixing it on the next step),
renaming a service, changing a value to one a rule flags, editing a top-level section. The
session drifts back to the original text now and then, so it stays a stack file most of the time.
"""
from __future__ import annotations

import random
import re
from dataclasses import astuple, dataclass
from typing import Callable, Iterator, List, Tuple

from stacklint.engine import lint
from stacklint.incremental import BLOCK, INCREMENTAL, IncrementalLinter, Superseded
from tests.mutations import VALUE_MUTATIONS

_TOP_KEY = re.compile(r"[A-Za-z_][\w.-]*:")
_SERVICE_KEY = re.compile(r"( {1,4})([A-Za-z0-9_.-]+):\s*$")
_VALUE = re.compile(r"^(\s+(?:- )?[\w.-]+: )(\S.*)$")
_BREAKERS = [": [", "\"", "\t", "  - x", "{", "]", ": :", "&a", "*nope", "<<: *nope", "? x"]
_TYPED = "abcxyz0123456789 -:_./\"'#${}"


def session(text: str, steps: int, seed: int, broken: Callable[[], bool] = lambda: False) \
        -> Iterator[Tuple[str, str]]:
    """(kind of edit, text after it), steps times, reproducible from seed. broken() tells whether
    the last text yielded does not load: an edit that broke the file is mostly undone next."""
    rng = random.Random(seed)
    original, broken_from, before = text, None, text
    for _ in range(steps):
        lines = text.split("\n")
        if broken_from is not None:
            kind, text, broken_from = "fix-yaml", broken_from, None
        elif broken() and rng.random() < 0.8:
            kind, text = "undo", before
        elif rng.random() < 0.04 or not any(line.startswith("services:") for line in lines):
            kind, text = "back-to-original", original
        else:
            kind = rng.choice(["type-value", "type-value", "type-value", "type", "delete-line", "paste",
                               "break-yaml", "rename-service", "flagged-value", "top-level"])
            edited = _EDITS[kind](lines, rng)
            if edited is None:
                kind, edited = "type-value", _type_value(lines, rng)
            if edited is None:
                continue
            if kind == "break-yaml":
                broken_from = text
            before, text = text, "\n".join(edited)
        yield kind, text


@dataclass
class Tally:
    """How many edits a differential applied, and how many of them took each reuse path."""
    edits: int = 0  # compared with a full lint()
    incremental: int = 0  # kept the findings of untouched services
    block: int = 0  # re-parsed only the edited service block
    schema: int = 0  # validated only the edited service
    model: int = 0  # started from the last lint's model
    superseded: int = 0  # stopped part-way, as for a key typed before the lint finished (not compared)

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(*(a + b for a, b in zip(astuple(self), astuple(other))))

    def line(self) -> str:
        share = lambda n: f"{n} ({n / max(self.edits, 1):.0%})"  # noqa: E731
        return (f"{self.edits} edits: findings kept {share(self.incremental)}, block re-parsed "
                f"{share(self.block)}, one service validated {share(self.schema)}, model carried over "
                f"{share(self.model)}, superseded part-way {share(self.superseded)}")


def differential(text: str, path, settings, steps: int, seed: int) -> Tally:
    """Lint every text of a session both ways and compare; how many edits took each reuse path.
    Raises AssertionError, naming the seed and the step, on the first difference."""
    linter = IncrementalLinter()
    assert linter.lint(text, path, settings) == lint(text, path, settings), f"{path}: the first lint differs"
    tally = Tally()
    stops = random.Random(seed + 1)  # which lints a newer key supersedes, and after which stage
    for step, (kind, edited) in enumerate(session(text, steps, seed, broken=lambda: not linter.loaded)):
        stopped = (lambda: stops.random() < 0.5) if stops.random() < 0.15 else (lambda: False)
        try:
            got = linter.lint(edited, path, settings, superseded=stopped)
        except Superseded:
            tally.superseded += 1  # the next text is compared with what this lint remembered
            continue
        tally.edits += 1
        want = lint(edited, path, settings)
        if got != want:
            extra = [d for d in got if d not in want][:2]
            missing = [d for d in want if d not in got][:2]
            raise AssertionError(f"{path} seed {seed} step {step} ({kind}, {linter.last_mode}, parse "
                                 f"{linter.parse_mode}): incremental "
                                 f"differs from lint()\nonly incremental: {extra}\nonly lint(): {missing}")
        tally.incremental += linter.last_mode == INCREMENTAL
        tally.block += linter.parse_mode == BLOCK
        tally.schema += linter.schema_reused
        tally.model += linter.model_reused
    return tally


def _services(lines: List[str]) -> Tuple[int, int]:
    """The lines of the services section (after its key, up to the next top-level key)."""
    start = next((i for i, line in enumerate(lines) if line.startswith("services:")), None)
    if start is None:
        return 0, len(lines)
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    return start + 1, end


def _in_services(lines: List[str], rng: random.Random) -> int:
    lo, hi = _services(lines)
    return rng.randrange(lo, hi) if hi > lo else rng.randrange(len(lines))


def _type_value(lines: List[str], rng: random.Random):
    for _ in range(20):
        i = _in_services(lines, rng)
        m = _VALUE.match(lines[i])
        if m:
            word = "".join(rng.choice("abcdefgh0123456789") for _ in range(rng.randint(1, 3)))
            at = rng.randint(0, len(m.group(2)))
            value = m.group(2)[:at] + word + m.group(2)[at:]
            return lines[:i] + [m.group(1) + value] + lines[i + 1:]
    return None


def _type(lines: List[str], rng: random.Random):
    i = _in_services(lines, rng)
    at = rng.randint(0, len(lines[i]))
    typed = "".join(rng.choice(_TYPED) for _ in range(rng.randint(1, 3)))
    return lines[:i] + [lines[i][:at] + typed + lines[i][at:]] + lines[i + 1:]


def _delete_line(lines: List[str], rng: random.Random):
    if len(lines) < 3:
        return None
    i = _in_services(lines, rng)
    return lines[:i] + lines[i + 1:]


def _paste(lines: List[str], rng: random.Random):
    lo, hi = _services(lines)
    if hi - lo < 2:
        return None
    start = rng.randrange(lo, hi)
    block = lines[start:min(hi, start + rng.randint(1, 15))]
    at = rng.randrange(lo, hi + 1)
    return lines[:at] + block + lines[at:]


def _break(lines: List[str], rng: random.Random):
    i = _in_services(lines, rng)
    at = rng.randint(0, len(lines[i]))
    return lines[:i] + [lines[i][:at] + rng.choice(_BREAKERS) + lines[i][at:]] + lines[i + 1:]


def _rename(lines: List[str], rng: random.Random):
    lo, hi = _services(lines)
    keys = [i for i in range(lo, hi) if _SERVICE_KEY.fullmatch(lines[i])]
    if not keys:
        return None
    i = rng.choice(keys)
    m = _SERVICE_KEY.fullmatch(lines[i])
    new = m.group(2) + rng.choice(["-2", "x", "_b"]) if rng.random() < 0.7 else m.group(2)[:-1] or "s"
    return lines[:i] + [f"{m.group(1)}{new}:"] + lines[i + 1:]


def _flagged(lines: List[str], rng: random.Random):
    for _ in range(20):
        i = _in_services(lines, rng)
        m = _VALUE.match(lines[i])
        if not m:
            continue
        key = m.group(1).strip().lstrip("- ").rstrip(": ")
        choices = [value for _kind, suffix, value in VALUE_MUTATIONS if suffix[-1] == key]
        if choices:
            return lines[:i] + [m.group(1) + rng.choice(choices)] + lines[i + 1:]
    return None


def _top_level(lines: List[str], rng: random.Random):
    lo, hi = _services(lines)
    outside = [i for i in range(len(lines)) if not lo - 1 <= i < hi and lines[i].strip()]
    if not outside:
        return None
    i = rng.choice(outside)
    choice = rng.random()
    if choice < 0.4:
        return lines[:i] + [lines[i] + rng.choice(["x", "1", " # note"])] + lines[i + 1:]
    if choice < 0.7:
        return lines[:i] + lines[i + 1:]
    section = next((n for n in outside if lines[n] in ("secrets:", "networks:", "volumes:")), None)
    if section is None or rng.random() < 0.3:
        return lines[:i] + ["  added:", "    driver: overlay"] + lines[i:]
    return lines[:section + 1] + ["  added-" + lines[section][:-2] + ":", "    external: true"] + lines[section + 1:]


_EDITS = {"type-value": _type_value, "type": _type, "delete-line": _delete_line, "paste": _paste,
          "break-yaml": _break, "rename-service": _rename, "flagged-value": _flagged, "top-level": _top_level}

"""Deterministic mutations of valid stack files, for the differential test against Docker.

Each mutation is a small text edit of one kind (wrong type, unknown key, bad enum, bad
duration, bad size, bad port, version, duplicate key, ...) applied at one node, located with
stacklint's own document index. Docker, not this file, says whether the result is valid.
"""
from __future__ import annotations

import random
from typing import Iterator, List, Tuple

from stacklint.document import parse

# (kind, key path suffix to look for, replacement text for the value)
VALUE_MUTATIONS = [
    ("wrong-type", ("image",), "[nginx]"),
    ("wrong-type", ("replicas",), '"two"'),
    ("wrong-type", ("replicas",), "2.5"),
    ("wrong-type", ("replicas",), "-1"),
    ("wrong-type", ("parallelism",), "-2"),
    ("wrong-type", ("external",), "yes"),
    ("wrong-type", ("external",), '"true"'),
    ("wrong-type", ("read_only",), "on"),
    ("wrong-type", ("stop_grace_period",), "90"),
    ("wrong-type", ("constraints",), "node.role == manager"),
    ("wrong-type", ("networks",), "front-tier"),
    ("wrong-type", ("environment",), "FOO"),
    ("wrong-type", ("deploy",), "[]"),
    ("bad-enum", ("failure_action",), "explode"),
    ("bad-enum", ("order",), "first"),
    ("bad-enum", ("mode",), "Replicated"),
    ("bad-enum", ("condition",), "always"),
    ("bad-duration", ("delay",), "5"),
    ("bad-duration", ("delay",), "1d"),
    ("bad-duration", ("window",), "2 m"),
    ("bad-duration", ("stop_grace_period",), "1m30"),
    ("bad-duration", ("interval",), "10S"),
    ("good-duration", ("delay",), ".5s"),
    ("good-duration", ("window",), "1h2m3.5s"),
    ("bad-size", ("memory",), "1 gigabyte"),
    ("bad-size", ("memory",), "abc"),
    ("good-size", ("memory",), "1.5g"),
    ("size-number", ("memory",), "512"),
    ("bad-cpus", ("cpus",), '"abc"'),
    ("bad-port", (0,), '"80:70000"'),
    ("bad-port", (0,), '"8000-8001:80-82"'),
    ("bad-port", (0,), '"80/xtp"'),
    ("good-port", (0,), '"127.0.0.1:8080:80"'),
    ("bad-volume", (0,), '"data:/a:ro:x"'),
    ("interp", ("image",), '"nginx:${TAG:-1.27}"'),
    ("interp", ("image",), '"nginx:$5"'),
    ("interp", ("image",), '"nginx:${TAG?need a tag}"'),
    ("interp", ("image",), '"nginx:${}"'),
    ("interp", ("image",), '"cost $$5"'),
]
KEY_MUTATIONS = [
    ("unknown-key", "imgae: nginx"),
    ("unknown-key", "profiles: [debug]"),
    ("unknown-key", "Image: nginx"),
    ("unknown-key", "x-note: fine from 3.7"),
    ("gated-key", "init: true"),
    ("gated-key", "oom_score_adj: 10"),
    ("gated-key", "cgroupns_mode: host"),
    ("forbidden-key", "mem_limit: 1g"),
    ("forbidden-key", "extends: base"),
]
VERSIONS = ['"2.4"', '"3.14"', "3.8", "3.10", '"3"', '"3.0"', '"3.13"', '"3.8.0"', '"${V}"', "", '"2"']


def _lines(text: str) -> List[str]:
    return text.splitlines(keepends=True)


def _replace_value(text: str, span) -> str:
    """text with the value of span replaced by the marker {NEW}; a block value becomes inline."""
    lines = _lines(text)
    r = span.value
    if r.start.line == r.end.line:
        line = lines[r.start.line]
        return "".join(lines[:r.start.line]) + line[:r.start.column] + "{NEW}" + line[r.end.column:] \
            + "".join(lines[r.start.line + 1:])
    if span.key is None:
        return None
    k = span.key
    key_line = lines[k.start.line]
    return "".join(lines[:k.start.line]) + key_line[:k.end.column] + ": {NEW}\n" + "".join(lines[r.end.line:])


def mutations(text: str, seed: int = 0, limit: int = 10_000) -> Iterator[Tuple[str, str]]:
    """(label, mutated text) pairs for one valid stack file."""
    rnd = random.Random(seed)
    doc = parse(text)
    spans = [(p, s) for p, s in doc.spans.items() if p]
    count = 0
    for kind, suffix, new in VALUE_MUTATIONS:
        if isinstance(suffix[0], int):  # the first item of a service's ports or volumes
            want = "ports" if kind.endswith("port") else "volumes"
            matches = [(p, s) for p, s in spans if len(p) >= 2 and p[-2] == want and p[-1] == 0]
        else:
            matches = [(p, s) for p, s in spans if p[-1] == suffix[-1] and s.key is not None]
        if not matches:
            continue
        p, s = rnd.choice(matches)
        template = _replace_value(text, s)
        if template is None:
            continue
        yield f"{kind}:{'.'.join(map(str, p))}={new}", template.replace("{NEW}", new)
        count += 1
    services = [(p, s) for p, s in spans if len(p) == 2 and p[0] == "services"]
    for kind, line in KEY_MUTATIONS:
        if not services:
            break
        p, s = rnd.choice(services)
        lines = _lines(text)
        first = s.value.start.line if s.value.start.line > s.key.start.line else s.key.start.line + 1
        indent = " " * s.value.start.column if s.value.start.line > s.key.start.line else "    "
        mutated = "".join(lines[:first]) + indent + line + "\n" + "".join(lines[first:])
        yield f"{kind}:{p[1]}:{line}", mutated
        count += 1
    version = doc.spans.get(("version",))
    for v in VERSIONS:
        if version is None:
            mutated = f"version: {v}\n" + text
        else:
            template = _replace_value(text, version)
            mutated = template.replace("{NEW}", v)
        yield f"version:{v or 'null'}", mutated
        count += 1
    # duplicate a scalar key inside a service
    scalars = [(p, s) for p, s in spans if len(p) == 3 and p[0] == "services" and s.key is not None
               and s.value.start.line == s.key.start.line]
    for p, s in rnd.sample(scalars, min(3, len(scalars))):
        lines = _lines(text)
        line = lines[s.key.start.line]
        yield f"duplicate-key:{'.'.join(p)}", "".join(lines[:s.key.start.line + 1]) + line + "".join(lines[s.key.start.line + 1:])
        count += 1
    if count >= limit:
        return

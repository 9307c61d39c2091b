"""Which Docker Engine the stack will meet, for the deploy rules whose answer depends on it.

The inventory's nodes say it when they record it (the oldest engine of the cluster decides: a
manager of that version may validate the service); else the `engine_version` setting; else the
current Docker release, which the installed CLI and docker-facts.md were checked against.
"""
from __future__ import annotations

import re

CURRENT_ENGINE = "28.2.2"


def parse(text: str) -> tuple[int, ...]:
    """"20.10.24+dfsg1" -> (20, 10, 24); ValueError for text that does not start with a number."""
    m = re.match(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", str(text).strip())
    if not m:
        raise ValueError(f"not an engine version: {text!r} (expected e.g. 20.10 or 28.2.2)")
    return tuple(int(p) for p in m.groups() if p is not None)


def engine_version(ctx) -> tuple[int, ...]:
    inventory = ctx.settings.inventory or {}
    known = [parse(n["engine_version"]) for n in inventory.get("nodes") or ()
             if isinstance(n, dict) and isinstance(n.get("engine_version"), str) and re.match(r"^v?\d", n["engine_version"])]
    if known:
        return min(known)
    try:
        return parse(ctx.settings.engine_version or CURRENT_ENGINE)
    except ValueError:
        return parse(CURRENT_ENGINE)  # the CLI refuses such a value; a library caller gets the default


def engine_at_least(ctx, version: tuple[int, ...]) -> bool:
    return engine_version(ctx) >= version

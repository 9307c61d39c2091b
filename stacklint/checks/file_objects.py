"""SL406: a secret or config made from a file under a name that never changes.

Swarm secrets and configs are immutable: `docker stack deploy` creates them once and, on the
next deploy, tries to update them; with new content the manager refuses ("only updates to
Labels are allowed", checked on a real Swarm in tests/test_deploy_truth_rollout.py). A name
that carries a version or a variable rotates: each new content gets a new object.
"""
from __future__ import annotations

import re

from ..context import Context, get
from ..lazy_regex import LazyRegex

KINDS = (("secrets", "secret"), ("configs", "config"))
# A version written into the name: _v2, -3, .2024-06-01, or a content hash.
_VERSIONED = LazyRegex(r"(^|[-_.])v?\d+([-_.]|$)|[0-9a-f]{7,}", re.IGNORECASE)


def check(ctx: Context):
    stack = ctx.model
    for kind, what in KINDS:
        for key, obj in stack.objects(kind).items():
            if obj.external or obj.file is None:
                continue
            written = get(ctx.doc.data, kind, key, "name")  # before interpolation: a variable rotates
            if isinstance(written, str) and "$" in written.replace("$$", ""):
                continue
            name = obj.name_written.value if obj.name_written is not None else key
            if _VERSIONED.search(name):
                continue
            yield ctx.diag("SL406", f"{what} {key} is made from file {obj.file.value} under the fixed name "
                           f"{obj.name}: a deploy with changed content fails (\"only updates to Labels are "
                           "allowed\")", (kind, key), on_key=True)

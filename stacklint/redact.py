"""Values the environment put into the file never reach a message.

A stack file in a pull request can write `replicas: ${DEPLOY_TOKEN}`; CI interpolates it with
its own environment, and a message that quotes the result ("Unknown mode: s3cr3t", "parsing
\"s3cr3t\": invalid syntax") would publish the secret in an annotation. Every finding on or
around a string that took a value from the environment says `${NAME}` where the value was.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Dict, Iterable, List, Tuple

from .diagnostics import Diagnostic, YamlPath

# Shorter values are replaced only as whole words ("1" must not eat the 1 of "3.1").
_WHOLE_WORD_BELOW = 4


def apply(found: Iterable, from_env: Dict[YamlPath, List[Tuple[str, str]]]) -> None:
    """Rewrite, in place, the messages of diagnostics at, above or below a path that took
    values from the environment. Items that are not diagnostics pass untouched."""
    if not from_env:
        return
    below: Dict[YamlPath, list] = {}  # path -> pairs used at it or anywhere under it
    for path, pairs in from_env.items():
        for n in range(2, len(path) + 1):  # nothing for the root or a whole section
            below.setdefault(path[:n], []).extend(pairs)
    for d in found:
        if not isinstance(d, Diagnostic):
            continue
        pairs = list(below.get(d.path, ()))
        for n in range(2, len(d.path)):
            pairs.extend(from_env.get(d.path[:n], ()))
        if pairs:
            d.message = _hide(d.message, pairs)
            d.related = tuple(replace(r, message=_hide(r.message, pairs)) for r in d.related)
            if d.fix is not None and _mentions(d.fix, pairs):
                d.fix = None  # it would write this environment's value into the stack file


def _hide(text: str, pairs: List[Tuple[str, str]]) -> str:
    # longest first, so a value that contains another is replaced whole
    for name, value in sorted(set(pairs), key=lambda p: -len(p[1])):
        if len(value) >= _WHOLE_WORD_BELOW:
            text = text.replace(value, "${" + name + "}")
        else:
            text = re.sub(r"(?<![\w.])" + re.escape(value) + r"(?![\w.])", "${" + name + "}", text)
    return text


def _mentions(fix, pairs) -> bool:
    texts = [fix.title] + [e.new_text for e in fix.edits]
    return any(value in text for _, value in pairs for text in texts)

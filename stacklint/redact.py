"""Values the environment put into the file never reach a message.

A stack file in a pull request can write `replicas: ${DEPLOY_TOKEN}`; CI interpolates it with
its own environment, and a message that quotes the result ("Unknown mode: s3cr3t", "parsing
\"s3cr3t\": invalid syntax") would publish the secret in an annotation. Every finding on or
around a string that took a value from the environment says `${NAME}` where the value was, and
so does any finding that names a value of 8 characters or more, wherever it was used.
"""
from __future__ import annotations

from collections.abc import Iterable
import re

from . import credentials
from .diagnostics import Diagnostic, YamlPath
from .lazy_regex import LazyRegex

# Shorter values are replaced only as whole words ("1" must not eat the 1 of "3.1").
_WHOLE_WORD_BELOW = 4
# Values this long are hidden in every finding, wherever it is: a message can name a value from
# another path (services sharing the secret "${NAME}"); shorter ones ("3", "true", "512M") only
# near where they were used, so that ordinary words elsewhere stay as they are.
_ANYWHERE_FROM = 8


def apply(found: Iterable, from_env: dict[YamlPath, list[tuple[str, str]]]) -> None:
    """Rewrite, in place, the messages of diagnostics at, above or below a path that took
    values from the environment. Items that are not diagnostics pass untouched."""
    if not from_env:
        return
    below: dict[YamlPath, list] = {}  # path -> pairs used at it or anywhere under it
    anywhere = set()
    for path, pairs in from_env.items():
        for n in range(2, len(path) + 1):  # nothing for the root or a whole section
            below.setdefault(path[:n], []).extend(pairs)
        anywhere.update(p for p in pairs if len(p[1]) >= _ANYWHERE_FROM)
    for d in found:
        if not isinstance(d, Diagnostic):
            continue
        pairs = list(below.get(d.path, ()))
        for n in range(2, len(d.path)):
            pairs.extend(from_env.get(d.path[:n], ()))
        pairs.extend(p for p in anywhere if p[1] in d.message or any(p[1] in r.message for r in d.related)
                     or any(isinstance(k, str) and p[1] in k for k in d.path))
        if pairs:
            # a fix that mentions the value would write this environment's value into the file
            _rewrite(d, lambda text: _hide(text, pairs), d.fix is not None and _mentions(d.fix, pairs))


def _hide(text: str, pairs: list[tuple[str, str]]) -> str:
    # longest first, so a value that contains another is replaced whole
    for name, value in sorted(set(pairs), key=lambda p: -len(p[1])):
        if len(value) >= _WHOLE_WORD_BELOW:
            text = text.replace(value, "${" + name + "}")
        else:
            text = re.sub(r"(?<![\w.])" + re.escape(value) + r"(?![\w.])", "${" + name + "}", text)
    return text


def _mentions(fix, pairs) -> bool:
    return any(value in text for _, value in pairs for text in _fix_texts(fix))


def _rewrite(d: Diagnostic, hide, drop_fix: bool) -> None:
    """hide applied to everything a finding prints but its fix, which goes when drop_fix."""
    d.message = hide(d.message)
    # a merged stack keys a service's networks by name: the path can hold the value too
    d.path = tuple(hide(p) if isinstance(p, str) else p for p in d.path)
    d.related = tuple(r.replace(message=hide(r.message)) for r in d.related)
    if drop_fix:
        d.fix = None


# Literal secrets shorter than this are left alone: "pw" or "1" would eat ordinary words.
_LITERAL_FROM = 4


def hide_literals(found: Iterable, literals: tuple) -> None:
    """Rewrite, in place, every finding that quotes a literal secret written in the file
    (credentials.literal_values: values, sources, texts) as ****, wherever the value was used: `secrets: *env` makes a
    password a secret's name. A fix that would write it again is dropped."""
    found = [d for d in found if isinstance(d, Diagnostic)]
    texts = [_texts(d) for d in found]  # read twice below: made once
    values, sources, files = literals
    values = [v for v in values if len(v) >= _LITERAL_FROM]
    if values and found:
        # one substring search per literal over all the texts (C speed) before any regex
        everything = "\0".join(t for printed in texts for t in printed)
        # A value the files also write outside their secrets is no secret there: the password
        # "zabbix" of the image zabbix/zabbix-server-mysql, "postgres" of the image postgres.
        values = sorted((v for v in values if v in everything and
                         sum(f.count(v) for f in files) <= sum(s.count(v) for s in sources)),
                        key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, values)) + r")(?![\w.])") if values else None

    def hide(text: str) -> str:
        text = _NAME_VALUE.sub(_mask_credential_value, text) if "=" in text else text
        return pattern.sub("****", text) if pattern is not None else text

    for d, printed in zip(found, texts):
        if all(hide(t) == t for t in printed):
            continue
        _rewrite(d, hide, d.fix is not None and any(hide(t) != t for t in _fix_texts(d.fix)))


def _texts(d: Diagnostic) -> list:
    """What a finding prints: message, related messages, path keys, fix title and new text."""
    texts = [d.message]
    if d.related:  # most findings have none: no generator made for them
        texts.extend([r.message for r in d.related])
    texts.extend([p for p in d.path if isinstance(p, str)])
    return texts + _fix_texts(d.fix) if d.fix is not None else texts


def _fix_texts(fix) -> list:
    return [fix.title, *(e.new_text for e in fix.edits)]


# NAME=value quoted in a message (an environment entry that became a secret's or a network's name)
_NAME_VALUE = LazyRegex(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_]*)=([^\s\"'`]+)")


def _mask_credential_value(m) -> str:
    name, value = m.groups()
    secret = credentials.is_credential_name(name) and credentials.literal_kind(value, value)
    return f"{name}=****" if secret else m.group(0)

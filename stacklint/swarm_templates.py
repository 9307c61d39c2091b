"""Swarm's Go templates (`{{.Node.Hostname}}`), checked the way swarmkit's `template` package
would expand them: Go text/template with the fields of swarmkit's template.Context and one function
of its own (`join`) next to Go's builtins.

A small reader of the template syntax, enough to find what the expansion refuses: an action that
is never closed, a function that does not exist, a field the context does not have.
"""
from __future__ import annotations

import re
from typing import Iterator, Optional

# swarmkit template/context.go: the fields a task's template sees (Labels is a map: any key).
MAP = "map"
CONTEXT = {
    "Service": {"ID": str, "Name": str, "Labels": MAP},
    "Node": {"ID": str, "Hostname": str, "Platform": {"Architecture": str, "OS": str}},
    "Task": {"ID": str, "Name": str, "Slot": str},
}
# text/template's builtins plus swarmkit's funcMap
FUNCTIONS = frozenset(["and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne",
                       "lt", "le", "gt", "ge", "html", "js", "urlquery", "call", "join"])
KEYWORDS = frozenset(["if", "else", "end", "range", "with", "define", "template", "block", "nil", "true",
                      "false", "break", "continue"])
_TOKEN = re.compile(r'''"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'|(?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)'''
                    r'''|\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|[-+]?[0-9][0-9a-fA-FxX._]*'''
                    r'''|:?=|[|(),]|\s+''')


def problems(text: str) -> Iterator[str]:
    """What expanding text would refuse, as Go's template package words it (without the location)."""
    rest = text
    dot_changes = False
    actions = []
    while True:
        start = rest.find("{{")
        if start < 0:
            break
        end = rest.find("}}", start + 2)
        if end < 0:
            yield "unclosed action"
            return
        actions.append(rest[start + 2:end])
        rest = rest[end + 2:]
    for action in actions:
        body = action.strip()
        body = body[1:].lstrip() if body.startswith("-") and body[1:2] in (" ", "\t", "\n") else body
        body = body[:-1].rstrip() if body.endswith("-") and body[-2:-1] in (" ", "\t", "\n") else body
        if body.startswith("/*"):
            continue
        first = re.match(r"[A-Za-z_]+", body)
        if first and first.group(0) in ("range", "with", "define", "block", "template"):
            dot_changes = True
        pos = 0
        while pos < len(body):
            m = _TOKEN.match(body, pos)
            if not m:
                yield f"unexpected {body[pos]!r} in command"
                return
            pos = m.end()
            ident, field = m.group("ident"), m.group("field")
            if ident and ident not in KEYWORDS and ident not in FUNCTIONS:
                yield f'function "{ident}" not defined'
                return
            if field and field != "." and not dot_changes:
                problem = _field_problem(field)
                if problem:
                    yield problem
                    return


def _field_problem(chain: str) -> Optional[str]:
    node = CONTEXT
    for name in chain.strip(".").split("."):
        if node is MAP:
            return None
        if node is str:
            return f"can't evaluate field {name} in type string"
        if name not in node:
            return f"can't evaluate field {name} in type {_type_name(chain, name)}"
        node = node[name]
    return None


def _type_name(chain: str, missing: str) -> str:
    parent = chain.strip(".").split(".")
    parent = parent[:parent.index(missing)]
    return "template.Context" if not parent else ".".join(parent)

"""Swarm's Go templates (`{{.Node.Hostname}}`), checked the way swarmkit's `template` package
would expand them: Go text/template with the fields of swarmkit's template.Context and one function
of its own (`join`) next to Go's builtins.

A small reader of the template syntax, enough to find what the expansion refuses: an action that
is never closed, a function that does not exist, a field the context does not have.
"""
from __future__ import annotations

import re

from .lazy_regex import LazyRegex
from .memo import memo

# swarmkit template/context.go: the fields a task's template sees (Labels is a map: any key), with
# the type names Go prints when a field is missing.
MAP = "map"
_PLATFORM = {"Architecture": str, "OS": str}
CONTEXT = {
    "Service": {"ID": str, "Name": str, "Labels": MAP},
    "Node": {"ID": str, "Hostname": str, "Platform": _PLATFORM},
    "Task": {"ID": str, "Name": str, "Slot": str},
}
_TYPE_NAMES = {
    id(CONTEXT): "*template.Context",
    id(CONTEXT["Service"]): "struct { ID string; Name string; Labels map[string]string }",
    id(CONTEXT["Node"]): "struct { ID string; Hostname string; Platform template.Platform }",
    id(_PLATFORM): "template.Platform",
    id(CONTEXT["Task"]): "struct { ID string; Name string; Slot string }",
}
# text/template's builtins plus swarmkit's funcMap
FUNCTIONS = frozenset(["and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne",
                       "lt", "le", "gt", "ge", "html", "js", "urlquery", "call", "join"])
KEYWORDS = frozenset(["if", "else", "end", "range", "with", "define", "template", "block", "nil", "true",
                      "false", "break", "continue"])
_TOKEN = LazyRegex(r'''"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'|(?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)'''
                    r'''|\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|[-+]?[0-9][0-9a-fA-FxX._]*'''
                    r'''|:?=|[|(),]|\s+''')


@memo  # services repeat their templates (`hostname: "{{.Service.Name}}-{{.Task.Slot}}"`)
def error(text: str) -> str | None:
    """Go's error for expanding text, `template: expansion:LINE[:COL]: ...`, or None when it expands."""
    actions = []  # (offset of the action's body, body)
    pos = 0
    while True:
        start = text.find("{{", pos)
        if start < 0:
            break
        end = text.find("}}", start + 2)
        if end < 0:
            return f"template: expansion:{_line(text, start)}: unclosed action"
        actions.append((start + 2, text[start + 2:end]))
        pos = end + 2
    fields = []  # (offset, chain), checked only once the whole template parsed
    dot_changes = False
    for offset, body in actions:
        if body.strip().lstrip("-").strip().startswith("/*"):
            continue
        first = re.match(r"\s*-?\s*([A-Za-z_]+)", body)
        if first and first.group(1) in ("range", "with", "define", "block", "template"):
            dot_changes = True  # the dot is something else inside: fields are not checked
        at = 0
        while at < len(body):
            m = _TOKEN.match(body, at)
            if not m:
                return None  # syntax this reader does not know: leave it to Docker
            ident, field = m.group("ident"), m.group("field")
            if ident and ident not in KEYWORDS and ident not in FUNCTIONS:
                return f'template: expansion:{_line(text, offset + at)}: function "{ident}" not defined'
            if field and field != ".":
                fields.append((offset + m.start(), field))
            at = m.end()
    if dot_changes:
        return None
    for offset, chain in fields:
        problem = _field_problem(chain)
        if problem:
            names = chain.split(".")[1:]
            # Go reports a chain at its second field (parse.Tree.newChain), a lone field at itself
            col = offset + (len(names[0]) + 1 if len(names) > 1 else 0)
            line_start = text.rfind("\n", 0, col) + 1
            return (f'template: expansion:{_line(text, col)}:{col - line_start}: executing "expansion" at '
                    f"<{chain}>: {problem}")
    return None


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _field_problem(chain: str) -> str | None:
    node = CONTEXT
    for name in chain.strip(".").split("."):
        if node is MAP:
            return None
        if node is str:
            return f"can't evaluate field {name} in type string"
        if name not in node:
            return f"can't evaluate field {name} in type {_TYPE_NAMES[id(node)]}"
        node = node[name]
    return None

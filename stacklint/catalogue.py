"""The rule catalogue: one Markdown page per rule, metadata in its front matter.

The pages in rules/ are the single source of a rule's name, severity and category; the code
only names rule codes. `stacklint explain` prints a page, the language server's hover shows it.
A lint reads only their front matter, from the generated catalogue_index (no page is opened).
"""
from __future__ import annotations

import functools
import re

from .catalogue_index import FRONT_MATTER
from .diagnostics import Severity
from .resources import data_dir
from .lazy_regex import LazyRegex
from .record import FrozenRecord

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:
    from pathlib import Path

# Where each rule's page is published (the rules/ folder of the repository's default branch).
PAGES_URL = "https://github.com/stacklint/stacklint/blob/main/rules"
_FRONT = LazyRegex(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
REQUIRED = ("code", "name", "severity", "category", "fixable", "since")


class Rule(FrozenRecord):
    _fields = ("code", "name", "severity", "category", "fixable", "since", "summary", "body", "path", "extra")
    code: str
    name: str
    severity: Severity
    category: str
    fixable: bool
    since: str
    summary: str
    body: str
    path: Path
    # front matter beyond REQUIRED, e.g. `example_inventory: fixtures/swarm-example.json`
    extra: tuple[tuple[str, str], ...]

    def __init__(self, code, name, severity, category, fixable, since, summary, body, path, extra=()):
        self._set(code, name, severity, category, fixable, since, summary, body, path, extra)

    def meta(self, key: str, default: str = "") -> str:
        return dict(self.extra).get(key, default)

    @property
    def url(self) -> str:
        return page_url(self.code)

    def section(self, title: str) -> str:
        """The text under a `## title` heading (case-insensitive), without the heading."""
        m = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", self.body, re.M | re.S | re.I)
        return m.group(1).strip() if m else ""

    def examples(self, title: str) -> list[str]:
        """The ```yaml blocks of a section."""
        return re.findall(r"```ya?ml\n(.*?)```", self.section(title), re.S)


def page_url(code: str) -> str:
    """The public page of a rule: one stable pattern (SARIF's helpUri, LSP's codeDescription)."""
    return f"{PAGES_URL}/{code}.md"


class CatalogueError(Exception):
    pass


def parse_page(path: Path) -> Rule:
    text = path.read_text(encoding="utf-8")
    m = _FRONT.match(text)
    if not m:
        raise CatalogueError(f"{path}: no front matter (--- ... ---)")
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise CatalogueError(f"{path}: front matter line {line!r} is not `key: value`")
        meta[key.strip()] = value.strip().strip('"')
    missing = [k for k in REQUIRED if k not in meta]
    if missing:
        raise CatalogueError(f"{path}: front matter lacks {', '.join(missing)}")
    body = m.group(2)
    summary = ""
    what = re.search(r"^## What it does\s*\n(.*?)(?=^## |\Z)", body, re.M | re.S)
    if what:
        summary = " ".join(what.group(1).strip().split("\n\n")[0].split())
    return Rule(code=meta["code"], name=meta["name"], severity=Severity.parse(meta["severity"]),
                category=meta["category"], fixable=meta["fixable"].lower() == "true",
                since=meta["since"], summary=summary, body=body.strip(), path=path,
                extra=tuple((k, v) for k, v in meta.items() if k not in REQUIRED))


@functools.lru_cache(maxsize=1)
def load() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for path in sorted(data_dir("rules").glob("SL*.md")):
        rule = parse_page(path)
        if rule.code != path.stem:
            raise CatalogueError(f"{path}: front matter code {rule.code} does not match the file name")
        rules[rule.code] = rule
    return rules


# Lookups a lint makes, from the generated index: the pages' front matter as data.
_NAME, _SEVERITY, _EXTRA = 0, 1, 5


def name_of(code: str) -> str:
    """The rule's kebab-case name ("" for a code without a page)."""
    entry = FRONT_MATTER.get(code)
    return entry[_NAME] if entry else ""


def severity_of(code: str) -> Severity | None:
    """The rule's default severity (None for a code without a page)."""
    entry = FRONT_MATTER.get(code)
    return Severity[entry[_SEVERITY].upper()] if entry else None


@functools.lru_cache(maxsize=1)
def opt_in() -> frozenset:
    """Codes whose page says `opt_in: true`: they run only when selected (the hardening set)."""
    return frozenset(code for code, entry in FRONT_MATTER.items()
                     if dict(entry[_EXTRA]).get("opt_in", "").lower() == "true")


@functools.lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    return {entry[_NAME]: code for code, entry in FRONT_MATTER.items()}


def resolve(selector: str) -> tuple[str, ...]:
    """Codes a selector names: a code (SL201), a name (docker-socket-mount), a prefix (SL2, SL20) or ALL."""
    s = selector.strip()
    if s.upper() == "ALL":
        return tuple(FRONT_MATTER)
    if s.upper() in FRONT_MATTER:
        return (s.upper(),)
    if s in _codes_by_name():
        return (_codes_by_name()[s],)
    if re.fullmatch(r"(?i)SL\d{0,2}", s):
        matched = tuple(c for c in FRONT_MATTER if c.startswith(s.upper()))
        if matched:
            return matched
    raise KeyError(s)

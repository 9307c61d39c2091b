"""Without ruamel.yaml.clib (the VS Code extension's bundled copy), stacklint composes with
ruamel's pure-Python composer (stacklint/pure_yaml.py). The documents it builds must be the
C composer's: same data, same key and value ranges, same problems at the same places. Only
the wording of YAML syntax errors is the composer's own.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from stacklint import catalogue, document
from stacklint.pure_yaml import make_loader

from .conftest import EXAMPLE, ROOT, SHARED

# Forms where ruamel's pure scanner/parser and libyaml disagree on marks or rules, and the
# usual suspects (anchors, merges, tags, block scalars, flow style, no final newline).
SNIPPETS = [
    "networks:\n  front:\n  back:\n",                   # empty values before the next key
    "networks:\n  front:\n  back:",                     # ... and at the end, no final newline
    "networks:\n  default:\n    driver: overlay",       # a block that runs to an unterminated end
    "services:\n  web:\n    image: nginx\n    ports:\n      - 80:80\n      -\n",
    "a: !!str 1\nb: !custom x\nc: !!int '3'\nd: !!binary aGVsbG8=\n",
    "base: &b {image: x, deploy: {replicas: 2}}\nweb:\n  <<: *b\n  image: y\nlist: [*b, *b]\n",
    "a: |\n  line\nb: >-\n  folded\n  text\nc: |+\n  kept\n\nd: |\n  x",
    "flow: {a: 1, b: , c}\nseq: [a, b: c, 'q', \"d\", e: ]\nend: {x: }\n",
    "f: [a?b, c]\n",                                   # `?` in flow style: libyaml scans like YAML 1.1
    "%YAML 1.2\n---\na: [b?c]\n",                      # ... whatever the directive says
    "a: 1\n: v\n",
    "f: !a#b x\n",
    "? complex\n: value\nempty: ''\nnull_: ~\n",
    "x: \u00e9t\u00e9 \U0001F600\ny: \"\\u00e9\"\n",
    "\ufeffversion: '3.8'\nservices: {}\n",
    "%YAML 1.1\n---\na: 1\n...\n---\nb: 2\n",
    "a: 1\na: 2\n",
    "[1]: 2\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "key: 'unterminated\n",
    "- a\nb: 1\n",
    "a:\n\tb: 1\n",
    "a: @x\n",
    "a: *missing\n",
    "&a [*a]\n",
    "",
    "# only a comment\n",
]


def _texts():
    texts = [("example", EXAMPLE.read_text())] + [(f"snippet {i}", t) for i, t in enumerate(SNIPPETS)]
    for code, rule in sorted(catalogue.load().items()):
        for title in ("Example", "Use instead"):
            texts += [(f"{code} {title}", t) for t in rule.examples(title)]
    corpus = SHARED / "corpus" / "files"
    if corpus.is_dir():  # the real-world files, where present (../shared is not shipped)
        texts += [(p.name, p.read_text(encoding="utf-8", errors="surrogateescape"))
                  for p in sorted(corpus.iterdir())]
    return texts


def _summary(doc: document.Document):
    # items(): the index keeps nodes and makes Spans (ranges) only when asked
    return (doc.data, dict(doc.spans.items()), [(p.code, p.range, p.path) for p in doc.problems], doc.failed)


@pytest.fixture
def pure(monkeypatch):
    """document.parse as it runs when ruamel.yaml.clib is absent."""
    monkeypatch.setattr(document, "_ruamel_yaml", None)
    monkeypatch.setattr(document, "_yaml", make_loader(document._UntypedResolver))


def test_pure_composer_builds_the_documents_the_c_composer_builds(pure, monkeypatch):
    texts = _texts()
    got = [_summary(document.parse(t)) for _, t in texts]
    monkeypatch.undo()
    assert document._ruamel_yaml is not None, "the C composer is not installed here: nothing to compare with"
    for (name, text), pure_summary in zip(texts, got):
        assert pure_summary == _summary(document.parse(text)), name


def test_pure_composer_reports_syntax_errors_in_its_own_words_at_the_same_place(pure):
    doc = document.parse("services:\n  web:\n    image: [nginx\n")
    assert [(p.code, p.range.start.line, p.range.start.column) for p in doc.problems] == [("SL001", 3, 0)]
    assert doc.problems[0].message == "while parsing a flow sequence: expected ',' or ']', but got '<stream end>'"


def test_pure_composer_reads_a_colon_inside_a_flow_scalar_as_docker_does(pure):
    # `docker stack config` (28.2) accepts this and publishes 8080 -> 80; the C module's libyaml
    # stops at the colon (SL001 "found unexpected ':'"), the pure scanner does not.
    doc = document.parse("services:\n  web:\n    image: nginx\n    ports: [8080:80]\n")
    assert doc.problems == [] and doc.data["services"]["web"]["ports"] == ["8080:80"]


def test_without_the_c_module_stacklint_falls_back_and_lints_the_same():
    # A fresh interpreter in which `import _ruamel_yaml` fails, as in the bundled copy.
    script = (
        "import sys, json\n"
        "if sys.argv[1] == 'pure': sys.modules['_ruamel_yaml'] = None\n"
        "from stacklint import document\n"
        "from stacklint.engine import lint\n"
        "from stacklint.settings import Settings\n"
        "path = sys.argv[2]\n"
        "found = lint(open(path).read(), path, Settings(env={}))\n"
        "print(json.dumps({'pure': document._ruamel_yaml is None,\n"
        "  'found': [(d.code, d.range.start.line, d.range.start.column, d.message) for d in found]}))\n"
    )
    runs = {}
    for mode in ("c", "pure"):
        proc = subprocess.run([sys.executable, "-c", script, mode, str(EXAMPLE)], capture_output=True,
                              text=True, cwd=ROOT, timeout=60, env={"PYTHONPATH": str(ROOT), "PATH": ""})
        assert proc.returncode == 0, proc.stderr
        runs[mode] = json.loads(proc.stdout)
    assert runs["c"]["pure"] is False and runs["pure"]["pure"] is True
    assert runs["pure"]["found"] == runs["c"]["found"]

"""Each place where libyaml 0.1.7 (the C composer) and go-yaml v3 (Docker) disagree, read as
Docker reads it (stacklint/go_yaml.py), with exact data, positions and messages. Docker's own
answer for each form is in the comment next to it (docker stack config, CLI 28.2.2)."""
from __future__ import annotations

import pytest

from stacklint import document
from stacklint.diagnostics import Range
from stacklint.document import parse
from stacklint.scalars import GoTime


def _problems(doc):
    return [(p.code, p.message, (p.range.start.line, p.range.start.column, p.range.end.line, p.range.end.column))
            for p in doc.problems]


def _span(doc, *path):
    r = doc.spans[path].value
    return r.start.line, r.start.column, r.end.line, r.end.column


def test_colons_inside_flow_scalars_are_content_at_their_own_positions():
    # Docker: ports 8080:80, volume /srv:/srv:ro, URL=http://x:80, {"a:b": null}, ["a:"], ["a :b"]
    text = ("services:\n  web:\n    ports: [8080:80, \"443:443\"]\n    volumes: [/srv:/srv:ro]\n"
            "    environment: [URL=http://x:80]\nx-a: {a:b, c: d:e}\nx-b: [a:, a :b, -a:b]\n")
    doc = parse(text)
    assert _problems(doc) == []
    assert doc.data["services"]["web"] == {"ports": ["8080:80", "443:443"], "volumes": ["/srv:/srv:ro"],
                                           "environment": ["URL=http://x:80"]}
    assert doc.data["x-a"] == {"a:b": None, "c": "d:e"}
    assert doc.data["x-b"] == ["a:", "a :b", "-a:b"]
    assert _span(doc, "services", "web", "ports", 0) == (2, 12, 2, 19)
    assert _span(doc, "services", "web", "volumes", 0) == (3, 14, 3, 26)
    assert _span(doc, "services", "web", "environment", 0) == (4, 18, 4, 33)
    assert doc.spans[("x-a", "c")].key == Range.of(5, 11, 5, 12)
    assert _span(doc, "x-b", 1) == (6, 10, 6, 14)


def test_colons_stay_a_directives_and_a_verbatim_tags_and_json_style_values_stay_values():
    text = '%TAG !e! tag:example.com,2000:\n---\na: [!<tag:yaml.org,2002:str> 1, x:y]\nb: {"k":v, \'q\':1}\n'
    doc = parse(text)
    assert _problems(doc) == []
    assert doc.data == {"a": ["1", "x:y"], "b": {"k": "v", "q": 1}}


def test_a_real_error_after_a_flow_colon_is_still_reported_where_it_is():
    # Docker: yaml: line 2: did not find expected ',' or ']'
    doc = parse("a: [8080:80]\nb: [1, 2\n")
    assert doc.failed
    assert [(c, r) for c, _, r in _problems(doc)] == [("SL001", (2, 0, 2, 0))]


def test_an_anchor_defined_again_replaces_the_first_for_later_aliases():
    # Docker: {a: 1, b: 2, c: 2}
    doc = parse("a: &x 1\nb: &x 2\nc: *x\n")
    assert _problems(doc) == []
    assert doc.data == {"a": 1, "b": 2, "c": 2}
    assert _span(doc, "c") == (1, 3, 1, 7)


def test_only_yaml_1_1_directives():
    # Docker: yaml: found incompatible YAML document
    doc = parse("%YAML 1.2\n---\na: 1\n")
    assert _problems(doc) == [("SL001", "found incompatible YAML document: Docker reads YAML 1.1 only", (0, 0, 0, 5))]
    assert parse("%YAML 1.1\n---\na: 1\n").data == {"a": 1}


@pytest.mark.parametrize("text, message, where", [
    # Docker: yaml: line 2: found an indentation indicator equal to 0
    ("a: 1\n--- |0\n", "while scanning a block scalar: found an indentation indicator equal to 0", (1, 5, 1, 6)),
    # Docker: yaml: line 3: found unknown directive name
    ("a: 1\n...\n%YML 1.1\n---\n", "while scanning a directive: found unknown directive name", (2, 4, 2, 5)),
])
def test_errors_in_the_tokens_docker_scans_past_the_first_document(text, message, where):
    assert _problems(parse(text)) == [("SL001", message, where)]


def test_the_rest_of_a_second_document_is_not_read():
    # Docker: {a: 1} (the `|0` is three tokens past the first document)
    assert _problems(parse("a: 1\n---\nb: |0\n")) == []


def test_tab_indented_comment_lines_after_a_comment_line():
    # Docker: {a: 1, b: 2}; but a tab-indented comment after a value's own comment is refused
    doc = parse("a: 1\n# note\n\t# tabbed\n \t# mixed\nb: 2\n")
    assert _problems(doc) == []
    assert doc.data == {"a": 1, "b": 2}
    assert _span(doc, "b") == (4, 3, 4, 4)
    assert _problems(parse('a: "1" # c\n\t# t\nb: 2\n')) == [
        ("SL001", "while scanning for the next token: found character that cannot start any token", (1, 0, 1, 1))]


def test_a_byte_order_mark_past_the_start_is_content():
    # Docker: yaml: unknown anchor 'k' referenced (libyaml 0.1.7 silently stopped at the mark)
    doc = parse("# head\n\ufeffa: 1\nb: *k\n")
    assert doc.failed and _problems(doc)[0][0] == "SL001"
    doc = parse("# head\n\ufeffa: 1\n")
    assert doc.data == {"\ufeffa": 1}


@pytest.mark.parametrize("text, value", [
    ("a: !!binary aGk=\n", "hi"),               # Docker: hi
    ("a: ! \n", None),                          # Docker: null
    ('a: ! "1"\n', "1"),                        # Docker: "1"
    ("a: !!float 1\n", 1.0),
    ('a: !!int "0x10"\n', 16),
    ("a: !!null ~\n", None),
])
def test_tagged_scalars_as_go_yaml_decodes_them(text, value):
    doc = parse(text)
    assert _problems(doc) == []
    assert doc.data == {"a": value} and type(doc.data["a"]) is type(value)


@pytest.mark.parametrize("text, message", [
    ("a: !!bool yes\n", "cannot decode !!str `yes` as a !!bool"),
    ("a: !!int 1.5\n", "cannot decode !!float `1.5` as a !!int"),
    ("a: !!int\n", "cannot decode !!null `` as a !!int"),
    ("a: !!null a\n", "cannot decode !!str `a` as a !!null"),
    ("a: !!timestamp x\n", "cannot decode !!str `x` as a !!timestamp"),
    ('a: !!binary "!!"\n', "!!binary value contains invalid base64 data"),
])
def test_tagged_scalars_docker_refuses(text, message):
    assert _problems(parse(text)) == [("SL001", message, (0, 3, 0, len(text) - 1))]


def test_timestamps_are_go_times():
    # Docker: labels {a: "2024-01-31 00:00:00 +0000 UTC"}; x- fields print as 2024-01-31T00:00:00Z
    doc = parse("a: 2024-01-31\nb: 2024-1-2T10:20:30.50+02:00\nc: 2024-02-30\nd: '2024-01-31'\n")
    a, b = doc.data["a"], doc.data["b"]
    assert type(a) is GoTime and a == "2024-01-31"
    assert (a.go_string(), a.rfc3339()) == ("2024-01-31 00:00:00 +0000 UTC", "2024-01-31T00:00:00Z")
    assert (b.go_string(), b.rfc3339()) == ("2024-01-02 10:20:30.5 +0200 +0200", "2024-01-02T10:20:30.5+02:00")
    assert type(doc.data["c"]) is str and type(doc.data["d"]) is str  # no such day; quoted


def test_duplicate_keys_as_go_yaml_compares_them():
    # Docker: line 2: mapping key "<<" already defined at line 1
    doc = parse("<<: {a: 1}\n<<: {b: 2}\n")
    assert _problems(doc) == [("SL002", 'mapping key "<<" already defined at line 1', (1, 0, 1, 2))]
    # Docker: {a: 2}: an alias key is not the key it repeats, its value replaces
    doc = parse("&k a: 1\n*k: 2\n")
    assert _problems(doc) == [] and doc.data == {"a": 2}
    # Docker: line 4: mapping key "k" already defined at line 3
    doc = parse("x: &k a\nm:\n  *k: 1\n  *k : 2\n")
    assert _problems(doc) == [("SL002", 'mapping key "k" already defined at line 3', (3, 2, 3, 4))]


def test_merges_as_go_yaml_does_them():
    # Docker: a merged null key is dropped; a merged list key is refused; an alias of a list is no merge
    assert parse("b: {~: 1, c: 2}\na:\n  <<: *b\n".replace("b: {", "b: &b {")).data["a"] == {"c": 2}
    doc = parse("a:\n  <<: {? [x] : 1}\n")
    assert _problems(doc) == [("SL004", "a mapping key must be a plain string, not a list", (1, 9, 1, 12))]
    doc = parse("l: &l [{a: 1}]\nm:\n  <<: *l\n")
    assert _problems(doc) == [("SL001", "a merge key (<<) needs a mapping or a list of mappings (an alias of a "
                                        "list is neither)", (2, 6, 2, 8))]


def test_ordinary_files_are_composed_once(monkeypatch):
    calls = []
    real = document._first_node
    monkeypatch.setattr(document, "_first_node", lambda text: calls.append(1) or real(text))
    parse("services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n")
    assert len(calls) == 1
    calls.clear()
    parse("services:\n  web:\n    image: nginx\n    ports: [8080:80, 443:443]\n    volumes: [/a:/b:ro]\n")
    assert len(calls) == 2  # the one that stops at the first colon, and the rewritten text


def test_nan_and_infinity_are_refused_where_written():
    # Docker: json: unsupported value: +Inf (it validates the file as JSON, x- fields included)
    doc = parse("a: &x .inf\nb: *x\nc: [*x, .nan, '.inf']\n")
    assert _problems(doc) == [
        ("SL004", ".inf is not a number Docker can validate (json: unsupported value: +Inf); quote it if it is text",
         (0, 3, 0, 10)),
        ("SL004", ".nan is not a number Docker can validate (json: unsupported value: NaN); quote it if it is text",
         (2, 8, 2, 12)),
    ]


def test_double_quoted_escapes_as_go_yaml_knows_them():
    # Docker: {a: "it's"}; `\/` is refused: yaml: found unknown escape character
    doc = parse('a: "it\\\'s"\nb: [8080:80]\n')
    assert _problems(doc) == [] and doc.data == {"a": "it's", "b": ["8080:80"]}
    assert _span(doc, "b", 0) == (1, 4, 1, 11)
    assert _problems(parse('a: "ok"\nb: "http:\\/\\/x"\n')) == [
        ("SL001", "while parsing a quoted scalar: found unknown escape character", (1, 9, 1, 10))]
    assert parse('a: "\\\\/"\n').data == {"a": "\\/"}

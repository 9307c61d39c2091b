"""--fix never leaves an alias without its anchor: the anchors a fix would remove and the
aliases that stay are read from the parser's events, not guessed from the text."""
from __future__ import annotations

from stacklint.document import parse
from stacklint.engine import lint
from stacklint.fixes import apply_fixes
from stacklint.settings import Settings

HEAD = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n'


def _fix(text: str):
    found = lint(text, None, Settings(env={}))
    return found, apply_fixes(text, found, unsafe=True)


def _sl306_fix(found, key: str):
    return next(d for d in found if d.code == "SL306" and d.path == ("services", "web", key)).fix


def test_an_anchor_inside_a_flow_sequence_that_an_alias_uses_keeps_its_key():
    text = HEAD + "    links: [&peer db]\n    hostname: *peer\n"
    found, applied = _fix(text)
    assert _sl306_fix(found, "links") is None
    assert applied.text == text


def test_an_anchor_inside_a_flow_mapping_used_by_a_merge_key_keeps_its_key():
    text = HEAD + "    build: {context: ., args: &args {A: '1'}}\n    labels:\n      <<: *args\n"
    found, applied = _fix(text)
    assert _sl306_fix(found, "build") is None
    assert applied.text == text


def test_a_block_anchor_used_by_a_merge_key_elsewhere_keeps_its_key():
    text = HEAD + "    build: &b\n      context: .\n  worker:\n    image: nginx:1.27\n    labels:\n      <<: *b\n"
    found, _ = _fix(text)
    assert _sl306_fix(found, "build") is None


def test_an_alias_deleted_with_its_anchor_lets_the_fix_apply():
    text = HEAD + "    build:\n      context: &ctx .\n      dockerfile: *ctx\n    deploy:\n      replicas: 1\n"
    found, applied = _fix(text)
    assert [d.code for d in applied.fixed] == ["SL306"]
    assert applied.text == HEAD + "    deploy:\n      replicas: 1\n"
    assert parse(applied.text).problems == []


def test_an_unused_anchor_goes_with_its_key():
    text = HEAD + "    links: &unused [db]\n    hostname: web\n"
    _, applied = _fix(text)
    assert applied.text == HEAD + "    hostname: web\n"


def test_an_ampersand_in_a_quoted_string_is_no_anchor():
    # the text reads like `&x ... *x`; the parser's events say there is neither
    text = HEAD + '    container_name: "web &x"\n    hostname: "*x"\n'
    _, applied = _fix(text)
    assert applied.text == HEAD + '    hostname: "*x"\n'


def test_an_alias_that_names_a_redefined_anchor_keeps_the_definition_it_uses():
    # go-yaml: an alias refers to the latest definition before it; deleting that one would
    # silently give the alias the earlier value
    text = HEAD + "    hostname: &h first\n    links: &h [db]\n    labels: {x: *h}\n"
    found, _ = _fix(text)
    assert _sl306_fix(found, "links") is None


def test_a_version_with_an_anchor_is_not_quoted_with_it():
    text = "version: &v 3.8\nservices:\n  web:\n    image: nginx:1.27\nx-copy: *v\n"
    found, applied = _fix(text)
    sl003 = next(d for d in found if d.code == "SL003")
    assert (sl003.fix, applied.text) == (None, text)


def test_a_plain_version_is_quoted():
    text = "version: 3.8\nservices:\n  web:\n    image: nginx:1.27\n"
    _, applied = _fix(text)
    assert applied.text == text.replace("3.8", '"3.8"')

"""Quick fixes and the ignore action, applied the way an editor applies them."""
from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.uris import from_fs_path

from stacklint import catalogue
from stacklint.checks import registered_codes

from .conftest import (CLIENTS, TIMEOUT, actions_at, apply_edits, change, edits_for, expected, open_doc,
                       published, session, shape)

FACE = "\U0001F600"
# The fixes issue 5 names, plus every rule whose page says it is fixable.
NAMED_FIXES = {
    "SL003": "quote the version",
    "SL101": "declare the undefined secret as external",
    "SL102": "declare the undefined config as external",
    "SL103": "declare the undefined network as external",
    "SL203": "add encrypted to the overlay network",
    "SL306": "drop the key stack deploy ignores",
}
FIXABLE = sorted(set(NAMED_FIXES) | {c for c, r in catalogue.load().items() if r.fixable})


def _example_or_skip(code: str) -> str:
    if code not in registered_codes():
        pytest.skip(f"{code} ({NAMED_FIXES.get(code, 'fixable')}) is not registered on this branch; "
                    "this test runs once the branch that adds it is merged")
    rule = catalogue.load().get(code)
    if rule is None or not rule.examples("Example"):
        pytest.skip(f"{code} has no rules/{code}.md example yet")
    return rule.examples("Example")[0]


@pytest.mark.parametrize("spec", CLIENTS)
@pytest.mark.parametrize("code", FIXABLE)
async def test_each_quick_fix_leaves_the_file_clean_of_its_code(tmp_path, code, spec):
    text = _example_or_skip(code)
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    async with session(tmp_path, spec) as client:
        diags = await open_doc(client, path, text)
        ours = [d for d in diags if d.code == code]
        assert ours, f"the {code} page's example raises no {code}"
        unfixable = [d for d in ours if not d.data.get("fixable")]
        if len(unfixable) == len(ours) and code not in NAMED_FIXES:
            pytest.xfail(f"rules/{code}.md says `fixable: true` but the engine attaches no fix to {code}")
        assert len(unfixable) < len(ours), f"no {code} finding in the page's example carries a fix"
        version, applied = 1, 0
        for _ in range(50):
            target = [d for d in diags if d.code == code and d.data.get("fixable")]
            if not target:
                break
            actions = await actions_at(client, uri, target[0])
            fixes = [a for a in actions if not a.title.startswith("Ignore ") and a.diagnostics[0].code == code]
            assert fixes, f"{code} at {target[0].range} is marked fixable but has no quick fix"
            assert fixes[0].kind == types.CodeActionKind.QuickFix
            text = apply_edits(text, edits_for(fixes[0], uri))
            version += 1
            change(client, path, version, text)
            diags = await published(client, uri, version)
            applied += 1
    assert applied, "no fix was applied"
    left = [d for d in diags if d.code == code]
    assert len(left) == len(unfixable), f"{code} after the fixes:\n{text}"
    assert not [d for d in diags if d.code == "SL001"], f"a fix broke the YAML:\n{text}"
    assert shape(diags) == expected(text, path)


async def test_quote_the_version_in_both_edit_shapes(tmp_path):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    text = f"# é{FACE}\nversion: 3.8  # the shop\nservices: {{}}\n"
    for spec in CLIENTS:
        async with session(tmp_path, spec) as client:
            diags = await open_doc(client, path, text)
            [sl003] = [d for d in diags if d.code == "SL003"]
            actions = await actions_at(client, uri, sl003)
        titles = [a.title for a in actions]
        assert titles == ['Quote the version: "3.8"', "Ignore SL003 on this line"], titles
        fix = actions[0]
        if spec.startswith("visual-studio-code"):
            assert fix.is_preferred is True
            assert fix.edit.document_changes[0].text_document.version == 1
        else:  # Neovim 0.7 advertises neither isPreferred nor documentChanges
            assert fix.is_preferred is None and fix.edit.changes
        assert apply_edits(text, edits_for(fix, uri)) == f'# é{FACE}\nversion: "3.8"  # the shop\nservices: {{}}\n'


@pytest.mark.parametrize("spec", CLIENTS)
async def test_ignore_actions_on_a_line_with_two_findings(tmp_path, spec):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    text = f'version: "3.8"\nservices:\n  wéb{FACE}: {{image: x, image: y}}\n'
    async with session(tmp_path, spec, options={"select": ["SL002", "SL004"]}) as client:
        diags = await open_doc(client, path, text)
        assert sorted(d.code for d in diags) == ["SL002", "SL004"]
        version = 1
        for code in ("SL004", "SL002"):
            [d] = [d for d in diags if d.code == code]
            [ignore] = [a for a in await actions_at(client, uri, d) if a.title == f"Ignore {code} on this line"]
            text = apply_edits(text, edits_for(ignore, uri))
            version += 1
            change(client, path, version, text)
            diags = await published(client, uri, version)
    assert text.splitlines()[2] == f"  wéb{FACE}: {{image: x, image: y}}  # stacklint: ignore[SL004,SL002]"
    assert diags == []


async def test_code_actions_respect_only_and_ranges(tmp_path):
    path = tmp_path / "docker-stack.yml"
    uri = from_fs_path(str(path))
    async with session(tmp_path) as client:
        [d] = await open_doc(client, path, "version: 3.8\nservices: {}\n")
        elsewhere = types.Range(start=types.Position(1, 0), end=types.Position(1, 3))
        none_here = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=elsewhere,
            context=types.CodeActionContext(diagnostics=[]))), TIMEOUT)
        only_source = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=d.range,
            context=types.CodeActionContext(diagnostics=[d], only=[types.CodeActionKind.Source]))), TIMEOUT)
    assert not none_here
    assert not only_source

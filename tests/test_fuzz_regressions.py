"""Inputs the fuzzers broke stacklint with, kept as exact cases (reduced by hand)."""
from __future__ import annotations

from pathlib import Path

from stacklint import document
from stacklint.diagnostics import Range
from stacklint.engine import lint
from stacklint.inventory import load_inventory
from stacklint.settings import Settings

INVENTORY = load_inventory(str(Path(__file__).resolve().parents[1] / "rules" / "fixtures" / "swarm-example.json"))


def found(text: str, **settings):
    settings.setdefault("env", {})
    return [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.range.end.line + 1, d.range.end.column + 1)
            for d in lint(text, None, Settings(**settings))]


def fixes(text: str, code: str):
    return [[(e.range.start.line + 1, e.range.start.column + 1, e.range.end.line + 1, e.range.end.column + 1,
              e.new_text) for e in d.fix.edits] if d.fix else None
            for d in lint(text, None, Settings(env={}, select=frozenset({code})))]


def test_constraints_that_are_not_a_list_next_to_a_local_volume():
    """atheris: SL403 iterated `constraints: 080` (TypeError: 'float' object is not iterable)."""
    text = ('version: "3.8"\nservices:\n  db:\n    image: postgres:16\n    volumes: ["data:/var/lib/postgresql/data"]\n'
            "    deploy:\n      placement:\n        constraints: 080\nvolumes:\n  data:\n")
    assert found(text, inventory=INVENTORY) == [("SL401", 3, 3, 3, 5), ("SL402", 3, 3, 3, 5), ("SL403", 5, 15, 5, 46),
                                                ("SL004", 8, 22, 8, 25)]


def test_ports_that_are_not_a_list_with_an_inventory():
    """SL504 enumerated `ports: 5` (found reading the code after the SL403 case)."""
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports: 5\n'
    assert found(text, inventory=INVENTORY) == [("SL401", 3, 3, 3, 6), ("SL402", 3, 3, 3, 6), ("SL004", 5, 12, 5, 13)]


def test_deleting_a_key_whose_value_is_an_alias_stays_on_its_line():
    """hypothesis: the SL306 fix ended at the anchor's text, two lines before it started."""
    text = 'version: "3.8"\nx-name: &name web\nservices:\n  api:\n    image: nginx:1.27\n    container_name: *name\n'
    assert fixes(text, "SL306") == [[(5, 22, 6, 26, "")]]


def test_no_deletion_of_a_key_that_comes_from_a_merge():
    text = ('version: "3.8"\nx-defaults: &defaults\n  container_name: web\nservices:\n  api:\n    <<: *defaults\n'
            "    image: nginx:1.27\n")
    assert fixes(text, "SL306") == [None]


def test_variable_in_a_folded_scalar_is_reported_on_its_key():
    """hypothesis on a corpus file: SL005 landed at the variable's offset on the key's line."""
    text = ('version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    command: >\n      run --user ${USER_NAME}\n'
            "      --verbose\n")
    assert found(text, select=frozenset({"SL005"})) == [("SL005", 5, 5, 5, 12)]


def test_error_at_the_end_of_the_text_is_inside_it():
    assert found('"') == [("SL001", 1, 2, 1, 2)]


def test_bom_before_a_flow_mapping():
    doc = document.parse("\ufeff{}")
    assert doc.text == "{}" and doc.spans[()].value == Range.of(0, 0, 0, 2)


def test_section_added_at_the_end_of_the_file_starts_inside_it():
    """hypothesis: SL103's new `networks:` section was inserted at a line past the end."""
    assert fixes('services:\n  api:\n    image: nginx:1.27\n    networks: [web]\n', "SL103") == [
        [(5, 1, 5, 1, "networks:\n  web:\n    external: true\n")]]
    assert fixes('services:\n  api:\n    image: nginx:1.27\n    networks: [web]', "SL103") == [
        [(4, 20, 4, 20, "\nnetworks:\n  web:\n    external: true\n")]]


def test_command_items_that_are_not_strings():
    """long run: SL404's command text joined `command: [0]` (TypeError: expected str instance)."""
    text = 'version: "3.8"\nservices:\n  web:\n    image: redis:7\n    command: [0, {a: b}]\n'
    assert found(text) == [("SL401", 3, 3, 3, 6), ("SL402", 3, 3, 3, 6), ("SL004", 5, 15, 5, 16),
                           ("SL004", 5, 18, 5, 24)]


def test_env_file_under_an_unknown_users_home(tmp_path):
    """long run: `env_file: ~0` made Path.expanduser raise RuntimeError."""
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    env_file: ~nosuchuser/app.env\n'
    stack = tmp_path / "docker-stack.yml"
    got = [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.message)
           for d in lint(text, str(stack), Settings(env={}, select=frozenset({"SL006"})))]
    assert got == [("SL006", 5, 15, f"env_file ~nosuchuser/app.env does not exist (Docker reads it while loading the "
                                    f"stack: open {tmp_path}/~nosuchuser/app.env: no such file or directory)")]


def test_volumes_and_secrets_that_are_not_lists_with_an_inventory():
    """long run: the SL5xx reference index iterated `volumes: 1.0` (and `secrets: web` by letter)."""
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    volumes: 1.0\n    secrets: web\n'
    assert found(text, inventory=INVENTORY) == [("SL401", 3, 3, 3, 6), ("SL402", 3, 3, 3, 6), ("SL004", 5, 14, 5, 17),
                                                ("SL004", 6, 14, 6, 17)]


def test_file_names_too_long_for_the_file_system(tmp_path):
    """long run: a 300-character env_file name made Path.is_file raise OSError (ENAMETOOLONG).
    Docker says `open <folder>/<name>: file name too long`."""
    name = "x" * 300
    text = (f'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    env_file: {name}\n    secrets: [s]\n'
            f"secrets:\n  s:\n    file: ./{name}\n")
    got = [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.message.replace(name, "NAME"))
           for d in lint(text, str(tmp_path / "docker-stack.yml"),
                         Settings(env={}, select=frozenset({"SL006", "SL107"})))]
    assert got == [
        ("SL006", 5, 15, f"env_file NAME cannot be opened (Docker reads it while loading the stack: open "
                         f"{tmp_path}/NAME: file name too long)"),
        ("SL107", 9, 11, f"secret s: file ./NAME cannot be opened (docker stack deploy fails: open "
                         f"{tmp_path}/NAME: file name too long)")]


def test_a_memory_size_past_a_float():
    """By hand, checking sizes against Docker: int(float('inf')) raised OverflowError out of lint
    (`memory: '+inf '` and '1e400' crashed the command line). Docker loads the first as -2**63
    (the daemon then refuses it: SL615) and refuses the second ("value out of range": SL006)."""
    text = ('version: "3.8"\nservices:\n  a:\n    image: busybox:1\n    deploy:\n      resources:\n'
            "        limits: {memory: '+inf '}\n  b:\n    image: busybox:1\n    deploy:\n      resources:\n"
            "        limits: {memory: '1e400'}\n")
    assert found(text, select=frozenset({"SL006", "SL615"})) == [("SL615", 7, 26, 7, 33), ("SL006", 12, 26, 12, 33)]

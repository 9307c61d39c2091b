"""Multi-file stacks (`-c base.yml -c prod.yml`), env files and the .env hint, with exact findings."""
from __future__ import annotations

import json

from stacklint.document import parse
from stacklint.merge import merge_files
from stacklint.settings import Settings
from stacklint.stack import lint_stack

from .conftest import ROOT, run_cli

BASE = """\
version: "3.8"
services:
  web:
    image: nginx:1.25
    ports:
      - "8080:80"
    secrets:
      - db
secrets:
  db:
    external: true
"""


def _found(texts, codes=None):
    per_file = lint_stack([(t, f"f{i}.yml") for i, t in enumerate(texts)], Settings(env={}))
    return [[(d.code, d.range.start.line + 1, d.range.start.column + 1, d.range.end.column + 1, d.message)
             for d in found if codes is None or d.code in codes] for found in per_file]


def test_an_override_using_what_the_base_declares_is_fine():
    override = 'version: "3.8"\nservices:\n  web:\n    secrets:\n      - db\n'
    assert _found([BASE, override], {"SL101"}) == [[], []]


def test_a_finding_goes_to_the_file_and_line_that_contributed_the_value():
    override = 'version: "3.8"\nservices:\n  api:\n    image: nginx:1.25\n    ports:\n      - "8080:81"\n'
    base, over = _found([BASE, override], {"SL309"})
    assert base == []
    assert over == [("SL309", 6, 9, 18, "service api: port '8080' is already in use by service 'web' as an ingress "
                     "port (8080/tcp); the Swarm refuses whichever of the two is created second")]


def test_related_information_names_the_other_file():
    override = 'version: "3.8"\nservices:\n  api:\n    image: nginx:1.25\n    ports:\n      - "8080:81"\n'
    (_, found) = lint_stack([(BASE, "base.yml"), (override, "prod.yml")], Settings(env={}, select=frozenset({"SL309"})))
    (related,) = found[0].related
    assert (related.path, related.range.start.line + 1, related.range.start.column + 1) == ("base.yml", 6, 9)


def test_an_override_replaces_a_port_by_its_published_number():
    # merge.go keys ports by published port: the override's 8080 replaces the base's, no conflict
    override = 'version: "3.8"\nservices:\n  web:\n    ports:\n      - "8080:81"\n'
    assert _found([BASE, override], {"SL309"}) == [[], []]


def test_versions_that_differ_stop_the_merge():
    override = 'version: "3.7"\nservices:\n  web:\n    secrets: [nope]\n'
    assert _found([BASE, override], {"SL003", "SL101"}) == [
        [], [("SL003", 1, 10, 15, "version mismatched between two composefiles : 3.8 and 3.7")]]


def test_each_file_must_be_valid_alone():
    override = 'version: "3.8"\nservices:\n  web:\n    replicas: 2\n    secrets: [nope]\n'
    base, over = _found([BASE, override], {"SL004", "SL101"})
    assert base == []
    assert [(c, line, col) for c, line, col, _, _ in over] == [("SL004", 4, 5)]


def test_a_suppression_in_the_override_covers_its_findings():
    override = 'version: "3.8"\nservices:\n  web:\n    secrets:\n      - nope  # stacklint: ignore[SL101]\n'
    assert _found([BASE, override], {"SL101", "SL009"}) == [[], []]


def _fixes(texts, code):
    per_file = lint_stack([(t, f"f{i}.yml") for i, t in enumerate(texts)], Settings(env={}))
    return [[(d.fix.title, [(e.range.start.line, e.range.start.column, e.range.end.line, e.range.end.column,
                             e.new_text) for e in d.fix.edits]) for d in found if d.code == code and d.fix]
            for found in per_file]


def test_a_fix_in_an_override_edits_that_file_at_its_own_lines():
    override = ('version: "3.8"\nservices:\n  api:\n    image: nginx:1.25\n    container_name: api\n'
                '    hostname: api\n')
    base, over = _fixes([BASE, override], "SL306")
    assert base == []
    # 0-based: line 4 is `container_name: api`; the edit deletes that line and nothing else
    assert over == [("delete `container_name`", [(4, 0, 5, 0, "")])]


def test_a_fix_that_would_edit_another_file_is_not_offered():
    # The undefined secret is in the override; its fix would declare it in the base's `secrets:`.
    override = 'version: "3.8"\nservices:\n  web:\n    secrets:\n      - api_key\n'
    per_file = lint_stack([(BASE, "f0.yml"), (override, "f1.yml")], Settings(env={}))
    [undefined] = [d for d in per_file[1] if d.code == "SL101"]
    assert (undefined.range.start.line, undefined.message) == (4, 'service web: undefined secret "api_key"')
    assert undefined.fix is None


def test_the_cli_merges_the_example_with_its_override():
    run = run_cli("-c", "examples/docker-stack.yml", "-c", "examples/prod.yml", "--select", "SL101,SL309",
                  "--format", "json")
    assert run.returncode == 1, run.stderr
    assert [(f["path"], f["code"], f["start"]["line"], f["start"]["column"], [r.get("path") for r in f["related"]])
            for f in json.loads(run.stdout)] == [
        ("examples/prod.yml", "SL101", 10, 9, ["examples/docker-stack.yml"]),
        ("examples/prod.yml", "SL309", 13, 9, ["examples/docker-stack.yml"])]


def test_env_files_supply_variables_and_the_environment_wins(tmp_path):
    stack = tmp_path / "docker-stack.yml"
    stack.write_text('version: "3.8"\nservices:\n  web:\n    image: nginx:${TAG}\n    hostname: ${HOST}\n')
    env_file = tmp_path / "prod.env"
    env_file.write_text("# comment\nTAG=1.25\nHOST=from-file\n")
    run = run_cli("--no-env", "--env-file", str(env_file), "--select", "SL005,SL209", str(stack))
    assert (run.returncode, run.stdout.splitlines()[:-1]) == (0, [])
    env = {"PATH": "/usr/bin:/bin", "TAG": "latest"}
    run = run_cli("--env-file", str(env_file), "--select", "SL209", "--format", "json", str(stack), env=env)
    assert [(f["code"], f["start"]["line"]) for f in json.loads(run.stdout)] == [("SL209", 4)]


def test_a_bad_env_file_is_one_line_that_never_shows_a_value(tmp_path):
    env_file = tmp_path / "prod.env"
    env_file.write_text("TAG=1.25\nS3CRET VALUE HERE\n")
    run = run_cli("--env-file", str(env_file), "examples/docker-stack.yml")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == (f"stacklint: error: --env-file {env_file}: invalid env file: "
                                                   "variable on line 2 contains whitespaces (the line is not "
                                                   "shown: without `=` it may be a value)")
    assert "S3CRET" not in run.stdout + run.stderr


def test_a_dotenv_beside_the_file_is_named_when_it_defines_what_is_missing(tmp_path):
    (tmp_path / ".env").write_text("TAG=1.25\nDB_PASSWORD=hunter2\n")
    stack = tmp_path / "docker-stack.yml"
    stack.write_text('version: "3.8"\nservices:\n  web:\n    image: nginx:${TAG}\n    hostname: ${OTHER}\n')
    run = run_cli("--no-env", "--select", "SL007", "--format", "json", str(stack))
    (finding,) = json.loads(run.stdout)
    assert (finding["code"], finding["severity"], finding["start"], finding["end"]) == (
        "SL007", "info", {"line": 4, "column": 12}, {"line": 4, "column": 24})
    assert finding["message"].startswith("TAG is not set here but defined in .env beside this file")
    assert "1.25" not in run.stdout and "hunter2" not in run.stdout
    run = run_cli("--no-env", "--env-file", str(tmp_path / ".env"), "--select", "SL007", str(stack))
    assert "SL007" not in run.stdout


def test_a_full_port_range_in_both_files_stays_one_entry():
    files = ['version: "3.8"\nservices:\n  web:\n    image: nginx:1.25\n    ports: ["1-65535:1-65535"]\n',
             'version: "3.8"\nservices:\n  web:\n    ports: ["1-65535:1-65535/udp"]\n']
    merged, origins = merge_files([parse(t).data for t in files])
    assert merged["services"]["web"]["ports"] == ["1-65535:1-65535/udp"]
    assert origins.of(("services", "web", "ports", 0)) == (1, ("services", "web", "ports", 0))


def test_a_port_taken_from_the_middle_of_a_range_splits_it_around_the_port():
    files = ['version: "3.8"\nservices:\n  web:\n    image: nginx:1.25\n    ports: ["[::1]:8000-8010:9000-9010"]\n',
             'version: "3.8"\nservices:\n  web:\n    ports: ["8004:80/udp"]\n']
    merged = merge_files([parse(t).data for t in files])[0]
    assert merged["services"]["web"]["ports"] == ["[::1]:8000-8003:9000-9003/tcp", "8004:80/udp",
                                                  "[::1]:8005-8010:9005-9010/tcp"]


def test_findings_past_the_cap_in_a_merged_stack_are_counted_in_the_file_they_belong_to():
    # a fuzz find (family `fix`): the closing count of a capped rule crashed the routing to files
    base = 'version: "3.8"\nservices:\n' + "".join(
        f'  s{i}:\n    image: nginx:1.25\n    ports: ["8000-8001:8000-8001"]\n' for i in range(22))
    override = 'version: "3.8"\nservices:\n  s0:\n    hostname: h\n'
    base_found, over_found = _found([base, override], {"SL309"})
    assert len(base_found) == 201 and over_found == []
    closing = [f[4] for f in base_found if "not shown" in f[4]]
    assert closing == ["31 more SL309 findings not shown (stacklint shows at most 200 per rule); fix these and run again"]

"""Secret-value audit through the CLI: every output format, the statistics, the input-error
lines. Markers planted in literal secrets, the environment, env files and secret files
(tests/secret_markers.py) must appear nowhere in what stacklint prints."""
from __future__ import annotations

import json
import os

import pytest

from stacklint.output import FORMATS

from . import secret_markers
from .conftest import run_cli


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    return secret_markers.plant(tmp_path_factory.mktemp("audit"))


def _env():
    return dict(os.environ, **secret_markers.ENV_VALUES)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_marker_in_any_output_format(stack, fmt):
    proc = run_cli("-f", fmt, str(stack), env=_env(), cwd=stack.parent)
    assert proc.returncode == 1, proc.stderr
    assert secret_markers.leaks(proc.stdout + proc.stderr) == {}


def test_the_stack_really_triggers_the_findings_that_used_to_leak(stack):
    proc = run_cli("-f", "json", str(stack), env=_env(), cwd=stack.parent)
    codes = {(f["code"], f["yaml_path"]) for f in json.loads(proc.stdout)}
    for code, path in [("SL005", "services.db.environment.POSTGRES_PASSWORD"),
                       ("SL005", "services.db.environment.API_TOKEN"),
                       ("SL005", "services.db.deploy.replicas"),
                       ("SL307", "services.db.deploy.mode"),
                       ("SL006", "services.db.deploy.resources.limits.memory"),
                       ("SL006", "services.db.env_file.1"),
                       ("SL101", "services.db.secrets.1")]:
        assert (code, path) in codes


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_marker_in_statistics(stack, fmt):
    proc = run_cli("--statistics", "-f", fmt, str(stack), env=_env(), cwd=stack.parent)
    assert secret_markers.leaks(proc.stdout + proc.stderr) == {}


# --- a stack of two files, with --env-file ----------------------------------------------------------
@pytest.fixture(scope="module")
def two_files(tmp_path_factory):
    base, override, env_file = secret_markers.plant_stack(tmp_path_factory.mktemp("audit-stack"))
    return base.parent, ["-c", base.name, "-c", override.name, "--env-file", env_file.name]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_marker_in_any_output_format_for_a_two_file_stack(two_files, fmt):
    folder, args = two_files
    proc = run_cli("-f", fmt, *args, env=_env(), cwd=folder)
    assert proc.returncode == 1, proc.stderr
    assert secret_markers.leaks(proc.stdout + proc.stderr) == {}


def test_the_two_file_stack_reaches_the_merged_checks_with_every_kind_of_value(two_files):
    folder, args = two_files
    proc = run_cli("-f", "json", *args, env=_env(), cwd=folder)
    found = {(f["path"], f["code"], f["yaml_path"]): f["message"] for f in json.loads(proc.stdout)}
    # values from --env-file (mode, network) and from the environment (memory), on merged findings
    assert found["base.yml", "SL307", "services.db.deploy.mode"].startswith("service db: Unknown mode: ${QX_MODE};")
    assert found["prod.yml", "SL103", "services.web.networks.0"] == 'service web: undefined network "${QX_NETWORK}"'
    assert found["prod.yml", "SL006", "services.db.deploy.resources.limits.memory"].startswith(
        "services.db.deploy.resources.limits.memory: invalid size: '${QX_MEMORY}';")
    # literal secrets in both files, one with a `$` inside
    for path, code, where in [("base.yml", "SL005", "services.db.environment.POSTGRES_PASSWORD"),
                              ("prod.yml", "SL005", "services.db.environment.REDIS_PASSWORD"),
                              ("prod.yml", "SL202", "services.web.environment.0")]:
        assert (path, code, where) in found


def test_the_text_format_masks_the_literal_on_a_flagged_line_of_either_file(two_files):
    folder, args = two_files
    proc = run_cli("-f", "text", *args, env=_env(), cwd=folder)
    assert "12 |       - ADMIN_TOKEN=" + "*" * len(secret_markers.OVERRIDE_LIST_TOKEN) + "\n" in proc.stdout
    assert '8 |       DATABASE_URL: "postgres://app:' + "*" * len(secret_markers.DIFF_URL_PASSWORD) in proc.stdout


def test_no_marker_in_a_diff_whose_context_holds_literal_secrets(two_files):
    folder, args = two_files
    proc = run_cli("--diff", "--unsafe-fixes", *args, env=_env(), cwd=folder)
    assert proc.returncode == 1, proc.stderr
    assert "-    container_name: db\n" in proc.stdout and "-    container_name: web\n" in proc.stdout
    assert "       - ADMIN_TOKEN=" + "*" * len(secret_markers.OVERRIDE_LIST_TOKEN) + "\n" in proc.stdout
    assert "prod.yml: the diff shows 1 line with a credential's value as asterisks" in proc.stderr
    assert secret_markers.leaks(proc.stdout + proc.stderr) == {}


def test_no_marker_when_fixing_the_files(tmp_path):
    base, override, env_file = secret_markers.plant_stack(tmp_path)
    proc = run_cli("--fix", "--unsafe-fixes", "-c", base.name, "-c", override.name, "--env-file", env_file.name,
                   env=_env(), cwd=tmp_path)
    assert "stacklint: fixed" in proc.stderr
    assert "container_name" not in override.read_text(encoding="utf-8")
    # No unsafe fix wrote a value from the environment or the env file into a stack file.
    assert secret_markers.leaks(proc.stdout + proc.stderr + base.read_text() + override.read_text()) == {
        m: 1 for m in (secret_markers.LITERAL_BEFORE_DOLLAR, secret_markers.LITERAL_AFTER_DOLLAR,
                       secret_markers.DIFF_URL_PASSWORD, secret_markers.OVERRIDE_LITERAL,
                       secret_markers.OVERRIDE_AFTER_DOLLAR, secret_markers.OVERRIDE_LIST_TOKEN)}


def test_no_marker_in_a_malformed_env_file_error(tmp_path):
    base, _override, env_file = secret_markers.plant_stack(tmp_path)
    env_file.write_text(f"QX_MODE=global\nhunter2 {secret_markers.ARG_ENV_FILE_BAD_LINE}\n", encoding="utf-8")
    proc = run_cli("-c", base.name, "--env-file", env_file.name, env=_env(), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.endswith(
        "stacklint: error: --env-file deploy.env: invalid env file: variable on line 2 contains whitespaces"
        " (the line is not shown: without `=` it may be a value)\n")
    assert secret_markers.leaks(proc.stdout + proc.stderr) == {}


# --- leaks the multi-file fuzz family found (single files had them too) ------------------------------
SHAPES = '''\
version: "3.8"
services:
  a:
    image: nginx:1.27
    secrets: ["${QX_SECRET}"]
  b:
    image: example/app:1.0
    secrets: ["${QX_SECRET}"]
    environment: {API_TOKEN: "tok$QXFLOWAFTER", HOME: /x}
networks:
  DB_PASSWORD: QXSCHEMAVALUE
'''


def _shapes():
    from stacklint.engine import lint
    from stacklint.settings import Settings

    return {(d.code, d.path): d for d in lint(SHAPES, "s.yml", Settings(env={"QX_SECRET": "QXSHAREDSECRETNAME"}))}


def test_a_message_naming_a_value_used_elsewhere_hides_it():
    # SL203 is about the network; the secret's name came from the environment in the services
    d = _shapes()["SL203", ("networks", "default")]
    assert "services a and b share secret ${QX_SECRET};" in d.message


def test_the_schema_does_not_quote_a_string_under_a_credential_name():
    d = _shapes()["SL004", ("networks", "DB_PASSWORD")]
    assert (d.range.start.line, d.range.start.column, d.range.end.column) == (10, 15, 28)
    assert d.message == "networks.DB_PASSWORD must be a mapping or null, not a string (not shown: it may be a secret)"


def test_the_code_frame_masks_credentials_in_flow_style():
    from stacklint.diagnostics import FileResult
    from stacklint.output import render

    found = list(_shapes().values())
    out = render("text", [FileResult("s.yml", found, text=SHAPES)], colour=False, quiet=False)
    assert '9 |     environment: {API_TOKEN: "' + "*" * len("tok$QXFLOWAFTER") + '", HOME: /x}\n' in out
    assert "11 |   DB_PASSWORD: " + "*" * len("QXSCHEMAVALUE") + "\n" in out
    assert "QXFLOWAFTER" not in out and "QXSCHEMAVALUE" not in out and "QXSHAREDSECRETNAME" not in out


def test_a_merged_path_keyed_by_a_value_from_the_environment_hides_it():
    from stacklint.settings import Settings
    from stacklint.stack import lint_stack

    base = 'version: "3.8"\nservices:\n  web: {image: "nginx:1.27", networks: [front]}\nnetworks:\n  front: {}\n'
    override = 'version: "3.8"\nservices:\n  web: {networks: ["${QX_NET}"]}\n'
    _, found = lint_stack([(base, "base.yml"), (override, "prod.yml")], Settings(env={"QX_NET": "QXNETVALUE"}))
    [d] = [d for d in found if d.code == "SL103"]
    assert (d.path, d.message) == (("services", "web", "networks", "${QX_NET}"),
                                   'service web: undefined network "${QX_NET}"')


def test_a_literal_secret_carried_elsewhere_by_an_alias_is_hidden():
    """fuzz (multifile, seed 20261233): `secrets: *env` made the environment's entries secret
    names, and SL101 quoted a password inside a URL."""
    from stacklint.engine import lint
    from stacklint.settings import Settings

    text = ('version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n'
            '    environment: &env [DB_PASSWORD=pw$QXLITMARKA, "API_TOKEN=postgres://u:QXLITMARKB@db/x",'
            ' "PGPASSWORD=QXLITMARKC"]\n'
            '    secrets: *env\n')
    found = [d for d in lint(text, "s.yml", Settings(env={})) if d.code == "SL101"]
    line = text.splitlines()[4]
    assert [(d.range.start.line, d.range.start.column, d.message, d.fix) for d in found] == [
        (4, line.index("DB_PASSWORD"), 'service web: undefined secret "DB_PASSWORD=****"', None),
        (4, line.index('"API_TOKEN'), 'service web: undefined secret "API_TOKEN=****"', None),
        (4, line.index('"PGPASSWORD'), 'service web: undefined secret "PGPASSWORD=****"', None),
    ]


def test_a_literal_secret_quoted_under_another_name_is_hidden():
    from stacklint.engine import lint
    from stacklint.settings import Settings

    text = ('version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n'
            '    environment: {DB_PASSWORD: &pw QXLITMARKA}\n'
            '    secrets: [*pw]\n')
    [d] = [d for d in lint(text, "s.yml", Settings(env={})) if d.code == "SL101"]
    assert (d.range.start.line, d.range.start.column, d.message, d.fix) == (
        4, text.splitlines()[4].index("&pw"), 'service web: undefined secret "****"', None)  # where the alias points


def test_a_literal_secret_the_file_also_writes_in_the_open_is_not_masked_there():
    """corpus (vfarcic zabbix): the password "zabbix" is also the image's name; masking it made
    `image ****/****-server-mysql` of an SL209 message."""
    from stacklint.engine import lint
    from stacklint.settings import Settings

    text = ('version: "3.8"\nservices:\n  server:\n    image: zabbix/zabbix-server-mysql:alpine-latest\n'
            '    environment: [MYSQL_PASSWORD=zabbix]\n')
    [d] = [d for d in lint(text, "s.yml", Settings(env={})) if d.code == "SL209"]
    assert d.message == ("service server: image zabbix/zabbix-server-mysql:alpine-latest uses the moving tag "
                         ":alpine-latest; pin a version")

"""SL101-SL108: references between services and top-level declarations, with exact positions."""
from __future__ import annotations

import pytest

from stacklint.diagnostics import Severity
from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import apply_edits


def found(lint_text, text, prefix="SL1", path=None, **settings):
    return [d for d in lint_text(text, path, **settings) if d[0].startswith(prefix)]


def diags(text, code, path=None, env=None):
    return [d for d in lint(text, path, Settings(env=env or {})) if d.code == code]


def apply_fix(text: str, fix) -> str:
    return apply_edits(text, fix.edits)


# --- SL101-SL104 undefined references ------------------------------------------------------------

REFERENCES = """\
services:
  web:
    image: nginx:1.27
    secrets:
      - nope
      - source: db_pasword
      - target: x
    configs:
      - app
    credential_spec:
      config: cs
    networks:
      - back
      - default
    volumes:
      - data:/data
      - a:/a
      - ./x:/x
      - type: tmpfs
        target: /t
      - type: volume
        source: vol2
        target: /v
      - type: cluster
        source: group:fast
        target: /c
  api:
    image: nginx:1.27
    networks:
      front:
        aliases: [x]
secrets:
  db_password:
    external: true
"""


def test_undefined_references_use_dockers_wording_on_the_reference(lint_text):
    got = [d for d in found(lint_text, REFERENCES) if d[0] != "SL105"]
    assert got == [
        ("SL101", 5, 9, 'service web: undefined secret "nope"'),
        ("SL101", 6, 17, 'service web: undefined secret "db_pasword" (did you mean "db_password"?)'),
        ("SL101", 7, 9, 'service web: undefined secret ""'),
        ("SL102", 9, 9, 'service web: undefined config "app"'),
        ("SL102", 11, 15, 'service web: undefined config "cs"'),
        ("SL103", 13, 9, 'service web: undefined network "back"'),
        ("SL104", 16, 9, 'service web: undefined volume "data"'),
        ("SL104", 22, 17, 'service web: undefined volume "vol2"'),
        ("SL103", 30, 7, 'service api: undefined network "front"'),
    ]


def test_undefined_references_are_deploy_stage_errors_with_related_declaration():
    ds = [d for d in lint(REFERENCES, None, Settings(env={})) if d.code in ("SL101", "SL102", "SL103", "SL104")]
    assert {d.stage for d in ds} == {"deploy"}
    assert {d.severity for d in ds} == {Severity.ERROR}
    secret = ds[0]
    assert [(r.message, r.range.start.line, r.range.start.column) for r in secret.related] == [
        ("secrets are declared here", 31, 0)]
    # no top-level configs: section, so nothing to point at
    assert [d.related for d in ds if d.code == "SL102"] == [(), ()]


def test_default_network_and_declared_objects_are_fine(lint_text):
    text = """\
services:
  web:
    image: nginx:1.27
    networks: [default, front]
    secrets: [s]
    configs: [{source: c, target: /c}]
    volumes: ["v:/v", {type: volume, source: w, target: /w}]
networks:
  front:
secrets:
  s: {external: true}
configs:
  c: {external: true}
volumes:
  v:
  w:
"""
    assert [d for d in found(lint_text, text) if d[0] in ("SL101", "SL102", "SL103", "SL104")] == []


def test_interpolated_reference_is_checked_after_interpolation(lint_text):
    text = """\
services:
  web:
    image: nginx:1.27
    secrets:
      - ${SECRET:-db}
secrets:
  db: {external: true}
"""
    assert found(lint_text, text, "SL101") == []
    # checked with the environment's value, which the message names by its variable, not its value
    assert found(lint_text, text, "SL101", env={"SECRET": "other"}) == [
        ("SL101", 5, 9, 'service web: undefined secret "${SECRET}"')]


def test_fix_declares_the_secret_as_external_under_the_existing_section():
    text = """\
services:
  web:
    image: nginx:1.27
    secrets:
      - nope
secrets:
  # the database password
  db_password:
    external: true   # created by ops
    # trailing comment of db_password

# a comment before volumes
volumes:
  data:
"""
    (d,) = diags(text, "SL101")
    assert d.fix.safe is False
    assert d.fix.title == 'declare secret "nope" as external under `secrets:`'
    fixed = apply_fix(text, d.fix)
    assert fixed == text.replace("    external: true   # created by ops\n",
                                 "    external: true   # created by ops\n  nope:\n    external: true\n")
    assert diags(fixed, "SL101") == []


def test_fix_adds_the_section_at_the_end_keeping_the_indentation_style():
    text = "services:\n    web:\n        image: nginx:1.27\n        networks: [back]"
    (d,) = diags(text, "SL103")
    fixed = apply_fix(text, d.fix)
    assert fixed == text + "\nnetworks:\n    back:\n        external: true\n"
    assert diags(fixed, "SL103") == []


def test_fix_fills_an_empty_section_and_quotes_odd_names():
    text = "services:\n  web:\n    image: nginx:1.27\n    configs: ['123']\nconfigs:\n"
    (d,) = diags(text, "SL102")
    fixed = apply_fix(text, d.fix)
    assert fixed == text + '  "123":\n    external: true\n'
    assert diags(fixed, "SL102") == []


def test_no_fix_for_flow_style_sections_or_missing_source():
    text = "services:\n  web:\n    image: nginx:1.27\n    secrets: [a, {target: x}]\nsecrets: {b: {external: true}}\n"
    assert [(d.message, d.fix) for d in diags(text, "SL101")] == [
        ('service web: undefined secret "a"', None), ('service web: undefined secret ""', None)]


def test_one_letter_named_volume_is_anonymous_for_docker(lint_text):
    text = """\
services:
  web:
    image: nginx:1.27
    volumes:
      - a:/data
volumes:
  a:
"""
    assert found(lint_text, text) == [
        ("SL105", 7, 3, 'volume a is declared but no service uses it (service web mounts "a:/data", which '
                        'Docker reads as an anonymous volume at target "a:/data": a one-letter name looks like '
                        'a Windows drive)')]


# --- SL105 unused declarations -------------------------------------------------------------------

def test_unused_declarations(lint_text):
    text = """\
services:
  web:
    image: nginx:1.27
    secrets: [used]
    credential_spec: {config: cs}
secrets:
  used: {external: true}
  stale: {file: ./stale.txt}
  ext: {external: true}
configs:
  cs: {external: true}
  conf: {template_driver: golang, file: ./c.tmpl}
networks:
  default:
  back:
  ext_net: {external: true}
volumes:
  data:
"""
    assert found(lint_text, text, "SL105") == [
        ("SL105", 8, 3, "secret stale is declared but no service uses it; docker stack deploy still creates it "
                        "and reads its file"),
        ("SL105", 9, 3, "secret ext is declared but no service uses it"),
        ("SL105", 12, 3, "config conf is declared but no service uses it; docker stack deploy still creates it "
                         "and reads its file"),
        ("SL105", 15, 3, "network back is declared but no service uses it; docker stack deploy does not create it"),
        ("SL105", 16, 3, "network ext_net is declared but no service uses it"),
        ("SL105", 18, 3, "volume data is declared but no service uses it"),
    ]


def test_declared_default_network_is_used_by_services_without_networks(lint_text):
    text = "services:\n  web:\n    image: nginx:1.27\nnetworks:\n  default:\n    driver_opts: {encrypted: ''}\n"
    assert found(lint_text, text, "SL105") == []
    text2 = text.replace("    image: nginx:1.27\n", "    image: nginx:1.27\n    networks: [front]\n") + "  front:\n"
    assert found(lint_text, text2, "SL105") == [
        ("SL105", 6, 3, "network default is declared but no service uses it; docker stack deploy does not create it")]


# --- SL106 external prerequisites ----------------------------------------------------------------

def test_external_prerequisites_one_per_object_with_the_create_command(lint_text):
    text = """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    secrets: [s, t]
    configs: [c]
    networks: [proxy, hostnet, enc]
    volumes:
      - data:/data
secrets:
  s: {external: true}
  t:
    external:
      name: prod_t
configs:
  c: {external: true, name: app_conf_v2}
networks:
  proxy: {external: true, attachable: true}
  hostnet: {external: true, name: host}
  enc:
    external: true
    driver_opts: {encrypted: ""}
volumes:
  data: {external: true}
  unused_ext: {external: true}
"""
    assert found(lint_text, text, "SL106") == [
        ("SL106", 11, 3, "secret s is external: create it before deploying with `docker secret create s -` "
                         "(reads the value from standard input)"),
        ("SL106", 12, 3, 'secret t (Swarm name "prod_t") is external: create it before deploying with '
                         '`docker secret create prod_t -` (reads the value from standard input)'),
        ("SL106", 16, 3, 'config c (Swarm name "app_conf_v2") is external: create it before deploying with '
                         '`docker config create app_conf_v2 FILE`'),
        ("SL106", 18, 3, "network proxy is external: create it before deploying with "
                         "`docker network create --driver overlay --scope swarm --attachable proxy`"),
        ("SL106", 20, 3, "network enc is external: create it before deploying with "
                         "`docker network create --driver overlay --scope swarm --opt encrypted enc`"),
        ("SL106", 24, 3, "volume data is external: create it before deploying with `docker volume create data` on "
                         "every node that may run the service (Docker does not check external volumes: where one "
                         "is missing, the local driver silently creates an empty one)"),
    ]
    assert {d.severity for d in diags(text, "SL106")} == {Severity.INFO}
    assert [d.path for d in diags(text, "SL106")][:2] == [("secrets", "s"), ("secrets", "t")]


# --- SL107 missing secret files ------------------------------------------------------------------

def test_missing_secret_and_config_files(lint_text, tmp_path):
    (tmp_path / "ok.txt").write_text("x")
    (tmp_path / "dir").mkdir()
    stack = tmp_path / "stack.yml"
    text = """\
services:
  web:
    image: nginx:1.27
secrets:
  ok: {file: ./ok.txt}
  gone: {file: ./secrets/gone.txt}
  folder: {file: dir}
  nothing: {labels: {a: b}}
  ext: {external: true, file: ./nope.txt}
  drv: {driver: vault}
  home: {file: ~/x.txt}
configs:
  conf:
    file: conf/app.conf
"""
    got = found(lint_text, text, "SL107", path=str(stack))
    assert got == [
        ("SL107", 6, 16, f"secret gone: file ./secrets/gone.txt does not exist (docker stack deploy fails: "
                         f"open {tmp_path}/secrets/gone.txt: no such file or directory)"),
        ("SL107", 7, 18, f"secret folder: file dir is a directory (docker stack deploy fails: read {tmp_path}/dir: "
                         "is a directory)"),
        ("SL107", 8, 3, f"secret nothing has no file, external or driver: docker stack deploy reads the stack "
                        f"file's folder as its content and fails (read {tmp_path}: is a directory)"),
        ("SL107", 11, 16, f"secret home: file ~/x.txt does not exist (docker stack deploy fails: open "
                          f"{tmp_path}/~/x.txt: no such file or directory)"),
        ("SL107", 14, 11, f"config conf: file conf/app.conf does not exist (docker stack deploy fails: open "
                          f"{tmp_path}/conf/app.conf: no such file or directory)"),
    ]
    assert {d.stage for d in diags(text, "SL107", path=str(stack))} == {"deploy"}


def test_missing_file_check_needs_a_folder_and_a_known_path(lint_text, tmp_path):
    text = """\
services:
  web:
    image: nginx:1.27
secrets:
  gone: {file: ./gone.txt}
  envpath: {file: $PWD/x.txt}
  nothing: {}
"""
    # no file on disk (stdin, unsaved buffer): only what needs no file system
    assert found(lint_text, text, "SL107") == [
        ("SL107", 7, 3, "secret nothing has no file, external or driver: docker stack deploy reads the stack "
                        "file's folder as its content and fails (read the stack file's folder: is a directory)")]
    stack = str(tmp_path / "s.yml")
    codes = [(c, line) for c, line, _, _ in found(lint_text, text, "SL107", path=stack)]
    assert codes == [("SL107", 5), ("SL107", 7)]  # $PWD unknown here: not checked
    codes = [(c, line) for c, line, _, _ in found(lint_text, text, "SL107", path=stack, env={"PWD": str(tmp_path)})]
    assert codes == [("SL107", 5), ("SL107", 6), ("SL107", 7)]


# --- SL108 external conflicts --------------------------------------------------------------------

def test_external_settings_docker_ignores_are_warnings(lint_text):
    text = """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    networks: [proxy]
    secrets: [s]
    configs: [c]
networks:
  proxy:
    external: true
    driver: overlay
    attachable: true
secrets:
  s:
    external: true
    file: ./s.txt
configs:
  c:
    external: true
    template_driver: golang
"""
    assert found(lint_text, text, "SL108") == [
        ("SL108", 11, 5, "network proxy is external: Docker ignores its `driver` (an external network is created "
                         "outside the stack and never changed by it)"),
        ("SL108", 12, 5, "network proxy is external: Docker ignores its `attachable` (an external network is "
                         "created outside the stack and never changed by it)"),
        ("SL108", 16, 5, "secret s is external: Docker ignores its `file` (an external secret is created outside "
                         "the stack and never changed by it)"),
        ("SL108", 20, 5, "config c is external: Docker ignores its `template_driver` (an external config is "
                         "created outside the stack and never changed by it)"),
    ]
    assert {(d.severity, d.stage) for d in diags(text, "SL108")} == {(Severity.WARNING, "")}


def test_load_time_external_conflicts_stay_errors(lint_text):
    text = """\
services:
  db:
    image: postgres:16
    volumes:
      - data:/d
volumes:
  data:
    external: true
    driver: local
"""
    (d,) = diags(text, "SL108")
    assert (d.severity, d.stage, d.range.start.line + 1) == (Severity.ERROR, "load", 9)


@pytest.mark.parametrize("external", ["false", "{}"])
def test_non_external_is_not_a_conflict(lint_text, external):
    text = f"services:\n  web:\n    image: nginx:1.27\n    networks: [n]\nnetworks:\n  n:\n    external: {external}\n    driver: overlay\n"
    codes = [c for c, *_ in found(lint_text, text, "SL108")]
    assert codes == ([] if external == "false" else ["SL108"])

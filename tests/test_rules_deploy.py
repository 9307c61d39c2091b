"""SL601-SL617, the deploy-stage rules: exact messages and ranges, the stage they name, and the
values that look wrong but deploy (they stay silent). Every behaviour here was confirmed on a
Swarm; the cases are in tests/deploy_cases/ (tests/test_deploy_differential.py).
"""
from __future__ import annotations

import pytest

from stacklint.diagnostics import Severity
from stacklint.engine import lint
from stacklint.parsers import parse_any_reference, parse_normalized_named, parse_restart_policy
from stacklint.settings import Settings

DEPLOY_CODES = tuple(f"SL6{n:02d}" for n in range(1, 18))


def findings(text: str, **settings):
    """(code, start line, start col, end line, end col, message, stage) of the deploy rules, 1-based."""
    settings.setdefault("env", {})
    return [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.range.end.line + 1,
             d.range.end.column + 1, d.message, d.stage)
            for d in lint(text, None, Settings(**settings)) if d.code in DEPLOY_CODES]


# --- parsers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("image, message", [
    ("nginx:", "invalid reference format"),
    ("Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase"),
    ("team/App:1", "invalid reference format: repository name (team/App) must be lowercase"),
    ("probe:" + "a" * 129, "invalid reference format"),
    ("probe@md5:" + "a" * 32, "unsupported digest algorithm"),
    ("team//probe", "invalid reference format"),
    ("pro___be", "invalid reference format"),
    ("/".join(["a" * 50] * 6), "repository name must not be more than 255 characters"),
])
def test_parse_any_reference_refuses_what_the_cli_refuses(image, message):
    with pytest.raises(ValueError) as err:
        parse_any_reference(image)
    assert str(err.value) == message


@pytest.mark.parametrize("image, full", [
    ("nginx", "docker.io/library/nginx"),
    ("probe:" + "a" * 128, "docker.io/library/probe:" + "a" * 128),
    ("Registry.Example.COM:5000/team/app:1", "Registry.Example.COM:5000/team/app:1"),
    ("my_registry.example.com/probe:1", "my_registry.example.com/probe:1"),  # `_` is no domain: all path
    ("localhost/app", "localhost/app"),
    ("index.docker.io/app", "docker.io/library/app"),
])
def test_parse_normalized_named_accepts_and_qualifies(image, full):
    parse_any_reference(image)
    assert parse_normalized_named(image) == full


def test_a_bare_image_id_passes_the_cli_and_not_the_swarm():
    parse_any_reference("a" * 64)
    with pytest.raises(ValueError, match="cannot specify 64-byte hexadecimal strings"):
        parse_normalized_named("a" * 64)


@pytest.mark.parametrize("text, result", [
    ("", ("", None)), ("no", ("", None)), ("no:1", ("", None)), ("always", ("any", None)),
    ("always:3", ("any", None)), ("unless-stopped:2", ("any", None)), ("on-failure", ("on-failure", 0)),
    ("on-failure:", ("on-failure", 0)), ("on-failure:3", ("on-failure", 3)),
    ("on-failure:-1", ("on-failure", 2**64 - 1)),  # MaxAttempts is a uint64 (a Docker 28.2.2 Swarm shows this)
])
def test_parse_restart_policy_accepts(text, result):
    assert parse_restart_policy(text) == result


@pytest.mark.parametrize("text, message", [
    ("sometimes", "unknown restart policy: sometimes"),
    ("Always", "unknown restart policy: Always"),
    (":3", "invalid restart policy format: no policy provided before colon"),
    ("on-failure:x", "invalid restart policy format: maximum retry count must be an integer"),
    ("on-failure:1:2", "invalid restart policy format: maximum retry count must be an integer"),
])
def test_parse_restart_policy_refuses(text, message):
    with pytest.raises(ValueError) as err:
        parse_restart_policy(text)
    assert str(err.value) == message


# --- CLI conversion ---------------------------------------------------------------------------------

def test_sl601_image_references():
    text = """\
services:
  a:
    image: "nginx:"
  b:
    build: .
  c:
    image: ${IMAGE}
  d:
    image: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  e:
    image: Registry.Example.COM:5000/team/app:1
"""
    a, b, c, d = [
        ("SL601", 3, 12, 3, 20, "invalid image reference for service a: invalid reference format", "deploy"),
        ("SL601", 4, 3, 4, 4, "invalid image reference for service b: no image specified", "deploy"),
        ("SL601", 7, 12, 7, 20, "invalid image reference for service c: no image specified", "deploy"),
        ("SL601", 9, 12, 9, 78, 'failed to create service d: ContainerSpec: "' + "a" * 64 + '" is not a valid '
         "repository/tag (an image ID is not a reference the Swarm accepts: use repository:tag or "
         "repository@digest)", "deploy"),
    ]
    # c's image is IMAGE, which this lint's environment lacks: the deploy's environment decides it
    # (SL005 warns), unless this environment is declared the deploy's own
    assert findings(text) == [a, b, d]
    assert findings(text, strict_env=True) == [a, b, c, d]


def test_sl601_images_the_cli_passes_and_the_swarm_refuses():
    """Seen on Docker 28.2.2: the CLI (distribution/reference v0.6.0) takes `NGINX` for a registry
    and accepts an [IPv6] registry; the daemon's swarmkit refuses both ('ContainerSpec: ... is not
    a valid repository/tag'). A registry with capitals and a dot passes both."""
    text = """\
services:
  a:
    image: NGINX/nginx
  b:
    image: "[::1]:5000/app:1"
  c:
    image: Reg.io/app:1
"""
    why = ("the Swarm reads references by older rules than the CLI: no [IPv6] registry, and a first part with "
           "capitals but no '.' or ':' is a repository, which must be lower case")
    assert findings(text) == [
        ("SL601", 3, 12, 3, 23, f'failed to create service a: ContainerSpec: "NGINX/nginx" is not a valid '
         f"repository/tag ({why})", "deploy"),
        ("SL601", 5, 12, 5, 30, f'failed to create service b: ContainerSpec: "[::1]:5000/app:1" is not a valid '
         f"repository/tag ({why})", "deploy"),
    ]


def test_sl601_an_image_made_of_variables_this_environment_lacks_is_left_to_sl005():
    text = """\
services:
  api:
    image: ${REGISTRY}/shop/api:${TAG:-1.4}
"""
    assert findings(text) == []
    assert [(d.code, d.severity, d.message) for d in lint(text, None, Settings(env={})) if d.code == "SL005"] == [
        ("SL005", Severity.WARNING, "services.api.image: variable REGISTRY is not set; Docker substitutes an empty string; "
         "give a default (${REGISTRY:-value}) or require it (${REGISTRY:?message})")]
    assert findings(text, strict_env=True) == [
        ("SL601", 3, 12, 3, 44, "invalid image reference for service api: invalid reference format", "deploy")]
    assert findings(text, env={"REGISTRY": "registry.example.com"}) == []


def test_sl602_credential_spec_on_the_key():
    text = """\
services:
  web:
    image: app:1
    credential_spec:
      config: cs
      file: spec.json
      registry: spec
configs:
  cs:
    file: ./cs.json
"""
    assert findings(text) == [
        ("SL602", 4, 5, 4, 20, 'service web: invalid credential spec: cannot specify both "Config", "File", '
         'and "Registry"', "deploy")]


def test_sl603_mount_options_by_type():
    text = """\
services:
  web:
    image: app:1
    volumes:
      - type: bind
        source: /srv
        target: /a
        volume:
          nocopy: true
      - type: tmpfs
        source: /srv
        target: /b
      - type: bind
        target: /c
      - type: BIND
        source: /srv
        target: /d
      - type: volume
        target: /e
        tmpfs:
          size: 10
        bind:
          propagation: shared
      - type: image
        source: app:1
        target: /f
"""
    assert findings(text) == [
        ("SL603", 8, 9, 8, 15, "service web: volume options are incompatible with type bind", "deploy"),
        ("SL603", 11, 17, 11, 21, "service web: invalid tmpfs source, source must be empty", "deploy"),
        ("SL603", 15, 15, 15, 19, "service web: volume type must be volume, bind, tmpfs, npipe, or cluster", "deploy"),
        ("SL603", 20, 9, 20, 14, "service web: tmpfs options are incompatible with type volume", "deploy"),
    ]


def test_sl604_legacy_restart_only_without_a_restart_policy():
    text = """\
services:
  a:
    image: app:1
    restart: "on-failure:x"
  b:
    image: app:1
    restart: sometimes
    deploy:
      restart_policy:
        condition: any
  c:
    image: app:1
    restart: "always:3"
"""
    assert findings(text) == [
        ("SL604", 4, 14, 4, 28, "service a: invalid restart policy format: maximum retry count must be an integer",
         "deploy")]


def test_sl605_targets_compared_as_written():
    text = """\
services:
  web:
    image: app:1
    secrets:
      - a
      - source: b
        target: a
      - source: c
        target: /run/secrets/a
    configs:
      - a
      - source: b
        target: /a
secrets:
  a: {file: ./a}
  b: {file: ./b}
  c: {file: ./c}
configs:
  a: {file: ./a}
  b: {file: ./b}
"""
    assert findings(text, stack_name="shop") == [
        ("SL605", 7, 17, 7, 18, "service web: duplicate secret target for shop_b not allowed", "deploy")]


# --- daemon conversion ------------------------------------------------------------------------------

def test_sl606_to_sl608_daemon_enums():
    text = """\
services:
  web:
    image: app:1
    deploy:
      endpoint_mode: roundrobin
      restart_policy:
        condition: always
      update_config:
        failure_action: stop
      rollback_config:
        failure_action: Pause
  ok:
    image: app:1
    deploy:
      endpoint_mode: DNSRR
      restart_policy:
        condition: ""
      rollback_config:
        failure_action: rollback
"""
    assert findings(text) == [
        ("SL608", 5, 22, 5, 32, 'service web: invalid resolution mode: "roundrobin" (the endpoint modes are vip '
         "and dnsrr)", "deploy"),
        ("SL606", 7, 20, 7, 26, 'service web: invalid RestartCondition: "always" (Swarm\'s conditions are none, '
         "on-failure and any: `any` is what `always` means in Compose)", "deploy"),
        ("SL607", 9, 25, 9, 29, "service web: unrecognized update failure action stop (in update_config: the "
         "actions are pause, continue and rollback, in lower case)", "deploy"),
        ("SL607", 11, 25, 11, 30, "service web: unrecognized update failure action Pause (in rollback_config: the "
         "actions are pause, continue and rollback, in lower case)", "deploy"),
    ]


MOUNT_TYPES = """\
services:
  web:
    image: app:1
    volumes:
      - type: cluster
        source: data
        target: /a
      - type: image
        source: app:1
        target: /b
      - type: bind
        source: /srv
        target: /c
        bind:
          propagation: RSHARED
      - type: bind
        source: /srv
        target: /d
        bind:
          propagation: rshare
volumes:
  data:
"""


def test_sl609_depends_on_the_engine_and_sl610_on_nothing():
    propagation = ("SL610", 20, 24, 20, 30, 'service web: invalid MountPropagation: "rshare" (one of private, rprivate, '
                   "shared, rshared, slave, rslave)", "deploy")
    assert findings(MOUNT_TYPES) == [propagation]  # the current release knows both types
    assert findings(MOUNT_TYPES, engine_version="20.10") == [
        ("SL609", 5, 15, 5, 22, 'service web: invalid MountType: "cluster" (refused by Docker Engine 20.10; cluster '
         "mounts need Docker Engine 23.0 or later)", "deploy"),
        ("SL609", 8, 15, 8, 20, 'service web: invalid MountType: "image" (refused by Docker Engine 20.10; image '
         "mounts need Docker Engine 28.0 or later)", "deploy"),
        propagation,
    ]
    assert [f[5][:40] for f in findings(MOUNT_TYPES, engine_version="25.0.3")] == [
        'service web: invalid MountType: "image" ', propagation[5][:40]]


def test_sl609_takes_the_oldest_engine_of_the_inventory():
    inventory = {"nodes": [{"role": "manager", "engine_version": "28.2.2"},
                           {"role": "worker", "engine_version": "24.0.7"}]}
    got = findings(MOUNT_TYPES, inventory=inventory, engine_version="20.10")
    assert [f[0] for f in got] == ["SL609", "SL610"]
    assert "refused by Docker Engine 24.0.7" in got[0][5]


# --- swarmkit -------------------------------------------------------------------------------------

def test_sl611_service_names_with_and_without_the_stack_name():
    text = """\
services:
  web.api:
    image: app:1
  WWW:
    image: app:1
  web--a__b:
    image: app:1
"""
    text = text.replace("WWW", "w" * 61)
    dns = ("is not a DNS label (letters, digits, - and _ between them): docker stack deploy fails when it creates "
           "it (name must be valid as a DNS name component)")
    assert findings(text, stack_name="st") == [
        ("SL611", 2, 3, 2, 10, f"service name st_web.api {dns}", "deploy"),
        ("SL611", 4, 3, 4, 64, "service name st_" + "w" * 61 + " is 64 characters long (at most 63): docker stack "
         "deploy fails when it creates it (name must be 63 characters or fewer)", "deploy"),
    ]
    # without a stack name a one-letter one is assumed: 61 characters still fit
    assert findings(text) == [("SL611", 2, 3, 2, 10, f"service name <stack>_web.api {dns}", "deploy")]


def test_sl612_to_sl614_durations_and_ratios():
    text = """\
services:
  web:
    image: app:1
    healthcheck:
      interval: 500us
      timeout: -1s
      start_period: 0s
    stop_grace_period: -1s
    deploy:
      restart_policy:
        delay: -1s
        window: 1ns
      update_config:
        monitor: -1s
        max_failure_ratio: 1.5
      rollback_config:
        delay: -1s
        max_failure_ratio: 2
"""
    assert findings(text) == [
        ("SL614", 5, 17, 5, 22, "service web: ContainerSpec: Interval in HealthConfig cannot be less than 1ms",
         "deploy"),
        ("SL614", 6, 16, 6, 19, "service web: ContainerSpec: Timeout in HealthConfig cannot be less than 1ms",
         "deploy"),
        ("SL612", 11, 16, 11, 19, "service web: TaskSpec: restart-delay cannot be negative", "deploy"),
        ("SL612", 14, 18, 14, 21, "service web: TaskSpec: update-monitor cannot be negative", "deploy"),
        ("SL613", 15, 28, 15, 31, "service web: TaskSpec: update-maxfailureratio cannot be less than 0 or bigger "
         "than 1 (it is a fraction of the tasks: 1.5)", "deploy"),
    ]


def test_sl615_resources():
    text = """\
services:
  web:
    image: app:1
    deploy:
      resources:
        limits:
          cpus: "0.005"
          memory: 4194303b
        reservations:
          cpus: "0.0001"
          memory: 4m
  ok:
    image: app:1
    deploy:
      resources:
        limits:
          cpus: "0.01"
          memory: 6m
        reservations:
          cpus: "0.001"
"""
    assert findings(text) == [
        ("SL615", 7, 17, 7, 24, "service web: a cpu limit of 0.005 is a CFS quota of 500us, under the kernel's "
         "minimum of 1ms: the deploy succeeds, then every task fails to start (`failed to write ... "
         "cpu.cfs_quota_us: invalid argument`); the smallest limit that runs is 0.01", "task"),
        ("SL615", 8, 19, 8, 27, "service web: invalid memory value 4194303: Must be at least 4MiB", "deploy"),
        ("SL615", 10, 17, 10, 25, "service web: invalid cpu value 0.0001: Must be at least 0.001", "deploy"),
    ]


def test_sl616_duplicate_targets_as_written_and_cleaned():
    text = """\
services:
  web:
    image: app:1
    tmpfs: /data
    volumes:
      - /srv:/data
      - data:/data
      - type: tmpfs
        target: /data/
      - /srv:/other
volumes:
  data:
"""
    assert findings(text) == [
        ("SL616", 7, 9, 7, 19, "service web: ContainerSpec: duplicate mount point: /data", "deploy"),
        ("SL616", 9, 17, 9, 23, "service web: Duplicate mount point: /data/ (the deploy succeeds; every task then "
         "fails on its node: /data/ and /data are one path)", "task"),
    ]


def test_sl617_templates_where_swarmkit_expands_them():
    text = """\
services:
  web:
    image: app:1
    hostname: "{{.Node.Hostname}}-{{.Task.Slot}}"
    command: ["{{.Node.Nmae}}"]
    labels:
      x: "{{.Node.Nmae}}"
    environment:
      NODE: "{{.Node.Nmae}}"
      OK: '{{printf "%s" .Node.ID}} {{index .Service.Labels "a"}}'
    volumes:
      - type: tmpfs
        target: "/data/{{.Task.Nmae}}"
  bad:
    image: app:1
    hostname: "{{upper .Node.Hostname}}"
"""
    assert findings(text) == [
        ("SL617", 9, 13, 9, 29, 'service web: expanding env failed: expanding env "NODE={{.Node.Nmae}}": template: '
         'expansion:1:7: executing "expansion" at <.Node.Nmae>: can\'t evaluate field Nmae in type struct { ID '
         "string; Hostname string; Platform template.Platform }", "deploy"),
        ("SL617", 13, 17, 13, 39, 'service web: expanding mounts failed: expanding mount target "/data/{{.Task.Nmae}}": '
         'template: expansion:1:13: executing "expansion" at <.Task.Nmae>: can\'t evaluate field Nmae in type '
         "struct { ID string; Name string; Slot string }", "deploy"),
        ("SL617", 16, 15, 16, 41, 'service bad: expanding hostname failed: template: expansion:1: function "upper" '
         "not defined", "deploy"),
    ]


def test_engine_version_option(tmp_path):
    from .conftest import run_cli

    stack = tmp_path / "docker-stack.yml"
    stack.write_text(MOUNT_TYPES)
    old = run_cli("--no-env", "--select", "SL609", "--engine-version", "20.10.24", str(stack))
    assert old.returncode == 1 and old.stdout.count("SL609") == 2
    assert run_cli("--no-env", "--select", "SL609", str(stack)).returncode == 0
    bad = run_cli("--engine-version", "latest", str(stack))
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1] == (
        "stacklint: error: argument --engine-version: not an engine version: 'latest' (expected e.g. 20.10 or 28.2.2)")

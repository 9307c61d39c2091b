"""SL640-SL671: what the Swarm refuses when it creates the stack's objects, what it never
schedules, and what fails on the node after a successful deploy. Exact code, position, message
and stage; every behaviour here was confirmed on a real Swarm (tests/deploy_cases, results.tsv)."""
from __future__ import annotations

import json

import pytest

from stacklint.checks.objects import name_problem
from stacklint.parsers import go_parse_cidr, go_parse_ip
from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import run_cli

TASK = "docker stack deploy succeeds, then every task fails on the node"


def _found(text, folder, stack="st"):
    path = folder / "stack.yml"
    path.write_text(text)
    return [(d.code, d.range.start.line + 1, d.range.start.column + 1, d.range.end.column + 1, d.stage, d.message)
            for d in lint(text, str(path), Settings(env={}, stack_name=stack)) if "SL640" <= d.code < "SL700"]


def test_task_failures_one_per_value(tmp_path):
    (tmp_path / "s.txt").write_text("hi")
    text = """\
services:
  web:
    image: probe:1
    cap_add: [NET_ADMN, NET_ADMIN]
    sysctls:
      vm.swappiness: "10"
      net.core.somaxconn: 1024
    ulimits:
      nofiles: 10
      nproc: {soft: 20, hard: 10}
    working_dir: app
    stop_signal: SIGFOO
    isolation: hyperv
    extra_hosts: ["db:db.internal", "ok:10.0.0.1"]
    logging:
      driver: json-file
      options: {max_size: 10m, max-file: "0"}
    volumes:
      - "d:/data"
      - ./missing:/m
    deploy:
      resources:
        limits: {memory: 5M}
    secrets:
      - source: s
        uid: nobody
    configs: [c]
secrets:
  s: {file: ./s.txt}
configs:
  c: {file: ./s.txt, template_driver: jinja}
"""
    missing = tmp_path / "missing"
    assert _found(text, tmp_path) == [
        ("SL660", 4, 15, 23, "task", f"service web: cap_add names no Linux capability: NET_ADMN; {TASK} "
         '(invalid CapAdd: unknown capability: "CAP_NET_ADMN")'),
        ("SL661", 6, 22, 26, "task", f"service web: sysctl vm.swappiness is not namespaced: a container cannot set "
         f'it; {TASK} (sysctl "vm.swappiness" is not in a separate kernel namespace)'),
        ("SL662", 9, 7, 14, "task", f"service web: ulimit nofiles is not a resource limit Linux knows; {TASK} "
         "(wrong rlimit value: RLIMIT_NOFILES)"),
        ("SL662", 10, 21, 23, "task", f"service web: ulimit nproc: the soft limit 20 is above the hard limit 10; "
         f"{TASK} (runc: error setting rlimits: invalid argument)"),
        ("SL663", 11, 18, 21, "task", f"service web: working_dir app is not an absolute path; {TASK} (the working "
         "directory 'app' is invalid, it needs to be an absolute path)"),
        ("SL664", 12, 18, 24, "task", f"service web: stop_signal SIGFOO is not a signal; {TASK} (Invalid signal: "
         "SIGFOO)"),
        ("SL666", 13, 16, 22, "task", f"service web: isolation hyperv exists only on Windows nodes; {TASK} "
         "(invalid isolation 'hyperv' on linux)"),
        ("SL667", 14, 19, 35, "task", f"service web: extra_hosts entry db maps to db.internal, not to an IP "
         f'address; {TASK} (invalid IP address in add-host: "db.internal")'),
        ("SL668", 17, 17, 25, "task", f"service web: the json-file log driver refuses the option max_size; {TASK} "
         "(unknown log opt 'max_size' for json-file log driver)"),
        ("SL668", 17, 42, 45, "task", f"service web: the json-file log driver refuses the option max-file; {TASK} "
         "(max-file cannot be less than 1)"),
        ("SL663", 19, 9, 18, "task", f"service web: mount target d:/data is not an absolute path; {TASK} (invalid "
         "mount target, must be an absolute path: d:/data)"),
        ("SL669", 20, 9, 21, "task", f"service web: bind source ./missing does not exist next to the stack file "
         f"(the CLI sends {missing}, and no node is expected to have it); {TASK} (invalid mount config for type "
         f'"bind": bind source path does not exist: {missing})'),
        ("SL665", 23, 26, 28, "task", f"service web: memory limit 5242880 bytes is below the 6 MiB a container "
         f"needs; {TASK} (Minimum memory limit allowed is 6MB)"),
        ("SL670", 26, 14, 20, "task", f"service web: secret uid nobody is not a number (names are not looked up); "
         f'{TASK} (strconv.Atoi: parsing "nobody": invalid syntax)'),
        ("SL671", 31, 39, 44, "task", f"service web: config c has template_driver jinja: the only template driver "
         f"is golang; {TASK} (failed to expand templated config: unrecognized template type)"),
    ]


def test_linux_only_checks_stay_silent_on_windows_nodes(tmp_path):
    text = """\
services:
  web:
    image: probe:1
    isolation: hyperv
    stop_signal: SIGFOO
    working_dir: 'C:\\app'
    deploy:
      placement:
        constraints: [node.platform.os == windows]
"""
    assert _found(text, tmp_path) == []


def test_objects_the_deploy_creates(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "s.txt").write_text("hi")
    text = """\
services:
  web:
    image: probe:1
    networks: [a, b, ing]
    logging:
      driver: jsonfile
    volumes: ["data:/data"]
networks:
  a:
    driver: bridge
    name: my.net
    ipam:
      config: [{subnet: 10.1.0.0/16}]
  b:
    ipam:
      config: [{subnet: 10.1.2.0/24}, {subnet: 10.300.0.0/24}]
  ing:
    external: true
    name: ingress
  unused:
    driver: host
volumes:
  data:
    driver: locale
secrets:
  e: {file: ./empty.txt}
  named: {file: ./s.txt, name: "a b"}
"""
    never = ("the deploy succeeds, but no node has such a driver, so the tasks never schedule (no suitable node "
             "(missing plugin on every node))")
    assert _found(text, tmp_path) == [
        ("SL645", 4, 22, 25, "deploy", "service web is attached to the ingress network: docker stack deploy fails "
         'when it creates the service (Service cannot be explicitly attached to the ingress network "ingress"); '
         "published ports use ingress without it"),
        ("SL650", 6, 15, 23, "", f"service web: log driver jsonfile is not a Docker log driver (did you mean "
         f"json-file?): {never}"),
        ("SL642", 10, 13, 19, "deploy", "network a (used by service web) has driver bridge: a bridge network is "
         "local to one node: the daemon creates it, then refuses the service (The network my.net cannot be used "
         "with services. Only networks scoped to the swarm can be used, such as those created with the overlay "
         "driver.); a stack network must be swarm-scoped: use overlay"),
        ("SL641", 11, 11, 17, "deploy", "network name my.net is not a DNS label (letters, digits, - and _ between "
         "them): docker stack deploy fails when it creates it (name must be valid as a DNS name component)"),
        ("SL644", 16, 25, 36, "", "network b: subnet 10.1.2.0/24 overlaps 10.1.0.0/16 of network a: the deploy "
         "succeeds, but the Swarm cannot allocate the network (Pool overlaps with other one on this address "
         "space), so the tasks attached to it never start"),
        ("SL643", 16, 48, 61, "deploy", "network b: subnet 10.300.0.0/24 is not an address block in CIDR notation "
         "(a.b.c.d/n): docker stack deploy fails when it creates the network (Invalid subnet 10.300.0.0/24 : "
         "invalid CIDR address: 10.300.0.0/24)"),
        ("SL651", 24, 13, 19, "", f"volume data (used by service web): driver locale is not a Docker volume driver "
         f"(did you mean local?): {never}"),
        ("SL640", 26, 13, 24, "deploy", "secret e: file ./empty.txt is empty: docker stack deploy fails when it "
         "creates the secret (secret data must be larger than 0 and less than 512000 bytes)"),
        ("SL641", 27, 32, 37, "deploy", "secret name a b may hold only letters, digits, '-', '_' and '.', and must "
         "start and end with a letter or digit: docker stack deploy fails when it creates it (invalid name, only "
         "64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9])"),
    ]


def test_size_limits_are_exclusive(tmp_path):
    (tmp_path / "s.txt").write_text("x" * 511999)
    (tmp_path / "big.txt").write_text("x" * 512000)
    text = """\
services:
  web:
    image: probe:1
secrets:
  ok: {file: ./s.txt}
  big: {file: ./big.txt}
configs:
  c: {file: ./big.txt}
"""
    assert [f[:2] for f in _found(text, tmp_path)] == [("SL640", 6)]


def test_name_length_needs_the_stack_name(tmp_path):
    key = "k" * 61
    text = f"services:\n  web:\n    image: probe:1\n    networks: [{key}]\nnetworks:\n  {key}:\n"
    assert [f[:2] for f in _found(text, tmp_path, stack="st")] == [("SL641", 6)]  # st_kkk...: 64 characters
    assert _found(text, tmp_path, stack=None) == []  # a one-letter stack name fits
    assert [f[:2] for f in _found(text, tmp_path, stack="stack")] == [("SL641", 6)]


def test_subnets_parse_as_go_parsecidr():
    assert str(go_parse_cidr("10.0.0.5/24")) == "10.0.0.0/24"  # host bits: accepted, network part kept
    assert str(go_parse_cidr("10.0.0.0/08")) == "10.0.0.0/8"  # Go's dtoi takes leading zeros
    assert str(go_parse_cidr("10.0.0.0/000000008")) == "10.0.0.0/8"
    assert str(go_parse_cidr("fd00::/64")) == "fd00::/64"
    for bad in ("10.61.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/255.0.0.0", "10.300.0.0/24", "auto", "::1/129",
                "fe80::1%eth0/64", "010.0.0.0/8", "10.0.0.0/99999999999"):  # a zone, Python takes; Go does not
        assert go_parse_cidr(bad) is None, bad


def test_a_subnet_with_an_ipv6_zone_is_refused(tmp_path):
    """Python's ip_network takes fe80::1%eth0/64; Go's ParseCIDR, and so the daemon, does not (seen
    on a Docker 28.2.2 Swarm: the message below)."""
    text = ("services:\n  web:\n    image: probe:1\n    networks: [a]\nnetworks:\n  a:\n    driver: overlay\n"
            "    ipam: {config: [{subnet: \"fd00:1::1%eth0/64\"}]}\n")
    assert _found(text, tmp_path) == [
        ("SL643", 8, 30, 49, "deploy", "network a: subnet fd00:1::1%eth0/64 is not an address block in CIDR notation "
         "(a.b.c.d/n): docker stack deploy fails when it creates the network (Invalid subnet fd00:1::1%eth0/64 : "
         "invalid CIDR address: fd00:1::1%eth0/64)"),
    ]


def test_addresses_parse_as_go_parseip():
    assert [str(go_parse_ip(t)) for t in ("10.0.0.1", "::ffff:10.0.0.1", "FE80::1")] == ["10.0.0.1", "::ffff:a00:1", "fe80::1"]
    for bad in ("fe80::1%eth0", "010.0.0.1", "10.0.0", "[::1]", " 10.0.0.1", ""):
        assert go_parse_ip(bad) is None, bad


def test_task_stage_reaches_json_sarif_and_gitlab(tmp_path):
    f = tmp_path / "docker-stack.yml"
    f.write_text("services:\n  web:\n    image: probe:1\n    stop_signal: SIGFOO\n")
    run = run_cli("--no-env", "--select", "SL664", "--format", "json", str(f))
    [item] = json.loads(run.stdout)
    assert (run.returncode, item["code"], item["docker_stage"], item["start"]) == (1, "SL664", "task",
                                                                                 {"line": 4, "column": 18})
    sarif = json.loads(run_cli("--no-env", "--select", "SL664", "--format", "sarif", str(f)).stdout)
    assert sarif["runs"][0]["results"][0]["properties"]["dockerStage"] == "task"
    gitlab = json.loads(run_cli("--no-env", "--select", "SL664", "--format", "gitlab", str(f)).stdout)
    assert [i["severity"] for i in gitlab] == ["blocker"]


def test_network_names_every_node_has(tmp_path):
    text = """\
services:
  web:
    image: probe:1
    networks: [a, b]
networks:
  a:
    name: docker_gwbridge
  b:
    external: true
    name: bridge
"""
    assert _found(text, tmp_path) == [
        ("SL641", 7, 11, 26, "deploy", "network name docker_gwbridge is taken by a network every Swarm node has: "
         "docker stack deploy fails when it creates it (network with name docker_gwbridge already exists); to attach "
         "to it, declare it external"),
    ]


@pytest.mark.parametrize("kind, name, exact, expected", [
    ("networks", "st_back-end", True, None),
    ("networks", "n" * 63, True, None),
    ("networks", "n" * 64, True, "is 64 characters long (at most 63): docker stack deploy fails when it creates it "
     "(name must be 63 characters or fewer)"),
    ("networks", "s_" + "k" * 62, False, "is longer than 63 characters with any stack name: docker stack deploy "
     "fails when it creates it (name must be 63 characters or fewer)"),
    ("networks", "my.net", True, "is not a DNS label (letters, digits, - and _ between them): docker stack deploy "
     "fails when it creates it (name must be valid as a DNS name component)"),
    ("networks", "none", True, "is taken by a network every Swarm node has: docker stack deploy fails when it "
     "creates it (operation is not permitted on predefined none network); to attach to it, declare it external"),
    ("secrets", "app.secret.v2", True, None),
    ("configs", "a" * 64, True, None),
    ("configs", "a" * 65, True, "is 65 characters long (at most 64): docker stack deploy fails when it creates it "
     "(invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be "
     "[a-zA-Z0-9])"),
    ("secrets", "bridge", True, None),  # only networks are predefined
])
def test_name_problem(kind, name, exact, expected):
    assert name_problem(kind, name, exact) == expected

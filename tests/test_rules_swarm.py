"""SL306-SL311: keys stack deploy ignores, modes, endpoint modes, published ports, update
parallelism and relative bind paths, with exact positions, messages, severities and fixes."""
from __future__ import annotations

from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import apply_edits


def _diags(text: str, *codes: str):
    return [d for d in lint(text, None, Settings(env={})) if d.code in codes]


IGNORED = """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    build:
      context: .
      # the production Dockerfile
      dockerfile: Dockerfile.prod

    # ports of the proxy
    ports: ["80:80"]
    container_name: web
    restart: on-failure:3
    networks:
      front:
        ipv4_address: 10.0.0.5
        aliases: [www]
    depends_on:
      - db
  db:
    image: postgres:16
    restart: always
    privileged: true
    cgroupns_mode: host
    tmpfs: /run
    expose: ["5432"]
    x-note: extension keys are the author's business
    deploy:
      restart_policy:
        condition: on-failure
  cache:
    image: redis:7.4
    restart: "no"
networks:
  front:
"""


def test_sl306_quotes_each_ignored_key(lint_text):
    unsupported = "is ignored by `docker stack deploy` (it prints \"Ignoring unsupported options: {}\")"
    head = "`restart` is reported by `docker stack deploy` as unsupported"
    assert [f for f in lint_text(IGNORED) if f[0] == "SL306"] == [
        ("SL306", 5, 5, "services.web: `build` " + unsupported.format("build") + "; the image must be built and "
                        "pushed to a registry every node can pull from"),
        ("SL306", 12, 5, "services.web: `container_name` is ignored by `docker stack deploy` (it prints \"Ignoring "
                         "deprecated options: container_name: Setting the container name is not supported.\"); "
                         "Swarm names containers <stack>_<service>.<slot>.<task id>"),
        ("SL306", 13, 5, f"services.web: {head}, yet it is used: without deploy.restart_policy it becomes "
                         "restart_policy condition: on-failure and max_attempts: 3; write that under "
                         "deploy.restart_policy"),
        ("SL306", 16, 9, "services.web.networks.front: `ipv4_address` is silently ignored by `docker stack deploy`: "
                         "Swarm assigns task addresses itself; reach the service by its name or a network alias"),
        ("SL306", 18, 5, "services.web: `depends_on` is silently ignored by `docker stack deploy`; Swarm starts "
                         "services in no particular order; make the service retry its dependencies or wait for "
                         "them with a healthcheck"),
        ("SL306", 22, 5, f"services.db: {head}, and it is: deploy.restart_policy takes its place"),
        ("SL306", 23, 5, "services.db: `privileged` " + unsupported.format("privileged") + "; Swarm services "
                         "cannot run privileged; grant only the capabilities it needs with cap_add"),
        # cgroupns_mode needs 3.9: the schema reports it (SL004), Docker refuses the file before warning
        ("SL306", 25, 5, "services.db: `tmpfs` is silently ignored by `docker stack deploy`; use a volume of "
                         "`type: tmpfs` in `volumes:` instead"),
        ("SL306", 26, 5, "services.db: `expose` is ignored by `docker stack deploy` (it prints \"Ignoring deprecated "
                         "options: expose: Exposing ports is unnecessary - services on the same network can access "
                         "each other's containers on any port.\")"),
        ("SL306", 33, 5, f"services.cache: {head}, and `restart: \"no\"` has no effect: Swarm still restarts the "
                         "tasks (condition: any); to stop restarts write deploy.restart_policy.condition: none"),
    ]
    assert ("SL004", 24, 5, "services.db: `cgroupns_mode` needs version 3.9 or later; this file declares 3.8") \
        in lint_text(IGNORED)


def test_sl306_fixes_delete_the_key_and_its_block_only():
    fixes = {d.range.start.line + 1: d.fix for d in _diags(IGNORED, "SL306")}
    # Deleting restart changes the deployed restart policy only where restart is really used.
    assert {line: f.safe for line, f in fixes.items()} == {5: True, 12: True, 13: False, 16: True, 18: True,
                                                          22: True, 23: True, 25: True, 26: True, 33: True}
    fixed = apply_edits(IGNORED, [e for line, f in fixes.items() if line != 33 for e in f.edits])
    assert fixed == """\
version: "3.8"
services:
  web:
    image: nginx:1.27

    # ports of the proxy
    ports: ["80:80"]
    networks:
      front:
        aliases: [www]
  db:
    image: postgres:16
    cgroupns_mode: host
    x-note: extension keys are the author's business
    deploy:
      restart_policy:
        condition: on-failure
  cache:
    image: redis:7.4
    restart: "no"
networks:
  front:
"""
    # the last key of the file: the newline before it goes, none after it is needed
    last = apply_edits(IGNORED, fixes[33].edits)
    assert last.endswith('  cache:\n    image: redis:7.4\nnetworks:\n  front:\n')


def test_sl306_no_fix_inside_a_flow_mapping():
    text = 'version: "3.8"\nservices:\n  web: {image: "nginx:1.27", container_name: web}\n'
    [d] = _diags(text, "SL306")
    assert d.fix is None and (d.range.start.line, d.range.start.column) == (2, 29)


MODES = """\
version: "3.9"
services:
  agent:
    image: portainer/agent:2.21.0
    deploy:
      mode: global
      replicas: 1
      placement:
        max_replicas_per_node: 1
  job:
    image: busybox:1.36
    deploy:
      mode: replicated-job
      update_config:
        parallelism: 0
      rollback_config:
        parallelism: 1
  web:
    image: nginx:1.27
    deploy:
      mode: Global
      replicas: 2
  ok:
    image: nginx:1.27
    deploy:
      mode: replicated
      replicas: 3
      placement:
        max_replicas_per_node: 1
"""


def test_sl307_modes(lint_text):
    assert [f for f in lint_text(MODES) if f[0] == "SL307"] == [
        ("SL307", 7, 7, "service agent: replicas can only be used with replicated or replicated-job mode (this "
                        "service is global: one task on every node)"),
        ("SL307", 9, 9, "service agent: max_replicas_per_node has no effect in global mode, which runs exactly one "
                        "task on every eligible node"),
        ("SL307", 14, 7, "service job: Jobs may not have an update config (the Swarm refuses a replicated-job "
                         "service with deploy.update_config)"),
        ("SL307", 21, 13, "service web: Unknown mode: Global; write `global` (the mode is case-sensitive)"),
    ]
    assert [(d.severity.label, d.stage) for d in _diags(MODES, "SL307")] == [
        ("error", "deploy"), ("warning", ""), ("error", "deploy"), ("error", "deploy")]


def test_sl310_parallelism_zero(lint_text):
    # the job's update_config is refused outright (SL307 says so): its parallelism is not SL310's business
    assert [f for f in lint_text(MODES) if f[0] == "SL310"] == []
    # one replica (the default): every parallelism replaces the one task the same way (issue 12)
    text = "services:\n  web:\n    image: nginx:1.27\n    deploy:\n      rollback_config:\n        parallelism: 0\n"
    assert [f[:3] for f in lint_text(text) if f[0] == "SL310"] == []
    several = text.replace("    deploy:\n", "    deploy:\n      replicas: 3\n")
    assert [f for f in lint_text(several) if f[0] == "SL310"] == [
        ("SL310", 7, 22, "deploy.rollback_config.parallelism: 0 means no limit: Swarm rolls back every task of the "
                         "service at once, so nothing keeps serving while the new tasks start; use 1 (the "
                         "default) or a part of the replicas"),
    ]
    everywhere = text.replace("    deploy:\n", "    deploy:\n      mode: global\n")
    assert [f[:3] for f in lint_text(everywhere) if f[0] == "SL310"] == [("SL310", 7, 22)]


PORTS = """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    ports:
      - "8080-8081:80"
      - target: 81
        published: 8081
      - "53:53/udp"
      - "443"
    deploy:
      endpoint_mode: DNSRR
  dns:
    image: coredns/coredns:1.11.1
    ports:
      - "53:53/udp"
      - "53:53"
      - target: 9000
        published: 9000
        mode: host
  dns2:
    image: coredns/coredns:1.11.1
    ports:
      - target: 9000
        published: 9000
        mode: host
      - target: 7946
        published: 7946
        protocol: udp
        mode: host
    deploy:
      endpoint_mode: dnsrr
  git:
    image: gitea/gitea:1.22
    ports:
      - 22:22
      - target: 3000
        published: 3000
        protocol: tcpp
        mode: Hots
  gui:
    image: nginx:1.27
    ports:
      - "3000:80"
"""


def test_sl308_dnsrr_with_ingress_ports(lint_text):
    assert [f for f in lint_text(PORTS) if f[0] == "SL308"] == [
        # on the ingress port that must change (issue 12), not on endpoint_mode
        ("SL308", 6, 9, "service web: EndpointSpec: port published with ingress mode can't be used with dnsrr "
                        "mode (8080-8081/tcp here; publish with `mode: host` in the long port syntax, or use "
                        "endpoint_mode: vip)"),
    ]
    [d] = _diags(PORTS, "SL308")
    assert d.stage == "deploy"
    assert [(r.message, r.range.start.line + 1) for r in d.related] == [
        ("endpoint_mode: dnsrr is set here", 12), ("also published in ingress mode: 8081/tcp", 7),
        ("also published in ingress mode: 53/udp", 9),
        ("also published in ingress mode: a Swarm-chosen port/tcp", 10)]


def test_sl309_port_conflicts(lint_text):
    assert [f for f in lint_text(PORTS) if f[0] == "SL309"] == [
        ("SL309", 7, 9, "service web: EndpointSpec: duplicate published ports provided (8081/tcp is published "
                        "twice by this service)"),
        ("SL309", 16, 9, "service dns: port '53' is already in use by service 'web' as an ingress port (53/udp); "
                         "the Swarm refuses whichever of the two is created second"),
        ("SL309", 24, 9, "service dns2: port 9000/tcp is also published in host mode by service 'dns': the two "
                         "can never run on the same node, and their tasks stay pending when too few nodes are left"),
        ("SL309", 27, 9, "service dns2: publishes 7946/udp in host mode, which every Swarm node already uses for "
                         "Swarm node gossip: the task cannot bind it"),
        ("SL309", 36, 9, "service git: publishes 22/tcp on the routing mesh, so every Swarm node forwards its own "
                         "port 22 to this service and SSH to the nodes on that port stops working; publish another "
                         "port (e.g. 10022:22)"),
        # unknown protocol and mode fall back to tcp and ingress, as in the daemon
        ("SL309", 44, 9, "service gui: port '3000' is already in use by service 'git' as an ingress port "
                         "(3000/tcp); the Swarm refuses whichever of the two is created second"),
    ]
    by_line = {d.range.start.line + 1: d for d in _diags(PORTS, "SL309")}
    assert [(d.severity.label, d.stage) for d in by_line.values()] == [
        ("error", "deploy"), ("error", "deploy"), ("warning", ""), ("warning", ""), ("warning", ""),
        ("error", "deploy")]
    assert [(r.message, r.range.start.line + 1) for r in by_line[7].related] == [
        ("service web publishes 8081/tcp (ingress mode) here", 6)]
    assert [(r.message, r.range.start.line + 1) for r in by_line[44].related] == [
        ("service git publishes 3000/tcp (ingress mode) here", 37)]


def test_sl309_is_linear_in_services():
    # 3,000 services each publishing its own port and one clash at the end: one finding.
    body = "".join(f"  s{i}:\n    image: nginx:1.27\n    ports: [\"{10000 + i}:80\"]\n" for i in range(3000))
    text = "services:\n" + body + "  late:\n    image: nginx:1.27\n    ports: [\"10000:80\"]\n"
    found = [(d.path[1], d.message.split(":")[0]) for d in _diags(text, "SL309")]
    assert found == [("late", "service late")]


def _full_range_services(n: int) -> str:
    return 'version: "3.8"\nservices:\n' + "".join(
        f'  s{i}:\n    image: nginx:1.27\n    ports: ["1-65535:1-65535"]\n' for i in range(n))


def test_sl309_compares_ranges_as_ranges(lint_text):
    # Two services publishing every port: one clash naming the overlap, not 65,535 findings.
    assert [f for f in lint_text(_full_range_services(2)) if f[0] == "SL309"] == [
        ("SL309", 5, 13, "service s0: publishes 1-65535/tcp on the routing mesh, so every Swarm node forwards "
                         "these ports of its own to this service: 22 (SSH to the nodes); 2377 (Swarm cluster "
                         "management); 7946 (Swarm node gossip); publish a range that leaves them out"),
        ("SL309", 8, 13, "service s1: ports 1-65535 are already in use by service 's0' as ingress ports "
                         "(1-65535/tcp); the Swarm refuses whichever of the two is created second"),
        ("SL309", 8, 13, "service s1: publishes 1-65535/tcp on the routing mesh, so every Swarm node forwards "
                         "these ports of its own to this service: 22 (SSH to the nodes); 2377 (Swarm cluster "
                         "management); 7946 (Swarm node gossip); publish a range that leaves them out"),
    ]


def test_sl309_partial_range_overlap_names_the_shared_ports(lint_text):
    text = """\
version: "3.8"
services:
  a:
    image: nginx:1.27
    ports: ["8000-8010:8000-8010", "9000-9005:80/udp"]
  b:
    image: nginx:1.27
    ports:
      - "8005-8020:8005-8020"
      - target: 53
        published: 9003
        protocol: udp
      - "9003:9003"
"""
    assert [f for f in lint_text(text) if f[0] == "SL309"] == [
        ("SL309", 9, 9, "service b: ports 8005-8010 are already in use by service 'a' as ingress ports "
                        "(8005-8010/tcp); the Swarm refuses whichever of the two is created second"),
        ("SL309", 10, 9, "service b: port '9003' is already in use by service 'a' as an ingress port (9003/udp); "
                         "the Swarm refuses whichever of the two is created second"),
    ]
    [d] = [d for d in _diags(text, "SL309") if d.range.start.line == 8]
    assert [(r.message, r.range.start.line + 1) for r in d.related] == [
        ("service a publishes 8005-8010/tcp (ingress mode) here", 5)]


def test_sl309_pairs_past_the_cap_are_counted_in_one_closing_finding():
    from stacklint.limits import MAX_PER_RULE

    found = _diags(_full_range_services(101), "SL309")
    pairs = 101 * 100 // 2
    node_port_warnings = 101
    assert len(found) == MAX_PER_RULE + 1
    closing = found[-1]
    assert closing.message == (f"{pairs + node_port_warnings - MAX_PER_RULE:,} more SL309 findings not shown "
                               f"(stacklint shows at most {MAX_PER_RULE} per rule); fix these and run again")
    assert (closing.severity.label, closing.name) == ("error", "published-port-conflict")


def test_sl311_relative_bind_paths(lint_text):
    text = """\
version: "3.8"
services:
  web:
    image: nginx:1.27
    volumes:
      - ./site:/usr/share/nginx/html:ro
      - ~/certs:/certs
      - /srv/data:/data
      - data:/var/lib/data
      - type: bind
        source: conf
        target: /etc/conf
      - type: bind
        source: C:\\\\data
        target: /win
volumes:
  data:
"""
    tail = "which every node that may run the task must then have"
    assert [f for f in lint_text(text) if f[0] == "SL311"] == [
        ("SL311", 6, 9, f"services.web: bind source ./site is not an absolute path: it resolves against the stack "
                        f"file's folder, {tail}"),
        ("SL311", 7, 9, f"services.web: bind source ~/certs is not an absolute path: it resolves against the "
                        f"deploying user's home, {tail}"),
        ("SL311", 11, 17, f"services.web: bind source conf is not an absolute path: it resolves against the stack "
                          f"file's folder, {tail}"),
    ]


def test_no_error_from_these_rules_on_the_real_world_corpus():
    """The corpus files deploy cleanly (with their required variables set): none of the Swarm and
    operations rules may call anything in them an error."""
    import pytest

    from .conftest import SHARED

    files = SHARED / "corpus" / "files"
    if not files.exists():
        pytest.skip(f"{files} is absent")
    mine = {f"SL3{i:02d}" for i in range(1, 12)} | {f"SL40{i}" for i in range(1, 6)}
    errors = []
    for path in sorted(files.iterdir()):
        for d in lint(path.read_text(encoding="utf-8"), str(path), Settings(env={})):
            if d.code in mine and d.severity.label == "error":
                errors.append((path.name, d.code, d.range.start.line + 1, d.message))
    assert errors == []

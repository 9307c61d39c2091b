"""The deploy model (stacklint.model): exact values and YAML paths of what Docker would send.

Each test names the Go function it mirrors. The YAML goes through stacklint's own parser, so
go-yaml's readings (0440 is octal) are part of what is tested.
"""
from __future__ import annotations

import ctypes

import pytest

from stacklint.document import parse
from stacklint.model import Stack, Val, build_stack
from stacklint.parsers import parse_bytes, parse_cpus, parse_duration

S = ("services", "web")


def stack(text: str, namespace=None) -> Stack:
    doc = parse(text)
    assert not doc.failed, doc.problems
    return build_stack(doc.data, namespace)


def web(text: str):
    return stack(text).services["web"]


# --- ports: toServicePortConfigs (short), convertEndpointSpec + endpointSpecToGRPC (long) ---------
def test_short_ports_keep_ranges_and_their_entry_path():
    svc = web("""\
services:
  web:
    ports: ["80", "8080:80", "8000-8002:90", "127.0.0.1:53:53/UDP", "9000-9001:7000-7001/sctp", "8x", ":81"]
""")
    got = [(p.target_start, p.target_end, p.published_start, p.published_end, p.protocol, p.mode, p.path, p.short,
            p.host_ip) for p in svc.ports]
    assert got == [
        (80, 80, None, None, "tcp", "ingress", S + ("ports", 0), True, ""),
        (80, 80, 8080, 8080, "tcp", "ingress", S + ("ports", 1), True, ""),
        (90, 90, 8000, 8002, "tcp", "ingress", S + ("ports", 2), True, ""),
        (53, 53, 53, 53, "udp", "ingress", S + ("ports", 3), True, "127.0.0.1"),
        (7000, 7001, 9000, 9001, "sctp", "ingress", S + ("ports", 4), True, ""),
        # "8x" is refused by nat.ParsePortSpec (SL006): not in the model
        (81, 81, None, None, "tcp", "ingress", S + ("ports", 6), True, ""),
    ]
    # ConvertPortToPortConfig: a host range onto one container port publishes each port of the range
    assert list(svc.ports[2].pairs()) == [(90, 8000), (90, 8001), (90, 8002)]
    assert list(svc.ports[4].pairs()) == [(7000, 9000), (7001, 9001)]
    assert list(svc.ports[4].published) == [9000, 9001]
    assert list(svc.ports[0].published) == []


def test_a_full_range_stays_one_object():
    svc = web("services:\n  web:\n    ports: [\"1-65535:1-65535\"]\n")
    (port,) = svc.ports
    assert (port.target_start, port.target_end, port.published_start, port.published_end) == (1, 65535, 1, 65535)
    assert len(port.published) == 65535


def test_long_port_mode_and_protocol_as_the_daemon_reads_them():
    # endpointSpecToGRPC: PortConfig_PublishMode_value[ToUpper(mode)] / PortConfig_Protocol_value[ToUpper(proto)],
    # an unknown name is 0 = ingress / tcp; `HOST` is host.
    svc = web("""\
services:
  web:
    ports:
      - {target: 80, published: 8080, mode: HOST, protocol: UDP}
      - {target: 81, published: 8081, mode: hots, protocol: tcpp}
      - {target: 82}
      - {target: 83, published: 0, mode: host}
""")
    got = [(p.target_start, p.published_start, p.protocol, p.mode, p.short) for p in svc.ports]
    assert got == [(80, 8080, "udp", "host", False), (81, 8081, "tcp", "ingress", False),
                   (82, None, "tcp", "ingress", False), (83, None, "tcp", "host", False)]
    assert svc.ports[0].written_mode == Val("HOST", S + ("ports", 0, "mode"))
    assert svc.ports[1].written_protocol == Val("tcpp", S + ("ports", 1, "protocol"))
    assert svc.ports[2].written_mode is None


# --- mounts: ParseVolume (loader/volume.go), convert.Volumes (convert/volume.go) -----------------
def test_short_volumes():
    svc = stack("""\
services:
  web:
    volumes:
      - data:/data:ro,nocopy
      - ./src:/src:rshared,z
      - /anon
      - a:/b
      - ":::"
volumes:
  data:
    name: shared-data
""", namespace="st").services["web"]
    p = S + ("volumes",)
    got = [(m.type.value, m.source.value if m.source else None, m.target.value, m.read_only.value,
            m.propagation.value if m.propagation else None, m.nocopy.value if m.nocopy else None,
            m.volume_name, m.options, m.path, m.short) for m in svc.mounts]
    assert got == [
        ("volume", "data", "/data", True, None, True, "shared-data", ("ro", "nocopy"), p + (0,), True),
        ("bind", "./src", "/src", False, "rshared", None, None, ("rshared", "z"), p + (1,), True),
        ("volume", None, "/anon", False, None, None, None, (), p + (2,), True),
        # the Windows-drive quirk: `a:/b` is an anonymous volume at target `a:/b`
        ("volume", None, "a:/b", False, None, None, None, (), p + (3,), True),
    ]
    assert svc.mounts[0].source == Val("data", p + (0,))  # short syntax: every part at the entry
    assert svc.mounts[1].has_bind_options and not svc.mounts[1].has_volume_options


def test_long_volumes_with_sub_field_paths():
    svc = stack("""\
services:
  web:
    volumes:
      - type: volume
        source: data
        target: /data
        read_only: true
        volume: {nocopy: true}
      - type: bind
        source: /srv
        target: /srv
        bind: {propagation: rslave}
        consistency: cached
      - type: tmpfs
        target: /tmp
        tmpfs: {size: 64m, mode: 01777}
      - type: cluster
        source: group:g
        target: /c
      - type: volume
        source: undeclared
        target: /u
volumes:
  data: {}
""", namespace="st").services["web"]
    p = S + ("volumes",)
    data, bind, tmpfs, cluster, undeclared = svc.mounts
    assert data.type == Val("volume", p + (0, "type"))
    assert data.source == Val("data", p + (0, "source"))
    assert data.target == Val("/data", p + (0, "target"))
    assert data.read_only == Val(True, p + (0, "read_only"))
    assert data.nocopy == Val(True, p + (0, "volume", "nocopy"))
    assert data.volume_name == "st_data"  # Namespace.Scope
    assert bind.propagation == Val("rslave", p + (1, "bind", "propagation"))
    assert bind.consistency == Val("cached", p + (1, "consistency"))
    assert bind.read_only == Val(False, p + (1,))
    assert bind.volume_name is None
    assert tmpfs.source is None
    assert tmpfs.tmpfs_size == Val(64 * 1024 * 1024, p + (2, "tmpfs", "size"))
    assert tmpfs.tmpfs_mode == Val(0o1777, p + (2, "tmpfs", "mode"))
    assert cluster.volume_name is None  # group: sources are not looked up (handleClusterToMount)
    assert undeclared.volume_name is None and undeclared.source.value == "undeclared"


def test_service_level_tmpfs_is_not_a_mount():
    # convert.Service never reads service.Tmpfs: docker stack deploy drops it (SL306)
    assert web("services:\n  web:\n    tmpfs: /run\n").mounts == []


# --- restart policy: convertRestartPolicy -------------------------------------------------------
@pytest.mark.parametrize("restart, condition, attempts", [
    ("always", "any", None), ("unless-stopped", "any", None), ("on-failure", "on-failure", 0),
    ("on-failure:3", "on-failure", 3),
])
def test_legacy_restart_is_converted(restart, condition, attempts):
    policy = web(f"services:\n  web:\n    restart: \"{restart}\"\n").restart_policy
    path = S + ("restart",)
    assert policy.legacy and policy.path == path
    assert policy.condition == Val(condition, path)
    assert policy.max_attempts == (None if attempts is None else Val(attempts, path))


@pytest.mark.parametrize("restart", ["no", "sometimes", ":3", "on-failure:x"])
def test_legacy_restart_without_a_policy(restart):
    # `no` is no policy; the others are refused by ParseRestartPolicy / convertRestartPolicy
    assert web(f"services:\n  web:\n    restart: \"{restart}\"\n").restart_policy is None


def test_deploy_restart_policy_wins_over_restart():
    policy = web("""\
services:
  web:
    restart: always
    deploy:
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 2, window: 1m30s}
""").restart_policy
    base = S + ("deploy", "restart_policy")
    assert not policy.legacy and policy.path == base
    assert policy.condition == Val("on-failure", base + ("condition",))
    assert policy.delay == Val(5 * 10**9, base + ("delay",))
    assert policy.max_attempts == Val(2, base + ("max_attempts",))
    assert policy.window == Val(90 * 10**9, base + ("window",))


# --- networks: convertServiceNetworks -----------------------------------------------------------
def test_default_network_when_none_is_given():
    st = stack("services:\n  web:\n    image: x\n", namespace="st")
    (net,) = st.services["web"].networks
    assert (net.key, net.target, net.path, net.implicit, net.on_key) == ("default", "st_default", S, True, False)


def test_network_targets_and_aliases():
    st = stack("""\
services:
  web:
    networks:
      front:
        aliases: [www]
        driver_opts: {com.example: "1"}
      outside:
  api:
    networks: [front]
networks:
  front: {}
  outside:
    external: true
    name: host
""", namespace="st")
    front, outside = st.services["web"].networks
    assert (front.key, front.target, front.path, front.on_key) == ("front", "st_front", S + ("networks", "front"), True)
    assert front.aliases == (Val("www", S + ("networks", "front", "aliases", 0)),)
    assert front.driver_opts == {"com.example": Val("1", S + ("networks", "front", "driver_opts", "com.example"))}
    assert outside.target == "host"
    svc = st.services["web"]
    assert svc.adds_alias(front) and not svc.adds_alias(outside)  # IsUserDefined
    (api_front,) = st.services["api"].networks
    assert (api_front.path, api_front.on_key) == (("services", "api", "networks", 0), False)


# --- secrets and configs: convertFileObject ------------------------------------------------------
def test_secret_target_uid_gid_mode_defaults():
    st = stack("""\
services:
  web:
    secrets:
      - db
      - source: api
        target: /etc/api.key
        uid: "100"
        mode: 0400
      - target: nosource
secrets:
  db: {file: db.txt}
  api:
    external: true
""", namespace="st")
    db, api, nosource = st.services["web"].secrets
    p = S + ("secrets",)
    assert (db.source, db.name, db.target, db.uid, db.gid, db.mode, db.short) == (
        Val("db", p + (0,)), "st_db", Val("db", p + (0,)), Val("0", p + (0,)), Val("0", p + (0,)),
        Val(0o444, p + (0,)), True)
    assert api.name == "api"  # external: its key, without the namespace
    assert api.target == Val("/etc/api.key", p + (1, "target"))
    assert api.uid == Val("100", p + (1, "uid")) and api.gid == Val("0", p + (1,))
    assert api.mode == Val(0o400, p + (1, "mode"))  # go-yaml reads 0400 as octal
    assert nosource.source == Val("", p + (2,))  # Docker: undefined secret ""


# --- deploy ------------------------------------------------------------------------------------
def test_resources_update_config_healthcheck_placement():
    svc = web("""\
services:
  web:
    healthcheck:
      test: curl -f http://localhost/
      interval: 30s
      retries: 3
    deploy:
      mode: replicated
      replicas: 2
      endpoint_mode: DNSRR
      resources:
        limits: {cpus: "0.5", memory: 512M, pids: 100}
        reservations:
          cpus: 0.25
          memory: 268435456
          generic_resources:
            - discrete_resource_spec: {kind: gpu, value: 2}
      update_config: {delay: 10s, failure_action: rollback, max_failure_ratio: 0.5}
      rollback_config: {parallelism: 0, order: start-first}
      placement:
        constraints: [node.role == manager]
        preferences: [{spread: node.labels.zone}]
        max_replicas_per_node: 1
""")
    d = S + ("deploy",)
    assert svc.mode == Val("replicated", d + ("mode",)) and svc.replicas == Val(2, d + ("replicas",))
    assert svc.endpoint_mode == Val("DNSRR", d + ("endpoint_mode",))
    limits, reservations = svc.resources.limits, svc.resources.reservations
    lp, rp = d + ("resources", "limits"), d + ("resources", "reservations")
    assert limits.nano_cpus == Val(500_000_000, lp + ("cpus",))  # opts.ParseCPUs
    assert limits.memory_bytes == Val(512 * 1024**2, lp + ("memory",))  # go-units RAMInBytes
    assert limits.pids == Val(100, lp + ("pids",))
    assert reservations.nano_cpus == Val(250_000_000, rp + ("cpus",))
    assert reservations.memory_bytes == Val(268435456, rp + ("memory",))
    (gpu,) = reservations.generic_resources
    assert (gpu.kind.value, gpu.value.value) == ("gpu", 2)
    update, rollback = svc.update_config, svc.rollback_config
    assert update.parallelism == Val(1, d + ("update_config",))  # convertUpdateConfig's default
    assert update.delay == Val(10**10, d + ("update_config", "delay"))
    assert update.failure_action == Val("rollback", d + ("update_config", "failure_action"))
    assert update.max_failure_ratio == Val(0.5, d + ("update_config", "max_failure_ratio"))
    assert rollback.parallelism == Val(0, d + ("rollback_config", "parallelism"))
    assert rollback.order == Val("start-first", d + ("rollback_config", "order"))
    h = S + ("healthcheck",)
    assert svc.healthcheck.test == Val(("CMD-SHELL", "curl -f http://localhost/"), h + ("test",))
    assert svc.healthcheck.interval == Val(30 * 10**9, h + ("interval",))
    assert svc.healthcheck.retries == Val(3, h + ("retries",)) and svc.healthcheck.timeout is None
    pl = d + ("placement",)
    assert svc.placement.constraints == (Val("node.role == manager", pl + ("constraints", 0)),)
    assert svc.placement.preferences == (Val("node.labels.zone", pl + ("preferences", 0, "spread")),)
    assert svc.placement.max_replicas == Val(1, pl + ("max_replicas_per_node",))


def test_values_docker_refuses_are_left_out():
    svc = web("""\
services:
  web:
    stop_grace_period: 10 seconds
    deploy:
      replicas: -1
      resources:
        limits: {cpus: "abc", memory: 12Q}
      update_config: {delay: soon}
""")
    assert svc.stop_grace_period is None and svc.replicas is None
    assert svc.resources.limits.nano_cpus is None and svc.resources.limits.memory_bytes is None
    assert svc.update_config.delay is None


def test_container_fields():
    svc = web("""\
services:
  web:
    image: registry.example.com:5000/team/app:1.2@sha256:abc
    environment: [A=1, B]
    labels: [x=1, y]
    sysctls: {net.core.somaxconn: 1024}
    ulimits: {nofile: {soft: 10, hard: 20}, nproc: 65535}
    cap_add: [NET_ADMIN]
    dns: 8.8.8.8
    extra_hosts: ["db:10.0.0.2", "v6=[::1]"]
    logging: {driver: json-file, options: {max-size: 10m}}
    credential_spec: {config: cs}
""")
    assert svc.image == Val("registry.example.com:5000/team/app:1.2@sha256:abc", S + ("image",))
    name = svc.image_name
    assert (name.repository, name.tag, name.digest) == ("registry.example.com:5000/team/app", "1.2", "sha256:abc")
    assert name.last_component == "app"
    assert [tuple(e) for e in svc.environment] == [("A", "1", S + ("environment", 0)),
                                                    ("B", None, S + ("environment", 1))]
    assert svc.labels == {"x": Val("1", S + ("labels", 0)), "y": Val("", S + ("labels", 1))}
    assert svc.sysctls == {"net.core.somaxconn": Val("1024", S + ("sysctls", "net.core.somaxconn"))}
    assert [(u.name, u.soft, u.hard) for u in svc.ulimits] == [("nofile", 10, 20), ("nproc", 65535, 65535)]
    assert svc.cap_add == (Val("NET_ADMIN", S + ("cap_add", 0)),)
    assert svc.dns == (Val("8.8.8.8", S + ("dns",)),)
    assert [(h.host, h.ip) for h in svc.extra_hosts] == [("db", "10.0.0.2"), ("v6", "::1")]
    assert svc.logging.driver == Val("json-file", S + ("logging", "driver"))
    assert svc.logging.options == {"max-size": Val("10m", S + ("logging", "options", "max-size"))}
    assert svc.credential_spec.config == Val("cs", S + ("credential_spec", "config"))


# --- top-level objects: Namespace.Scope and the loader's external naming -------------------------
def test_top_level_names():
    st = stack("""\
services: {}
networks:
  back: {driver: overlay, driver_opts: {encrypted: ""}, ipam: {config: [{subnet: 10.1.0.0/24}]}}
  named: {name: global_net}
  ext: {external: true}
  legacy: {external: {name: real}}
secrets:
  s: {file: ./s.txt, labels: {a: b}}
configs:
  c: {file: ./c.txt, template_driver: golang}
""", namespace="st")
    back, named, ext, legacy = (st.networks[k] for k in ("back", "named", "ext", "legacy"))
    assert (back.name, back.external, back.path) == ("st_back", False, ("networks", "back"))
    assert back.driver == Val("overlay", ("networks", "back", "driver"))
    assert back.ipam_subnets == (Val("10.1.0.0/24", ("networks", "back", "ipam", "config", 0, "subnet")),)
    assert "encrypted" in back.driver_opts
    assert (named.name, named.name_written) == ("global_net", Val("global_net", ("networks", "named", "name")))
    assert (ext.name, ext.external) == ("ext", True)
    assert (legacy.name, legacy.external) == ("real", True)
    assert st.secrets["s"].file == Val("./s.txt", ("secrets", "s", "file"))
    assert st.secrets["s"].labels == {"a": Val("b", ("secrets", "s", "labels", "a"))}
    assert st.configs["c"].template_driver == Val("golang", ("configs", "c", "template_driver"))
    assert stack("services: {}\nvolumes:\n  v: {}\n").volumes["v"].name == "STACK_v"  # no --stack-name


def test_context_builds_the_model_once_per_lint():
    from stacklint.context import Context
    from stacklint.settings import Settings

    doc = parse("services:\n  web:\n    image: nginx:1\n")
    ctx = Context(path=None, doc=doc, data=doc.data, version="3.13", declared=None,
                  settings=Settings(env={}, stack_name="prod"))
    assert ctx.model is ctx.model
    assert ctx.model.services["web"].networks[0].target == "prod_default"


def test_written_is_the_value_before_interpolation():
    from stacklint.interpolation import interpolate

    doc = parse("services:\n  web:\n    image: nginx:${TAG:-latest}\n")
    data, _, _ = interpolate(doc.data, {})
    st = build_stack(data, written=doc.data)
    image = st.services["web"].image
    assert image == Val("nginx:latest", S + ("image",))
    assert st.written(image) == st.written(image.path) == "nginx:${TAG:-latest}"
    assert st.written(S + ("ports", 3)) is None


def test_an_infinite_or_nan_count_is_left_out_of_the_model():
    """`.inf`/`.nan` in an integer field (Docker refuses them at load): no value, no crash (fuzz find)."""
    from stacklint.document import parse
    from stacklint.model import build_stack

    for written in (".inf", "-.inf", ".nan"):
        data = parse(f"services: {{web: {{healthcheck: {{retries: {written}}}, deploy: {{replicas: {written}}}}}}}\n").data
        svc = build_stack(data).services["web"]
        assert (svc.healthcheck.retries, svc.replicas) == (None, None), written


@pytest.mark.parametrize("text, nano", [
    (".5", 500_000_000), ("5.", 5_000_000_000), ("-1/2", -500_000_000), ("+3/8", 375_000_000),
    ("1.5e3", 1_500_000_000_000), ("12.5e-8", 125), ("-.25E+1", -2_500_000_000), ("1e-9", 1), ("007", 7_000_000_000),
])
def test_cpus_in_nano_cpus_exactly(text, nano):
    assert parse_cpus(text) == nano  # opts.ParseCPUs: big.Rat times 10^9


# Seen on a real Swarm (Docker 28.2.2, go1.24.3): `docker stack deploy` of `cpus: 'TEXT'`, then
# .Spec.TaskTemplate.Resources.Limits.NanoCPUs from `docker service inspect`, or the deploy's error.
# big.Rat.SetString reads prefixes (0b, 0o, 0x; in a fraction a plain leading 0 is octal), "_"
# between digits, a base-2 "p" exponent; 810 such texts, random ones among them, agreed.
@pytest.mark.parametrize("text, nano", [
    ("010/2", 4_000_000_000), ("0x10/2", 8_000_000_000), ("8/010", 1_000_000_000), ("8/0x10", 500_000_000),
    ("0x1_0/1_0", 1_600_000_000), ("1/0_1", 1_000_000_000), ("0b11", 3_000_000_000), ("0o17", 15_000_000_000),
    ("0X2", 2_000_000_000), ("0x1p-2", 250_000_000), ("0x1.8p1", 3_000_000_000), ("0x.8", 500_000_000),
    ("0b1.1", 1_500_000_000), ("0x_1.8", 1_500_000_000), ("0b_1", 1_000_000_000), ("1_000", 1_000_000_000_000),
    ("1_0.5", 10_500_000_000), ("1e0_1", 10_000_000_000), ("1p3", 8_000_000_000), ("1.5p1", 3_000_000_000),
    ("0_1", 1_000_000_000), ("00.5", 500_000_000), ("01.5", 1_500_000_000), ("+0818.5", 818_500_000_000),
    ("07928.", 7_928_000_000_000), ("+0p+88", 0), ("-13p+3814", 0), ("0o36E+777", 0),
])
def test_cpus_as_docker_reads_them(text, nano):
    assert parse_cpus(text) == nano


@pytest.mark.parametrize("text, error", [
    ("0.5e-9", "value is too precise"), ("0x1p-30", "value is too precise"), ("+0X988/47", "value is too precise"),
    ("_1", None), ("1_", None), ("1__0", None), ("1_.5", None), ("1._5", None), ("0x1_.8p0", None), ("0x_.8", None),
    ("1_e1", None), ("1e_1", None), ("0x1_p1", None), ("0.5_", None), ("1/-2", None), ("0b102", None),
    ("0x1p10000001", None), ("-0Xc223/", None), ("+0b0_/", None), ("-0b001._111E-", None),
])
def test_cpus_docker_refuses_as_written(text, error):
    with pytest.raises(ValueError) as err:
        parse_cpus(text)
    assert str(err.value) == (error or f"failed to parse {text} as a rational number")


@pytest.mark.parametrize("text, nano", [
    ("0x1p-9999999", "value is too precise"), ("1e-999999", "value is too precise"),
    ("0x1p9999999", 0), ("-1e999999", 0),  # multiples of 2**64: Int64 gives 0
    ("0e99999999999", 0),  # SetString's "special-case 0": no limit on a zero's exponent
])
def test_cpus_with_huge_powers_are_answered_without_computing_them(text, nano):
    """Powers of two up to 10**7 and of ten up to 10**6 pass SetString: only the low 64 bits of the
    result, and whether it is whole, are ever needed (2**9999999 alone is 1.2 MB)."""
    if isinstance(nano, str):
        with pytest.raises(ValueError, match=nano):
            parse_cpus(text)
    else:
        assert parse_cpus(text) == nano


@pytest.mark.parametrize("text, nano", [  # nano-CPUs as (digits, power of ten)
    ("1e19", (1, 28)), ("-1e19", (-1, 28)), ("9223372036.854775808", (9223372036854775808, 0)),
    ("1e1000000", (1, 1000009)),
])
def test_cpus_past_int64_are_what_gos_int64_gives(text, nano):
    digits, power = nano
    value = digits * 10**power
    # nano.Num().Int64(): the low 64 bits of the magnitude, in two's complement, then the sign
    assert parse_cpus(text) == (-1 if value < 0 else 1) * ctypes.c_int64(abs(value) & (2**64 - 1)).value


@pytest.mark.parametrize("text, error", [
    ("1e-10", "value is too precise"), ("1/3", "value is too precise"), ("2.0000000001", "value is too precise"),
    ("1/00", "failed to parse 1/00 as a rational number"), (".", "failed to parse . as a rational number"),
    ("1/7e2", "failed to parse 1/7e2 as a rational number"),
    # big.Rat.SetString: a power of ten past a million either way is refused, not computed
    ("1e1000001", "failed to parse 1e1000001 as a rational number"),
    ("1e-1000000", "value is too precise"),  # (a million is still computed)
    ("-5e-999999999", "failed to parse -5e-999999999 as a rational number"),
    ("1e99999999999999999999", "failed to parse 1e99999999999999999999 as a rational number"),
])
def test_cpus_docker_refuses(text, error):
    with pytest.raises(ValueError) as err:
        parse_cpus(text)
    assert str(err.value) == error


# Seen with `docker stack config` (Docker 28.2.2) on `healthcheck: {interval: 'TEXT'}`, which it
# prints as a Go duration: time.ParseDuration adds each part's fraction through a float64,
# truncated; 1,500 random texts agreed too.
@pytest.mark.parametrize("text, ns", [
    ("0.5ns0.5ns", 0), ("1.5ns1.5ns", 2), ("0.0000001ms0.0000009ms", 0), ("1.9999999999999999999s", 2 * 10**9),
    ("0.33333333333h", 1_199_999_999_988), ("5.5us5.5ns", 5_505), ("0.1ns1ns", 1), ("+04.ns", 4),
    ("-9223372036854775808ns", -2**63), ("9223372036854775807ns", 2**63 - 1), ("00000000000000000000001s", 10**9),
    ("-0", 0), ("+0", 0),
])
def test_durations_as_docker_reads_them(text, ns):
    assert parse_duration(text) == ns


@pytest.mark.parametrize("text", ["9223372036854775808ns", "2562047h47m16.854775808s", "2.675e-7s", "1s ", "+.µs", "", "1m30"])
def test_durations_docker_refuses(text):
    with pytest.raises(ValueError) as err:
        parse_duration(text)
    assert str(err.value) == f'time: invalid duration "{text}"'


# Seen with `docker stack config` (Docker 28.2.2) on `memory: 'TEXT'`: go-units RAMInBytes, whose
# strconv.ParseFloat reads hex floats and "_" between digits, and whose int64() of an infinity, a
# NaN or a size past int64 is -2**63 (amd64); 1,100 random texts agreed too.
@pytest.mark.parametrize("text, size", [
    ("1_000m", 1_048_576_000), ("1_0.5k", 10_752), ("0x1p10", 1024), ("0x1.8p1k", 3072), ("0x_1p1", 2),
    ("1e3", 1000), ("1.5 GiB", 1_610_612_736), ("9e18", 9_000_000_000_000_000_000), ("-0", 0),
    ("infinity ", -2**63), ("+inf ", -2**63), ("nan ", -2**63), ("Infinity k", -2**63), ("1e18k", -2**63),
    ("9.3e18", -2**63),
])
def test_sizes_as_docker_reads_them(text, size):
    assert parse_bytes(text) == size


@pytest.mark.parametrize("text, error", [
    ("1e400", 'strconv.ParseFloat: parsing "1e400": value out of range'),
    ("1e400k", 'strconv.ParseFloat: parsing "1e400": value out of range'),
    ("0x10", 'strconv.ParseFloat: parsing "0x10": invalid syntax'),  # a hex mantissa needs its p exponent
    ("1_.5k", 'strconv.ParseFloat: parsing "1_.5": invalid syntax'),
    ("1__0", 'strconv.ParseFloat: parsing "1__0": invalid syntax'),
    ("+nan ", 'strconv.ParseFloat: parsing "+nan": invalid syntax'),
    ("infin ", 'strconv.ParseFloat: parsing "infin": invalid syntax'),
    ("-inf ", "invalid size: '-inf '"),
])
def test_sizes_docker_refuses(text, error):
    with pytest.raises(ValueError) as err:
        parse_bytes(text)
    assert str(err.value) == error


@pytest.mark.parametrize("raw", [{"image": "nginx:1"}, {"image": "nginx:1", "deploy": {}, "restart": "always"}])
def test_a_field_whose_key_is_absent_is_what_its_converter_gives(raw):
    """Service.__init__ skips a converter when its key is absent: the value it stores instead must
    be the converter's own answer, of the same type."""
    import json

    from stacklint.model import service

    made = stack(json.dumps({"version": "3.8", "services": {"web": raw}})).services["web"]  # JSON is YAML
    for name, convert, *_ in service._CONVERTED_AT_ONCE:
        mine, its = made.__dict__[name], convert(made)
        assert (mine, type(mine)) == (its, type(its)), name

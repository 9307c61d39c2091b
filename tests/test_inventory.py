"""The inventory: finding the engine as the docker CLI does, the snapshot (against a recording
stand-in engine on a unix socket), the file format and its errors, and the CLI options."""
from __future__ import annotations

import hashlib
import http.server
import json
import re
import os
import socketserver
import threading

import pytest

from stacklint.docker_api import Client, EngineError, Endpoint, resolve_endpoint
from stacklint.inventory import InventoryError, load_inventory, parse_inventory, take

from .conftest import EXAMPLE, ROOT, run_cli

# What a one-node Swarm answers (trimmed from the real engine of tools/swarm.sh).
ANSWERS = {
    "/nodes": [{
        "ID": "zh1w3q1qpla1w46qj8si1pbfd",
        "Spec": {"Labels": {"pcidss": "yes"}, "Role": "manager", "Availability": "active"},
        "Description": {"Hostname": "vm", "Platform": {"Architecture": "x86_64", "OS": "linux"},
                        "Engine": {"EngineVersion": "20.10.24", "Labels": {"ssd": "true"}}},
        "Status": {"State": "ready", "Addr": "127.0.0.1"},
        "ManagerStatus": {"Leader": True, "Reachability": "reachable", "Addr": "127.0.0.1:2377"},
    }],
    "/secrets": [{"ID": "s1", "Spec": {"Name": "revprox_key", "Labels": {}}},
                 {"ID": "s2", "Spec": {"Name": "postgres_password", "Labels": {}}}],
    "/configs": [{"ID": "c1", "Spec": {"Name": "nginx_conf", "Labels": {}, "Data": "aGVsbG8="}}],
    "/networks": [
        {"Name": "ingress", "Scope": "swarm", "Driver": "overlay", "Options": {}, "Labels": None},
        {"Name": "shop_payment", "Scope": "swarm", "Driver": "overlay", "Options": {"encrypted": ""},
         "Labels": {"com.docker.stack.namespace": "shop"}},
        {"Name": "bridge", "Scope": "local", "Driver": "bridge", "Options": {}, "Labels": {}},
    ],
    "/volumes": {"Volumes": [{"Name": "pgdata", "Driver": "local", "Scope": "local"}], "Warnings": None},
    "/services": [
        {"ID": "x1", "Spec": {"Name": "shop_web", "Labels": {"com.docker.stack.namespace": "shop"},
                              "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 80,
                                                          "PublishMode": "ingress"}]}},
         "Endpoint": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 80, "PublishMode": "ingress"},
                                {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 30001,
                                 "PublishMode": "ingress"}]}},
        {"ID": "x2", "Spec": {"Name": "adhoc", "Labels": {}}},
    ],
}

EXPECTED = {
    "format": "stacklint-inventory", "version": 1, "taken_at": "2026-01-02T03:04:05Z",
    "nodes": [{"id": "zh1w3q1qpla1w46qj8si1pbfd", "hostname": "vm", "ip": "127.0.0.1", "role": "manager",
               "availability": "active", "state": "ready", "platform": {"os": "linux", "arch": "x86_64"},
               "engine_version": "20.10.24",
               "labels": {"pcidss": "yes"}, "engine_labels": {"ssd": "true"}}],
    "secrets": ["postgres_password", "revprox_key"],
    "configs": ["nginx_conf"],
    "networks": [
        {"name": "bridge", "driver": "bridge", "scope": "local", "encrypted": False, "stack": None},
        {"name": "ingress", "driver": "overlay", "scope": "swarm", "encrypted": False, "stack": None},
        {"name": "shop_payment", "driver": "overlay", "scope": "swarm", "encrypted": True, "stack": "shop"},
    ],
    "volumes": [{"name": "pgdata", "driver": "local", "scope": "local"}],
    "services": [
        {"name": "adhoc", "stack": None, "published_ports": []},
        {"name": "shop_web", "stack": "shop", "published_ports": [
            {"port": 80, "target": 80, "protocol": "tcp", "mode": "ingress"},
            {"port": 30001, "target": 53, "protocol": "udp", "mode": "ingress"}]},
    ],
}


class _Engine(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def engine(tmp_path):
    """A stand-in engine on a unix socket that records every request."""
    requests = []
    state = {"manager": True}

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            requests.append((self.command, self.path))
            if self.command == "GET" and self.path in ANSWERS and (state["manager"] or self.path == "/volumes"):
                status, body = 200, ANSWERS[self.path]
            elif self.command == "GET" and self.path in ANSWERS:
                status, body = 503, {"message": "This node is not a swarm manager. Use \"docker swarm init\" or "
                                                "\"docker swarm join\" to connect this node to swarm and try again."}
            else:
                status, body = 404, {"message": "page not found"}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = do_PUT = _answer

        def log_message(self, *args):
            pass

        def address_string(self):
            return "unix"

    sock = str(tmp_path / "docker.sock")
    server = _Engine(sock, Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"host": "unix://" + sock, "requests": requests, "state": state}
    server.shutdown()
    server.server_close()


def test_snapshot_reads_only_and_maps_every_field(engine):
    import datetime

    client = Client(Endpoint(engine["host"], "DOCKER_HOST"))
    inv = take(client, now=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc))
    assert inv == {**EXPECTED, "docker_host": engine["host"]}
    assert engine["requests"] == [("GET", p) for p in
                                  ("/nodes", "/secrets", "/configs", "/networks", "/volumes", "/services")]
    assert parse_inventory(inv) == inv  # a snapshot is valid and already complete


def test_not_a_manager_is_one_clear_line(engine):
    engine["state"]["manager"] = False
    env = {"DOCKER_HOST": engine["host"], "HOME": "/nonexistent"}
    proc = run_cli("inventory", env={**os.environ, **env})
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (f"stacklint: the Docker engine at {engine['host']} (DOCKER_HOST) is not a swarm manager: "
                           "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to "
                           "connect this node to swarm and try again.\n")
    assert engine["requests"] == [("GET", "/nodes")]


def test_unreachable_engine(tmp_path):
    host = f"unix://{tmp_path}/absent.sock"
    proc = run_cli("inventory", env={**os.environ, "DOCKER_HOST": host})
    assert proc.returncode == 2
    assert proc.stderr == f"stacklint: cannot reach the Docker engine at {host} (DOCKER_HOST): No such file or directory\n"
    proc = run_cli("--docker", str(EXAMPLE), env={**os.environ, "DOCKER_HOST": host})
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith(f"stacklint: cannot reach the Docker engine at {host}")


def test_ssh_hosts_are_refused_clearly():
    with pytest.raises(EngineError) as err:
        Client(Endpoint("ssh://me@host", "DOCKER_HOST")).get("/nodes")
    assert str(err.value).startswith("ssh://me@host (DOCKER_HOST): only unix:// and tcp:// engines are supported")


def test_cli_snapshot_then_lint_with_it(engine, tmp_path):
    out = tmp_path / "swarm.json"
    env = {**os.environ, "DOCKER_HOST": engine["host"]}
    proc = run_cli("inventory", "-o", str(out), env=env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    inv = json.loads(out.read_text())
    assert {k: v for k, v in inv.items() if k not in ("taken_at", "docker_host")} == \
        {k: v for k, v in EXPECTED.items() if k != "taken_at"}
    lint = run_cli("--inventory", str(out), "--select", "SL5", "--format", "concise", str(EXAMPLE), env=env)
    live = run_cli("--docker", "--select", "SL5", "--format", "concise", str(EXAMPLE), env=env)
    assert lint.stdout == live.stdout
    found = [(line.split()[0], line.split()[2]) for line in lint.stdout.splitlines()
             if re.match(r"^.+:\d+:\d+: \w+ SL5", line)]
    # The stand-in has revprox_key and postgres_password, stack shop publishes port 80, and its
    # one node is a manager with pcidss=yes (three services want workers).
    example = str(EXAMPLE)
    assert found == [(f"{example}:10:9:", "SL504"), (f"{example}:33:13:", "SL502"), (f"{example}:48:13:", "SL502"),
                     (f"{example}:83:13:", "SL502"), (f"{example}:97:3:", "SL501"), (f"{example}:101:3:", "SL501")]
    assert "secret staging_token is external" in lint.stdout and "secret revprox_cert is external" in lint.stdout


# ----------------------------------------------------------------------------- finding the engine

def test_docker_host_wins(tmp_path):
    env = {"DOCKER_HOST": "tcp://10.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path),
           "DOCKER_CONTEXT": "other", "HOME": str(tmp_path)}
    (tmp_path / "ca.pem").write_text("x")
    ep = resolve_endpoint(env)
    assert (ep.host, ep.where, ep.tls, ep.verify, ep.ca, ep.cert) == \
        ("tcp://10.0.0.1:2376", "DOCKER_HOST", True, True, str(tmp_path / "ca.pem"), None)


def _context(home, name, host, skip_verify=False):
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = home / ".docker" / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Metadata": {}, "Endpoints": {
        "docker": {"Host": host, "SkipTLSVerify": skip_verify}}}))
    return digest


def test_current_context_and_docker_context(tmp_path):
    _context(tmp_path, "prod", "tcp://prod.example:2376", skip_verify=True)
    _context(tmp_path, "lab", "unix:///run/lab.sock")
    (tmp_path / ".docker" / "config.json").write_text(json.dumps({"currentContext": "prod"}))
    ep = resolve_endpoint({"HOME": str(tmp_path)})
    assert (ep.host, ep.where, ep.tls, ep.verify) == ("tcp://prod.example:2376", "docker context 'prod'", False, False)
    ep = resolve_endpoint({"HOME": str(tmp_path), "DOCKER_CONTEXT": "lab"})
    assert (ep.host, ep.where) == ("unix:///run/lab.sock", "docker context 'lab'")
    ep = resolve_endpoint({"HOME": str(tmp_path), "DOCKER_CONTEXT": "default"})
    assert (ep.host, ep.where) == ("unix:///var/run/docker.sock", "default")
    with pytest.raises(EngineError) as err:
        resolve_endpoint({"HOME": str(tmp_path), "DOCKER_CONTEXT": "gone"})
    assert str(err.value).startswith("docker context 'gone' not found or unreadable (")


def test_context_tls_files_and_docker_config(tmp_path):
    config = tmp_path / "cfg"
    digest = _context(tmp_path, "tls", "tcp://secure:2376")
    (tmp_path / ".docker").rename(config)
    tls = config / "contexts" / "tls" / digest / "docker"
    tls.mkdir(parents=True)
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tls / name).write_text("x")
    (config / "config.json").write_text(json.dumps({"currentContext": "tls"}))
    ep = resolve_endpoint({"HOME": str(tmp_path), "DOCKER_CONFIG": str(config)})
    assert (ep.host, ep.tls, ep.verify, ep.key) == ("tcp://secure:2376", True, True, str(tls / "key.pem"))


def test_default_socket(tmp_path):
    assert resolve_endpoint({"HOME": str(tmp_path)}).host == "unix:///var/run/docker.sock"


# ----------------------------------------------------------------------------- the file

def test_schema_is_valid_and_the_example_fixture_follows_it():
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "inventory.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    inv = load_inventory(str(ROOT / "rules" / "fixtures" / "swarm-example.json"))
    assert [n["availability"] for n in inv["nodes"]] == ["active", "active", "drain"]


def test_hand_written_minimum_gets_defaults():
    inv = parse_inventory({"format": "stacklint-inventory", "version": 1,
                           "nodes": [{"role": "worker", "labels": {"a": "b"}}],
                           "services": [{"name": "x", "published_ports": [{"port": 80}]}]})
    assert inv["nodes"] == [{"id": "", "hostname": "", "ip": "", "role": "worker", "availability": "active",
                             "state": "ready", "platform": {"os": "", "arch": ""}, "labels": {"a": "b"},
                             "engine_labels": {}}]
    assert inv["services"] == [{"name": "x", "stack": None,
                                "published_ports": [{"port": 80, "protocol": "tcp", "mode": "ingress"}]}]
    assert "secrets" not in inv  # absent means unknown


@pytest.mark.parametrize("content, message", [
    ('{"format": "stacklint-inventory", "version": 1,\n "nodes": [}', "{path}:2:12: not valid JSON: Expecting value"),
    ('[]', "{path}: (top level): [] is not of type 'object'"),
    ('{"format": "stacklint-inventory", "version": 2}', "{path}: version: 1 was expected"),
    ('{"version": 1}', "{path}: (top level): 'format' is a required property"),
    ('{"format": "stacklint-inventory", "version": 1, "nodes": [{"role": "boss"}]}',
     "{path}: nodes[0].role: 'boss' is not one of ['manager', 'worker']"),
    ('{"format": "stacklint-inventory", "version": 1, "nodes": [{"role": "worker", "labels": {"a": 1}}]}',
     "{path}: nodes[0].labels.a: 1 is not of type 'string'"),
    ('{"format": "stacklint-inventory", "version": 1, "secret": []}',
     "{path}: (top level): unknown key 'secret'"),
    ('{"format": "stacklint-inventory", "version": 1, "secrets": ["a", "a"], "nodes": {}}',
     "{path}: nodes: {} is not of type 'array' (and 1 more problem)"),
])
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "swarm.json"
    path.write_text(content)
    with pytest.raises(InventoryError) as err:
        load_inventory(str(path))
    assert str(err.value) == message.replace("{path}", str(path))
    assert isinstance(err.value, ValueError)


def test_unreadable_files(tmp_path):
    with pytest.raises(InventoryError, match=r"absent.json: no such inventory file$"):
        load_inventory(str(tmp_path / "absent.json"))
    with pytest.raises(InventoryError, match=r": is a directory, not an inventory file$"):
        load_inventory(str(tmp_path))
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InventoryError, match=r"bin.json: the inventory is not UTF-8 text \(byte 0\)$"):
        load_inventory(str(tmp_path / "bin.json"))


def test_cli_bad_inventory_exits_2_with_one_line(tmp_path):
    path = tmp_path / "swarm.json"
    path.write_text('{"format": "stacklint-inventory", "version": 1, "nodes": [{"role": "Manager"}]}')
    proc = run_cli("--inventory", str(path), str(EXAMPLE))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"stacklint: {path}: nodes[0].role: 'Manager' is not one of ['manager', 'worker']\n"
    proc = run_cli("--inventory", str(path), "--docker", str(EXAMPLE))
    assert proc.returncode == 2 and "--inventory and --docker exclude each other" in proc.stderr

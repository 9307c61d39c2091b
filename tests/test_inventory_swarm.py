"""Acceptance against the real Swarm of the test engine (STACKLINT_TEST_DOCKER_HOST, started by
scripts/test-engine.sh; `.ci/run` does):
snapshot it with `stacklint inventory`, lint the AtSea example with the snapshot, and check that
`docker stack deploy` and the scheduler agree with SL501, SL502 and SL504.

The Swarm is shared with other test runs: everything created here is named `inventory_*`, except
what the AtSea example names itself (its four external secrets and the node label pcidss); those
are created only when absent and removed afterwards. The test Swarm has a single node, a
manager, so the part about the payment gateway's label uses the example with `node.role ==
worker` turned into `node.role == manager` (the original is checked as is first).
"""
from __future__ import annotations

import json
import secrets as random_secrets
import subprocess
import time

import pytest

from stacklint.inventory import load_inventory
from stacklint.swarm_constraints import ConstraintError, node_matches, parse

from .conftest import EXAMPLE, ROOT, engine_env, run_cli, swarm_manager_or_skip

pytestmark = pytest.mark.swarm

ATSEA_SECRETS = ("postgres_password", "staging_token", "revprox_key", "revprox_cert")


def docker(*args, input=None, check=True):
    proc = subprocess.run(["docker", *args], input=input, capture_output=True, timeout=120, env=engine_env())
    out = subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode())
    if check and out.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {out.stderr.strip()}")
    return out


def node_update(*args, check=True):
    """`docker node update`, asked again when the Swarm answers "update out of sequence": the CLI
    reads the node's version, then writes, and the node's own status report can land between the
    two (seen once in CI right after the engine started)."""
    for _ in range(5):
        out = docker("node", "update", *args, check=False)
        if "update out of sequence" not in out.stderr:
            break
        time.sleep(0.5)
    if check and out.returncode != 0:
        raise AssertionError(f"docker node update {' '.join(args)} failed: {out.stderr.strip()}")
    return out


@pytest.fixture(scope="module")
def swarm():
    return swarm_manager_or_skip()


def snapshot(tmp_path, name="swarm.json"):
    out = tmp_path / name
    proc = run_cli("inventory", "-o", str(out), env=engine_env())
    assert proc.returncode == 0, proc.stderr
    return out


def lint(path, inventory, *extra):
    proc = run_cli("--inventory", str(inventory), "--select", "SL5", "--format", "json", *extra, str(path))
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def by_code(findings, code):
    return [f for f in findings if f["code"] == code]


def tasks(service):
    """(node, error) of the service's tasks, including the ones already shut down: a task placed on
    a node is rejected at once there (no image can be pulled here) and replaced."""
    out = docker("service", "ps", service, "--no-trunc", "--format", "{{.Node}}|{{.Error}}").stdout
    return [tuple(line.split("|", 1)) for line in out.splitlines() if line]


def wait_for_placement(services, timeout=60.0):
    """service -> "placed" (a task reached a node) or "no suitable node", once the scheduler decided."""
    deadline = time.monotonic() + timeout
    decided = {}
    while time.monotonic() < deadline:
        for svc in services:
            found = tasks(svc)
            if any(node for node, _ in found):
                decided[svc] = "placed"
            elif any("no suitable node" in error for _, error in found):
                decided[svc] = "no suitable node"
        if len(decided) == len(services):
            return decided
        time.sleep(0.5)
    raise AssertionError(f"the scheduler did not decide in {timeout}s: {decided}")


def _remap_ports(text, base):
    for published in ("80", "443", "8001"):
        text = text.replace(f'"{published}:', f'"{base + int(published) % 1000}:')
    return text


@pytest.fixture
def atsea(swarm, tmp_path):
    node_id = swarm
    """Creates nothing by itself; removes every stack, secret and label the test made."""
    existing = set(docker("secret", "ls", "--format", "{{.Name}}").stdout.split())
    taken = sorted(existing & set(ATSEA_SECRETS))
    if taken:
        pytest.skip(f"secrets {', '.join(taken)} already exist on the shared Swarm; not touching them")
    labels = json.loads(docker("node", "inspect", node_id, "--format", "{{json .Spec.Labels}}").stdout or "{}") or {}
    if "pcidss" in labels:
        pytest.skip("the node already has the label pcidss; not touching it")
    made = {"secrets": [], "stacks": [], "label": False}

    def create_secret(name):
        docker("secret", "create", name, "-", input=random_secrets.token_bytes(16))
        made["secrets"].append(name)

    def deploy(file, stack, check=True):
        made["stacks"].append(stack)
        return docker("stack", "deploy", "--resolve-image", "never", "-c", str(file), stack, check=check)

    def label():
        node_update("--label-add", "pcidss=yes", node_id)  # `self` is not resolved by update
        made["label"] = True

    yield create_secret, deploy, label
    for stack in made["stacks"]:
        docker("stack", "rm", stack, check=False)
    # services go first; a secret in use cannot be removed until they are gone
    deadline = time.monotonic() + 60
    while made["stacks"] and time.monotonic() < deadline:
        left = docker("service", "ls", "--format", "{{.Name}}").stdout.split()
        if not any(s.startswith(f"{stack}_") for s in left for stack in made["stacks"]):
            break
        time.sleep(0.5)
    for name in made["secrets"]:
        docker("secret", "rm", name, check=False)
    if made["label"]:
        node_update("--label-rm", "pcidss", node_id, check=False)


def test_atsea_example_against_the_swarm(atsea, tmp_path):
    create_secret, deploy, label = atsea
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "inventory.schema.json").read_text())

    # 1. Two of the four secrets exist: SL501 names exactly the other two; deploy fails on one of them.
    create_secret("postgres_password")
    create_secret("revprox_key")
    inv = snapshot(tmp_path, "one.json")
    jsonschema.validate(json.loads(inv.read_text()), schema)  # a real snapshot follows the schema
    assert load_inventory(str(inv))["nodes"]
    findings = lint(EXAMPLE, inv)
    assert [(f["start"]["line"], f["message"].split(" is external")[0]) for f in by_code(findings, "SL501")] == [
        (97, "secret staging_token"), (101, "secret revprox_cert")]
    assert [f["message"].split(":")[0] for f in by_code(findings, "SL502")] == [
        "service database", "service appserver", "service payment_gateway"]
    first = _remap_ports(EXAMPLE.read_text(), 18000)
    (tmp_path / "atsea.yml").write_text(first)
    proc = deploy(tmp_path / "atsea.yml", "inventory_atsea", check=False)
    assert proc.returncode != 0
    missing = [name for name in ATSEA_SECRETS if f"secret not found: {name}" in proc.stderr]
    assert len(missing) == 1 and missing[0] in ("staging_token", "revprox_cert"), proc.stderr

    # 2. All four exist: no SL501, the deploy goes through, and exactly the services SL502 flags
    #    (the three that want a worker node) stay pending with "no suitable node".
    create_secret("staging_token")
    create_secret("revprox_cert")
    inv = snapshot(tmp_path, "two.json")
    findings = lint(tmp_path / "atsea.yml", inv)
    assert by_code(findings, "SL501") == []
    flagged = {f["message"].split(":")[0].split()[1] for f in by_code(findings, "SL502")}
    assert flagged == {"database", "appserver", "payment_gateway"}
    deploy(tmp_path / "atsea.yml", "inventory_atsea")
    services = ["reverse_proxy", "database", "appserver", "visualizer", "payment_gateway"]
    decided = wait_for_placement([f"inventory_atsea_{s}" for s in services])
    assert {s for s in services if decided[f"inventory_atsea_{s}"] == "no suitable node"} == flagged

    # 3. SL504: the deployed stack now publishes 18080, 18443, 18001. The same file under another
    #    stack name collides; under its own name (--stack-name) it does not.
    inv = snapshot(tmp_path, "three.json")
    clashes = by_code(lint(tmp_path / "atsea.yml", inv), "SL504")
    assert [(f["start"]["line"], f["message"].split(" is already")[0]) for f in clashes] == [
        (10, "service reverse_proxy: port 18080/tcp"), (11, "service reverse_proxy: port 18443/tcp"),
        (60, "service visualizer: port 18001/tcp")]
    assert by_code(lint(tmp_path / "atsea.yml", inv, "--stack-name", "inventory_atsea"), "SL504") == []
    proc = deploy(tmp_path / "atsea.yml", "inventory_clash", check=False)
    assert proc.returncode != 0 and "is already in use by service 'inventory_atsea_" in proc.stderr, proc.stderr

    # 4. The payment gateway on a manager-only Swarm: SL502 until the node has pcidss=yes.
    managers = _remap_ports(EXAMPLE.read_text(), 28000).replace("node.role == worker", "node.role == manager")
    (tmp_path / "pci.yml").write_text(managers)
    pci = by_code(lint(tmp_path / "pci.yml", inv), "SL502")
    assert [(f["start"]["line"], f["message"]) for f in pci] == [
        (84, "service payment_gateway: no node of this cluster satisfies its placement constraints (1 ready, "
             "active node), so its tasks stay pending (\"no suitable node\"); closest is "
             f"{_hostname()} (manager), which fails 'node.labels.pcidss == yes' (it has no label 'pcidss')")]
    deploy(tmp_path / "pci.yml", "inventory_pci")
    decided = wait_for_placement([f"inventory_pci_{s}" for s in services])
    assert [s for s in services if decided[f"inventory_pci_{s}"] != "placed"] == ["payment_gateway"]
    label()
    inv = snapshot(tmp_path, "four.json")
    assert by_code(lint(tmp_path / "pci.yml", inv), "SL502") == []
    # the scheduler retries the pending task once the node changes
    assert _eventually_placed("inventory_pci_payment_gateway")


def _eventually_placed(service, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(node for node, _ in tasks(service)):
            return True
        time.sleep(0.5)
    return False


def _hostname():
    return docker("node", "inspect", "self", "--format", "{{.Description.Hostname}}").stdout.strip()


# ----------------------------------------------------------------------------- the evaluator vs the scheduler

LABEL = "stacklint-inventory.Zone"
CONSTRAINTS = [
    "node.role == manager", "node.role == MANAGER", "node.role != worker", "node.role == master",
    "node.role != master", "node.platform.arch == x86_64", "node.platform.arch == amd64",
    "node.platform.os == LINUX", f"node.labels.{LABEL} == eu", f"node.labels.{LABEL} == EU",
    f"node.labels.{LABEL.lower()} == eu", f"node.labels.{LABEL} != eu", "node.labels.absent != x",
    "node.labels.absent == x", "node.name == x", "node.name != x", "node.ip == 127.0.0.1",
    "node.ip == 127.0.0.0/8", "node.ip != 127.0.0.0/8", "node.ip == 10.0.0.0/8", "node.ip != 127.0.0",
    "node.labels.stacklint-inventory.Zone == e*",
]
REFUSED = ["node.role = manager", "node.role===manager", "node.labels.zone==", "node.labels.a==b,c"]


@pytest.fixture
def labelled(swarm):
    node_update("--label-add", f"{LABEL}=Eu", swarm)
    created = []
    yield created
    for name in created:
        docker("service", "rm", name, check=False)
    node_update("--label-rm", LABEL, swarm, check=False)


def test_constraint_matching_agrees_with_the_scheduler(labelled, tmp_path):
    inv = load_inventory(str(snapshot(tmp_path)))
    (node,) = [n for n in inv["nodes"] if n["labels"].get(LABEL) == "Eu"]
    names = {}
    for i, constraint in enumerate(CONSTRAINTS):
        name = f"inventory_c{i}"
        labelled.append(name)
        docker("service", "create", "-d", "--name", name, "--restart-condition", "none", "--constraint", constraint,
               "busybox:none")
        names[name] = constraint
    decided = wait_for_placement(list(names))
    for name, constraint in names.items():
        expected = "placed" if node_matches([parse(constraint)], node) else "no suitable node"
        assert decided[name] == expected, constraint
    for constraint in REFUSED:
        with pytest.raises(ConstraintError) as err:
            parse(constraint)
        proc = docker("service", "create", "-d", "--name", "inventory_refused", "--constraint", constraint,
                      "busybox:none", check=False)
        if proc.returncode == 0:
            labelled.append("inventory_refused")
        assert proc.returncode != 0 and proc.stderr.strip().endswith(f"desc = {err.value}"), proc.stderr

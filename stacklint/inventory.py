"""The cluster inventory: what the SL5xx rules know about a Swarm.

`take(client)` snapshots a live Swarm through the Engine API (GET /nodes, /secrets, /configs,
/networks, /volumes, /services, nothing else; secret values are never requested, the API does
not return them anyway). `load_inventory(path)` reads a snapshot or a hand-written file and
validates it against schemas/inventory.schema.json. `stacklint inventory [-o FILE]` is the CLI.

Format version 1 (see the schema for every field):
    {"format": "stacklint-inventory", "version": 1, "taken_at": "...", "docker_host": "...",
     "nodes": [{"id", "hostname", "ip", "role", "availability", "state",
                "platform": {"os", "arch"}, "labels": {}, "engine_labels": {}}],
     "secrets": [names], "configs": [names],
     "networks": [{"name", "driver", "scope", "encrypted", "stack"}],
     "volumes": [{"name", "driver", "scope"}],
     "services": [{"name", "stack", "published_ports": [{"port", "target", "protocol", "mode"}]}]}
A section that is absent is unknown: the rules that need it stay silent.
"""
from __future__ import annotations

import argparse
import datetime
import functools
import json
import sys

from .console import say
from .docker_api import Client, EngineError, resolve_endpoint
from .files import NotRegular, TooLarge, read_regular
from .resources import data_dir

FORMAT, VERSION = "stacklint-inventory", 1
# A snapshot of a 1,000-node, 10,000-service Swarm is a few MB; /dev/zero is not an inventory.
MAX_INVENTORY_BYTES = 64 * 1024 * 1024
STACK_LABEL = "com.docker.stack.namespace"


class InventoryError(ValueError):
    """An inventory file that cannot be used; the message names the file and the place."""


# ----------------------------------------------------------------------------- loading

@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads((data_dir("schemas") / "inventory.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def _where(path_items) -> str:
    out = ""
    for p in path_items:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _message(err) -> str:
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known = set(err.schema.get("properties", {}))
        unknown = sorted(k for k in err.instance if k not in known and not k.startswith("x-"))
        if unknown:
            return "unknown key " + ", ".join(repr(k) for k in unknown)
    return err.message


def parse_inventory(data, source: str = "<inventory>") -> dict:
    """Validate decoded JSON and return it with defaults filled in (a new dict)."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        err = errors[0]
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        raise InventoryError(f"{source}: {_where(err.absolute_path)}: {_message(err)}{more}")
    inv = dict(data)
    if "nodes" in inv:
        inv["nodes"] = [_node_defaults(n) for n in inv["nodes"]]
    if "networks" in inv:
        inv["networks"] = [{"driver": "overlay", "scope": "swarm", "encrypted": False, "stack": None, **n}
                           for n in inv["networks"]]
    if "services" in inv:
        inv["services"] = [{"stack": None, **s, "published_ports": [
            {"protocol": "tcp", "mode": "ingress", **p} for p in s.get("published_ports", [])]}
            for s in inv["services"]]
    return inv


def _node_defaults(node: dict) -> dict:
    out = {"id": "", "hostname": "", "ip": "", "availability": "active", "state": "ready",
           "labels": {}, "engine_labels": {}, **node}
    out["platform"] = {"os": "", "arch": "", **node.get("platform", {})}
    return out


def load_inventory(path: str) -> dict:
    """Read and validate an inventory file. Raises InventoryError (a ValueError) with a clear message."""
    try:
        raw = read_regular(path, MAX_INVENTORY_BYTES)
    except FileNotFoundError:
        raise InventoryError(f"{path}: no such inventory file") from None
    except NotRegular as err:
        raise InventoryError(f"{path}: is a directory, not an inventory file" if err.kind == "a directory"
                             else f"{path}: {err}") from None
    except TooLarge as err:
        raise InventoryError(f"{path}: {err}: too large for an inventory") from None
    except OSError as err:
        raise InventoryError(f"{path}: cannot read the inventory ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InventoryError(f"{path}: the inventory is not UTF-8 text (byte {err.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InventoryError(f"{path}:{err.lineno}:{err.colno}: not valid JSON: {err.msg}") from None
    return parse_inventory(data, path)


# ----------------------------------------------------------------------------- snapshot

def _node(n: dict) -> dict:
    spec, desc, status = n.get("Spec") or {}, n.get("Description") or {}, n.get("Status") or {}
    platform = desc.get("Platform") or {}
    engine = desc.get("Engine") or {}
    return {
        "id": n.get("ID", ""),
        "hostname": desc.get("Hostname", ""),
        "ip": status.get("Addr", ""),
        "role": spec.get("Role", "worker"),
        "availability": spec.get("Availability", "active"),
        "state": status.get("State", "unknown"),
        "platform": {"os": platform.get("OS", ""), "arch": platform.get("Architecture", "")},
        "engine_version": engine.get("EngineVersion", ""),
        "labels": dict(spec.get("Labels") or {}),
        "engine_labels": dict(engine.get("Labels") or {}),
    }


def _ports(service: dict) -> list[dict]:
    # Spec ports are what was asked for, Endpoint ports what Swarm assigned (the published port
    # of `- "80"` is picked by Swarm); swarmkit checks conflicts against both.
    seen, out = set(), []
    sources = ((service.get("Spec") or {}).get("EndpointSpec") or {}).get("Ports") or []
    sources = list(sources) + list(((service.get("Endpoint") or {}).get("Ports")) or [])
    for p in sources:
        published = p.get("PublishedPort") or 0
        if not published:
            continue
        entry = {"port": published, "target": p.get("TargetPort", 0), "protocol": p.get("Protocol") or "tcp",
                 "mode": p.get("PublishMode") or "ingress"}
        key = (entry["port"], entry["protocol"], entry["mode"])
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def take(client: Client, now: datetime.datetime | None = None) -> dict:
    """A snapshot of the Swarm the client talks to. Raises EngineError."""
    try:
        return _take(client, now)
    except (AttributeError, TypeError, KeyError, ValueError) as err:
        # a proxy or an odd engine answering JSON of another shape than the Docker API's
        raise EngineError(f"the Docker engine at {client.endpoint.host} answered in an unexpected shape "
                          f"({type(err).__name__}: {err}); is it a Docker engine?") from None


def _take(client: Client, now: datetime.datetime | None) -> dict:
    nodes = client.get("/nodes")  # first: a non-manager answers 503 here
    secrets = client.get("/secrets")
    configs = client.get("/configs")
    networks = client.get("/networks")
    volumes = (client.get("/volumes") or {}).get("Volumes") or []
    services = client.get("/services")
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return {
        "format": FORMAT,
        "version": VERSION,
        "taken_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "docker_host": client.endpoint.host,
        "nodes": sorted((_node(n) for n in nodes), key=lambda n: (n["hostname"], n["id"])),
        "secrets": sorted({(s.get("Spec") or {}).get("Name", "") for s in secrets} - {""}),
        "configs": sorted({(c.get("Spec") or {}).get("Name", "") for c in configs} - {""}),
        "networks": sorted(({
            "name": n.get("Name", ""),
            "driver": n.get("Driver", ""),
            "scope": n.get("Scope", "local"),
            # overlay encrypts when the option is present, whatever its value (docker-facts §8)
            "encrypted": "encrypted" in (n.get("Options") or {}),
            "stack": (n.get("Labels") or {}).get(STACK_LABEL),
        } for n in networks if n.get("Name")), key=lambda n: n["name"]),
        "volumes": sorted(({"name": v["Name"], "driver": v.get("Driver", ""), "scope": v.get("Scope", "local")}
                           for v in volumes if v.get("Name")), key=lambda v: v["name"]),
        "services": sorted(({
            "name": (s.get("Spec") or {}).get("Name", ""),
            "stack": ((s.get("Spec") or {}).get("Labels") or {}).get(STACK_LABEL),
            "published_ports": _ports(s),
        } for s in services), key=lambda s: s["name"]),
    }


def snapshot(env=None) -> dict:
    """Take a snapshot of the Swarm the environment points at (DOCKER_HOST / docker context)."""
    return take(Client(resolve_endpoint(env)))


# ----------------------------------------------------------------------------- CLI

def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="stacklint inventory",
        description="Snapshot the Swarm that DOCKER_HOST or the current docker context points at "
                    "(read-only: nodes, secret and config names, networks, volumes, published ports) "
                    "for `stacklint --inventory FILE`.")
    parser.add_argument("-o", "--output", help="write the snapshot to this file (default: standard output)")
    args = parser.parse_args(argv)
    if not args.output and sys.stdout is None:
        say("standard output is closed: give -o FILE for the snapshot")
        return 2
    try:
        inv = snapshot()
    except EngineError as err:
        say(str(err))
        return 2
    text = json.dumps(inv, indent=2, sort_keys=False) + "\n"
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as err:
            say(f"cannot write {args.output}: {err.strerror or err}")
            return 2
    else:
        sys.stdout.write(text)
    return 0

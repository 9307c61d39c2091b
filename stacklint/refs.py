"""What each service refers to: secrets, configs, networks and named volumes, with the YAML
path of every reference. Shared by the reference rules (SL101-SL106) and the security rules
that need the network topology (SL203, SL205).

The readings follow `docker stack deploy` (cli/compose/convert): a service without
`networks:` is on `default`; a long-syntax secret or config without `source` refers to "";
`credential_spec.config` refers to a config; only named volumes (short syntax with a name,
long syntax `type: volume`, or `type: cluster` except `group:` sources) refer to a top-level
volume, and a one-letter name (`a:/data`) is read as an anonymous volume at target `a:/data`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List

from .diagnostics import YamlPath
from .parsers import parse_volume

KINDS = ("secrets", "configs", "networks", "volumes")
SINGULAR = {"secrets": "secret", "configs": "config", "networks": "network", "volumes": "volume"}


@dataclass(frozen=True)
class Ref:
    kind: str  # secrets | configs | networks | volumes
    name: str
    service: str
    path: YamlPath  # where the reference is written (the service itself for the implicit default network)
    on_key: bool = False  # the reference is a mapping key (networks in mapping form)
    implicit: bool = False  # the `default` network of a service without `networks:`


def service_refs(name: str, svc: dict) -> Iterator[Ref]:
    base = ("services", name)
    for kind in ("secrets", "configs"):
        items = svc.get(kind)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, str):
                yield Ref(kind, item, name, base + (kind, i))
            elif isinstance(item, dict):
                source = item.get("source")
                if isinstance(source, str) and source:
                    yield Ref(kind, source, name, base + (kind, i, "source"))
                elif source is None or source == "":
                    yield Ref(kind, "", name, base + (kind, i))
    spec = svc.get("credential_spec")
    if isinstance(spec, dict) and isinstance(spec.get("config"), str):
        yield Ref("configs", spec["config"], name, base + ("credential_spec", "config"))
    yield from _network_refs(name, svc, base)
    yield from _volume_refs(name, svc, base)


def _network_refs(name: str, svc: dict, base: YamlPath) -> Iterator[Ref]:
    networks = svc.get("networks")
    if isinstance(networks, list):
        for i, net in enumerate(networks):
            if isinstance(net, str):
                yield Ref("networks", net, name, base + ("networks", i))
        if not networks:
            yield Ref("networks", "default", name, base, implicit=True)
    elif isinstance(networks, dict):
        for net in networks:
            yield Ref("networks", str(net), name, base + ("networks", net), on_key=True)
        if not networks:
            yield Ref("networks", "default", name, base, implicit=True)
    else:
        yield Ref("networks", "default", name, base, implicit=True)


def _volume_refs(name: str, svc: dict, base: YamlPath) -> Iterator[Ref]:
    volumes = svc.get("volumes")
    if not isinstance(volumes, list):
        return
    for i, vol in enumerate(volumes):
        if isinstance(vol, str):
            try:
                spec = parse_volume(vol)
            except ValueError:
                continue  # SL006 reports it
            if spec.type == "volume" and spec.source:
                yield Ref("volumes", spec.source, name, base + ("volumes", i))
        elif isinstance(vol, dict):
            source = vol.get("source")
            kind = vol.get("type")
            if not isinstance(source, str) or not source:
                continue
            if kind == "volume" or (kind == "cluster" and not source.startswith("group:")):
                yield Ref("volumes", source, name, base + ("volumes", i, "source"))


def is_external(decl) -> bool:
    if not isinstance(decl, dict):
        return False
    ext = decl.get("external")
    return ext is True or isinstance(ext, dict)


def swarm_name(key: str, decl) -> str:
    """The name of an external object in the Swarm: `name:`, else `external.name`, else the key."""
    if isinstance(decl, dict):
        if isinstance(decl.get("name"), str) and decl["name"]:
            return decl["name"]
        ext = decl.get("external")
        if isinstance(ext, dict) and isinstance(ext.get("name"), str) and ext["name"]:
            return ext["name"]
    return key


def all_refs(services) -> List[Ref]:
    out: List[Ref] = []
    for name, svc in services:
        out.extend(service_refs(name, svc))
    return out


def networks_by_service(refs: List[Ref]) -> Dict[str, List[Ref]]:
    out: Dict[str, List[Ref]] = {}
    for ref in refs:
        if ref.kind == "networks":
            out.setdefault(ref.service, []).append(ref)
    return out


def context_refs(ctx) -> List[Ref]:
    """all_refs of a lint context, computed once per lint (several checks read them)."""
    cached = getattr(ctx, "_refs_cache", None)
    if cached is None:
        cached = all_refs(ctx.services())
        ctx._refs_cache = cached
    return cached

"""What each service refers to: secrets, configs, networks and named volumes, with the YAML
path of every reference. Shared by the reference rules (SL101-SL106), the security rules that
need the network topology (SL203, SL205) and the cluster rules.

Read from the deploy model (stacklint.model), which follows `docker stack deploy`
(cli/compose/convert): a service without `networks:` is on `default`; a long-syntax secret or
config without `source` refers to ""; `credential_spec.config` refers to a config; only named
volumes (short syntax with a name, long syntax `type: volume`, or `type: cluster` except
`group:` sources) refer to a top-level volume, and a one-letter name (`a:/data`) is read as an
anonymous volume at target `a:/data`.
"""
from __future__ import annotations

from collections.abc import Iterator

from .diagnostics import YamlPath
from .model import KINDS, Service, Stack, names_top_level_volume
from .record import new_record, tuple_record

SINGULAR = {"secrets": "secret", "configs": "config", "networks": "network", "volumes": "volume"}
__all__ = ["KINDS", "SINGULAR", "Ref", "service_refs", "all_refs", "networks_by_service", "context_refs"]


@tuple_record
class Ref:
    kind: str  # secrets | configs | networks | volumes
    name: str
    service: str
    path: YamlPath  # where the reference is written (the service itself for the implicit default network)
    on_key: bool = False  # the reference is a mapping key (networks in mapping form)
    implicit: bool = False  # the `default` network of a service without `networks:`


def service_refs(svc: Service) -> Iterator[Ref]:
    name = svc.name
    for kind in ("secrets", "configs"):
        for ref in getattr(svc, kind):
            yield new_record(Ref, (kind, ref.source.value, name, ref.source.path, False, False))
    spec = svc.credential_spec
    if spec is not None and spec.config is not None:
        yield new_record(Ref, ("configs", spec.config.value, name, spec.config.path, False, False))
    for net in svc.networks:
        yield new_record(Ref, ("networks", net.key, name, net.path, net.on_key, net.implicit))
    for mount in svc.mounts:
        if names_top_level_volume(mount):
            yield new_record(Ref, ("volumes", mount.source.value, name, mount.source.path, False, False))


def all_refs(stack: Stack) -> list[Ref]:
    out: list[Ref] = []
    for svc in stack.services.values():
        out.extend(service_refs(svc))
    return out


def networks_by_service(refs: list[Ref]) -> dict[str, list[Ref]]:
    out: dict[str, list[Ref]] = {}
    for ref in refs:
        if ref.kind == "networks":
            out.setdefault(ref.service, []).append(ref)
    return out


def context_refs(ctx) -> list[Ref]:
    """all_refs of a lint context, computed once per lint (several checks read them)."""
    cached = getattr(ctx, "_refs_cache", None)
    if cached is None:
        cached = all_refs(ctx.model)
        ctx._refs_cache = cached
    return cached

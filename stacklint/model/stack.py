"""The whole stack as `docker stack deploy` sees it: services and top-level objects with the names
Docker gives them (cli/compose/convert/compose.go: Namespace.Scope, networks, secrets, configs).
"""
from __future__ import annotations

from .lazy import lazy

from . import read
from .records import TopLevelObject, Val
from .service import Service

KINDS = ("networks", "volumes", "secrets", "configs")
# What the stack is called when the lint is not told (--stack-name): names read STACK_key.
DEFAULT_NAMESPACE = "STACK"


class Stack:
    """Built once per lint from the interpolated data; every part is converted on first use."""

    def __init__(self, data: dict, namespace: str | None = None, written=None):
        self.data = data if isinstance(data, dict) else {}
        self.namespace = namespace or DEFAULT_NAMESPACE
        self._written = written if written is not None else data  # the file before interpolation
        self.names = Names(self.data, self.namespace)

    def with_data(self, data: dict) -> Stack:
        """This stack read through other data with the same top-level sections and some of its
        services (one, for an editor's per-service re-check): what both have is converted once and
        shared (a Service reads its stack's top-level sections only)."""
        other = Stack(data, self.namespace, self._written)
        other.names = self.names  # same top-level sections, same Swarm names
        for kind in KINDS:
            other.__dict__[kind] = self.objects(kind)
        mine = self.services
        services = {}
        for name, svc in read.mapping(data, "services").items():
            if isinstance(svc, dict):
                shared = mine.get(str(name))
                if shared is None or shared.raw is not svc:
                    shared = Service(other.names, str(name), svc)
                services[str(name)] = shared
        other.__dict__["services"] = services
        return other

    def carried_over(self, data: dict, written) -> Stack:
        """The stack of an edited text (data interpolated, written as parsed): when every top-level
        section but services is the same object as here, the services whose data is the same
        object keep their converted Service (an editor's lint after an edit inside one service)."""
        data = data if isinstance(data, dict) else {}
        if any(data.get(k) is not self.data.get(k) for k in {*data, *self.data} if k != "services"):
            return Stack(data, self.namespace, written)
        other = self.with_data(data)
        other._written = written
        return other

    def written(self, where):
        """What the file writes where a Val (or anything with a .path, or a path) comes from,
        before interpolation (None when absent)."""
        cur = self._written
        for key in getattr(where, "path", where):
            if isinstance(cur, dict):
                cur = cur.get(key)
            elif isinstance(cur, list) and isinstance(key, int) and key < len(cur):
                cur = cur[key]
            else:
                return None
        return cur

    def scope(self, key: str) -> str:
        """Namespace.Scope: STACK_key."""
        return f"{self.namespace}_{key}"

    @lazy
    def services(self) -> dict[str, Service]:
        return {str(name): Service(self.names, str(name), svc) for name, svc in read.mapping(self.data, "services").items()
                if isinstance(svc, dict)}

    @lazy
    def networks(self) -> dict[str, TopLevelObject]:
        return self._objects("networks")

    @lazy
    def volumes(self) -> dict[str, TopLevelObject]:
        return self._objects("volumes")

    @lazy
    def secrets(self) -> dict[str, TopLevelObject]:
        return self._objects("secrets")

    @lazy
    def configs(self) -> dict[str, TopLevelObject]:
        return self._objects("configs")

    def objects(self, kind: str) -> dict[str, TopLevelObject]:
        return getattr(self, kind)

    def _objects(self, kind: str) -> dict[str, TopLevelObject]:
        out: dict[str, TopLevelObject] = {}
        for key, decl in read.mapping(self.data, kind).items():
            key = str(key)
            path = (kind, key)
            decl = decl if isinstance(decl, dict) else {}
            name = _declared_name(decl, path)
            obj = TopLevelObject(kind=kind, key=key, name=swarm_name(key, decl, self.namespace),
                                 external=is_external(decl), path=path, driver=read.text(decl, "driver", path),
                                 driver_opts=read.labels(decl, "driver_opts", path),
                                 labels=read.labels(decl, "labels", path), name_written=name)
            if kind == "networks":
                ipam = read.mapping(decl, "ipam")
                configs = ipam.get("config")
                obj.ipam_driver = read.text(ipam, "driver", path + ("ipam",))
                obj.ipam_subnets = tuple(Val(c["subnet"], path + ("ipam", "config", i, "subnet"))
                                         for i, c in enumerate(configs if isinstance(configs, list) else ())
                                         if isinstance(c, dict) and isinstance(c.get("subnet"), str))
                obj.internal = read.boolean(decl, "internal", path)
                obj.attachable = read.boolean(decl, "attachable", path)
            elif kind in ("secrets", "configs"):
                obj.file = read.text(decl, "file", path)
                obj.template_driver = read.text(decl, "template_driver", path)
            out[key] = obj
        return out


class Names:
    """The Swarm names of what services refer to by key. Apart from Stack so that a service can
    hold it without holding the stack that holds the service: that reference cycle left the whole
    model for the cyclic GC to free."""

    def __init__(self, data: dict, namespace: str):
        self.data = data
        self.namespace = namespace
        self._cache: dict[tuple, str] = {}

    def object_name(self, kind: str, key: str) -> str:
        """The Swarm name of what a service refers to by key (STACK_key when undeclared)."""
        name = self._cache.get((kind, key))
        if name is None:
            name = self._cache[(kind, key)] = swarm_name(key, read.mapping(self.data, kind).get(key), self.namespace)
        return name

    def volume_name(self, key: str) -> str | None:
        """The Swarm name of a declared top-level volume, None when the file does not declare it."""
        volumes = read.mapping(self.data, "volumes")
        return self.object_name("volumes", key) if key in volumes else None


def is_external(decl) -> bool:
    """`external: true` or the legacy `external: {name: ...}`."""
    if not isinstance(decl, dict):
        return False
    ext = decl.get("external")
    return ext is True or isinstance(ext, dict)


def swarm_name(key: str, decl, namespace: str) -> str:
    """The loader names an external object after its key when no name is given; convert scopes
    the others: `name:`, else external.name, else (external) key, else namespace_key."""
    name = _declared_name(decl, ())
    if name is not None:
        return name.value
    return key if is_external(decl) else f"{namespace}_{key}"


def _declared_name(decl, path) -> Val | None:
    """`name:`, else the legacy `external.name` (both used verbatim, without the namespace)."""
    if not isinstance(decl, dict):
        return None
    name = decl.get("name")
    if isinstance(name, str) and name:
        return Val(name, path + ("name",))
    ext = decl.get("external")
    if isinstance(ext, dict) and isinstance(ext.get("name"), str) and ext["name"]:
        return Val(ext["name"], path + ("external", "name"))
    return None

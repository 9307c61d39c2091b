"""The records of the deploy model: what Docker sends for a service, each value with its YAML path.

Field names follow the Swarm API (docker/cli `cli/compose/convert`, moby `api/types/swarm`).
Durations are nanoseconds, sizes bytes, CPUs nano-CPUs. An optional field is None when the file
does not set it or sets a value Docker's parsers refuse (SL006 reports those at load).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Generic, NamedTuple, Optional, Tuple, TypeVar

from ..diagnostics import YamlPath

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Val(Generic[T]):
    """A value and the YAML path of the node that holds it (pass it to ctx.diag)."""
    value: T
    path: YamlPath


@dataclass(frozen=True, slots=True)
class Refused:
    """An entry Docker's loader refuses (SL006 reports it); the model leaves it out."""
    value: object  # the entry as written (after interpolation)
    path: YamlPath
    error: Optional[str]  # the parser's message; None when the entry's type is wrong


class EnvVar(NamedTuple):
    key: str
    value: Optional[str]  # None: `KEY` alone, taken from the node's environment at run time
    path: YamlPath


@dataclass(frozen=True, slots=True)
class PortRange:
    """One `ports` entry as the endpoint spec carries it, ranges kept as ranges.

    convertEndpointSpec + the daemon's endpointSpecToGRPC: `protocol` and `mode` are what the
    daemon's enum lookup of the upper-cased text gives (unknown names become tcp and ingress,
    `HOST` is host); `written_mode`/`written_protocol` keep the text of the long syntax.
    """
    target_start: int
    target_end: int
    published_start: Optional[int]  # None: nothing published (or a port Swarm picks)
    published_end: Optional[int]
    protocol: str  # tcp | udp | sctp
    mode: str  # ingress | host
    path: YamlPath  # the entry
    short: bool
    host_ip: str = ""  # short syntax only; Docker drops it with a warning
    written_mode: Optional[Val[str]] = None
    written_protocol: Optional[Val[str]] = None

    @property
    def published(self) -> range:
        """The published ports (empty when none is published)."""
        if self.published_start is None:
            return range(0)
        return range(self.published_start, self.published_end + 1)

    def pairs(self):
        """(target, published or None) for every port, as ConvertPortToPortConfig expands them.
        Mind the size of a range before calling this."""
        if self.published_start is None:
            return ((t, None) for t in range(self.target_start, self.target_end + 1))
        if self.target_start == self.target_end:
            return ((self.target_start, p) for p in self.published)
        offset = self.published_start - self.target_start
        return ((t, t + offset) for t in range(self.target_start, self.target_end + 1))

    def published_of(self, target: int) -> Optional[int]:
        """The first port published for a target of this entry (None when nothing is)."""
        if self.published_start is None:
            return None
        if self.target_start == self.target_end:
            return self.published_start
        return target + self.published_start - self.target_start


@dataclass(frozen=True, slots=True)
class Mount:
    """One mount as convert.Volumes builds it from a short or long `volumes` entry.

    `source` is what the file names (a volume key, a host path); `volume_name` is the name
    Docker gives a named volume (stack-namespaced, or the declared `name:`).
    """
    type: Val[str]  # volume | bind | tmpfs | npipe | cluster | image | anything written
    source: Optional[Val[str]]  # None: anonymous volume, tmpfs
    target: Optional[Val[str]]
    read_only: Val[bool]
    path: YamlPath  # the entry
    short: bool
    propagation: Optional[Val[str]] = None  # bind.propagation, or a propagation option of the short syntax
    consistency: Optional[Val[str]] = None
    nocopy: Optional[Val[bool]] = None  # volume.nocopy, or the short syntax's `nocopy`
    tmpfs_size: Optional[Val[int]] = None  # bytes
    tmpfs_mode: Optional[Val[int]] = None
    volume_name: Optional[str] = None  # named volumes and cluster volumes declared in the file
    options: Tuple[str, ...] = ()  # the short syntax's options as written (unknown ones included)
    has_bind_options: bool = False  # a `bind:` mapping (long) or a propagation option (short)
    has_volume_options: bool = False
    has_tmpfs_options: bool = False
    has_cluster_options: bool = False


@dataclass(frozen=True, slots=True)
class RestartPolicy:
    """deploy.restart_policy, else the legacy `restart:` converted (convertRestartPolicy)."""
    condition: Optional[Val[str]]
    delay: Optional[Val[int]]
    max_attempts: Optional[Val[int]]
    window: Optional[Val[int]]
    path: YamlPath  # deploy.restart_policy or restart
    legacy: bool  # converted from `restart:`


@dataclass(frozen=True, slots=True)
class UpdateConfig:
    """deploy.update_config / rollback_config as convertUpdateConfig sends them."""
    parallelism: Val[int]  # 1 when not written
    delay: Optional[Val[int]]
    failure_action: Optional[Val[str]]
    monitor: Optional[Val[int]]
    max_failure_ratio: Optional[Val[float]]
    order: Optional[Val[str]]
    path: YamlPath


@dataclass(frozen=True, slots=True)
class GenericResource:
    kind: Val[str]
    value: Optional[Val[int]]
    path: YamlPath


@dataclass(frozen=True, slots=True)
class ResourceSet:
    """One of deploy.resources.limits / reservations (convertResources)."""
    nano_cpus: Optional[Val[int]]
    memory_bytes: Optional[Val[int]]
    pids: Optional[Val[int]]  # limits only
    generic_resources: Tuple[GenericResource, ...]  # reservations only
    path: YamlPath


@dataclass(frozen=True, slots=True)
class Resources:
    limits: Optional[ResourceSet]
    reservations: Optional[ResourceSet]
    path: YamlPath


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """convertHealthcheck; `test` is the list Docker sends (a string becomes CMD-SHELL)."""
    test: Optional[Val[Tuple[str, ...]]]
    interval: Optional[Val[int]]
    timeout: Optional[Val[int]]
    start_period: Optional[Val[int]]
    start_interval: Optional[Val[int]]
    retries: Optional[Val[int]]
    disable: Optional[Val[bool]]
    path: YamlPath


@dataclass(frozen=True, slots=True)
class Placement:
    constraints: Tuple[Val[str], ...]
    preferences: Tuple[Val[str], ...]  # the spread descriptors
    max_replicas: Optional[Val[int]]
    path: YamlPath


@dataclass(frozen=True, slots=True)
class NetworkAttachment:
    """convertServiceNetworks: one per network (or the implicit `default`)."""
    key: str  # the network's key in the file ("default" when implicit)
    target: str  # the network name Docker attaches (stack-namespaced or `name:`)
    aliases: Tuple[Val[str], ...]  # as written; Docker adds the service name on user-defined networks
    driver_opts: Dict[str, Val[str]]
    path: YamlPath  # the reference (the service itself for the implicit default)
    on_key: bool  # the reference is a mapping key
    implicit: bool


@dataclass(frozen=True, slots=True)
class FileReference:
    """A service's secret or config as convertFileObject computes it."""
    source: Val[str]  # the key referred to ("" for a long entry without `source`)
    name: str  # the object name in the Swarm (stack-namespaced or `name:`)
    target: Val[str]  # `target`, else the source key
    uid: Val[str]  # "0" by default
    gid: Val[str]
    mode: Val[int]  # 0o444 by default
    path: YamlPath  # the entry
    short: bool


@dataclass(frozen=True, slots=True)
class Ulimit:
    name: str
    soft: Optional[int]
    hard: Optional[int]
    path: YamlPath


@dataclass(frozen=True, slots=True)
class Logging:
    driver: Optional[Val[str]]
    options: Dict[str, Val[str]]
    path: YamlPath


@dataclass(frozen=True, slots=True)
class CredentialSpec:
    config: Optional[Val[str]]
    file: Optional[Val[str]]
    registry: Optional[Val[str]]
    path: YamlPath


@dataclass(frozen=True, slots=True)
class ExtraHost:
    """An extra_hosts entry as the loader normalises it (host:ip, host=ip, mapping form)."""
    host: str
    ip: str
    path: YamlPath


@dataclass(frozen=True)
class TopLevelObject:
    """A top-level network, volume, secret or config and the name Docker gives it."""
    kind: str  # networks | volumes | secrets | configs
    key: str
    name: str  # `name:`, else external.name for external ones, else STACK_key
    external: bool
    path: YamlPath
    driver: Optional[Val[str]] = None
    driver_opts: Dict[str, Val[str]] = field(default_factory=dict)
    labels: Dict[str, Val[str]] = field(default_factory=dict)
    file: Optional[Val[str]] = None
    template_driver: Optional[Val[str]] = None
    ipam_driver: Optional[Val[str]] = None
    ipam_subnets: Tuple[Val[str], ...] = ()
    internal: Optional[Val[bool]] = None
    attachable: Optional[Val[bool]] = None
    name_written: Optional[Val[str]] = None  # `name:` or external.name as written


__all__ = ["Val", "Refused", "EnvVar", "PortRange", "Mount", "RestartPolicy", "UpdateConfig", "GenericResource",
           "ResourceSet", "Resources", "Healthcheck", "Placement", "NetworkAttachment", "FileReference",
           "Ulimit", "Logging", "CredentialSpec", "ExtraHost", "TopLevelObject"]

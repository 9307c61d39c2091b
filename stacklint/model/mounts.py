"""`volumes:` entries into mounts: the loader's ParseVolume for the short syntax
(cli/compose/loader/volume.go, via parsers.parse_volume), then convert.Volumes
(cli/compose/convert/volume.go) for both syntaxes.

Service-level `tmpfs:` is not a mount: convert.Service never reads it (SL306 says so).
"""
from __future__ import annotations

from collections.abc import Callable

from ..parsers import parse_volume
from . import read
from .records import Mount, Refused, Val

_PROPAGATIONS = frozenset(["private", "rprivate", "shared", "rshared", "slave", "rslave"])


# The loader's check of a long bind (loader.go resolveVolumePaths), in Docker's words.
BIND_WITHOUT_SOURCE = 'invalid mount config for type "bind": field Source must not be empty'


def service_mounts(volumes, base, volume_name: Callable[[str], str | None]) -> tuple[list[Mount], list[Refused]]:
    """One Mount per valid entry of a service's `volumes` list, and the entries the loader
    refuses; volume_name(key) is the Swarm name of a declared top-level volume (None when the
    file does not declare it)."""
    out: list[Mount] = []
    refused: list[Refused] = []
    if not isinstance(volumes, list):
        return out, refused
    for i, entry in enumerate(volumes):
        path = base + (i,)
        mount = None
        if isinstance(entry, str):
            try:
                mount = _short(entry, path, volume_name)
            except ValueError as err:
                refused.append(Refused(entry, path, str(err)))
        elif isinstance(entry, dict):
            if entry.get("type") == "bind" and not entry.get("source"):
                refused.append(Refused(entry, path, BIND_WITHOUT_SOURCE))
            else:
                mount = _long(entry, path, volume_name)
        if mount is not None:
            out.append(mount)
    return out, refused


def _short(spec: str, path, volume_name) -> Mount:
    parsed = parse_volume(spec)
    propagation = nocopy = None
    for option in parsed.options:
        if option == "nocopy":
            nocopy = Val(True, path)
        elif option in _PROPAGATIONS:
            propagation = Val(option, path)
    source = Val(parsed.source, path) if parsed.source else None
    return Mount(type=Val(parsed.type, path), source=source, target=Val(parsed.target, path),
                 read_only=Val(parsed.read_only, path), path=path, short=True, propagation=propagation,
                 nocopy=nocopy, volume_name=_named(parsed.type, parsed.source, volume_name),
                 options=tuple(parsed.options), has_bind_options=propagation is not None,
                 has_volume_options=nocopy is not None)


def _long(entry: dict, path, volume_name) -> Mount | None:
    kind = entry.get("type")
    if not isinstance(kind, str):
        return None  # the schema requires a type
    source = read.text(entry, "source", path)
    if source is not None and source.value == "":
        source = None
    bind = entry.get("bind")
    volume = entry.get("volume")
    tmpfs = entry.get("tmpfs")
    bind_base, volume_base, tmpfs_base = path + ("bind",), path + ("volume",), path + ("tmpfs",)
    read_only = read.boolean(entry, "read_only", path) or Val(False, path)
    return Mount(
        type=Val(kind, path + ("type",)), source=source, target=read.text(entry, "target", path),
        read_only=read_only, path=path, short=False,
        propagation=read.text(bind, "propagation", bind_base) if isinstance(bind, dict) else None,
        consistency=read.text(entry, "consistency", path),
        nocopy=read.boolean(volume, "nocopy", volume_base) if isinstance(volume, dict) else None,
        tmpfs_size=read.size(tmpfs, "size", tmpfs_base) if isinstance(tmpfs, dict) else None,
        tmpfs_mode=read.integer(tmpfs, "mode", tmpfs_base, unsigned=True) if isinstance(tmpfs, dict) else None,
        volume_name=_named(kind, source.value if source else "", volume_name),
        has_bind_options=bind is not None, has_volume_options=volume is not None,
        has_tmpfs_options=tmpfs is not None, has_cluster_options=entry.get("cluster") is not None)


def _named(kind: str, source: str, volume_name) -> str | None:
    """The Swarm name of the volume a mount names (handleVolumeToMount, handleClusterToMount)."""
    if not source:
        return None
    if kind in ("volume", "") or (kind == "cluster" and not source.startswith("group:")):
        return volume_name(source)
    return None


def names_top_level_volume(mount: Mount) -> bool:
    """Whether Docker looks the mount's source up among the top-level volumes (and fails with
    `undefined volume` when it is not there)."""
    if mount.source is None:
        return False
    kind = mount.type.value
    return kind == "volume" or (kind == "cluster" and not mount.source.value.startswith("group:"))

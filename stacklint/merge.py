"""Merging the files of one stack (`docker stack deploy -c base.yml -c prod.yml`) as Docker does.

Mirrors docker/cli v28.2.2 `cli/compose/loader/merge.go`: services are merged by name with
mergo (`WithOverride`, `WithAppendSlice`) and the transformers listed there; top-level
networks, volumes, secrets and configs are replaced per name. mergo works on Go's typed
structs, so what "empty" means (and whether an override wins) depends on each field's Go type
(cli/compose/types/types.go); `_SERVICE` below is that type information.

The merge works on plain data (after interpolation) and keeps the raw syntax of what it does not
have to change (a short port stays a string), so every check reads the merged stack as it reads
one file. `Origins` says for each merged node which file and which YAML path it came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable

from .diagnostics import YamlPath
from .parsers import parse_bytes, parse_duration, parse_port_range_spec, parse_volume, split_command
from .port_ranges import IntervalMap, describe

Source = tuple[int, YamlPath]  # (index of the file in the -c order, YAML path in that file)


@dataclass
class Origins:
    """merged path -> where it came from; deeper paths follow their nearest recorded ancestor."""

    table: dict[YamlPath, Source] = field(default_factory=dict)

    def of(self, path: YamlPath) -> Source:
        path = tuple(path)
        for cut in range(len(path), -1, -1):
            found = self.table.get(path[:cut])
            if found is not None:
                return found[0], found[1] + path[cut:]
        return 0, path

    def record(self, path: YamlPath, source: Source) -> None:
        self.table[tuple(path)] = source

    def drop_below(self, path: YamlPath) -> None:
        n = len(path)
        for key in [k for k in self.table if k[:n] == path and len(k) > n]:
            del self.table[key]


def merge_files(datas: list[dict]) -> tuple[dict, Origins]:
    """merge.go `merge`: the first file is the base, each later one overrides it in turn."""
    origins = Origins({(): (0, ())})
    base = dict(datas[0])
    for section in ("services", "networks", "volumes", "secrets", "configs"):
        if isinstance(base.get(section), dict):
            base[section] = dict(base[section])
    for index, override in enumerate(datas[1:], start=1):
        if not isinstance(override, dict):
            continue
        _merge_services(base, override, index, origins)
        for section in ("volumes", "networks", "secrets", "configs"):
            # mergo.Map with WithOverride on map[string]XConfig: a struct value is replaced whole.
            incoming = override.get(section)
            if not isinstance(incoming, dict) or not incoming:
                continue
            target = base.get(section)
            if not isinstance(target, dict):
                target = base[section] = {}
                origins.record((section,), (index, (section,)))
            for name, value in incoming.items():
                target[name] = value
                origins.drop_below((section, name))
                origins.record((section, name), (index, (section, name)))
    return base, origins


def _merge_services(base: dict, override: dict, index: int, origins: Origins) -> None:
    incoming = override.get("services")
    if not isinstance(incoming, dict):
        return
    services = base.get("services")
    if not isinstance(services, dict):
        services = base["services"] = {}
        origins.record(("services",), (index, ("services",)))
    for name, svc in incoming.items():
        path = ("services", name)
        if name in services and isinstance(services[name], dict) and isinstance(svc, dict):
            merger = _Merger(origins, index)
            services[name] = merger.struct(_SERVICE, services[name], svc, path, path)
        else:
            services[name] = svc
            origins.drop_below(path)
            origins.record(path, (index, path))


# --- what empty means for each Go type (mergo's isEmptyValue) ------------------------------------
def _empty_scalar(v) -> bool:
    return v is None or v == "" or v is False or (isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0)


def _empty_duration(v) -> bool:
    if v is None:
        return True
    try:
        return parse_duration(str(v)) == 0
    except ValueError:
        return False


def _empty_bytes(v) -> bool:
    if v is None:
        return True
    if isinstance(v, int) and not isinstance(v, bool):
        return v == 0
    try:
        return parse_bytes(str(v)) == 0
    except ValueError:
        return False


# --- the loader's transforms that decide keys and shapes -----------------------------------------
def _string_list(v) -> list:
    """StringList: one string or a list."""
    return [v] if isinstance(v, str) else list(v) if isinstance(v, list) else []


def _shell_command(v) -> list:
    if isinstance(v, str):
        try:
            return split_command(v)
        except ValueError:
            return [v]
    return list(v) if isinstance(v, list) else []


def _healthcheck_test(v) -> list:
    return ["CMD-SHELL", v] if isinstance(v, str) else list(v) if isinstance(v, list) else []


def _mapping(v, missing) -> tuple[dict, dict[str, object]]:
    """A list of KEY=VALUE (or a mapping) as a mapping, and where each key stands (index or key).

    `missing` is what a bare KEY means: None for environment (MappingWithEquals), "" for labels.
    """
    if isinstance(v, dict):
        return ({k: (missing if val is None else val) for k, val in v.items()}, {k: k for k in v})
    out, where = {}, {}
    for i, item in enumerate(v if isinstance(v, list) else []):
        key, sep, value = str(item).partition("=")
        out[key] = value if sep else missing
        where[key] = i
    return out, where


def _hosts(v) -> tuple[list, list]:
    """HostsList: a list of host:ip strings, or a mapping host -> ip written as host:ip."""
    if isinstance(v, dict):
        keys = list(v)
        return [f"{k}:{v[k]}" for k in keys], keys
    items = list(v) if isinstance(v, list) else []
    return items, list(range(len(items)))


class _KeyTable:
    """mergeSlice's map for one key per entry: later entries win, then sorted by key."""

    def __init__(self, key_of: Callable):
        self.key_of = key_of
        self.table: dict[object, tuple[object, Source]] = {}

    def put(self, item, source: Source) -> None:
        self.table[self.key_of(item)] = (item, source)

    def ordered(self) -> list[tuple[object, Source]]:
        return [entry for _, entry in sorted(self.table.items(), key=lambda kv: _sort_key(kv[0]))]


class _PortTable:
    """toServicePortConfigsMap: one entry per published port (0 when none), later ones win, sorted
    by port. The loader expands a short range into one entry per port; here a range stays one
    entry over an interval of keys (port_ranges.IntervalMap) and is cut only where another entry
    takes some of its ports, so "1-65535:1-65535" in two files costs two entries, not 131,070."""

    def __init__(self):
        self.ports = IntervalMap()
        self.unparsed: dict[str, tuple[object, Source]] = {}  # entries the loader will refuse

    def put(self, item, source: Source) -> None:
        if isinstance(item, dict):
            port = _int(item.get("published"))
            self.ports.assign(port, port, (item, source, None))
            return
        try:
            spec = parse_port_range_spec(str(item))
        except ValueError:
            self.unparsed[str(item)] = (item, source)
            return
        if spec.published_start is None:
            # every port of a target range has key 0: the last one is what stays
            last = item if spec.target_start == spec.target_end else f"{spec.target_end}/{spec.protocol}"
            self.ports.assign(0, 0, (last, source, None))
        else:
            self.ports.assign(spec.published_start, spec.published_end, (item, source, spec))

    def ordered(self) -> list[tuple[object, Source]]:
        out = [(_port_piece(seg), seg.owner[1]) for seg in self.ports.segments()]
        return out + [entry for _, entry in sorted(self.unparsed.items())]


def _port_piece(seg) -> object:
    """The entry for the ports of a segment: the item as written when it kept all its ports,
    else the short syntax for the part it kept."""
    item, _source, spec = seg.owner
    if spec is None or (seg.start, seg.end) == (spec.published_start, spec.published_end):
        return item
    ip = f"[{spec.host_ip}]:" if ":" in spec.host_ip else f"{spec.host_ip}:" if spec.host_ip else ""
    if spec.target_start == spec.target_end:  # a host range onto one container port
        target = str(spec.target_start)
    else:
        offset = spec.published_start - spec.target_start
        target = describe(seg.start - offset, seg.end - offset)
    return f"{ip}{describe(seg.start, seg.end)}:{target}/{spec.protocol}"


def _int(v) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0


def _volume_key(item) -> object:
    if isinstance(item, dict):
        return str(item.get("target") or "")
    try:
        return parse_volume(str(item)).target
    except ValueError:
        return str(item)


def _source_key(item) -> object:
    return str(item.get("source") or "") if isinstance(item, dict) else str(item)


# --- mergo over a service ------------------------------------------------------------------------
class _Merger:
    """One service's mergo.Merge(&base, &override, WithAppendSlice, WithOverride, transformers)."""

    def __init__(self, origins: Origins, index: int):
        self.origins = origins
        self.index = index  # the override's file

    def take(self, mp: YamlPath, sp: YamlPath) -> None:
        """The value at merged path mp now comes from the override at sp."""
        self.origins.drop_below(mp)
        self.origins.record(mp, (self.index, sp))

    def struct(self, spec: dict, dst: dict, src: dict, mp: YamlPath, sp: YamlPath) -> dict:
        out = dict(dst)
        for key, value in src.items():
            rule = spec.get(key, _scalar)
            merged = rule(self, out.get(key, _ABSENT), value, mp + (key,), sp + (key,))
            if merged is _ABSENT:
                out.pop(key, None)
            else:
                out[key] = merged
        # Fields the override does not set still pass through mergo: keyed slices collapse.
        for key in dst:
            if key not in src and spec.get(key) in _KEYED:
                out[key] = spec[key](self, dst[key], _ABSENT, mp + (key,), sp + (key,))
        return out


_ABSENT = object()


def _scalar(m: _Merger, dst, src, mp, sp):
    """Strings, numbers, bools: a non-empty override wins (so `false` and `0` never do)."""
    if _empty_scalar(src):
        return dst
    m.take(mp, sp)
    return src


def _duration(m: _Merger, dst, src, mp, sp):
    if _empty_duration(src):
        return dst
    m.take(mp, sp)
    return src


def _bytes(m: _Merger, dst, src, mp, sp):
    if _empty_bytes(src):
        return dst
    m.take(mp, sp)
    return src


def _pointer_uint(m: _Merger, dst, src, mp, sp):
    """mergeUint64: any override that is set wins, 0 included (replicas: 0)."""
    if src is None or src is _ABSENT:
        return dst
    m.take(mp, sp)
    return src


def _pointer_bool(m: _Merger, dst, src, mp, sp):
    """*bool (init): set when the base has none, else only `true` wins."""
    if src is None or src is _ABSENT:
        return dst
    if dst is _ABSENT or dst is None or src is True:
        m.take(mp, sp)
        return src
    return dst


def _struct_rule(spec: dict, pointer: bool) -> Callable:
    def rule(m: _Merger, dst, src, mp, sp):
        if not isinstance(src, dict):
            return dst
        if not isinstance(dst, dict):
            if pointer:  # a nil pointer takes the override as it is
                m.take(mp, sp)
                return src
            dst = {}
            m.origins.record(mp, (m.index, sp))
        return m.struct(spec, dst, src, mp, sp)
    return rule


def _append(normalize: Callable = _string_list) -> Callable:
    """WithAppendSlice: the override's items follow the base's."""
    def rule(m: _Merger, dst, src, mp, sp):
        if src is None or src is _ABSENT:
            return dst
        items = normalize(src)
        if dst is _ABSENT or dst is None:
            m.take(mp, sp)
            return items if isinstance(src, list) or not items else _reshaped(m, items, mp, sp)
        base = normalize(dst)
        if not isinstance(dst, list):
            _record_items(m, mp, base, m.origins.of(mp))
        for i in range(len(items)):
            m.origins.drop_below(mp + (len(base) + i,))
            m.origins.record(mp + (len(base) + i,), (m.index, sp + ((i,) if isinstance(src, list) else ())))
        return base + items
    return rule


def _reshaped(m: _Merger, items: list, mp, sp) -> list:
    for i in range(len(items)):
        m.origins.record(mp + (i,), (m.index, sp))
    return items


def _record_items(m: _Merger, mp, items, source: Source) -> None:
    for i in range(len(items)):
        m.origins.record(mp + (i,), source)


def _shell(m: _Merger, dst, src, mp, sp):
    """mergeShellCommand: a non-empty override replaces the command."""
    if src is _ABSENT or not _shell_command(src):
        return dst
    m.take(mp, sp)
    return src


def _healthcheck_test_rule(m: _Merger, dst, src, mp, sp):
    """HealthCheckTest is a plain slice: appended (`[CMD, a]` + `[CMD, b]` is `[CMD, a, CMD, b]`)."""
    if src is None or src is _ABSENT:
        return dst
    if dst is _ABSENT or dst is None:
        m.take(mp, sp)
        return src
    base, items = _healthcheck_test(dst), _healthcheck_test(src)
    for i in range(len(items)):
        m.origins.record(mp + (len(base) + i,), (m.index, sp + ((i,) if isinstance(src, list) else ())))
    return base + items


def _map_rule(missing) -> Callable:
    """map[string]string (labels, sysctls): every override key wins, empty values too.
    MappingWithEquals (environment, missing=None): a value wins only over an unset/empty one
    unless it is itself a non-empty string (mergo dereferences the *string)."""
    def rule(m: _Merger, dst, src, mp, sp):
        if src is None or src is _ABSENT:
            return dst
        incoming, where_src = _mapping(src, missing)
        if dst is _ABSENT or dst is None:
            m.take(mp, sp)
            if isinstance(src, dict):
                return incoming
            for k, i in where_src.items():
                m.origins.record(mp + (k,), (m.index, sp + (i,)))
            return incoming
        out, where_dst = _mapping(dst, missing)
        if not isinstance(dst, dict):
            base_file, base_path = m.origins.of(mp)
            for k, i in where_dst.items():
                m.origins.record(mp + (k,), (base_file, base_path + (i,)))
        for k, value in incoming.items():
            if missing is None and k in out and out[k] not in (None, "") and value in (None, ""):
                continue  # an unset or empty *string does not override a set one
            out[k] = value
            m.origins.drop_below(mp + (k,))
            m.origins.record(mp + (k,), (m.index, sp + (where_src[k],)))
        return out
    return rule


def _hosts_rule(m: _Merger, dst, src, mp, sp):
    if src is None or src is _ABSENT:
        return dst
    items, where = _hosts(src)
    if dst is _ABSENT or dst is None:
        m.take(mp, sp)
        if isinstance(src, dict):
            for i, k in enumerate(where):
                m.origins.record(mp + (i,), (m.index, sp + (k,)))
        return items
    base, where_dst = _hosts(dst)
    if isinstance(dst, dict):
        base_file, base_path = m.origins.of(mp)
        for i, k in enumerate(where_dst):
            m.origins.record(mp + (i,), (base_file, base_path + (k,)))
    for i, k in enumerate(where):
        m.origins.record(mp + (len(base) + i,), (m.index, sp + (k,)))
    return base + items


def _keyed(new_table: Callable) -> Callable:
    """mergeSlice: both lists become maps by key (later entries win), the override's win, and the
    result is sorted by key. Only when the base has the list; else the override's is appended
    to nothing, duplicates and all."""
    def rule(m: _Merger, dst, src, mp, sp):
        if dst is _ABSENT or dst is None:
            if src is _ABSENT or src is None:
                return dst
            m.take(mp, sp)
            return src
        table = new_table()
        for i, item in enumerate(dst if isinstance(dst, list) else []):
            table.put(item, m.origins.of(mp + (i,)))
        for i, item in enumerate(src if isinstance(src, list) else []):
            table.put(item, (m.index, sp + (i,)))
        m.origins.drop_below(mp)
        ordered = table.ordered()
        for n, (_, source) in enumerate(ordered):
            m.origins.record(mp + (n,), source)
        return [item for item, _ in ordered]
    return rule


def _sort_key(key):
    # Go sorts ints as ints and strings as strings; a key that failed to parse sorts last.
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))


def _ulimits(m: _Merger, dst, src, mp, sp):
    """mergeUlimitsConfig: an override of one limit replaces that limit whole."""
    if not isinstance(src, dict):
        return dst
    if not isinstance(dst, dict):
        m.take(mp, sp)
        return src
    out = dict(dst)
    for name, value in src.items():
        if value is None:
            continue
        out[name] = value
        m.take(mp + (name,), sp + (name,))
    return out


def _service_networks(m: _Merger, dst, src, mp, sp):
    """map[string]*ServiceNetworkConfig with mergeServiceNetworkConfig: the override's aliases
    replace the base's (even when it has none), addresses win when set, driver_opts stay."""
    if src is None or src is _ABSENT:
        return dst
    incoming = dict.fromkeys(src) if isinstance(src, list) else dict(src)
    where_src = {k: i for i, k in enumerate(src)} if isinstance(src, list) else {k: k for k in src}
    if dst is _ABSENT or dst is None:
        m.take(mp, sp)
        if isinstance(src, list):
            for k, i in where_src.items():
                m.origins.record(mp + (k,), (m.index, sp + (i,)))
        return incoming
    out = dict.fromkeys(dst) if isinstance(dst, list) else dict(dst)
    if isinstance(dst, list):
        base_file, base_path = m.origins.of(mp)
        for i, k in enumerate(dst):
            m.origins.record(mp + (k,), (base_file, base_path + (i,)))
    for name, config in incoming.items():
        here, there = mp + (name,), sp + (where_src[name],)
        current = out.get(name)
        if name not in out or current is None:
            out[name] = config
            m.take(here, there)
        elif isinstance(config, dict):
            merged = {k: v for k, v in current.items() if k != "aliases"}
            m.origins.drop_below(here + ("aliases",))
            if config.get("aliases") is not None:
                merged["aliases"] = config["aliases"]
                m.origins.record(here + ("aliases",), (m.index, there + ("aliases",)))
            for address in ("ipv4_address", "ipv6_address"):
                if config.get(address):
                    merged[address] = config[address]
                    m.origins.record(here + (address,), (m.index, there + (address,)))
            out[name] = merged
    return out


def _logging(m: _Merger, dst, src, mp, sp):
    """mergeLoggingConfig: the same driver (or one unset) merges options, else the override wins.
    Options merge only into options the base already has (mergo gets a copy of a nil map)."""
    if not isinstance(src, dict):
        return dst
    if not isinstance(dst, dict):
        m.take(mp, sp)
        return src
    d_driver, s_driver = dst.get("driver") or "", src.get("driver") or ""
    if d_driver == s_driver or not d_driver or not s_driver:
        out = dict(dst)
        if not d_driver and s_driver:
            out["driver"] = s_driver
            m.take(mp + ("driver",), sp + ("driver",))
        if isinstance(dst.get("options"), dict) and isinstance(src.get("options"), dict):
            options = dict(dst["options"])
            for k, v in src["options"].items():
                options[k] = v
                m.take(mp + ("options", k), sp + ("options", k))
            out["options"] = options
        return out
    m.take(mp, sp)
    return src


_KEYED = set()


def _register_keyed(rule):
    _KEYED.add(rule)
    return rule


_PORTS = _register_keyed(_keyed(_PortTable))
_VOLUMES = _register_keyed(_keyed(lambda: _KeyTable(_volume_key)))
_SOURCES = _register_keyed(_keyed(lambda: _KeyTable(_source_key)))

_UPDATE = {"parallelism": _pointer_uint, "delay": _duration, "monitor": _duration}
_RESOURCE = {"memory": _bytes, "generic_resources": _append()}
_DEPLOY = {
    "replicas": _pointer_uint,
    "labels": _map_rule(""),
    "update_config": _struct_rule(_UPDATE, pointer=True),
    "rollback_config": _struct_rule(_UPDATE, pointer=True),
    "resources": _struct_rule({"limits": _struct_rule(_RESOURCE, pointer=True),
                               "reservations": _struct_rule(_RESOURCE, pointer=True)}, pointer=False),
    "restart_policy": _struct_rule({"delay": _duration, "window": _duration, "max_attempts": _pointer_uint},
                                   pointer=True),
    "placement": _struct_rule({"constraints": _append(), "preferences": _append()}, pointer=False),
}
_HEALTHCHECK = {"test": _healthcheck_test_rule, "timeout": _duration, "interval": _duration,
                "start_period": _duration, "start_interval": _duration, "retries": _pointer_uint}
_BUILD = {"args": _map_rule(None), "labels": _map_rule(""), "cache_from": _append(),
          "extra_hosts": _hosts_rule}
_SERVICE = {
    "build": _struct_rule(_BUILD, pointer=False),
    "cap_add": _append(), "cap_drop": _append(), "depends_on": _append(), "devices": _append(),
    "dns": _append(), "dns_search": _append(), "env_file": _append(), "expose": _append(),
    "external_links": _append(), "links": _append(), "security_opt": _append(), "tmpfs": _append(),
    "command": _shell, "entrypoint": _shell,
    "configs": _SOURCES, "secrets": _SOURCES, "ports": _PORTS, "volumes": _VOLUMES,
    "credential_spec": _struct_rule({}, pointer=False),
    "deploy": _struct_rule(_DEPLOY, pointer=False),
    "environment": _map_rule(None),
    "labels": _map_rule(""), "sysctls": _map_rule(""),
    "extra_hosts": _hosts_rule,
    "healthcheck": _struct_rule(_HEALTHCHECK, pointer=True),
    "init": _pointer_bool,
    "logging": _logging,
    "networks": _service_networks,
    "stop_grace_period": _duration,
    "ulimits": _ulimits,
}

"""Parsers for the values Docker interprets after the schema, with Docker's accepted syntax.

Each mirrors the Go function Docker calls (time.ParseDuration, go-units RAMInBytes,
big.Rat.SetString, go-connections nat.ParsePortSpec, the loader's ParseVolume, shlex) and
raises ValueError with Docker's message when Docker would fail.
"""
from __future__ import annotations

import functools
import ipaddress
import re
import shlex
from dataclasses import dataclass, field
from fractions import Fraction
from typing import List, Optional, Tuple

# --- durations ------------------------------------------------------------------------------------
_UNITS_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9,
             "m": 60 * 10**9, "h": 3600 * 10**9}
_DURATION = re.compile(r"^[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$")
_DURATION_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)")
_MAX_NS = (1 << 63) - 1


@functools.lru_cache(maxsize=4096)  # stacks repeat the same few values in every service
def parse_duration(text: str) -> int:
    """Go's time.ParseDuration, in nanoseconds."""
    if not _DURATION.match(text):
        raise ValueError(f'time: invalid duration "{text}"')
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body == "0":
        return 0
    total = Fraction(0)
    for whole, frac, unit in _DURATION_PART.findall(body):
        number = Fraction(int(whole or "0"))
        if frac:
            number += Fraction(int(frac), 10 ** len(frac))
        total += number * _UNITS_NS[unit]
    if total > _MAX_NS:
        raise ValueError(f'time: invalid duration "{text}"')
    return sign * int(total)


# --- byte sizes -----------------------------------------------------------------------------------
_SIZE_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_GO_FLOAT = re.compile(r"^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$", re.I)


def go_parse_float(text: str) -> float:
    if not _GO_FLOAT.match(text):
        raise ValueError(f'strconv.ParseFloat: parsing "{text}": invalid syntax')
    return float(text)


@functools.lru_cache(maxsize=4096)
def parse_bytes(text: str) -> int:
    """go-units RAMInBytes (binary multiples) as Docker v28 vendors it."""
    sep = max(text.rfind(c) for c in "0123456789. ")
    if sep == -1:
        raise ValueError(f"invalid size: '{text}'")
    if text[sep] != " ":
        num, suffix = text[:sep + 1], text[sep + 1:]
    else:
        num, suffix = text[:sep], text[sep + 1:]
    size = go_parse_float(num)
    if size < 0:
        raise ValueError(f"invalid size: '{text}'")
    if not suffix:
        return int(size)
    if len(suffix) > 3:
        raise ValueError(f"invalid suffix: '{suffix}'")
    low = suffix.lower()
    if low[0] == "b":
        if len(low) > 1:
            raise ValueError(f"invalid suffix: '{low}'")
        return int(size)
    mul = _SIZE_UNITS.get(low[0])
    if mul is None or (len(low) == 2 and low[1] != "b") or (len(low) == 3 and low[1:] != "ib"):
        raise ValueError(f"invalid suffix: '{low}'")
    return int(size * mul)


# --- cpus -----------------------------------------------------------------------------------------
_RAT = re.compile(r"^[+-]?(?:[0-9]+/[0-9]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)$")


@functools.lru_cache(maxsize=4096)
def parse_cpus(text: str) -> Fraction:
    """big.Rat.SetString, then the nano-CPU conversion Docker does at deploy."""
    if not _RAT.match(text) or text.endswith("/0"):
        raise ValueError(f"failed to parse {text} as a rational number")
    value = Fraction(text)
    if (value * 10**9).denominator != 1:
        raise ValueError("value is too precise")
    return value


# --- ports ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PortMapping:
    target: int
    published: Optional[int]
    protocol: str
    host_ip: str = ""
    mode: str = "ingress"


def _port_range(text: str) -> Tuple[int, int]:
    if text == "":
        raise ValueError("empty string specified for ports")
    parts = text.split("-")
    nums = []
    for p in parts[:2]:
        if not re.fullmatch(r"[0-9]+", p) or int(p) > 65535:
            raise ValueError(f"invalid port {p!r}")
        nums.append(int(p))
    start, end = nums[0], nums[-1]
    if end < start:
        raise ValueError(f"invalid range specified for port: {text}")
    return start, end


@dataclass(frozen=True)
class PortSpec:
    """One short-syntax port entry with its ranges kept as ranges (a range of 65536 ports is one
    object, not 65536). published_* are None when no host port is given."""
    target_start: int
    target_end: int
    published_start: Optional[int]
    published_end: Optional[int]
    protocol: str  # tcp | udp | sctp
    host_ip: str = ""

    def mappings(self) -> Tuple[PortMapping, ...]:
        """The ports ConvertPortToPortConfig sends, one per published port."""
        if self.published_start is None:
            return tuple(PortMapping(t, None, self.protocol, self.host_ip)
                         for t in range(self.target_start, self.target_end + 1))
        if self.target_start == self.target_end:
            # a host range onto one container port publishes every port of the range
            return tuple(PortMapping(self.target_start, p, self.protocol, self.host_ip)
                         for p in range(self.published_start, self.published_end + 1))
        offset = self.published_start - self.target_start
        return tuple(PortMapping(t, t + offset, self.protocol, self.host_ip)
                     for t in range(self.target_start, self.target_end + 1))


@functools.lru_cache(maxsize=4096)
def parse_port_range_spec(raw: str) -> PortSpec:
    """nat.ParsePortSpec: [ip:][hostPort[-end]:]containerPort[-end][/proto], ranges kept."""
    parts = raw.split(":")
    container = parts[-1]
    if len(parts) == 1:
        ip, host = "", ""
    elif len(parts) == 2:
        ip, host = "", parts[0]
    else:
        ip, host = ":".join(parts[:-2]), parts[-2]
    proto_parts = container.split("/")
    if not container or not proto_parts[0]:
        proto, container = "", ""
    elif len(proto_parts) == 1:
        proto = "tcp"
    else:
        proto, container = (proto_parts[1] or "tcp"), proto_parts[0]
    if ip.startswith("["):
        if not ip.endswith("]"):
            raise ValueError(f"invalid IP address {ip}")
        ip = ip[1:-1]
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise ValueError(f"invalid IP address: {ip}") from None
    if not container:
        raise ValueError(f"no port specified: {raw}<empty>")
    try:
        start, end = _port_range(container)
    except ValueError:
        raise ValueError(f"invalid containerPort: {container}") from None
    hstart = hend = None
    if host:
        try:
            hstart, hend = _port_range(host)
        except ValueError:
            raise ValueError(f"invalid hostPort: {host}") from None
        if (end - start) != (hend - hstart) and end != start:
            raise ValueError(f"invalid ranges specified for container and host Ports: {container} and {host}")
    if proto.lower() not in ("tcp", "udp", "sctp"):
        raise ValueError(f"invalid proto: {proto}")
    return PortSpec(start, end, hstart, hend, proto.lower(), ip)


def parse_port_spec(raw: str) -> Tuple[PortMapping, ...]:
    """nat.ParsePortSpec expanded into one mapping per port (see PortSpec.mappings)."""
    return parse_port_range_spec(raw).mappings()


# --- short volume syntax --------------------------------------------------------------------------
@dataclass
class VolumeSpec:
    type: str  # volume | bind
    source: str
    target: str
    read_only: bool = False
    options: List[str] = field(default_factory=list)


def _is_file_path(source: str) -> bool:
    if source[:1] in (".", "/", "~"):
        return True
    if source.startswith("\\\\"):
        return True
    return len(source) >= 2 and source[1] == ":" and source[0].isalpha()


def parse_volume(spec: str) -> VolumeSpec:
    """The loader's ParseVolume: source:target:options, with its Windows-drive quirk."""
    if spec == "":
        raise ValueError("invalid empty volume spec")
    if len(spec) <= 2:
        return VolumeSpec("volume", "", spec)
    source = target = ""
    read_only = False
    options: List[str] = []
    buffer: List[str] = []
    end = "\x00"
    for ch in spec + end:
        if ch == ":" and len(buffer) == 1 and buffer[0].isalpha():
            buffer.append(ch)
            continue
        if ch in (":", end):
            text = "".join(buffer)
            if not buffer:
                raise ValueError(f"invalid spec: {spec}: empty section between colons")
            if not source and ch == end:
                target = text
            elif not source:
                source = text
            elif not target:
                target = text
            elif ch == ":":
                raise ValueError(f"invalid spec: {spec}: too many colons")
            else:
                for option in text.split(","):
                    if option == "ro":
                        read_only = True
                    elif option == "rw":
                        read_only = False
                    options.append(option)
            buffer = []
        else:
            buffer.append(ch)
    kind = "bind" if source and _is_file_path(source) else "volume"
    return VolumeSpec(kind, source, target, read_only, options)


KNOWN_VOLUME_OPTIONS = frozenset(["ro", "rw", "nocopy", "private", "rprivate", "shared", "rshared",
                                  "slave", "rslave"])


# --- command lines --------------------------------------------------------------------------------
def split_command(text: str) -> List[str]:
    """shlex splitting as Docker does for string `command`/`entrypoint`."""
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        raise ValueError("EOF found when expecting closing quote") from None

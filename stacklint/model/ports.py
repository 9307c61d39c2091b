"""`ports:` entries into the endpoint spec's ports, ranges kept as ranges.

Short syntax: the loader's toServicePortConfigs (nat.ParsePortSpec via parsers, always ingress).
Long syntax: convertEndpointSpec sends mode and protocol as written; the daemon's
endpointSpecToGRPC (moby daemon/cluster/convert/service.go) looks the upper-cased text up in
swarmkit's enums, where an unknown name is 0: ingress and tcp. So `mode: HOST` is host mode.
"""
from __future__ import annotations

from ..parsers import parse_port_range_spec
from . import read
from .records import PortRange, Refused

_PROTOCOLS = ("TCP", "UDP", "SCTP")


def publish_mode(written) -> str:
    """PortConfig_PublishMode_value[strings.ToUpper(mode)]: HOST is 1, anything else 0 (ingress)."""
    return "host" if isinstance(written, str) and written.upper() == "HOST" else "ingress"


def protocol(written) -> str:
    """PortConfig_Protocol_value[strings.ToUpper(protocol)]: unknown names are 0 (tcp)."""
    return written.lower() if isinstance(written, str) and written.upper() in _PROTOCOLS else "tcp"


# Refused.error of a long entry's negative target or published: the loader decodes both into a
# uint32 ("cannot parse 'Ports[0].Target', -1 overflows uint"; seen on Docker 28.2.2).
NEGATIVE = "negative"


def service_ports(ports, base) -> tuple[list[PortRange], list[Refused]]:
    """The entries Docker publishes, and the ones its loader refuses."""
    out: list[PortRange] = []
    refused: list[Refused] = []
    if not isinstance(ports, list):
        return out, refused
    for i, entry in enumerate(ports):
        path = base + (i,)
        if isinstance(entry, dict):
            negative = [key for key in ("target", "published") if read.is_negative_int(entry.get(key))]
            refused.extend(Refused(entry[key], path + (key,), NEGATIVE) for key in negative)
            port = None if negative else _long(entry, path)
        elif isinstance(entry, (str, int)) and not isinstance(entry, bool):
            try:
                port = _short(str(entry), path)
            except ValueError as err:
                refused.append(Refused(entry, path, str(err)))
                continue
        else:
            if isinstance(entry, float):
                refused.append(Refused(entry, path, None))
            port = None  # null, a list...: the schema says so
        if port is not None:
            out.append(port)
    return out, refused


def _short(spec: str, path) -> PortRange:
    p = parse_port_range_spec(spec)
    published_start = p.published_start or None
    published_end = p.published_end if published_start is not None else None
    return PortRange(p.target_start, p.target_end, published_start, published_end, p.protocol, "ingress",
                     path, short=True, host_ip=p.host_ip)


def _number(entry: dict, key) -> int | None:
    value = entry.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return value if isinstance(value, int) and 0 <= value <= 65535 else None


def _long(entry: dict, path) -> PortRange | None:
    target = _number(entry, "target")
    if target is None:
        return None  # the schema requires an integer target
    published = _number(entry, "published") or None  # 0 publishes nothing: Swarm picks a port
    mode = read.text(entry, "mode", path)
    proto = read.text(entry, "protocol", path)
    return PortRange(target, target, published, published, protocol(proto.value if proto else None),
                     publish_mode(mode.value if mode else None), path, short=False,
                     written_mode=mode, written_protocol=proto)



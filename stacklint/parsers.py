"""Parsers for the values Docker interprets after the schema, with Docker's accepted syntax.

Each mirrors the Go function Docker calls (time.ParseDuration, go-units RAMInBytes,
big.Rat.SetString, go-connections nat.ParsePortSpec, the loader's ParseVolume, shlex) and
raises ValueError with Docker's message when Docker would fail.
"""
from __future__ import annotations

import math

from .lazy_regex import LazyRegex
from .memo import memo
from .record import FrozenRecord, Record

# --- durations ------------------------------------------------------------------------------------
_UNITS_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9,
             "m": 60 * 10**9, "h": 3600 * 10**9}
_MAX_NS = (1 << 63) - 1


@memo  # stacks repeat the same few values in every service
def parse_duration(text: str) -> int:
    """Go's time.ParseDuration, in nanoseconds."""
    number = text.rstrip("nsuµμmh")
    unit = text[len(number):]
    if unit in _UNITS_NS and number.isascii() and number.isdigit() and len(number) <= 19:
        # One whole number and a unit (`10s`), as most files write them: no loop.
        if int(number) * _UNITS_NS[unit] > _MAX_NS:
            raise ValueError(f'time: invalid duration "{text}"')
        return int(number) * _UNITS_NS[unit]
    return _go_parse_duration(text)


def _go_parse_duration(text: str) -> int:
    """time.ParseDuration's loop: [-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+ or 0. Each part's fraction is
    added as Go adds it, through a float64 and truncated (0.5ns0.5ns is 0s, 1.5ns1.5ns is 2ns),
    and a fraction stops gaining digits once they would pass int64 (leadingFraction)."""
    invalid = ValueError(f'time: invalid duration "{text}"')
    s, negative = text, False
    if s[:1] in ("-", "+"):
        negative, s = s[0] == "-", s[1:]
    if s == "0":
        return 0
    if s == "":
        raise invalid
    total, i, n = 0, 0, len(s)
    while i < n:
        if not (s[i] == "." or "0" <= s[i] <= "9"):
            raise invalid
        start = i
        while i < n and "0" <= s[i] <= "9":
            i += 1
        digits = s[start:i].lstrip("0")
        if len(digits) > 19 or int(digits or "0") > 1 << 63:  # leadingInt overflows
            raise invalid
        whole = int(digits or "0")
        pre = i > start
        fraction, scale, post = 0, 1.0, False
        if i < n and s[i] == ".":
            i += 1
            start = i
            while i < n and "0" <= s[i] <= "9":
                i += 1
            post = i > start
            fraction, scale = _leading_fraction(s[start:i])
        if not pre and not post:
            raise invalid
        start = i
        while i < n and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        unit = _UNITS_NS.get(s[start:i])
        if unit is None or whole > (1 << 63) // unit:  # (missing or unknown unit, or overflow)
            raise invalid
        value = whole * unit
        if fraction:
            value += int(float(fraction) * (float(unit) / scale))
            if value > 1 << 63:
                raise invalid
        total += value
        if total > 1 << 63:
            raise invalid
    if negative:
        return -total
    if total > _MAX_NS:
        raise invalid
    return total


def _leading_fraction(digits: str) -> tuple[int, float]:
    """leadingFraction: the digits as an integer and 10**(digits used), up to where one more digit
    would pass int64."""
    value, scale = 0, 1.0
    for c in digits:
        if value > _MAX_NS // 10:
            break
        following = value * 10 + ord(c) - 48
        if following > 1 << 63:
            break
        value, scale = following, scale * 10
    return value, scale


# --- byte sizes -----------------------------------------------------------------------------------
_SIZE_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_MIN_INT64 = -(1 << 63)


def go_parse_float(text: str) -> float:
    """strconv.ParseFloat(text, 64): Go's float syntax (special, readFloat, underscoreOK) and its
    errors; the value itself is Python's, rounded the same (correctly, to nearest even)."""
    special = _special_float(text)
    if special is not None:
        return special
    cleaned = _read_float(text)
    if cleaned is None:
        raise ValueError(f'strconv.ParseFloat: parsing "{text}": invalid syntax')
    try:
        value = float.fromhex(cleaned) if "x" in cleaned[:3].lower() else float(cleaned)
    except OverflowError:
        value = math.inf
    if math.isinf(value):
        raise ValueError(f'strconv.ParseFloat: parsing "{text}": value out of range')
    return value


def _special_float(text: str) -> float | None:
    """special: [+-]inf, [+-]infinity (any case) and nan (unsigned), or None."""
    low = text.lower()
    body = low[1:] if low[:1] in ("+", "-") else low
    if body in ("inf", "infinity"):
        return -math.inf if low[0] == "-" else math.inf
    if low == "nan":
        return math.nan
    return None


def _read_float(text: str) -> str | None:
    """readFloat over the whole text: [+-], then decimal digits with an optional point and e
    exponent, or 0x and hex digits with an optional point and a p exponent it must have; "_"
    between digits (underscoreOK). The text without its underscores, or None for a syntax error."""
    n, i = len(text), 0
    if i < n and text[i] in "+-":
        i += 1
    hexadecimal = i + 2 < n and text[i] == "0" and text[i + 1] in "xX"
    digit = _HEX_DIGITS if hexadecimal else frozenset("0123456789")
    if hexadecimal:
        i += 2
    seen_point = seen_digits = False
    while i < n:
        c = text[i]
        if c == ".":
            if seen_point:
                break
            seen_point = True
        elif c in digit:
            seen_digits = True
        elif c != "_":
            break
        i += 1
    if not seen_digits:
        return None
    if i < n and text[i] in ("pP" if hexadecimal else "eE"):
        i += 1
        if i < n and text[i] in "+-":
            i += 1
        if i >= n or not "0" <= text[i] <= "9":
            return None
        while i < n and ("0" <= text[i] <= "9" or text[i] == "_"):
            i += 1
    elif hexadecimal:  # a hex mantissa needs its exponent
        return None
    if i != n or ("_" in text and not _underscores_ok(text)):
        return None
    return text.replace("_", "")


def _underscores_ok(text: str) -> bool:
    """underscoreOK: each "_" between two digits, or between a base prefix and a digit."""
    if text[:1] in ("+", "-"):
        text = text[1:]
    saw, i, digits = "^", 0, frozenset("0123456789")
    if len(text) >= 2 and text[0] == "0" and text[1] in "bBoOxX":
        saw, i = "0", 2
        if text[1] in "xX":
            digits = _HEX_DIGITS
    for c in text[i:]:
        if c in digits:
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        elif saw == "_":
            return False
        else:
            saw = "!"
    return saw != "_"


def _go_int64(value: float) -> int:
    """Go's int64(float64) as Docker's amd64 builds compute it (CVTTSD2SQ): toward zero; NaN and
    what int64 cannot hold give -2**63 (seen: memory: 'infinity ' loads as -9223372036854775808)."""
    if value != value or not -9.223372036854775808e18 <= value < 9.223372036854775808e18:
        return _MIN_INT64
    return int(value)


@memo
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
        return _go_int64(size)
    if len(suffix) > 3:
        raise ValueError(f"invalid suffix: '{suffix}'")
    low = suffix.lower()
    if low[0] == "b":
        if len(low) > 1:
            raise ValueError(f"invalid suffix: '{low}'")
        return _go_int64(size)
    mul = _SIZE_UNITS.get(low[0])
    if mul is None or (len(low) == 2 and low[1] != "b") or (len(low) == 3 and low[1:] != "ib"):
        raise ValueError(f"invalid suffix: '{low}'")
    return _go_int64(size * mul)


# --- cpus -----------------------------------------------------------------------------------------
# What files write: a plain decimal such as 0.5 or 2 (at most 9 whole digits and 9 decimals, so
# the nano-CPUs are below 10**18: an int64). Anything else goes the way big.Rat.SetString goes.
_PLAIN_CPUS = LazyRegex(r"^([0-9]{1,9})(?:\.([0-9]{0,9}))?$")
_UINT64 = (1 << 64) - 1
_LOG2_5 = 2.3219280948873622  # log2(5): a number below 5**k has fewer than k * log2(5) bits
# Python refuses to convert a decimal text longer than this (sys.get_int_max_str_digits); no
# stack file writes such a number of CPUs.
_MAX_DIGITS = 4300


@memo
def parse_cpus(text: str) -> int:
    """opts.ParseCPUs: big.Rat.SetString (_rat_set_string), then times 10^9, which must be a whole
    number of nano-CPUs, as big.Int.Int64 gives it. Exact integer arithmetic: the fractions module
    (with decimal, which it imports) cost a lint that sets cpus about 10M instructions to import."""
    m = _PLAIN_CPUS.match(text)
    if m is not None:
        whole, decimals = m.groups()
        return int(whole) * 10**9 + int((decimals or "").ljust(9, "0"))
    rat = _rat_set_string(text)
    if rat is None:
        raise ValueError(f"failed to parse {text} as a rational number")
    negative, mantissa, exp2, exp5 = rat
    # nano = mantissa * 2**(exp2 + 9) * 5**(exp5 + 9): whole where the mantissa has the factors
    # of 2 and 5 that the negative powers ask for
    twos, fives = exp2 + 9, exp5 + 9
    if twos < 0:
        if mantissa & ((1 << -twos) - 1):
            raise ValueError("value is too precise")
        mantissa >>= -twos
    if fives < 0:
        if mantissa.bit_length() < -fives * _LOG2_5 or mantissa % 5**-fives:  # (mantissa > 0 here)
            raise ValueError("value is too precise")
        mantissa //= 5**-fives
    # Int64 reads the low 64 bits only: computed modulo 2**64, never the whole power
    low = mantissa * pow(2, max(twos, 0), 1 << 64) * pow(5, max(fives, 0), 1 << 64) & _UINT64
    return _int64(-low if negative else low)


def _rat_set_string(s: str):
    """math/big's Rat.SetString: (negative, mantissa, exp2, exp5), the value being
    mantissa * 2**exp2 * 5**exp5; None where Go fails. A fraction "a/b" (each of a and b decimal,
    or 0b, 0o, 0 or 0x prefixed; b unsigned and not 0), or a number (decimal, or 0b, 0o or 0x
    prefixed, with a point) with a base-10 "e" or base-2 "p" exponent; "_" between digits."""
    if s == "":
        return None
    sep = s.find("/")
    if sep >= 0:  # z.a.SetString(s[:sep], 0), then z.b.abs.scan(r, 0, false)
        negative, i = _scan_sign(s, 0)
        top = _nat_scan(s[:sep], i, False)
        bottom = _nat_scan(s, sep + 1, False)
        if top is None or top[3] != sep or bottom is None or bottom[3] != len(s) or bottom[0] == 0:
            return None
        numerator, denominator = top[0], bottom[0]
        if numerator == 0:
            return False, 0, 0, 0
        # a/b as mantissa * 2**exp2 * 5**exp5 only when b is; otherwise "too precise" follows
        return _as_powers(negative, numerator, denominator)
    negative, i = _scan_sign(s, 0)
    scanned = _nat_scan(s, i, True)
    if scanned is None:
        return None
    mantissa, base, fcount, i = scanned
    exponent = _scan_exponent(s, i)
    if exponent is None:
        return None
    exp, ebase, i = exponent
    if i != len(s):
        return None
    if mantissa == 0:  # "special-case 0": no exponent limit applies
        return False, 0, 0, 0
    exp2 = exp5 = 0
    if fcount < 0:  # a point: divide by base**(-fcount)
        exp2 = fcount * {10: 1, 2: 1, 8: 3, 16: 4}[base]
        exp5 = fcount if base == 10 else 0
    exp2 += exp
    if ebase == 10:
        exp5 += exp
    if abs(exp5) > 1_000_000 or not -10_000_000 <= exp2 <= 10_000_000:  # "excessively large exponents"
        return None
    return negative, mantissa, exp2, exp5


def _as_powers(negative: bool, numerator: int, denominator: int):
    """numerator/denominator as (negative, mantissa, exp2, exp5) where the denominator is a power
    of 2 times a power of 5 (reduced first); else a value that is never a whole number of
    nano-CPUs: (negative, 1, -64, 0), "too precise" all the same."""
    common = math.gcd(numerator, denominator)
    numerator, denominator = numerator // common, denominator // common
    twos = (denominator & -denominator).bit_length() - 1
    denominator >>= twos
    fives = 0
    while denominator % 5 == 0 and fives < 64:
        denominator //= 5
        fives += 1
    if denominator != 1 or fives >= 64:
        return negative, 1, -64, 0
    return negative, numerator, -twos, -fives


def _scan_sign(s: str, i: int) -> tuple[bool, int]:
    """scanSign: an optional + or -."""
    if i < len(s) and s[i] in "+-":
        return s[i] == "-", i + 1
    return False, i


_GO_DIGIT = {c: v for v, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyz")}
_GO_DIGIT.update({c.upper(): v for c, v in _GO_DIGIT.items() if c.isalpha()})


def _nat_scan(s: str, i: int, frac_ok: bool):
    """natconv.go nat.scan with base 0, from s[i:]: (value, base, count, end) or None for Go's
    error. count < 0: a point, with -count digits after it. The base is 10 unless the text starts
    with 0b, 0o or 0x (or, with no point allowed, 0 and a digit: octal)."""
    n = len(s)
    base, prefix, count, prev = 10, "", 0, "."
    digits = []
    if i < n and s[i] == "0":
        prev, count = "0", 1
        digits.append("0")
        i += 1
        if i < n:
            c = s[i]
            if c in "bB":
                base, prefix = 2, "b"
            elif c in "oO":
                base, prefix = 8, "o"
            elif c in "xX":
                base, prefix = 16, "x"
            elif not frac_ok:
                base, prefix = 8, "0"
            if prefix:
                count, digits = 0, []  # the prefix is not counted
                if prefix != "0":
                    i += 1
    invalid_separator = False
    point = -1
    while i < n:
        c = s[i]
        if c == "." and frac_ok and point < 0:
            invalid_separator |= prev == "_"  # seen on Docker 28 (go1.24): "1_.5" is refused
            point, prev = count, "."
        elif c == "_":  # a separator only between digits (or after the prefix)
            invalid_separator |= prev != "0"
            prev = "_"
        else:
            if _GO_DIGIT.get(c, 99) >= base:
                break
            prev = "0"
            count += 1
            digits.append(c)
        i += 1
    if invalid_separator or prev == "_":
        return None
    if count == 0:
        # only the octal prefix 0, maybe followed by digits past 7: decimal 0
        return (0, 10, 1, i) if prefix == "0" else None
    if len(digits) > _MAX_DIGITS:
        raise ValueError(f"a number of CPUs longer than {_MAX_DIGITS} digits is not checked")
    value = int("".join(digits), base)
    return value, base, (point - count if point >= 0 else count), i


def _scan_exponent(s: str, i: int):
    """scanExponent (base 2 and separators allowed): (exp, base, end), (0, 10, i) when there is
    none, None for Go's error (no digits, a misplaced "_", past int64)."""
    if i >= len(s) or s[i] not in "eEpP":
        return 0, 10, i
    base = 10 if s[i] in "eE" else 2
    i += 1
    digits = ""
    if i < len(s) and s[i] in "+-":
        digits = "-" if s[i] == "-" else ""
        i += 1
    prev, invalid_separator, has_digits = ".", False, False
    while i < len(s):
        c = s[i]
        if "0" <= c <= "9":
            digits += c
            prev, has_digits = "0", True
        elif c == "_":
            invalid_separator |= prev != "0"
            prev = "_"
        else:
            break
        i += 1
    if not has_digits or invalid_separator or prev == "_":
        return None
    if len(digits.lstrip("-").lstrip("0")) > 19:  # strconv.ParseInt(digits, 10, 64): out of range
        return None
    exp = int(digits)
    if not -(1 << 63) <= exp < 1 << 63:
        return None
    return exp, base, i


def _int64(value: int) -> int:
    """big.Int.Int64, which ParseCPUs returns: the magnitude's low 64 bits as an int64, negated for
    a negative value (what Go gives for a value out of range; its documentation says undefined)."""
    low = abs(value) & _UINT64
    signed = -low if value < 0 else low
    return (signed + (1 << 63)) % (1 << 64) - (1 << 63)


# --- addresses ----------------------------------------------------------------------------------
def go_parse_ip(text: str):
    """Go's net.ParseIP: the address (an ipaddress object), or None where Go returns nil. Python's
    ip_address also takes an IPv6 zone (fe80::1%eth0), which Go refuses; both refuse an IPv4 part
    with a leading zero."""
    if "%" in text:
        return None
    import ipaddress  # here: a file without addresses does not import it (3% of a small lint)

    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def go_parse_cidr(text: str):
    """Go's net.ParseCIDR: an address as ParseIP reads it, a slash and a decimal prefix length (no
    netmask form, which Python's ip_network also takes); host bits may be set, the network keeps
    the network part. None where Go returns an error."""
    address, slash, prefix = text.partition("/")
    if not slash or not prefix.isascii() or not prefix.isdigit() or len(prefix.lstrip("0")) > 7:  # dtoi: 2**24
        return None
    ip = go_parse_ip(address)
    if ip is None:
        return None
    import ipaddress

    try:
        return ipaddress.ip_network(f"{ip}/{int(prefix)}", strict=False)
    except ValueError:  # a prefix past the address's bits
        return None


# --- ports ----------------------------------------------------------------------------------------
class PortMapping(FrozenRecord):
    _fields = ("target", "published", "protocol", "host_ip", "mode")
    target: int
    published: int | None
    protocol: str
    host_ip: str
    mode: str

    def __init__(self, target, published, protocol, host_ip="", mode='ingress'):
        self._set(target, published, protocol, host_ip, mode)


def atoi_syntax(text: str) -> bool:
    """Whether Go's strconv.Atoi reads text as a number (its range aside): an optional sign, then
    ASCII digits. (String methods: compiling `[+-]?[0-9]+` costs more than the calls of a lint.)"""
    digits = text[1:] if text[:1] in ("+", "-") else text
    return digits.isascii() and digits.isdigit()


def _port_range(text: str) -> tuple[int, int]:
    if text == "":
        raise ValueError("empty string specified for ports")
    parts = text.split("-")
    nums = []
    for p in parts[:2]:
        if not (p.isascii() and p.isdigit()) or int(p) > 65535:
            raise ValueError(f"invalid port {p!r}")
        nums.append(int(p))
    start, end = nums[0], nums[-1]
    if end < start:
        raise ValueError(f"invalid range specified for port: {text}")
    return start, end


class PortSpec(FrozenRecord):
    """One short-syntax port entry with its ranges kept as ranges (a range of 65536 ports is one
    object, not 65536). published_* are None when no host port is given."""
    _fields = ("target_start", "target_end", "published_start", "published_end", "protocol", "host_ip")
    target_start: int
    target_end: int
    published_start: int | None
    published_end: int | None
    protocol: str  # tcp | udp | sctp
    host_ip: str

    def __init__(self, target_start, target_end, published_start, published_end, protocol, host_ip=""):
        self._set(target_start, target_end, published_start, published_end, protocol, host_ip)

    def mappings(self) -> tuple[PortMapping, ...]:
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


@memo
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
    if ip and go_parse_ip(ip) is None:
        raise ValueError(f"invalid IP address: {ip}")
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


def parse_port_spec(raw: str) -> tuple[PortMapping, ...]:
    """nat.ParsePortSpec expanded into one mapping per port (see PortSpec.mappings)."""
    return parse_port_range_spec(raw).mappings()


# --- short volume syntax --------------------------------------------------------------------------
class VolumeSpec(Record):
    _fields = ("type", "source", "target", "read_only", "options")
    type: str  # volume | bind
    source: str
    target: str
    read_only: bool
    options: list[str]

    def __init__(self, type, source, target, read_only=False, options=None):
        self.type = type
        self.source = source
        self.target = target
        self.read_only = read_only
        self.options = [] if options is None else options


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
    options: list[str] = []
    buffer: list[str] = []
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
_SHELL_SPACE = " \t\r\n"


def split_command(text: str) -> list[str]:
    """github.com/google/shlex Split, which the loader applies to a string `command` or
    `entrypoint`: not POSIX sh and not Python's shlex. A `#` that starts a word starts a comment
    (to the end of the line); in double quotes a backslash escapes any character (and is dropped);
    single quotes escape nothing. Errors: an open quote, or a backslash at the end."""
    words: list[str] = []
    word: list[str] = []
    state = "start"
    for c in text:
        if state == "start":
            if c in _SHELL_SPACE:
                continue
            if c == "#":
                state = "comment"
                continue
            word, state = [], "word"  # (a quote or escape starts a word too, maybe an empty one)
        if state == "word":
            if c in _SHELL_SPACE:
                words.append("".join(word))
                state = "start"
            elif c == '"':
                state = "double"
            elif c == "'":
                state = "single"
            elif c == "\\":
                state = "escape"
            else:
                word.append(c)
        elif state == "escape":
            word.append(c)
            state = "word"
        elif state == "double":
            if c == '"':
                state = "word"
            elif c == "\\":
                state = "double escape"
            else:
                word.append(c)
        elif state == "double escape":
            word.append(c)
            state = "double"
        elif state == "single":
            if c == "'":
                state = "word"
            else:
                word.append(c)
        elif state == "comment" and c == "\n":
            state = "start"
    if state in ("double", "single"):
        raise ValueError("EOF found when expecting closing quote")
    if state in ("escape", "double escape"):
        raise ValueError("EOF found after escape character")
    if state == "word":
        words.append("".join(word))
    return words


# --- image references (github.com/distribution/reference v0.6.0) ---------------------------------
# The grammar of regexp.go, spelled with ASCII classes as Go's regexp reads them.
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
# (regexp.go's `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`: the same strings, a shorter
# pattern; compiling this one reference pattern was 1% of a small lint)
_DOMAIN_COMPONENT = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
_DOMAIN_AND_PORT = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_TAG = r"[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_NAME = rf"(?:{_DOMAIN_AND_PORT}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_REFERENCE = LazyRegex(rf"^({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?$")
# The grammar the daemon's swarmkit checks a service's image with (seen on Docker 28.2.2): an older
# distribution/reference, where a registry is never an [IPv6] address.
_LEGACY_NAME = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_LEGACY_REFERENCE = LazyRegex(rf"^({_LEGACY_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?$")
_IDENTIFIER = LazyRegex(r"^[a-f0-9]{64}$")
# go-digest: the registered algorithms and the hex length each needs
_DIGEST_HEX = {"sha256": 64, "sha384": 96, "sha512": 128}
_NAME_TOTAL_LENGTH_MAX = 255


def _check_digest(text: str) -> None:
    """go-digest Digest.Validate."""
    algorithm, _, hex_part = text.partition(":")
    if algorithm not in _DIGEST_HEX:
        raise ValueError("unsupported digest algorithm")
    lower_hex = hex_part != "" and hex_part.strip("0123456789abcdef") == ""  # [a-f0-9]+
    if len(hex_part) != _DIGEST_HEX[algorithm] or not lower_hex:
        raise ValueError("invalid checksum digest length" if lower_hex
                         else "invalid checksum digest format")


def _parse_reference(text: str, grammar=_REFERENCE) -> None:
    """reference.Parse."""
    m = grammar.match(text)
    if m is None:
        if text == "":
            raise ValueError("repository name must have at least one component")
        if grammar.match(text.lower()):
            raise ValueError("repository name must be lowercase")
        raise ValueError("invalid reference format")
    if len(m.group(1)) > _NAME_TOTAL_LENGTH_MAX:
        raise ValueError(f"repository name must not be more than {_NAME_TOTAL_LENGTH_MAX} characters")
    if m.group(3):
        _check_digest(m.group(3))


def is_image_id(text: str) -> bool:
    """A bare image ID: 64 lower-case hex digits (reference's anchoredIdentifierRegexp)."""
    return _IDENTIFIER.match(text) is not None


@memo
def parse_normalized_named(text: str, swarm: bool = False) -> str:
    """reference.ParseNormalizedNamed: the fully qualified name (docker.io/library/... added), or
    ValueError with its message. swarm: as the daemon's swarmkit validates a service's image
    (validateContainerSpec), with an older distribution/reference: seen on Docker 28.2.2, images
    the CLI passes are refused there when their registry is [IPv6] (`[::1]:5000/app`) or their
    first component has capitals and neither `.` nor `:` (`NGINX/app`: the CLI takes it for a
    registry, the Swarm for a repository, which must be lower case)."""
    if _IDENTIFIER.match(text):
        raise ValueError(f"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings")
    # splitDockerDomain
    slash = text.find("/")
    first = text[:slash]
    if slash == -1 or (not any(c in first for c in ".:") and first != "localhost"
                       and (swarm or first.lower() == first)):
        domain, remainder = "docker.io", text
    else:
        domain, remainder = first, text[slash + 1:]
    if domain == "index.docker.io":
        domain = "docker.io"
    if domain == "docker.io" and "/" not in remainder:
        remainder = "library/" + remainder
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        raise ValueError(f"invalid reference format: repository name ({remote}) must be lowercase")
    full = f"{domain}/{remainder}"
    _parse_reference(full, _LEGACY_REFERENCE if swarm else _REFERENCE)
    return full


@memo
def parse_any_reference(text: str) -> None:
    """reference.ParseAnyReference, which `docker stack deploy` calls on every service's image
    before it contacts the daemon: a bare 64-hex ID or a digest is accepted as it is."""
    if _IDENTIFIER.match(text):
        return
    algorithm, colon, _ = text.partition(":")
    if colon and algorithm in _DIGEST_HEX:  # digest.Parse accepts only the registered algorithms
        try:
            _check_digest(text)  # digest.Parse
            return
        except ValueError:
            pass
    parse_normalized_named(text)


# --- the legacy `restart:` key (docker/cli v28.2.2) ----------------------------------------------
def parse_restart_policy(text: str) -> tuple[str, int | None]:
    """opts.ParseRestartPolicy then convertRestartPolicy's switch: (condition, max attempts), with
    condition "" for no policy (`no`, empty); ValueError with Docker's message otherwise."""
    if text == "":
        return "", None
    name, colon, count = text.partition(":")
    if colon and name == "":
        raise ValueError("invalid restart policy format: no policy provided before colon")
    attempts = None
    if count:
        # strconv.Atoi: an int64 (a longer digit run is out of range before Python would convert it)
        if not atoi_syntax(count) or len(count.lstrip("+-").lstrip("0")) > 19 or \
                not -(1 << 63) <= int(count) < 1 << 63:
            raise ValueError("invalid restart policy format: maximum retry count must be an integer")
        attempts = int(count)
    if name in ("no", ""):
        return "", None
    if name in ("always", "unless-stopped"):
        return "any", None
    if name == "on-failure":
        # MaxAttempts is a uint64: -1 is 18446744073709551615 (seen on a Docker 28.2.2 Swarm)
        return "on-failure", (attempts or 0) & ((1 << 64) - 1)
    raise ValueError(f"unknown restart policy: {text}")

"""Hypothesis strategies for hostile and half-valid stack files.

Four families, from "almost a real stack" to "noise":
- stack_texts: stack-like data from a grammar of Compose keys and tricky values, written out as
  YAML with random styles (block/flow, plain/quoted), anchors, aliases, `<<` merges, comments,
  suppression pragmas, CRLF and BOMs;
- yaml_noise: short texts over YAML's punctuation, whitespace and unusual characters;
- mutated_corpus: real-world stack files (../shared/corpus) with random edits;
- raw_bytes: bytes as they may arrive on disk (invalid UTF-8, UTF-16, NULs, BOMs).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import List

from hypothesis import strategies as st

from stacklint.scalars import resolve_plain
from tests.conftest import SHARED

CORPUS = SHARED / "corpus" / "files"

VERSIONS = ["3", "3.0", "3.1", "3.4", "3.7", "3.8", "3.9", "3.13", "3.14", "2.4", "", "4", "3.08"]

# Values that exercise the parsers behind the rules (ports, durations, sizes, interpolation).
TRICKY_STRINGS = [
    "nginx", "nginx:1.25", "redis:latest", "alpine@sha256:" + "a" * 64, "", " ", "~", "null", "yes",
    "no", "on", "off", "true", "0755", "0o755", "0x1F", "1e3", ".inf", "-.inf", ".nan", "3.8", "22:22",
    "80", "80:80", "8080:80/udp", "127.0.0.1:8080:80/tcp", "[::1]:80:80", "1000-1010:1000-1010",
    "65536:80", "-1:80", "80:80/sctp", "10s", "1m30s", "500ms", "1h", "3600ss", "-5s", "1.5", "512M",
    "1GiB", "1 GB", "0.5k", "abc", "1e3m", "${VAR}", "${VAR:-default}", "${VAR-x}", "${VAR:?missing}",
    "${VAR?}", "$$", "$$VAR", "$VAR", "${", "${}", "${A:-${B}}", "${ VAR }", "$", "pre${X}post${Y}",
    "node.role == manager", "node.labels.zone != a", "engine.labels.os==linux", "node.hostname=",
    "/var/run/docker.sock:/var/run/docker.sock", "./data:/data:ro", "data:/var/lib/x", "/:/host",
    "type=bind,source=/,target=/h", "tmpfs:/run", "C:\\data:/data", "host", "bridge", "overlay",
    "none", "global", "replicated", "vip", "dnsrr", "any", "on-failure", "pause", "rollback",
    "start-first", "NET_ADMIN", "ALL", "SYS_ADMIN", "CMD-SHELL", "curl -f http://localhost/",
    "PASSWORD=hunter2", "SECRET_KEY=${SECRET}", "a=b=c", "=nokey", "ééé", "😀", "a\tb", "line\nbreak",
    "\u202eevil", "\x1b[31mred", "x" * 300, "- item", "key: value", "#notcomment", "&anchor", "*alias",
    "!tag", "%percent", "@at", "`tick", "|", ">", "{", "}", "[", "]", ",", "? q",
]

SERVICE_KEYS = [
    "image", "command", "entrypoint", "environment", "env_file", "ports", "volumes", "networks",
    "secrets", "configs", "deploy", "healthcheck", "labels", "logging", "user", "working_dir",
    "hostname", "extra_hosts", "dns", "cap_add", "cap_drop", "sysctls", "ulimits", "tmpfs", "init",
    "read_only", "stop_grace_period", "stop_signal", "privileged", "network_mode", "build",
    "container_name", "depends_on", "restart", "links", "volumes_from", "extends", "mem_limit",
    "cpu_shares", "security_opt", "isolation", "credential_spec", "tty", "stdin_open", "x-custom",
    "imagee", "deploy ", "Image",
]
DEPLOY_KEYS = [
    "mode", "replicas", "resources", "restart_policy", "placement", "update_config",
    "rollback_config", "labels", "endpoint_mode", "max_replicas_per_node",
]
TOP_KEYS = ["version", "services", "networks", "volumes", "secrets", "configs", "x-defaults", "name",
            "include", "x-anchors"]
RESOURCE_KEYS = ["driver", "driver_opts", "external", "name", "labels", "file", "attachable",
                 "internal", "ipam", "template_driver", "environment", "content"]

names = st.sampled_from(["web", "db", "api", "worker", "proxy", "a", "b", "my-svc", "x_1", "web",
                         "3", "true", "Web", "é", "a.b", "", "with space", "-dash", "<<"])
scalars = st.one_of(
    st.sampled_from(TRICKY_STRINGS),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)


def _tree(leaves):
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=4),
                                st.dictionaries(st.one_of(names, st.sampled_from(SERVICE_KEYS)), inner,
                                                max_size=4)),
        max_leaves=12,
    )


values = _tree(scalars)


def _keyed(keys, value_strategy, max_size=6):
    return st.dictionaries(st.sampled_from(keys), value_strategy, max_size=max_size)


def _often(usual, rare):
    """usual three times in four."""
    return st.one_of(usual, usual, usual, rare)


port_entries = st.one_of(
    st.sampled_from(TRICKY_STRINGS[20:35]), st.integers(-5, 70000),
    st.fixed_dictionaries({}, optional={"target": st.one_of(st.integers(-1, 70000), scalars),
                                        "published": st.one_of(st.integers(-1, 70000), scalars),
                                        "protocol": st.sampled_from(["tcp", "udp", "sctp", "TCP", 1]),
                                        "mode": st.sampled_from(["host", "ingress", "bogus"])}),
)
volume_entries = st.one_of(
    st.sampled_from(["data:/data", "./conf:/etc/app:ro", "/var/run/docker.sock:/var/run/docker.sock",
                     "/:/host", "logs:/var/log:rw", "tmp", "data:/data:z", "x:y:z:w", ":/a"]),
    st.fixed_dictionaries({"type": st.sampled_from(["volume", "bind", "tmpfs", "npipe", "cluster", "other"]),
                           "target": st.sampled_from(["/data", "", "/run", 5])},
                          optional={"source": st.sampled_from(["data", "/etc", "./x", ""]),
                                    "read_only": st.one_of(st.booleans(), scalars),
                                    "tmpfs": _keyed(["size", "mode"], scalars),
                                    "volume": _keyed(["nocopy"], scalars)}),
)
reference_entries = st.one_of(  # secrets: / configs: of a service
    names, st.fixed_dictionaries({"source": names}, optional={"target": st.sampled_from(["/run/x", "x", ""]),
                                                              "mode": st.one_of(st.integers(-1, 0o7777), scalars),
                                                              "uid": scalars, "gid": scalars}))
env_names = st.sampled_from(["PASSWORD", "DB_PASSWORD", "API_TOKEN", "SECRET_KEY", "HOME", "X", "PATH",
                             "aws_secret_access_key", "MYSQL_ROOT_PASSWORD", ""])
environment = st.one_of(
    st.dictionaries(env_names, scalars, max_size=4),
    st.lists(st.builds("{}={}".format, env_names, st.sampled_from(TRICKY_STRINGS)), max_size=4),
)
deploy = st.one_of(
    _keyed(DEPLOY_KEYS, st.one_of(
        scalars,
        _keyed(["limits", "reservations"], _keyed(["cpus", "memory", "pids", "generic_resources"], scalars)),
        _keyed(["constraints", "preferences", "max_replicas_per_node"],
               st.one_of(st.lists(scalars, max_size=3), scalars)),
        _keyed(["condition", "delay", "max_attempts", "window", "parallelism", "order", "failure_action",
                "monitor", "max_failure_ratio"], scalars),
    )),
    values,
)
typed_service_values = {
    "image": st.sampled_from(TRICKY_STRINGS[:12] + ["${IMAGE}", "registry:5000/app:${TAG:-1}"]),
    "ports": st.lists(port_entries, max_size=4),
    "volumes": st.lists(volume_entries, max_size=3),
    "secrets": st.lists(reference_entries, max_size=3),
    "configs": st.lists(reference_entries, max_size=3),
    "networks": st.one_of(st.lists(names, max_size=3), st.dictionaries(names, st.one_of(st.none(), values),
                                                                       max_size=2)),
    "environment": environment,
    "env_file": st.one_of(st.sampled_from([".env", "/etc/shadow", "../x.env"]), st.lists(scalars, max_size=2)),
    "deploy": deploy,
    "healthcheck": _keyed(["test", "interval", "timeout", "retries", "start_period", "disable"],
                          st.one_of(scalars, st.lists(st.sampled_from(["CMD", "CMD-SHELL", "NONE", "curl"]),
                                                      max_size=3))),
    "labels": st.one_of(st.dictionaries(names, scalars, max_size=3), st.lists(scalars, max_size=3)),
    "command": st.one_of(scalars, st.lists(scalars, max_size=3)),
}
service = _often(
    st.fixed_dictionaries({}, optional={k: _often(v, values) for k, v in typed_service_values.items()})
    .flatmap(lambda known: st.dictionaries(st.sampled_from(SERVICE_KEYS), values, max_size=2)
             .map(lambda extra: {**extra, **known})),
    values,
)
resource = st.one_of(st.none(), _keyed(RESOURCE_KEYS, _often(st.sampled_from(
    ["overlay", "bridge", "host", "local", "./secret.txt", "/etc/passwd", "true", "${X}"]), values)), values)
stack_data = st.fixed_dictionaries(
    {"services": _often(st.dictionaries(names, service, min_size=1, max_size=4), values)},
    optional={"version": _often(st.sampled_from(VERSIONS[:9]), st.one_of(st.sampled_from(VERSIONS), scalars)),
              "networks": st.dictionaries(names, resource, max_size=3),
              "volumes": st.dictionaries(names, resource, max_size=3),
              "secrets": st.dictionaries(names, resource, max_size=3),
              "configs": st.dictionaries(names, resource, max_size=3),
              "x-defaults": values},
).flatmap(lambda d: st.dictionaries(st.sampled_from(TOP_KEYS), values, max_size=1).map(lambda extra: {**extra, **d}))
stack_data = stack_data.map(lambda d: {"version": d.pop("version"), **d} if "version" in d else d)


# --- writing data as YAML with random styles -----------------------------------------------------

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_./$@=+-][A-Za-z0-9_./$@=+:{}\-]*( [A-Za-z0-9_./$@=+:{}\-]+)*")


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar (json.dumps would write astral characters as surrogates)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


class _Writer:
    """YAML text for plain data; every choice is drawn from hypothesis so failures shrink."""

    def __init__(self, draw, anchors: bool = True):
        self.draw = draw
        self.anchors: List[tuple] = []  # (name, value), usable once written
        self.names = 0
        self.use_anchors = anchors

    def choice(self, n: int) -> int:
        return self.draw(st.integers(0, n - 1))

    def scalar(self, value, flow: bool = False) -> str:
        if value is None:
            return ["null", "~", ""][self.choice(2 if flow else 3)]
        if isinstance(value, bool):
            return ["true", "false", "True"][self.choice(3)] if value else "false"
        if isinstance(value, (int, float)):
            text = repr(value)
            return {"inf": ".inf", "-inf": "-.inf", "nan": ".nan"}.get(text, text)
        style = self.choice(4)
        if style < 2 and _PLAIN_SAFE.fullmatch(value) and resolve_plain(value) == value \
                and not value.endswith(":") and not (flow and re.search(r"[{}\[\],:]", value)):
            return value  # plain only where it reads back as the same string
        printable = not re.search(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]", value)
        if style == 1 and printable:
            return "'" + value.replace("'", "''") + "'"
        return _double_quoted(value)

    def key(self, key, flow: bool = False) -> str:
        return self.scalar(key, flow) if isinstance(key, str) else str(key)

    def flow(self, value) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.key(k, True)}: {self.flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value, True)

    def anchor(self, value) -> str:
        """An anchor name for a collection value (or ""); it may be aliased once written."""
        if self.use_anchors and isinstance(value, (dict, list)) and value and self.choice(6) == 0:
            self.names += 1
            return f"a{self.names}"
        return ""

    def block(self, value, indent: int) -> List[str]:
        pad = " " * indent
        if isinstance(value, dict) and value:
            lines = []
            if self.anchors and self.choice(8) == 0:
                mergeable = [n for n, v in self.anchors if isinstance(v, dict)]
                if mergeable:
                    lines.append(f"{pad}<<: *{mergeable[self.choice(len(mergeable))]}")
            for k, v in value.items():
                lines.extend(self.entry(f"{pad}{self.key(k)}:", v, indent))
            return lines
        if isinstance(value, list) and value:
            lines = []
            for v in value:
                lines.extend(self.entry(f"{pad}-", v, indent))
            return lines
        return [pad + self.flow(value)]

    def entry(self, head: str, value, indent: int) -> List[str]:
        if self.anchors and self.choice(10) == 0:
            return [f"{head} *{self.anchors[self.choice(len(self.anchors))][0]}"]
        name = self.anchor(value)
        prefix = f"&{name} " if name else ""
        if not isinstance(value, (dict, list)) or not value or self.choice(5) == 0:
            comment = "  # stacklint: ignore[SL006] fuzz" if self.choice(100) == 0 else ""
            lines = [f"{head} {prefix}{self.flow(value)}{comment}"]
        else:
            step = [2, 4, 1][self.choice(3)]
            lines = [f"{head} {prefix}".rstrip()] + self.block(value, indent + step)
        if name:
            self.anchors.append((name, value))
        return lines


@st.composite
def stack_texts(draw) -> str:
    data = draw(stack_data)
    writer = _Writer(draw)
    lines = writer.block(data, 0) if isinstance(data, dict) and data else [writer.flow(data)]
    if draw(st.integers(0, 29)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), "# stacklint: ignore-file[SL004]")
    newline = draw(st.sampled_from(["\n", "\n", "\n", "\r\n"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text


# --- noise ----------------------------------------------------------------------------------------

_YAML_CHARS = " \t\n\r-:?,[]{}#&*!|>'\"%@`~.$\\=<+0123456789abcxyz\u00e9\u00a0\u0085\u2028\u2029\ufeff\u202e\x1b\x7f"
yaml_noise = st.one_of(
    st.text(st.sampled_from(list(_YAML_CHARS)), max_size=80),
    st.text(max_size=40),
    st.lists(st.sampled_from(["version: '3.8'", "services:", "  web:", "    image: x", "    ports:",
                              "      - 80:80", "  - a", "x: &a [*a]", "<<: *a", "a: &b {k: v}", "b: *b",
                              "...", "---", "%YAML 1.2", "? x", ": y", "  <<: [*b, *b]", "'", "\"\\x\"",
                              "key: !!binary aGk=", "k: !!set {a}", "t: 2001-12-14t21:59:43.10-05:00",
                              "\ttab: x", "  # stacklint: ignore[nope]", "s: |", "  block", "f: >-"]),
             max_size=12).map("\n".join),
)


# --- mutated corpus files ----------------------------------------------------------------------------

def corpus_files() -> List[Path]:
    return sorted(CORPUS.glob("*")) if CORPUS.is_dir() else []


@st.composite
def mutated_corpus(draw) -> str:
    files = corpus_files()
    text = draw(st.sampled_from(files)).read_text(encoding="utf-8", errors="surrogateescape") if files else ""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.integers(0, 6))
        n = len(text)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 200)))
        if op == 0:  # delete a span
            text = text[:i] + text[j:]
        elif op == 1:  # insert noise
            text = text[:i] + draw(st.text(st.sampled_from(list(_YAML_CHARS)), max_size=8)) + text[i:]
        elif op == 2:  # duplicate a span
            text = text[:j] + text[i:j] + text[j:]
        elif op == 3:  # re-indent a line
            lines = text.split("\n")
            k = draw(st.integers(0, max(0, len(lines) - 1)))
            lines[k] = " " * draw(st.integers(0, 7)) + lines[k].lstrip()
            text = "\n".join(lines)
        elif op == 4:  # swap two lines
            lines = text.split("\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        elif op == 5:  # truncate
            text = text[:i]
        else:  # CRLF
            text = text.replace("\n", "\r\n")
    return text


# --- bytes on disk ----------------------------------------------------------------------------------

@st.composite
def raw_bytes(draw) -> bytes:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.binary(max_size=200))
    text = draw(st.one_of(stack_texts(), yaml_noise))
    if kind == 1:
        return text.encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32"])), "surrogatepass")
    if kind == 2:
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    data = bytearray(text.encode("utf-8", "surrogatepass"))
    for _ in range(draw(st.integers(1, 3))):
        data.insert(draw(st.integers(0, len(data))), draw(st.sampled_from([0x00, 0xC3, 0xE9, 0xFF, 0x80, 0xED])))
    return bytes(data)


# --- hostile: port ranges, overlapping specs, typed-field interpolation, env files --------------------

# Values the environment gives the typed fields; each is a marker no output may ever show.
HOSTILE_ENV = {f"QX_V{i}": f"QXFUZZMARK{i}" for i in range(6)}
HOSTILE_ENV.update({"QX_GOOD_INT": "3", "QX_GOOD_SIZE": "512M", "QX_EMPTY": ""})
HOSTILE_MARKERS = [v for k, v in HOSTILE_ENV.items() if k.startswith("QX_V")] + ["QXFILEMARK"]
_TYPED = [("deploy", "replicas"), ("deploy", "mode"), ("deploy", "resources", "limits", "memory"),
          ("deploy", "resources", "limits", "cpus"), ("deploy", "update_config", "parallelism"),
          ("deploy", "endpoint_mode"), ("healthcheck", "interval"), ("healthcheck", "retries"),
          ("privileged",), ("user",), ("stop_grace_period",), ("deploy", "placement", "max_replicas_per_node")]


@st.composite
def _port_entry(draw):
    lo = draw(st.sampled_from([1, 22, 80, 2377, 4789, 7946, 8000, 8005, 65535, 0, 70000]))
    width = draw(st.sampled_from([0, 0, 1, 10, 100, 65534]))
    hi = lo + width
    proto = draw(st.sampled_from(["", "/tcp", "/udp", "/sctp", "/tcpp"]))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"{lo}-{hi}:{lo}-{hi}{proto}"
    if kind == 1:
        return f"{lo}-{hi}:80{proto}"  # a host range onto one container port
    if kind == 2:
        return f"${{QX_V{draw(st.integers(0, 5))}}}:{lo}{proto}"
    if kind == 3:
        return draw(st.sampled_from([lo, f"{lo}", f"127.0.0.1:{lo}-{hi}:{lo}-{hi}", f"{lo}-{hi}"]))
    return {"target": draw(st.sampled_from([lo, "${QX_V1}", 80])),
            "published": draw(st.sampled_from([lo, hi, "${QX_V2}", "${QX_GOOD_INT}", None])),
            "protocol": draw(st.sampled_from(["tcp", "udp", "TCP", "x"])),
            "mode": draw(st.sampled_from(["host", "ingress", "Hots"]))}


def _env_file_line(draw) -> str:
    return draw(st.sampled_from([
        "GOOD=QXFILEMARK", "QXFILEMARK", "hunter2 QXFILEMARK x", "BAD NAME=QXFILEMARK", "=QXFILEMARK", "",
        "# QXFILEMARK", "export X=QXFILEMARK", "\ufeffA=QXFILEMARK", "\tTAB=QXFILEMARK", "A B",
    ]))


@st.composite
def hostile_stacks(draw):
    """(stack text, {env file name: bytes}): a stack with wide and overlapping port ranges,
    `${VAR}` in typed fields, and env files valid and malformed."""
    files = {}
    for i in range(draw(st.integers(0, 3))):
        lines = [_env_file_line(draw) for _ in range(draw(st.integers(0, 5)))]
        raw = "\n".join(lines).encode()
        if draw(st.integers(0, 9)) == 0:
            raw += b"\xff\xfe"  # not UTF-8
        files[f"f{i}.env"] = raw
    services = {}
    for n in range(draw(st.integers(1, 8))):
        svc = {"image": "nginx:1.27", "ports": [draw(_port_entry()) for _ in range(draw(st.integers(0, 4)))]}
        for path in draw(st.lists(st.sampled_from(_TYPED), max_size=4, unique=True)):
            cur = svc
            for key in path[:-1]:
                cur = cur.setdefault(key, {}) if isinstance(cur.get(key, {}), dict) else {}
            cur[path[-1]] = "${" + draw(st.sampled_from(sorted(HOSTILE_ENV))) + "}"
        if files and draw(st.booleans()):
            svc["env_file"] = [f"./{name}" for name in draw(st.lists(st.sampled_from(sorted(files)), min_size=1))]
        if draw(st.integers(0, 3)) == 0:
            svc["environment"] = {"DB_PASSWORD": "pw$" + draw(st.sampled_from(["QX_V0", "{QX_V1}", "!", "$x"]))}
        services[f"s{n}"] = svc
    import json

    return 'version: "3.8"\n' + "services: " + json.dumps(services) + "\n", files


# --- multi-file stacks: 2-3 files that mostly load, so the merged checks run --------------------------

# Literal secrets (with `$` inside) under credential-like names: no output may show them either.
LITERAL_MARKERS = ["QXLITMARKA", "QXLITMARKB", "QXLITMARKC"]
_CREDENTIAL_VALUES = ["pw$" + LITERAL_MARKERS[0], "pw$${x}" + LITERAL_MARKERS[1], LITERAL_MARKERS[2],
                      "postgres://u:" + LITERAL_MARKERS[0] + "@db/x", "${QX_V0}", "$$" + LITERAL_MARKERS[1]]
_ENV_REFS = [f"${{{name}}}" for name in sorted(HOSTILE_ENV)]
_SERVICE_NAMES = ["web", "db", "api"]


@st.composite
def _mergeable_service(draw) -> dict:
    """A service that mostly passes the schema, with values that reach the checks (ports and
    ranges, credentials, environment values in typed fields, keys `stack deploy` ignores)."""
    svc = {}
    pick = lambda options: draw(st.sampled_from(options))  # noqa: E731
    if draw(st.booleans()):
        svc["image"] = pick(["nginx:1.27", "postgres:16", "redis", "nginx:${QX_V3}", "${QX_V4}", "mysql:8"])
    if draw(st.booleans()):
        short = st.sampled_from(["80:80", "8080:80", "8000-8010:8000-8010", "80-81:80-81/udp", "${QX_V0}:80",
                                 "127.0.0.1:8080:80", "9000"])
        svc["ports"] = draw(st.lists(st.one_of(short, short, _port_entry()), max_size=3))
    if draw(st.booleans()):
        env = draw(st.dictionaries(st.sampled_from(["DB_PASSWORD", "API_TOKEN", "POSTGRES_PASSWORD"]),
                                   st.sampled_from(_CREDENTIAL_VALUES), max_size=3))
        if draw(st.booleans()):  # not a credential: its `$` names a variable, and messages say which
            env["HOME"] = pick(["plain", "${QX_V1}", "/home/$USER"])
        svc["environment"] = env if draw(st.booleans()) else [f"{k}={v}" for k, v in env.items()]
    if draw(st.booleans()):
        deploy = {}
        for key, options in [("mode", ["replicated", "global", "${QX_V2}"]),
                             ("replicas", [1, 3, "${QX_GOOD_INT}"]),
                             ("resources", [{"limits": {"memory": "${QX_V5}", "cpus": "0.5"}},
                                            {"limits": {"memory": "${QX_GOOD_SIZE}"}}]),
                             ("placement", [{"constraints": ["node.role == manager"]},
                                            {"constraints": ["node.role=manager"]},
                                            {"constraints": ["${QX_V3}"]}])]:
            if draw(st.booleans()):
                deploy[key] = pick(options)
        svc["deploy"] = deploy
    for key in draw(st.lists(st.sampled_from(["container_name", "restart", "hostname", "links"]), unique=True,
                             max_size=2)):
        svc[key] = {"container_name": "c1", "restart": pick(["always", "no", "on-failure"]), "hostname": "h",
                    "links": ["db"]}[key]
    if draw(st.booleans()):
        svc["networks"] = draw(st.lists(st.sampled_from(["front", "back", "${QX_V5}"]), max_size=2, unique=True))
    if draw(st.booleans()):
        svc["secrets"] = draw(st.lists(st.sampled_from(["db_pw", "api_key", "${QX_V2}"]), max_size=2, unique=True))
    if draw(st.booleans()):
        svc["healthcheck"] = {"test": ["CMD", "true"], "interval": pick(["10s", "${QX_V1}", "${QX_GOOD_INT}"])}
    return svc


@st.composite
def stack_file_sets(draw) -> list:
    """[(text, name)] of 2-3 files of one stack: a base and overrides of its services."""
    count = draw(st.integers(2, 3))
    texts = []
    for i in range(count):
        data = {"version": "3.8" if draw(st.integers(0, 9)) else "3.9",
                "services": draw(st.dictionaries(st.sampled_from(_SERVICE_NAMES), _mergeable_service(),
                                                 min_size=1, max_size=3))}
        for section, entries in [("networks", {"front": {"driver": "overlay"}, "back": None}),
                                 ("secrets", {"db_pw": {"file": "./db_pw.txt"}, "api_key": {"external": True}})]:
            if draw(st.integers(0, 2)) == 0:
                chosen = {k: v for k, v in entries.items() if draw(st.booleans())}
                if chosen:
                    data[section] = chosen
        writer = _Writer(draw, anchors=draw(st.integers(0, 3)) == 0)  # mostly files that load and merge
        texts.append(("\n".join(writer.block(data, 0)) + "\n", f"f{i}.yml"))
    return texts

"""Generated values for the fields Docker reads with a Go parser of its own, each in a one-service
stack file, with Docker's answer to each (tests/data/value_syntax_docker.json).

- memory (`deploy.resources.limits.memory`): go-units RAMInBytes, whose number is
  strconv.ParseFloat's (hex floats, `_` between digits, inf and nan);
- duration (`healthcheck.interval`): time.ParseDuration;
- port (a short-syntax `ports` entry): go-connections nat.ParsePortSpec, with net.ParseIP;
- volume (a short-syntax `volumes` entry): the loader's ParseVolume;
- command (a `command` written as a string): github.com/google/shlex Split (`#` comments,
  backslashes in double quotes), not Python's shlex;
- image (`image`): distribution/reference as the CLI reads it (v0.6.0) and as the daemon's
  swarmkit reads it (an older grammar: no [IPv6] registry; `NGINX/app` is a repository);
- field (a service setting the loader converts: replicas, ulimits, healthcheck retries, update
  parallelism and max_failure_ratio, placement, secrets' mode and uid, ports' target and published,
  sysctls, labels, pids...) with an odd number in it: only whether the load fails is compared;
- restart (the legacy `restart:` key): opts.ParseRestartPolicy then convertRestartPolicy, at
  deploy;
- cpus (`deploy.resources.limits.cpus`): opts.ParseCPUs, big.Rat.SetString (prefixes, `_`,
  `p` exponents), converted by `docker stack deploy` itself, not the loader.

The first four are asked of `docker stack config` (client only, offline), which prints what it
read; commands, images and cpus of a real Swarm (`docker stack deploy --resolve-image never`,
then the service's Args, Image or NanoCPUs from `docker service inspect`): images and cpus are
checked at deploy, and
what `docker stack config` prints of a word that starts with a line break loses it (go-yaml
writes `|2-` without the empty first line). The values come from a seeded grammar of signs, prefixes, digits,
separators, points, exponents, units, addresses and modes, so that most are near a boundary and
about a quarter are accepted.

    python3 -m tests.value_syntax_cases --write-cache   # docker CLI; cpus with STACKLINT_TEST_DOCKER_HOST set
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .yaml_syntax_cases import docker_answer

SEED = 20261201
COUNT = {"memory": 300, "duration": 300, "port": 300, "volume": 300, "command": 300, "field": 300, "image": 300, "restart": 120,
         "cpus": 200}
CACHE = Path(__file__).parent / "data" / "value_syntax_docker.json"
LOADER_KINDS = ("memory", "duration", "port", "volume", "field")
SWARM_KINDS = ("command", "image", "restart", "cpus")


def _digits(r: random.Random, alphabet: str, most: int, separators: float = 0.0) -> str:
    alphabet += "_" * (r.random() < separators)
    return "".join(r.choice(alphabet) for _ in range(r.randint(0, most)))


def _memory(r: random.Random) -> str:
    if r.random() < 0.06:
        return r.choice(["", "+", "-"]) + r.choice(["inf", "Inf", "infinity", "INFINITY", "nan", "NaN", "infin"]) + \
            r.choice(["", " ", "k", " k", "1"])
    hexadecimal = r.random() < 0.3
    alphabet = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
    text = r.choice(["", "", "", "+", "-"]) + (r.choice(["0x", "0X"]) if hexadecimal else r.choice(["", "", "0", "0b"]))
    text += _digits(r, alphabet, 4, 0.4)
    if r.random() < 0.5:
        text += "." + _digits(r, alphabet, 4, 0.4)
    if r.random() < 0.5:
        text += r.choice("eEpP") + r.choice(["", "-", "+"]) + _digits(r, "0123456789", 3, 0.4)
    if r.random() < 0.3:
        text += r.choice([" ", "  "])
    return text + r.choice(["", "", "k", "K", "kb", "KiB", "m", "MB", "g", "b", "B", "t", "p", "x", "kib", "mbb", "i"])


def _duration(r: random.Random) -> str:
    if r.random() < 0.05:
        return r.choice(["0", "-0", "+0", "", "0s0", "00", "1_0s", " 1s", "1s ", "9223372036854775807ns",
                         "9223372036854775808ns", "-9223372036854775808ns", "2562047h47m16.854775808s"])
    units = ["ns", "us", "µs", "μs", "ms", "s", "m", "h", "", "S", "H", "d", "sec", "u", "mm"]
    text = r.choice(["", "", "", "+", "-"])
    for _ in range(r.randint(1, 3)):
        part = _digits(r, "0123456789", r.choice([3, 12]))
        if r.random() < 0.5:
            part += "." + _digits(r, "0123456789", r.choice([3, 12, 20]))
        text += part + r.choice(units)
    return text


def _port(r: random.Random) -> str:
    def one() -> str:
        return r.choice(["80", "8080", "0", "65535", "65536", "080", "1", "", "-1", "99999", "443", "00", "a", "+5"])

    def span() -> str:
        return one() if r.random() < 0.6 else one() + "-" + one()

    address = r.choice(["", "127.0.0.1", "0.0.0.0", "[::1]", "::1", "[::]", "localhost", "1.2.3", "[fe80::1%eth0]",
                        "300.1.1.1", "010.0.0.1", "[::ffff:1.2.3.4]", "FE80::1"])
    shape = r.random()
    text = span() if shape < 0.3 else span() + ":" + span() if shape < 0.7 else address + ":" + span() + ":" + span()
    return text + (r.choice(["/tcp", "/udp", "/sctp", "/TCP", "/xyz", "/", "/tcp/udp"]) if r.random() < 0.4 else "")


def _volume(r: random.Random) -> str:
    sources = ["data", "./d", "/srv", "~/x", "C:\\x", "c:/x", "\\\\srv\\share", "d", "a:b", ".", "..", "/", "my-vol",
               "x", "1", "ab", ""]
    targets = ["/data", "/d", "d", "/a:b", "C:\\t", "/", "", "x", "/x/y"]
    modes = ["ro", "rw", "z", "Z", "nocopy", "ro,nocopy", "rw,z", "shared", "rslave", "cached", "delegated",
             "consistent", "ro,rw", "bogus", "", "ro,", ",ro"]
    shape = r.random()
    if shape < 0.2:
        return r.choice(targets + sources)
    if shape < 0.6:
        return r.choice(sources) + ":" + r.choice(targets)
    if shape < 0.9:
        return r.choice(sources) + ":" + r.choice(targets) + ":" + r.choice(modes)
    return ":".join(r.choice(sources + targets + modes) for _ in range(r.randint(2, 5)))


def _command(r: random.Random) -> str:
    # no `$`: Docker would interpolate it first
    atoms = ["a", "b", "echo", " ", "  ", "\t", "\n", "#", "'", '"', "\\", "x y", "é", "\r", "\\n", "=", "-c",
             "\u00a0", ";", "|", "&&", "#!", "a#b"]
    return "".join(r.choice(atoms) for _ in range(r.randint(1, 8)))


_FIELDS = [
    "    deploy:\n      replicas: {v}\n", "    deploy:\n      placement:\n        max_replicas_per_node: {v}\n",
    "    ulimits:\n      nofile: {v}\n", "    ulimits:\n      nofile:\n        soft: {v}\n        hard: {v}\n",
    "    healthcheck:\n      test: [\"CMD\", \"true\"]\n      retries: {v}\n",
    "    deploy:\n      update_config:\n        parallelism: {v}\n        max_failure_ratio: {v}\n",
    "    deploy:\n      restart_policy:\n        max_attempts: {v}\n", "    stop_grace_period: {v}\n",
    "    sysctls:\n      net.core.somaxconn: {v}\n", "    secrets:\n      - source: s\n        mode: {v}\n",
    "    secrets:\n      - source: s\n        uid: {v}\n", "    deploy:\n      resources:\n        limits:\n          pids: {v}\n",
    "    labels:\n      a: {v}\n", "    environment:\n      A: {v}\n", "    extra_hosts:\n      h: {v}\n",
    "    deploy:\n      endpoint_mode: {v}\n", "    ports:\n      - target: {v}\n        published: {v}\n",
    "    ports:\n      - target: 80\n        published: {v}\n", "    tmpfs: {v}\n", "    dns: {v}\n",
    "    configs:\n      - source: c\n        mode: {v}\n",
]
_ODD_NUMBERS = ["1", "-1", "0", "3", "'3'", "'x'", "1.5", "'1.5'", "true", "null", "''", "[]", "{}", "0x10", "0o17",
                "1e3", "'1e3'", "99999999999999999999", "-0", "'+3'", "' 3'", "~", ".inf", "010", "0b11", "1_000",
                "65536.0", "-8080", "4294967296"]


def _field(r: random.Random) -> str:
    return r.choice(_FIELDS).format(v=r.choice(_ODD_NUMBERS))


def _image(r: random.Random) -> str:
    if r.random() < 0.05:
        return r.choice(["a" * 64, "0" * 64, "sha256:" + "a" * 64, "A" * 64, ""])
    parts = ["nginx", "NGINX", "a", "a_b", "a__b", "a___b", "a-b", "a--b", "a.b", "a..b", "-a", "a-", "_a",
             "localhost", "localhost:5000", "reg.io", "reg.io:443", "[::1]", "[::1]:5000", "Reg.io", "REG", "1", ""]
    tags = ["", "", ":1", ":latest", ":1.2-alpine", ":-x", ":_x", ":" + "t" * 129, ":", ":a:b", ":A_b.c-d"]
    digests = ["@sha256:" + "a" * 64, "@sha256:" + "A" * 64, "@sha256:abc", "@md5:" + "a" * 32, "@"]
    text = "/".join(r.choice(parts) for _ in range(r.randint(1, 3))) + r.choice(tags)
    return text + (r.choice(digests) if r.random() < 0.3 else "")


def _restart(r: random.Random) -> str:
    name = r.choice(["no", "always", "on-failure", "unless-stopped", "ALWAYS", "On-Failure", "", "none", " always"])
    if r.random() < 0.6:
        name += ":" + r.choice(["", "3", "-1", "03", "+3", "x", "3:4", "0", "99999999999999999999",
                                "9223372036854775807", "9223372036854775808", "-9223372036854775808", " 3"])
    return name


def _cpus(r: random.Random) -> str:
    sign = r.choice(["", "", "+", "-"])
    if r.random() < 0.3:  # a fraction: each side decimal, or 0b, 0o, 0 (octal) or 0x prefixed
        prefixes = {"": "0123456789", "0": "0123456789", "0x": "0123456789abcdefABCDEF", "0b": "01", "0o": "01234567"}
        top, bottom = r.choice(list(prefixes)), r.choice(list(prefixes))
        return sign + top + _digits(r, prefixes[top], 4, 0.3) + "/" + bottom + _digits(r, prefixes[bottom], 4, 0.3)
    prefix = r.choice(["", "", "", "0x", "0b", "0o", "0"])
    alphabet = {"0x": "0123456789abcdef", "0b": "01", "0o": "01234567"}.get(prefix, "0123456789")
    text = sign + prefix + _digits(r, alphabet, 4, 0.4)
    if r.random() < 0.5:
        text += "." + _digits(r, alphabet, 4, 0.4)
    if r.random() < 0.5:
        text += r.choice("eEpP") + r.choice(["", "-", "+"]) + _digits(r, "0123456789", 4, 0.3)
    return text


_GENERATORS = {"memory": _memory, "duration": _duration, "port": _port, "volume": _volume, "command": _command,
               "field": _field,
               "image": _image, "restart": _restart, "cpus": _cpus}


def values(kind: str, seed: int = SEED) -> list[str]:
    """The kind's distinct values (none empty for the list forms, none with a quote but commands and
    fields, which are written so that it does not matter)."""
    r = random.Random(f"{seed}-{kind}")
    out: dict[str, None] = {}
    while len(out) < COUNT[kind]:
        value = _GENERATORS[kind](r)
        if ("'" not in value or kind in ("command", "field")) and (value or kind in ("memory", "duration", "command")):
            out[value] = None
    return list(out)


def stack(kind: str, value: str) -> str:
    """The one-service stack file that holds the value, quoted so that YAML keeps it as written
    (a command in JSON's double quotes: it may hold quotes and line breaks)."""
    quoted = json.dumps(value) if kind in ("command", "image") else f"'{value}'"
    body = {
        "memory": f"    deploy:\n      resources:\n        limits:\n          memory: {quoted}\n",
        "cpus": f"    deploy:\n      resources:\n        limits:\n          cpus: {quoted}\n",
        "duration": f"    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: {quoted}\n",
        "port": f"    ports:\n      - {quoted}\n",
        "volume": f"    volumes:\n      - {quoted}\n",
        "command": f"    command: {quoted}\n",
        "image": "",
        "restart": f"    restart: {quoted}\n",
        "field": value + 'secrets:\n  s:\n    external: true\nconfigs:\n  c:\n    external: true\n',
    }[kind]
    command = "" if kind == "command" else '    command: ["sleep", "60"]\n'
    image = quoted if kind == "image" else "busybox:1"
    return f'version: "3.8"\nservices:\n  app:\n    image: {image}\n{command}{body}'


def _loader_answer(kind: str, value: str) -> dict:
    """What `docker stack config` read: the status, its error's last line, the field as printed."""
    import yaml  # PyYAML: a reader of Docker's output that is not stacklint's

    answer = docker_answer(stack(kind, value))
    if kind == "field":  # (with two bad numbers Docker names either, by Go's map order: the verdict only)
        return {"status": answer["status"]}
    if answer["status"] != 0:
        # (a panic's last line is a goroutine frame: its first line says what happened)
        lines = answer["error"].splitlines()
        return {"status": answer["status"], "error": lines[0] if lines[0].startswith("panic:") else lines[-1]}
    service = yaml.safe_load(answer["output"])["services"]["app"]
    printed = {
        "memory": lambda: service.get("deploy", {}).get("resources", {}).get("limits", {}).get("memory", "0"),
        "duration": lambda: service["healthcheck"]["interval"],
        "port": lambda: sorted([p.get("mode"), p.get("target", 0), p.get("published", 0), p.get("protocol")]
                               for p in service.get("ports", [])),
        # (a bind's source is printed made absolute against the working directory: not kept)
        "volume": lambda: [[v.get("type"), None if v.get("type") == "bind" else v.get("source", ""), v.get("target"),
                            bool(v.get("read_only"))] for v in service.get("volumes", [])],
    }[kind]()
    if kind == "memory":
        printed = str(printed)
    elif kind == "port" and len(printed) > 8:  # a range of ports is thousands of entries: their digest
        printed = port_digest(printed)
    return {"status": 0, "value": printed}


def port_digest(mappings: list) -> str:
    """A long port list (sorted [mode, target, published, protocol] entries), in 20 hex digits."""
    return hashlib.sha256(json.dumps(mappings).encode()).hexdigest()[:20]


def _swarm_answer(kind: str, value: str, env: dict) -> dict:
    """`docker stack deploy` of the value on the Swarm env names, then the service's Args (command)
    or NanoCPUs (cpus). The stack is named after the value (the daemon's errors name the service)."""
    name = "sl" + kind + hashlib.sha256(value.encode()).hexdigest()[:8]
    proc = subprocess.run(["docker", "stack", "deploy", "--resolve-image", "never", "-c", "-", name],
                          input=stack(kind, value), capture_output=True, text=True, env=env, timeout=60)
    if proc.returncode != 0:
        return {"status": proc.returncode, "error": proc.stderr.strip().splitlines()[-1]}
    field = {"command": ".Spec.TaskTemplate.ContainerSpec.Args", "image": ".Spec.TaskTemplate.ContainerSpec.Image",
             "restart": ".Spec.TaskTemplate.RestartPolicy", "cpus": ".Spec.TaskTemplate.Resources.Limits.NanoCPUs"}[kind]
    read = subprocess.run(["docker", "service", "inspect", f"{name}_app", "--format", "{{json %s}}" % field],
                          capture_output=True, text=True, env=env, timeout=60).stdout
    subprocess.run(["docker", "stack", "rm", name], capture_output=True, env=env, timeout=60)
    value = json.loads(read)
    if kind == "restart":  # (the Swarm's own default where the stack sets no policy: any, 5s, 0)
        value = [value["Condition"], value.get("MaxAttempts", 0)]
    return {"status": 0, "value": value or ([] if kind == "command" else 0)}


def ask_loader(kind: str, texts: list[str]) -> list[dict]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda v: _loader_answer(kind, v), texts))


def ask_swarm(kind: str, texts: list[str], env: dict) -> list[dict]:
    return [_swarm_answer(kind, v, env) for v in texts]


def swarm_env() -> dict | None:
    host = os.environ.get("STACKLINT_TEST_DOCKER_HOST")
    if not host:
        return None
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env["DOCKER_HOST"] = host
    return env


def main() -> int:
    if "--write-cache" not in sys.argv[1:]:
        print(__doc__)
        return 2
    env = swarm_env()
    if env is None:
        print("commands and cpus need a Swarm: set STACKLINT_TEST_DOCKER_HOST (bash scripts/test-engine.sh start)")
        return 2
    version = subprocess.run(["docker", "version", "--format", "{{.Client.Version}} {{.Server.Version}}"],
                             capture_output=True, text=True, env=env).stdout.strip()
    answers = {kind: dict(zip(values(kind), ask_loader(kind, values(kind)))) for kind in LOADER_KINDS}
    for kind in SWARM_KINDS:
        answers[kind] = dict(zip(values(kind), ask_swarm(kind, values(kind), env)))
    CACHE.write_text(json.dumps({"docker": version, "seed": SEED, "answers": answers}, indent=0, sort_keys=True,
                                ensure_ascii=False) + "\n", encoding="utf-8")
    for kind, got in answers.items():
        accepted = sum(a["status"] == 0 for a in got.values())
        print(f"{kind}: {len(got)} values, {accepted} accepted")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Generated multi-file stacks, one family per merge rule of docker/cli's merge.go.

Each case is a list of files (plain data, written as JSON, which is YAML). Deterministic: the
same seed gives the same cases, so Docker's answers can be recorded once
(`tests/data/multifile_answers.json`) and re-verified against the live CLI.
"""
from __future__ import annotations

import json
import random
from typing import Callable, Dict, List

VERSION = "3.8"
IMAGES = ["nginx:1.25", "redis:7", "registry.example.com/app:2.1"]


def _svc(rng: random.Random, **fields) -> dict:
    out = {"image": rng.choice(IMAGES)}
    out.update(fields)
    return out


def _files(*services_per_file, version=VERSION, tops=None) -> List[dict]:
    files = []
    for i, services in enumerate(services_per_file):
        doc = {"version": version if not isinstance(version, list) else version[i], "services": services}
        for key, value in ((tops or [None] * len(services_per_file))[i] or {}).items():
            doc[key] = value
        files.append(doc)
    return files


def _ports(rng):
    pool = ["80:80", "443:443", "53:53/udp", "53:53/tcp", "8080:80", "9000", "9000-9001:9000-9001",
            {"target": 80, "published": 8081}, {"target": 81, "published": 8081, "protocol": "udp"},
            {"target": 5000, "published": 5000, "mode": "host"}, "127.0.0.1:7000:70", "6000-6002:6000-6002/udp"]
    return rng.sample(pool, rng.randint(0, 4))


def _volumes(rng):
    pool = ["data:/data", "data:/data:ro", "cache:/cache", "/srv/a:/a", "/srv/b:/a:ro", "logs:/var/log",
            {"type": "volume", "source": "data", "target": "/data"}, {"type": "tmpfs", "target": "/tmp"},
            {"type": "bind", "source": "/srv/c", "target": "/c", "read_only": True}, "/anon"]
    return rng.sample(pool, rng.randint(0, 3))


def _refs(rng, kind):
    pool = ["a", "b", "c", {"source": "a", "target": "/run/x"}, {"source": "b", "mode": 256},
            {"source": "c", "target": "renamed"}]
    if kind == "configs":
        pool = [p if isinstance(p, str) else {**p, "target": "/etc/" + p.get("target", "cfg").strip("/")}
                for p in pool]
    return rng.sample(pool, rng.randint(0, 3))


def _mapping(rng, with_null: bool):
    keys = ["A", "B", "C", "D"]
    values = ["1", "", "x y", "yes"] + ([None] if with_null else [])
    chosen = {k: rng.choice(values) for k in rng.sample(keys, rng.randint(0, 3))}
    if rng.random() < 0.4:
        return [k if v is None else f"{k}={v}" for k, v in chosen.items()]
    return chosen


def _objects(rng, kind):
    out = {}
    for name in ("a", "b", "c"):
        roll = rng.random()
        if roll < 0.3:
            out[name] = {"external": True}
        elif roll < 0.6:
            if kind in ("secrets", "configs"):
                out[name] = {"file": f"/srv/{kind}/{name}.txt", "labels": {"v": str(rng.randint(1, 3))}}
            elif kind == "networks":
                out[name] = {"driver": "overlay", "attachable": rng.random() < 0.5}
            else:
                out[name] = {"driver": "local", "labels": {"v": str(rng.randint(1, 3))}}
        elif roll < 0.8:
            out[name] = None if kind in ("networks", "volumes") else {"external": True, "name": f"real_{name}"}
    return out


def _duration(rng):
    return rng.choice(["0s", "5s", "1m", "1m30s", "250ms", "0"])


# --- one family per merge rule --------------------------------------------------------------------
def keyed_lists(rng):
    field = rng.choice(["ports", "volumes", "secrets", "configs"])
    make = {"ports": _ports, "volumes": _volumes, "secrets": lambda r: _refs(r, "secrets"),
            "configs": lambda r: _refs(r, "configs")}[field]
    tops = [None, None]
    if field in ("secrets", "configs"):
        tops = [{field: {n: {"external": True} for n in "abc"}}, None]
    base = _svc(rng, **{field: make(rng)})
    over = {field: make(rng)} if rng.random() < 0.7 else {"hostname": "h"}
    if rng.random() < 0.2:
        base.pop(field)
    return _files({"web": base}, {"web": over}, tops=tops)


def maps(rng):
    field = rng.choice(["environment", "labels", "sysctls", "deploy.labels", "build.args"])
    with_null = field in ("environment", "build.args")
    base, over = _svc(rng), {}
    for target in (base, over):
        value = _mapping(rng, with_null)
        if field == "deploy.labels":
            target["deploy"] = {"labels": value}
        elif field == "build.args":
            target["build"] = {"context": "/srv/build", "args": value}
        elif field == "sysctls":
            target[field] = {"net.core." + k.lower(): v or "1" for k, v in dict(
                value if isinstance(value, dict) else {x.split("=")[0]: "1" for x in value}).items()}
        else:
            target[field] = value
    return _files({"web": base}, {"web": over})


def commands(rng):
    field = rng.choice(["command", "entrypoint"])
    forms = ["echo hi", ["sh", "-c", "sleep 1"], "", [], "run --flag 'a b'"]
    return _files({"web": _svc(rng, **{field: rng.choice(forms[:2] + forms[4:])})},
                  {"web": {field: rng.choice(forms)}})


def appended_lists(rng):
    field = rng.choice(["cap_add", "dns", "dns_search", "extra_hosts", "security_opt", "devices", "tmpfs",
                        "expose", "placement", "healthcheck.test"])
    pools = {"cap_add": ["NET_ADMIN", "SYS_TIME"], "dns": ["1.1.1.1", "8.8.8.8"],
             "dns_search": ["example.com", "corp"], "security_opt": ["label:disable", "no-new-privileges"],
             "devices": ["/dev/fuse:/dev/fuse"], "tmpfs": ["/run", "/tmp"], "expose": ["80", 443]}

    def value():
        if field == "extra_hosts":
            return (["h1:10.0.0.1", "h2:10.0.0.2"][:rng.randint(1, 2)] if rng.random() < 0.5
                    else {"h3": "10.0.0.3", "h4": "10.0.0.4"})
        if field == "placement":
            return {"deploy": {"placement": {"constraints": rng.sample(
                ["node.role == worker", "node.labels.a == b", "node.platform.os == linux"], rng.randint(1, 2))}}}
        if field == "healthcheck.test":
            return {"healthcheck": {"test": rng.choice([["CMD", "true"], ["CMD-SHELL", "exit 0"], "curl -f x"])}}
        if field in ("dns", "dns_search", "tmpfs") and rng.random() < 0.4:
            return rng.choice(pools[field])
        return rng.sample(pools[field], rng.randint(1, len(pools[field])))

    def put(svc):
        v = value()
        if field in ("placement", "healthcheck.test"):
            svc.update(v)
        else:
            svc[field] = v
        return svc

    return _files({"web": put(_svc(rng))}, {"web": put({})})


def pointers(rng):
    """*uint64 (0 wins), *Duration and Duration (0 never wins), *bool, structs behind pointers."""
    def deploy():
        d = {}
        if rng.random() < 0.6:
            d["replicas"] = rng.choice([0, 1, 3])
        if rng.random() < 0.5:
            d["restart_policy"] = {k: v for k, v in (("condition", rng.choice(["any", "on-failure", ""])),
                                                     ("delay", _duration(rng)), ("max_attempts", rng.choice([0, 2])),
                                                     ("window", _duration(rng))) if rng.random() < 0.6}
        if rng.random() < 0.5:
            d["update_config"] = {k: v for k, v in (("parallelism", rng.choice([0, 1, 2])), ("delay", _duration(rng)),
                                                    ("failure_action", rng.choice(["pause", "rollback"])),
                                                    ("max_failure_ratio", rng.choice([0, 0.5])),
                                                    ("order", rng.choice(["stop-first", "start-first"])))
                                  if rng.random() < 0.6}
        if rng.random() < 0.5:
            d["resources"] = {"limits": {k: v for k, v in (("cpus", rng.choice(["0.5", "1"])),
                                                          ("memory", rng.choice(["0", "128M", "1G"])))
                                         if rng.random() < 0.7}}
        if rng.random() < 0.3:
            d["placement"] = {"max_replicas_per_node": rng.choice([0, 1, 2])}
        if rng.random() < 0.3:
            d["mode"] = rng.choice(["replicated", ""])
        return d

    def service(base: bool):
        s = _svc(rng) if base else {}
        s["deploy"] = deploy()
        if rng.random() < 0.4:
            s["healthcheck"] = {k: v for k, v in (("interval", _duration(rng)), ("timeout", _duration(rng)),
                                                  ("retries", rng.choice([0, 3])), ("disable", rng.random() < 0.2))
                                if rng.random() < 0.7}
        for flag in ("read_only", "init", "tty"):
            if rng.random() < 0.3:
                s[flag] = rng.random() < 0.5
        if rng.random() < 0.3:
            s["stop_grace_period"] = _duration(rng)
        if rng.random() < 0.3:
            s["user"] = rng.choice(["", "1000", "app"])
        return s

    return _files({"web": service(True)}, {"web": service(False)})


def networks_logging_ulimits(rng):
    def nets():
        if rng.random() < 0.3:
            return rng.sample(["front", "back"], rng.randint(1, 2))
        out = {}
        for name in rng.sample(["front", "back"], rng.randint(1, 2)):
            roll = rng.random()
            out[name] = None if roll < 0.3 else {k: v for k, v in (
                ("aliases", rng.sample(["a1", "a2", "a3"], rng.randint(1, 2))),
                ("ipv4_address", "10.0.9.5")) if rng.random() < 0.6}
        return out

    def logging():
        out = {}
        if rng.random() < 0.7:
            out["driver"] = rng.choice(["json-file", "syslog", ""])
        if rng.random() < 0.7:
            out["options"] = {k: "1" for k in rng.sample(["max-size", "max-file", "tag"], rng.randint(1, 2))}
        return out

    def ulimits():
        return {k: (rng.choice([100, 200]) if rng.random() < 0.4 else {"soft": 10, "hard": rng.choice([20, 30])})
                for k in rng.sample(["nofile", "nproc"], rng.randint(1, 2))}

    field = rng.choice(["networks", "logging", "ulimits"])
    make = {"networks": nets, "logging": logging, "ulimits": ulimits}[field]
    tops = [{"networks": {"front": {"driver": "overlay"}, "back": {"driver": "overlay"}}}, None] \
        if field == "networks" else None
    base = _svc(rng, **{field: make()})
    over = {field: make()} if rng.random() < 0.85 else {"hostname": "x"}
    return _files({"web": base}, {"web": over}, tops=tops)


def scalars_and_services(rng):
    def service():
        return {k: v for k, v in (("image", rng.choice(IMAGES + [""])), ("hostname", rng.choice(["", "h1"])),
                                  ("working_dir", "/app"), ("stop_signal", "SIGTERM"))
                if rng.random() < 0.6}
    base = {"web": _svc(rng, **service())}
    if rng.random() < 0.5:
        base["worker"] = _svc(rng)
    over = {"web": service()}
    if rng.random() < 0.5:
        over["extra"] = _svc(rng, ports=["7000:7000"])
    return _files(base, over)


def top_level(rng):
    kind = rng.choice(["networks", "volumes", "secrets", "configs"])
    svc = _svc(rng)
    if kind in ("secrets", "configs"):
        svc[kind] = ["a"]
    elif kind == "networks":
        svc[kind] = ["a"]
    else:
        svc["volumes"] = ["a:/a"]
    base_objects, over_objects = _objects(rng, kind), _objects(rng, kind)
    base_objects.setdefault("a", {"external": True})
    if kind in ("networks", "volumes"):
        base_objects["a"] = base_objects["a"] or {"external": True}
    return _files({"web": svc}, {}, tops=[{kind: base_objects}, {kind: over_objects} if over_objects else None])


def triples(rng):
    first = keyed_lists(rng) if rng.random() < 0.5 else pointers(rng)
    extra = {"version": VERSION, "services": {"web": {"environment": _mapping(rng, True),
                                                        "ports": _ports(rng)}}}
    return first + [extra]


def errors(rng):
    """Combinations Docker refuses: versions that differ, an override invalid on its own."""
    roll = rng.random()
    if roll < 0.35:
        return _files({"web": _svc(rng)}, {"web": {"hostname": "x"}}, version=["3.8", rng.choice(["3.7", "3.9"])])
    if roll < 0.7:
        return _files({"web": _svc(rng)}, {"web": {"replicas": 2}})  # not a service key
    return _files({"web": _svc(rng)}, {"web": {"ports": [{"target": "eighty"}]}})


_RANGES = ["8000-8010:8000-8010", "8005:80", "8003-8007:9003-9007/udp", "[::1]:8000-8004:7000-7004",
           "127.0.0.1:8008-8012:90", "9000-9002", "9001", "1-3:1-3", "8010-8020:8010-8020",
           {"target": 80, "published": 8006}, {"target": 81, "published": 8000, "protocol": "udp"}]


def port_ranges(rng):
    """Ranges that the other file's entries overlap in part: the merge keeps one entry per port."""
    base = _svc(rng, ports=rng.sample(_RANGES, rng.randint(1, 3)))
    return _files({"web": base}, {"web": {"ports": rng.sample(_RANGES, rng.randint(1, 3))}})


FAMILIES: Dict[str, Callable] = {
    "keyed": keyed_lists, "maps": maps, "commands": commands, "append": appended_lists,
    "pointers": pointers, "nets-logging-ulimits": networks_logging_ulimits, "scalars": scalars_and_services,
    "top-level": top_level, "triples": triples, "errors": errors, "port-ranges": port_ranges,
}
PER_FAMILY = {"keyed": 30, "maps": 20, "commands": 8, "append": 20, "pointers": 25, "nets-logging-ulimits": 20,
              "scalars": 10, "top-level": 16, "triples": 12, "errors": 9,
              "port-ranges": 16}


def cases(seed: int = 1) -> Dict[str, List[str]]:
    """case id -> the files' texts, in -c order."""
    out = {}
    for family, make in FAMILIES.items():
        rng = random.Random(f"{seed}-{family}")
        for n in range(PER_FAMILY[family]):
            out[f"{family}-{n:02d}"] = [json.dumps(f, indent=1) + "\n" for f in make(rng)]
    return out


# --- Docker's answers -----------------------------------------------------------------------------
ANSWERS = "tests/data/multifile_answers.json"


def docker_answer(texts: List[str], docker: str) -> dict:
    """`docker stack config -c 0.yml -c 1.yml ...` in a fresh folder: rc, the merged config, the error."""
    import hashlib
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    from stacklint.document import parse

    with tempfile.TemporaryDirectory() as folder:
        args = [docker, "stack", "config"]
        for i, text in enumerate(texts):
            (Path(folder) / f"{i}.yml").write_text(text)
            args += ["-c", f"{i}.yml"]
        env = {"PATH": os.environ.get("PATH", ""), "HOME": folder}
        run = subprocess.run(args, cwd=folder, capture_output=True, text=True, env=env, timeout=60)
    errors = [line for line in run.stderr.splitlines() if "level=warning" not in line]
    return {"sha256": hashlib.sha256("\0".join(texts).encode()).hexdigest(), "rc": run.returncode,
            "config": parse(run.stdout).data if run.returncode == 0 else None,
            "error": (errors[0] if errors else "") if run.returncode else ""}


if __name__ == "__main__":  # python3 -m tests.multifile_cases: record Docker's answers
    import shutil
    import sys

    answers = {case: docker_answer(texts, shutil.which("docker")) for case, texts in cases().items()}
    with open(ANSWERS, "w") as fh:
        json.dump(answers, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print(f"{len(answers)} answers, {sum(a['rc'] != 0 for a in answers.values())} refusals -> {ANSWERS}",
          file=sys.stderr)

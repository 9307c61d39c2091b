"""SL660-SL671: values the deploy accepts that make every task fail on the node.

`docker stack deploy` succeeds and the service exists, but the node refuses to create (or
start) each task's container: the Swarm then retries forever, with the error in
`docker service ps --no-trunc`. These depend on the file alone (stacklint/node_runtime.py
mirrors the node's checks), so they are errors with the stage "task". The Linux-only ones stay
silent for a service placed on Windows nodes.
"""
from __future__ import annotations

import re
from typing import Iterator, Tuple

from ..context import Context, get
from ..node_runtime import (capability_error, extra_host_errors, isolation_error, log_option_errors, signal_error,
                            sysctl_error, ulimit_name_error)
from ..parsers import parse_bytes, parse_volume
from .bind_paths import is_relative

# moby daemon/daemon_unix.go linuxMinMemory; below 4 MiB swarmkit already refuses the service.
RUNTIME_MIN_MEMORY = 6 * 1024 * 1024
SWARM_MIN_MEMORY = 4 * 1024 * 1024


def fails(service: str, what: str, docker: str) -> str:
    """One wording for every task-stage finding: what is wrong, and what Docker then does."""
    return (f"service {service}: {what}; docker stack deploy succeeds, then every task fails on the node "
            f"({docker})")


def _on_windows(svc: dict) -> bool:
    constraints = get(svc, "deploy", "placement", "constraints")
    if not isinstance(constraints, list):
        return False
    return any(isinstance(c, str) and re.fullmatch(r"\s*node\.platform\.os\s*==\s*windows\s*", c) for c in constraints)


def check(ctx: Context):
    for name, svc in ctx.services():
        base = ("services", name)
        if not _on_windows(svc):
            yield from _capabilities(ctx, name, svc, base)
            yield from _sysctls(ctx, name, svc, base)
            yield from _ulimits(ctx, name, svc, base)
            yield from _stop_signal(ctx, name, svc, base)
            yield from _isolation(ctx, name, svc, base)
            yield from _memory(ctx, name, svc, base)
        yield from _working_dir(ctx, name, svc, base)
        yield from _mount_paths(ctx, name, svc, base)
        yield from _extra_hosts(ctx, name, svc, base)
        yield from _logging(ctx, name, svc, base)
        yield from _file_owners(ctx, name, svc, base)
    yield from _templates(ctx)


def _capabilities(ctx, name, svc, base):
    for key in ("cap_add", "cap_drop"):
        caps = svc.get(key)
        if not isinstance(caps, list):
            continue
        for i, cap in enumerate(caps):
            if isinstance(cap, str) and (err := capability_error(cap)):
                field = "CapAdd" if key == "cap_add" else "CapDrop"
                yield ctx.diag("SL660", fails(name, f"{key} names no Linux capability: {cap}",
                                              f"invalid {field}: {err}"), base + (key, i), stage="task")


def _pairs(value, base) -> Iterator[Tuple[str, object, tuple, bool]]:
    """(key, value, path, on_key) of a mapping, or of a list of `key=value` strings."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k), v, base + (k,), True
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                k, _, v = item.partition("=")
                yield k, v, base + (i,), False


def _sysctls(ctx, name, svc, base):
    for key, _, path, on_key in _pairs(svc.get("sysctls"), base + ("sysctls",)):
        if err := sysctl_error(key.strip()):
            yield ctx.diag("SL661", fails(name, f"sysctl {key} is not namespaced: a container cannot set it",
                                          err), path, on_key=on_key, stage="task")


def _ulimits(ctx, name, svc, base):
    ulimits = svc.get("ulimits")
    if not isinstance(ulimits, dict):
        return
    for key, value in ulimits.items():
        path = base + ("ulimits", key)
        if err := ulimit_name_error(str(key)):
            yield ctx.diag("SL662", fails(name, f"ulimit {key} is not a resource limit Linux knows", err),
                           path, on_key=True, stage="task")
            continue
        if isinstance(value, dict):
            soft, hard = value.get("soft"), value.get("hard")
            if isinstance(soft, int) and isinstance(hard, int) and soft > hard:
                yield ctx.diag("SL662", fails(name, f"ulimit {key}: the soft limit {soft} is above the hard "
                                              f"limit {hard}", "runc: error setting rlimits: invalid argument"),
                               path + ("soft",), stage="task")


def _stop_signal(ctx, name, svc, base):
    sig = svc.get("stop_signal")
    if isinstance(sig, str) and (err := signal_error(sig)):
        yield ctx.diag("SL664", fails(name, f"stop_signal {sig} is not a signal", err),
                       base + ("stop_signal",), stage="task")


def _isolation(ctx, name, svc, base):
    iso = svc.get("isolation")
    if isinstance(iso, str) and (err := isolation_error(iso)):
        yield ctx.diag("SL666", fails(name, f"isolation {iso} exists only on Windows nodes", err),
                       base + ("isolation",), stage="task")


def _memory(ctx, name, svc, base):
    memory = get(svc, "deploy", "resources", "limits", "memory")
    if not isinstance(memory, (str, int)) or isinstance(memory, bool):
        return
    try:
        size = memory if isinstance(memory, int) else parse_bytes(memory)
    except ValueError:
        return  # SL006
    if SWARM_MIN_MEMORY <= size < RUNTIME_MIN_MEMORY:
        yield ctx.diag("SL665", fails(name, f"memory limit {memory} is below the 6 MiB a container needs",
                                      "Minimum memory limit allowed is 6MB"),
                       base + ("deploy", "resources", "limits", "memory"), stage="task")


def _working_dir(ctx, name, svc, base):
    wd = svc.get("working_dir")
    if isinstance(wd, str) and wd and not wd.startswith("/"):
        yield ctx.diag("SL663", fails(name, f"working_dir {wd} is not an absolute path",
                                      f"the working directory '{wd}' is invalid, it needs to be an absolute path"),
                       base + ("working_dir",), stage="task")


def _mounts(svc, base):
    """(type, source, target, path of the entry, path of the target) as the CLI converts them."""
    volumes = svc.get("volumes")
    if not isinstance(volumes, list):
        return
    for i, vol in enumerate(volumes):
        path = base + ("volumes", i)
        if isinstance(vol, str):
            try:
                spec = parse_volume(vol)
            except ValueError:
                continue  # SL006
            yield spec.type, spec.source, spec.target, path, path
        elif isinstance(vol, dict) and isinstance(vol.get("target"), str):
            yield vol.get("type"), vol.get("source"), vol["target"], path, path + ("target",)


def _mount_paths(ctx, name, svc, base):
    for kind, source, target, path, target_path in _mounts(svc, base):
        if kind != "npipe" and target and not target.startswith("/"):
            yield ctx.diag("SL663", fails(name, f"mount target {target} is not an absolute path",
                                          f"invalid mount target, must be an absolute path: {target}"),
                           target_path, stage="task")
        if kind == "bind" and isinstance(source, str) and source and ctx.folder and is_relative(source) \
                and not source.startswith("~"):
            resolved = (ctx.folder / source).resolve()
            if not resolved.exists():
                yield ctx.diag("SL669", fails(name, f"bind source {source} does not exist next to the stack file: "
                                              f"docker stack deploy sends {resolved}, which no node has either",
                                              'invalid mount config for type "bind": bind source path does not '
                                              f"exist: {resolved}"),
                               path + (("source",) if target_path != path else ()), stage="task")


def _extra_hosts(ctx, name, svc, base):
    hosts = svc.get("extra_hosts")
    entries = []
    if isinstance(hosts, list):
        entries = [(h, base + ("extra_hosts", i)) for i, h in enumerate(hosts) if isinstance(h, str)]
    elif isinstance(hosts, dict):  # the loader turns the mapping into host:ip entries
        entries = [(f"{k}:{v}", base + ("extra_hosts", k)) for k, v in hosts.items() if v is not None]
    for entry, path in entries:
        if err := extra_host_errors(entry):
            yield ctx.diag("SL667", fails(name, f"extra_hosts entry {entry} does not map the host to an IP "
                                          "address", err), path, stage="task")


def _logging(ctx, name, svc, base):
    logging = svc.get("logging")
    if not isinstance(logging, dict) or not isinstance(logging.get("driver"), str):
        return
    options = logging.get("options")
    if not isinstance(options, dict):
        return
    values = {str(k): "" if v is None else str(v) for k, v in options.items()}
    for key, err in log_option_errors(logging["driver"], values):
        yield ctx.diag("SL668", fails(name, f"the {logging['driver']} log driver refuses the option {key}", err),
                       base + ("logging", "options", key), on_key=err.startswith("unknown log opt"), stage="task")


def _file_owners(ctx, name, svc, base):
    for kind in ("secrets", "configs"):
        items = svc.get(kind)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            for field in ("uid", "gid"):
                value = item.get(field)
                if isinstance(value, str) and not re.fullmatch(r"[+-]?[0-9]+", value):
                    yield ctx.diag("SL670", fails(name, f"{kind[:-1]} {field} {value} is not a number (names are "
                                                  "not looked up)", f'strconv.Atoi: parsing "{value}": invalid '
                                                  "syntax"), base + (kind, i, field), stage="task")


def _templates(ctx):
    """A secret or config with a template driver other than golang, once, where a service uses it."""
    for kind in ("secrets", "configs"):
        reported = set()
        for name, svc in ctx.services():
            items = svc.get(kind)
            for item in items if isinstance(items, list) else ():
                source = item if isinstance(item, str) else item.get("source") if isinstance(item, dict) else None
                decl = ctx.section(kind).get(source) if isinstance(source, str) else None
                driver = decl.get("template_driver") if isinstance(decl, dict) else None
                if not isinstance(driver, str) or driver in ("", "golang") or decl.get("external") \
                        or source in reported:
                    continue
                reported.add(source)
                yield ctx.diag("SL671", fails(name, f"{kind[:-1]} {source} has template_driver {driver}: the "
                                              "only template driver is golang", "failed to expand templated "
                                              f"{kind[:-1]}: unrecognized template type"),
                               (kind, source, "template_driver"), stage="task")

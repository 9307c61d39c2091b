"""SL660-SL671: values the deploy accepts that make every task fail on the node.

`docker stack deploy` succeeds and the service exists, but the node refuses to create (or
start) each task's container: the Swarm then retries forever, with the error in
`docker service ps --no-trunc`. These depend on the file alone (stacklint/node_runtime.py
mirrors the node's checks), so they are errors with the stage "task". The Linux-only ones
(capabilities, sysctls, ulimits, signals, isolation, memory, absolute paths) stay silent for a
service placed on Windows nodes.
"""
from __future__ import annotations

import os

from ..context import Context
from ..parsers import atoi_syntax
from ..node_runtime import (capability_error, extra_host_errors, isolation_error, log_option_errors, signal_error,
                            sysctl_error, ulimit_name_error)
from .bind_paths import is_relative
from ..lazy_regex import LazyRegex

# moby daemon/daemon_unix.go linuxMinMemory; below 4 MiB swarmkit already refuses the service.
RUNTIME_MIN_MEMORY = 6 * 1024 * 1024
SWARM_MIN_MEMORY = 4 * 1024 * 1024
_WINDOWS = LazyRegex(r"\s*node\.platform\.os\s*==\s*windows\s*")


def fails(service: str, what: str, docker: str) -> str:
    """One wording for every task-stage finding: what is wrong, and what Docker then does."""
    return (f"service {service}: {what}; docker stack deploy succeeds, then every task fails on the node "
            f"({docker})")


def _on_windows(svc) -> bool:
    placement = svc.placement
    return placement is not None and any(
        "windows" in c.value and _WINDOWS.fullmatch(c.value) for c in placement.constraints)


def check(ctx: Context):
    for svc in ctx.model.services.values():
        name = svc.name
        # each part only where the service sets what it reads (a service sets few of these)
        if not _on_windows(svc):
            if svc.cap_add or svc.cap_drop:
                yield from _capabilities(ctx, name, svc)
            if svc.sysctls:
                yield from _sysctls(ctx, name, svc)
            if svc.ulimits:
                yield from _ulimits(ctx, name, svc)
            if svc.stop_signal is not None:
                yield from _stop_signal(ctx, name, svc)
            if svc.isolation is not None:
                yield from _isolation(ctx, name, svc)
            if svc.resources is not None:
                yield from _memory(ctx, name, svc)
            if svc.working_dir is not None:
                yield from _working_dir(ctx, name, svc)
            if svc.mounts:
                yield from _mount_targets(ctx, name, svc)
        if svc.mounts:
            yield from _bind_sources(ctx, name, svc)
        if svc.extra_hosts:
            yield from _extra_hosts(ctx, name, svc)
        if svc.logging is not None:
            yield from _logging(ctx, name, svc)
        if svc.secrets or svc.configs:
            yield from _file_owners(ctx, name, svc)


def _capabilities(ctx, name, svc):
    for key, caps in (("cap_add", svc.cap_add), ("cap_drop", svc.cap_drop)):
        for cap in caps:
            if err := capability_error(cap.value):
                field = "CapAdd" if key == "cap_add" else "CapDrop"
                yield ctx.diag("SL660", fails(name, f"{key} names no Linux capability: {cap.value}",
                                              f"invalid {field}: {err}"), cap.path, stage="task")


def _sysctls(ctx, name, svc):
    for key, value in svc.sysctls.items():
        if err := sysctl_error(key.strip()):
            yield ctx.diag("SL661", fails(name, f"sysctl {key} is not namespaced: a container cannot set it",
                                          err), value.path, stage="task")


def _ulimits(ctx, name, svc):
    for limit in svc.ulimits:
        if err := ulimit_name_error(limit.name):
            yield ctx.diag("SL662", fails(name, f"ulimit {limit.name} is not a resource limit Linux knows", err),
                           limit.path, on_key=True, stage="task")
        elif limit.soft is not None and limit.hard is not None and limit.soft > limit.hard:
            yield ctx.diag("SL662", fails(name, f"ulimit {limit.name}: the soft limit {limit.soft} is above the "
                                          f"hard limit {limit.hard}", "runc: error setting rlimits: invalid argument"),
                           limit.path + ("soft",), stage="task")


def _stop_signal(ctx, name, svc):
    sig = svc.stop_signal
    if sig is not None and (err := signal_error(sig.value)):
        yield ctx.diag("SL664", fails(name, f"stop_signal {sig.value} is not a signal", err), sig.path, stage="task")


def _isolation(ctx, name, svc):
    iso = svc.isolation
    if iso is not None and (err := isolation_error(iso.value)):
        yield ctx.diag("SL666", fails(name, f"isolation {iso.value} exists only on Windows nodes", err),
                       iso.path, stage="task")


def _memory(ctx, name, svc):
    limits = svc.resources.limits if svc.resources else None
    memory = limits.memory_bytes if limits else None
    if memory is not None and SWARM_MIN_MEMORY <= memory.value < RUNTIME_MIN_MEMORY:
        yield ctx.diag("SL665", fails(name, f"memory limit {memory.value} bytes is below the 6 MiB a container "
                                      "needs", "Minimum memory limit allowed is 6MB"), memory.path, stage="task")


def _working_dir(ctx, name, svc):
    wd = svc.working_dir
    if wd is not None and wd.value and not wd.value.startswith("/"):
        yield ctx.diag("SL663", fails(name, f"working_dir {wd.value} is not an absolute path",
                                      f"the working directory '{wd.value}' is invalid, it needs to be an absolute "
                                      "path"), wd.path, stage="task")


def _mount_targets(ctx, name, svc):
    for mount in svc.mounts:
        target = mount.target
        if mount.type.value != "npipe" and target is not None and target.value and not target.value.startswith("/"):
            yield ctx.diag("SL663", fails(name, f"mount target {target.value} is not an absolute path",
                                          f"invalid mount target, must be an absolute path: {target.value}"),
                           target.path, stage="task")


def _bind_sources(ctx, name, svc):
    """SL669: only a relative source is judged: the CLI resolves it on the deploying machine."""
    folder = None
    for mount in svc.mounts:
        source = mount.source
        if mount.type.value != "bind" or source is None or not source.value or not is_relative(source.value) \
                or source.value.startswith("~"):
            continue
        folder = folder or ctx.folder
        if folder is None:
            return
        # the CLI's filepath.Join + filepath.Abs: lexical, no symbolic links resolved
        resolved = os.path.normpath(os.path.join(folder, source.value))
        if not os.path.exists(resolved):
            yield ctx.diag("SL669", fails(name, f"bind source {source.value} does not exist next to the stack file "
                                          f"(the CLI sends {resolved}, and no node is expected to have it)",
                                          'invalid mount config for type "bind": bind source path does not exist: '
                                          f"{resolved}"), source.path, stage="task")


def _extra_hosts(ctx, name, svc):
    for host in svc.extra_hosts:
        if err := extra_host_errors(host.host, host.ip):
            yield ctx.diag("SL667", fails(name, f"extra_hosts entry {host.host} maps to {host.ip}, not to an IP "
                                          "address", err), host.path, stage="task")


def _logging(ctx, name, svc):
    logging = svc.logging
    if logging is None or logging.driver is None:
        return
    options = {key: val.value for key, val in logging.options.items()}
    for key, err in log_option_errors(logging.driver.value, options):
        yield ctx.diag("SL668", fails(name, f"the {logging.driver.value} log driver refuses the option {key}", err),
                       logging.options[key].path, on_key=err.startswith("unknown log opt"), stage="task")


def _file_owners(ctx, name, svc):
    for kind, refs in (("secret", svc.secrets), ("config", svc.configs)):
        for ref in refs:
            for field, value in (("uid", ref.uid), ("gid", ref.gid)):
                if not atoi_syntax(value.value):
                    yield ctx.diag("SL670", fails(name, f"{kind} {field} {value.value} is not a number (names are "
                                                  "not looked up)", f'strconv.Atoi: parsing "{value.value}": '
                                                  "invalid syntax"), value.path, stage="task")


def templates(ctx):
    """A secret or config with a template driver other than golang, once, where the first service
    that uses it does (apart from check: the only part that looks at more than one service)."""
    for kind in ("secrets", "configs"):
        objects = ctx.model.objects(kind)
        reported = set()
        for svc in ctx.model.services.values():
            for ref in getattr(svc, kind):
                obj = objects.get(ref.source.value)
                driver = obj.template_driver if obj is not None and not obj.external else None
                if driver is None or driver.value in ("", "golang") or obj.key in reported:
                    continue
                reported.add(obj.key)
                yield ctx.diag("SL671", fails(svc.name, f"{kind[:-1]} {obj.key} has template_driver {driver.value}: "
                                              "the only template driver is golang", "failed to expand templated "
                                              f"{kind[:-1]}: unrecognized template type"), driver.path, stage="task")

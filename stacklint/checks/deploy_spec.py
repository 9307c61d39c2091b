"""SL611-SL617: what swarmkit's manager refuses when the stack creates its services
(moby/swarmkit `manager/controlapi` validateServiceSpec and its helpers, validateAnnotations; the
same messages from engine 20.10 to 28.x). Docker prints `failed to create service NAME: Error
response from daemon: rpc error: code = InvalidArgument desc = MESSAGE`; the networks, secrets and
configs created before it stay.
"""
from __future__ import annotations

import posixpath

from ..context import Context
from .objects import name_problem

STAGE = "deploy"
MIN_HEALTHCHECK_NS = 1_000_000  # 1ms
MIN_NANO_CPUS = 1_000_000  # 0.001 CPU
MIN_MEMORY = 4 * 1024 * 1024
# The runtime turns a cpu limit into a CFS quota over the default 100ms period; Linux refuses a
# quota under 1ms (kernel/sched/core.c, min_cfs_quota_period), so limits under 0.01 never start.
CFS_PERIOD_US = 100_000
MIN_CFS_QUOTA_US = 1_000
# Without a stack name the shortest one is assumed, so a length is only reported when no name fits.
_SHORTEST_STACK = "s"


def check(ctx: Context):
    yield from _names(ctx)
    for svc in ctx.model.services.values():
        yield from _durations(ctx, svc)
        # these parts only where the service sets what they read
        if svc.update_config is not None:
            yield from _failure_ratio(ctx, svc)
        if svc.healthcheck is not None:
            yield from _healthcheck(ctx, svc)
        if svc.resources is not None:
            yield from _resources(ctx, svc)
        if svc.mounts:
            yield from _mount_targets(ctx, svc)
        yield from _templates(ctx, svc)


# --- SL611 ----------------------------------------------------------------------------------------
def _names(ctx: Context):
    """validateAnnotations on each service's name, `<stack>_<key>` (networks, secrets and configs
    are SL641's, with the same name_problem)."""
    stack = ctx.settings.stack_name
    for svc in ctx.model.services.values():
        problem = name_problem("services", f"{stack or _SHORTEST_STACK}_{svc.name}", exact=bool(stack))
        if problem:
            shown = f"{stack}_{svc.name}" if stack else f"<stack>_{svc.name}"
            yield ctx.diag("SL611", f"service name {shown} {problem}", svc.path, on_key=True, stage=STAGE)


# --- SL612 ----------------------------------------------------------------------------------------
def _durations(ctx: Context, svc):
    """validateRestartPolicy and validateUpdate (the rollback config is not validated)."""
    policy = svc.restart_policy
    if policy is not None and not policy.legacy:
        for field, label in ((policy.delay, "restart-delay"), (policy.window, "restart-window")):
            if field is not None and field.value < 0:
                yield ctx.diag("SL612", f"service {svc.name}: TaskSpec: {label} cannot be negative", field.path,
                               stage=STAGE)
    update = svc.update_config
    if update is not None:
        for field, label in ((update.delay, "update-delay"), (update.monitor, "update-monitor")):
            if field is not None and field.value < 0:
                yield ctx.diag("SL612", f"service {svc.name}: TaskSpec: {label} cannot be negative", field.path,
                               stage=STAGE)


# --- SL613 ----------------------------------------------------------------------------------------
def _failure_ratio(ctx: Context, svc):
    update = svc.update_config
    if update is None or update.max_failure_ratio is None:
        return
    ratio = update.max_failure_ratio.value
    if ratio < 0 or ratio > 1:
        yield ctx.diag("SL613", f"service {svc.name}: TaskSpec: update-maxfailureratio cannot be less than 0 or "
                       f"bigger than 1 (it is a fraction of the tasks: {ratio:g})", update.max_failure_ratio.path,
                       stage=STAGE)


# --- SL614 ----------------------------------------------------------------------------------------
def _healthcheck(ctx: Context, svc):
    """validateHealthCheck: each duration is 0 (the image's or the default) or at least 1ms."""
    hc = svc.healthcheck
    if hc is None:
        return
    for field, label in ((hc.interval, "Interval"), (hc.timeout, "Timeout"), (hc.start_period, "StartPeriod")):
        if field is not None and field.value != 0 and field.value < MIN_HEALTHCHECK_NS:
            yield ctx.diag("SL614", f"service {svc.name}: ContainerSpec: {label} in HealthConfig cannot be less "
                           "than 1ms", field.path, stage=STAGE)


# --- SL615 ----------------------------------------------------------------------------------------
def _resources(ctx: Context, svc):
    """validateResources, on the limits and the reservations alike."""
    res = svc.resources
    if res is None:
        return
    for part in (res.limits, res.reservations):
        if part is None:
            continue
        cpus = part.nano_cpus
        if cpus is not None and cpus.value != 0 and cpus.value < MIN_NANO_CPUS:
            yield ctx.diag("SL615", f"service {svc.name}: invalid cpu value {_go_g(cpus.value / 1e9)}: Must be at "
                           "least 0.001", cpus.path, stage=STAGE)
        elif part is res.limits and cpus is not None and 0 < cpus.value * CFS_PERIOD_US // 10**9 < MIN_CFS_QUOTA_US:
            yield ctx.diag("SL615", f"service {svc.name}: a cpu limit of {_go_g(cpus.value / 1e9)} is a CFS quota of "
                           f"{cpus.value * CFS_PERIOD_US // 10**9}us, under the kernel's minimum of 1ms: the deploy "
                           "succeeds, then every task fails to start (`failed to write ... cpu.cfs_quota_us: invalid "
                           "argument`); the smallest limit that runs is 0.01", cpus.path, stage="task")
        memory = part.memory_bytes
        if memory is not None and memory.value != 0 and memory.value < MIN_MEMORY:
            yield ctx.diag("SL615", f"service {svc.name}: invalid memory value {memory.value}: Must be at least "
                           "4MiB", memory.path, stage=STAGE)


def _go_g(value: float) -> str:
    """Go's %g with the shortest precision (strconv 'g', -1)."""
    text = repr(value)
    if "e" in text:
        mantissa, exp = text.split("e")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        return f"{mantissa}e{int(exp):+03d}"
    return text


# --- SL616 ----------------------------------------------------------------------------------------
def _mount_targets(ctx: Context, svc):
    """validateMounts compares the targets as written and refuses the service; the node compares
    them cleaned (`/data/` is `/data`) and refuses every task while the deploy succeeds."""
    written: dict[str, object] = {}
    cleaned: dict[str, object] = {}
    for mount in svc.mounts:
        if mount.target is None:
            continue
        target = mount.target.value
        clean = posixpath.normpath(target) if target.startswith("/") else target
        if target in written:
            yield ctx.diag("SL616", f"service {svc.name}: ContainerSpec: duplicate mount point: {target}",
                           mount.target.path, stage=STAGE)
        elif clean in cleaned:
            yield ctx.diag("SL616", f"service {svc.name}: Duplicate mount point: {target} (the deploy succeeds; "
                           f"every task then fails on its node: {target} and {cleaned[clean].target.value} are "
                           "one path)", mount.target.path, stage="task")
        written.setdefault(target, mount)
        cleaned.setdefault(clean, mount)


# --- SL617 ----------------------------------------------------------------------------------------
def _templates(ctx: Context, svc):
    """template.ExpandContainerSpec, which the manager runs once at creation: hostname, environment
    values, mount sources and targets (nothing else is expanded)."""
    # (text, path, how Swarm's error begins): the words only for a text with an action in it
    fields = []
    if svc.hostname is not None and "{{" in svc.hostname.value:
        fields.append((svc.hostname.value, svc.hostname.path, "expanding hostname failed: "))
    for var in svc.environment:
        if var.value is not None and "{{" in var.value:
            fields.append((var.value, var.path, f'expanding env failed: expanding env "{var.key}={var.value}": '))
    for mount in svc.mounts:
        for part, label in ((mount.source, "source"), (mount.target, "target")):
            if part is not None and "{{" in part.value:
                fields.append((part.value, part.path, f'expanding mounts failed: expanding mount {label} "{part.value}": '))
    if not fields:
        return
    from .. import swarm_templates  # here: a file without templates does not import it

    for text, path, prefix in fields:
        problem = swarm_templates.error(text)
        if problem:
            yield ctx.diag("SL617", f"service {svc.name}: {prefix}{problem}", path, stage=STAGE)

"""SL606-SL610: values `docker stack deploy` passes through and the daemon refuses while it converts
the service spec for swarmkit (moby `daemon/cluster/convert/service.go` and `container.go`, the same
messages in engines 20.10 to 28.x). The service is not created; networks, secrets and configs the
deploy created before it stay.
"""
from __future__ import annotations

from ..context import Context
from ..engine_version import engine_at_least, engine_version

STAGE = "deploy"
RESTART_CONDITIONS = ("none", "on-failure", "any", "")  # restartPolicyToGRPC compares exactly ("" is any)
FAILURE_ACTIONS = ("pause", "continue", "rollback", "")  # updateConfigToGRPC compares exactly
RESOLUTION_MODES = ("vip", "dnsrr")  # the CLI lower-cases, the daemon upper-cases: any case
PROPAGATIONS = ("private", "rprivate", "shared", "rshared", "slave", "rslave")  # upper-cased lookup
# Mount types the daemon's enum lookup knows, by the engine version that added them (the CLI
# already refuses any other type, SL603).
MOUNT_TYPES = {"bind": (0,), "volume": (0,), "tmpfs": (0,), "npipe": (0,), "cluster": (23, 0), "image": (28, 0)}


def check(ctx: Context):
    for svc in ctx.model.services.values():
        yield from _restart_condition(ctx, svc)
        # the other parts only where the service sets what they read
        for key in ("update_config", "rollback_config"):
            if getattr(svc, key) is not None:
                yield from _failure_action(ctx, svc, key)
        if svc.endpoint_mode is not None:
            yield from _endpoint_mode(ctx, svc)
        if svc.mounts:
            yield from _mounts(ctx, svc)


# --- SL606 ----------------------------------------------------------------------------------------
def _restart_condition(ctx: Context, svc):
    policy = svc.restart_policy
    if policy is None or policy.legacy or policy.condition is None:
        return
    value = policy.condition.value
    if value not in RESTART_CONDITIONS:
        hint = _suggest_condition(value)
        yield ctx.diag("SL606", f'service {svc.name}: invalid RestartCondition: "{value}"{hint}',
                       policy.condition.path, stage=STAGE)


def _suggest_condition(value: str) -> str:
    lowered = value.lower().replace("_", "-")
    if lowered in ("always", "unless-stopped"):
        return " (Swarm's conditions are none, on-failure and any: `any` is what `always` means in Compose)"
    if lowered in RESTART_CONDITIONS:
        return f" (write `{lowered}`: the daemon compares the condition exactly)"
    if lowered == "no":
        return " (write `none`)"
    return " (the conditions are none, on-failure and any)"


# --- SL607 ----------------------------------------------------------------------------------------
def _failure_action(ctx: Context, svc, key: str):
    config = getattr(svc, key)
    if config is None or config.failure_action is None:
        return
    value = config.failure_action.value
    if value not in FAILURE_ACTIONS:
        # one converter for both configs: the rollback's message says "update" too
        yield ctx.diag("SL607", f"service {svc.name}: unrecognized update failure action {value} (in {key}: the "
                       "actions are pause, continue and rollback, in lower case)", config.failure_action.path,
                       stage=STAGE)


# --- SL608 ----------------------------------------------------------------------------------------
def _endpoint_mode(ctx: Context, svc):
    mode = svc.endpoint_mode
    if mode is None or mode.value == "" or mode.value.lower() in RESOLUTION_MODES:
        return
    yield ctx.diag("SL608", f'service {svc.name}: invalid resolution mode: "{mode.value.lower()}" '
                   "(the endpoint modes are vip and dnsrr)", mode.path, stage=STAGE)


# --- SL609, SL610 ---------------------------------------------------------------------------------
def _mounts(ctx: Context, svc):
    for mount in svc.mounts:
        kind = mount.type.value
        since = MOUNT_TYPES.get(kind)
        if since is not None and not mount.short and not engine_at_least(ctx, since):
            yield ctx.diag("SL609", f'service {svc.name}: invalid MountType: "{kind}" (refused by Docker Engine '
                           f"{_engine_label(ctx)}; {_needs(kind)})", mount.type.path, stage=STAGE)
        if mount.propagation is not None and not mount.short:
            value = mount.propagation.value
            if value and value.lower() not in PROPAGATIONS:
                yield ctx.diag("SL610", f'service {svc.name}: invalid MountPropagation: "{value}" (one of '
                               f"{', '.join(PROPAGATIONS)})", mount.propagation.path, stage=STAGE)


def _engine_label(ctx: Context) -> str:
    return ".".join(map(str, engine_version(ctx)))


def _needs(kind: str) -> str:
    return f"{kind} mounts need Docker Engine {'.'.join(map(str, MOUNT_TYPES[kind]))} or later"

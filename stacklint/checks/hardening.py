"""SL701-SL705: the hardening set, off by default (`--select SL7`, `select: [ALL]` or by code).

What container security linters ask of every service, limited to what `docker stack deploy`
really applies to Swarm tasks: each setting was deployed on a real Swarm (engine 20.10.24, CLI
28.2.2; tests/test_deploy_truth_rollout.py) and found in both the service spec and the task's
container. Almost every real stack file misses several of these, which is why they are opt-in.
"""
from __future__ import annotations

from ..context import Context

_ROOT_USERS = ("0", "root")


def check(ctx: Context):
    for svc in ctx.model.services.values():
        key = svc.path
        yield from _root(ctx, svc, key)
        yield from _writable_root(ctx, svc, key)
        yield from _capabilities(ctx, svc, key)
        yield from _no_logs(ctx, svc)
        yield from _restarts_for_ever(ctx, svc, key)


def _root(ctx: Context, svc, key):
    user = svc.user
    if user is None:
        yield ctx.diag("SL701", f"service {svc.name} sets no `user:`: its process runs as the image's USER, which "
                       "is root unless the image says otherwise; set a numeric non-root user (user: \"1000:1000\")",
                       key, on_key=True)
    elif user.value.split(":", 1)[0] in _ROOT_USERS:
        yield ctx.diag("SL701", f"service {svc.name} runs as root (user: {user.value}); a process that escapes the "
                       "container is root on the node; use a non-root user", user.path)


def _writable_root(ctx: Context, svc, key):
    ro = svc.read_only
    if ro is not None and ro.value is True:
        return
    where = (ro.path, False) if ro is not None else (key, True)
    yield ctx.diag("SL702", f"service {svc.name} has a writable root filesystem: whoever gets into the container "
                   "can change its programs; set read_only: true and mount a tmpfs or volume where it must write",
                   where[0], on_key=where[1])


def _capabilities(ctx: Context, svc, key):
    dropped = {c.value.upper().removeprefix("CAP_") for c in svc.cap_drop}
    if "ALL" in dropped:
        return
    path, on_key = (svc.path + ("cap_drop",), True) if svc.cap_drop else (key, True)
    yield ctx.diag("SL703", f"service {svc.name} keeps Docker's default capabilities (cap_drop has no ALL): "
                   "drop them all and add back only what it needs (cap_drop: [ALL], cap_add: [...])",
                   path, on_key=on_key)


def _no_logs(ctx: Context, svc):
    logging = svc.logging
    if logging is None or logging.driver is None or logging.driver.value.lower() != "none":
        return
    yield ctx.diag("SL704", f"service {svc.name} uses logging driver none: its output is thrown away, nothing is "
                   "left to investigate an incident or an attack with; use a driver that keeps it",
                   logging.driver.path)


def _restarts_for_ever(ctx: Context, svc, key):
    policy = svc.restart_policy
    if policy is None:
        if svc.raw.get("restart") in ("no", False):
            return  # `restart: "no"`: no policy, the task is not restarted
        yield ctx.diag("SL705", f"service {svc.name} has no restart_policy: Swarm restarts a failing task for ever "
                       "(condition any, no max_attempts); set deploy.restart_policy.max_attempts (with a window)",
                       key, on_key=True)
        return
    condition = policy.condition.value.lower() if policy.condition is not None else "any"
    if condition == "none" or (policy.max_attempts is not None and policy.max_attempts.value > 0):
        return
    yield ctx.diag("SL705", f"service {svc.name}: restart_policy without max_attempts restarts a failing task for "
                   "ever, a crash loop that hides the failure and retries an exploit without end; set "
                   "max_attempts (with a window)", policy.path, on_key=True)

"""SL310, SL313, SL407: how a rolling update (or rollback) replaces a service's tasks.

Read from the deploy model's update_config / rollback_config, as convertUpdateConfig sends them
(parallelism 1 and order stop-first when not written). Checked on a real Swarm
(tests/test_deploy_truth_rollout.py): parallelism 2 with 2 replicas and stop-first shuts both
old tasks down together; start-first with a host-mode port leaves the new task pending with
"no suitable node (host-mode port already in use on 1 node)" and the update never ends.
"""
from __future__ import annotations

from ..context import Context
from ..diagnostics import Related

_CONFIGS = (("update_config", "updates"), ("rollback_config", "rolls back"))


def _order(cfg) -> str:
    return cfg.order.value.lower() if cfg.order is not None else "stop-first"


def check(ctx: Context):
    for svc in ctx.model.services.values():
        mode = (svc.mode.value if svc.mode is not None else "replicated").lower()
        if mode.endswith("-job"):
            continue  # jobs may not have an update config at all (SL307)
        replicas = svc.replicas.value if svc.replicas is not None else 1
        for key, verb in _CONFIGS:
            cfg = getattr(svc, key)
            if cfg is None:
                continue
            yield from _all_at_once(ctx, svc, key, verb, cfg, mode, replicas)
            if cfg.order is not None:  # start-first is never the default
                yield from _start_first_host_port(ctx, svc, key, cfg, mode)
        if svc.update_config is not None:
            yield from _rollback_unseen(ctx, svc)


# --- SL310 ----------------------------------------------------------------------------------------
def _all_at_once(ctx: Context, svc, key, verb, cfg, mode, replicas):
    if mode == "replicated" and replicas <= 1:
        return  # one task: every parallelism replaces it the same way
    parallelism = cfg.parallelism
    if parallelism.value == 0:
        yield ctx.diag("SL310", f"deploy.{key}.parallelism: 0 means no limit: Swarm {verb} every task of "
                       "the service at once, so nothing keeps serving while the new tasks start; use 1 "
                       "(the default) or a part of the replicas", parallelism.path)
    elif mode == "replicated" and parallelism.value >= replicas and _order(cfg) == "stop-first":
        yield ctx.diag("SL310", f"deploy.{key}.parallelism: {parallelism.value} with {replicas} replicas and "
                       f"order stop-first: Swarm stops all {replicas} tasks of service {svc.name} together before "
                       "their replacements start, so nothing serves meanwhile; use a parallelism below the "
                       "replicas, or order: start-first", parallelism.path)


# --- SL313 ----------------------------------------------------------------------------------------
def _start_first_host_port(ctx: Context, svc, key, cfg, mode):
    if _order(cfg) != "start-first":
        return
    held = [p for p in svc.ports if p.mode == "host" and p.published_start is not None]
    if not held:
        return
    port = held[0]
    where = ("with mode: global every node runs a task, so it never does" if mode == "global" else
             "it goes on only where another eligible node has the port free")
    yield ctx.diag("SL313", f"deploy.{key}.order: start-first while service {svc.name} publishes port "
                   f"{port.published_start} in host mode: the new task cannot bind the port on the node where "
                   "the old one still holds it, so Swarm leaves it pending (\"host-mode port already in use\") "
                   f"and the update stalls; {where}. Use order: stop-first, or publish the port on ingress",
                   cfg.order.path, related=(Related("published in host mode here", ctx.doc.value_range(port.path)),))


# --- SL407 ----------------------------------------------------------------------------------------
def _no_health(svc) -> bool:
    hc = svc.healthcheck
    if hc is None:
        return True
    if hc.disable is not None and hc.disable.value:
        return True
    return hc.test is not None and tuple(hc.test.value)[:1] == ("NONE",)


def _rollback_unseen(ctx: Context, svc):
    cfg = svc.update_config
    if cfg is None or cfg.failure_action is None or cfg.failure_action.value.lower() != "rollback":
        return
    if cfg.monitor is not None or not _no_health(svc):
        return
    yield ctx.diag("SL407", f"service {svc.name}: update_config.failure_action: rollback, but with no healthcheck "
                   "and no monitor Swarm sees a failed update only when a task exits within 5s",
                   cfg.failure_action.path)

"""SL601-SL605: what `docker stack deploy` itself refuses while it converts each service into a
Swarm service spec (docker/cli v28.2.2 `cli/command/stack/loader`, `cli/compose/convert`,
`cli/command/service/parse.go`). Docker stops at the first of these, after it may already have
created the stack's networks, secrets and configs. Messages are Docker's own.
"""
from __future__ import annotations

from ..context import Context
from ..parsers import is_image_id, parse_any_reference, parse_normalized_named, parse_restart_policy

STAGE = "deploy"


def check(ctx: Context):
    for svc in ctx.model.services.values():
        yield from _image(ctx, svc)
        # the other parts only where the service sets what they read
        if svc.credential_spec is not None:
            yield from _credential_spec(ctx, svc)
        if svc.mounts:
            yield from _mounts(ctx, svc)
        if "restart" in svc.raw:
            yield from _legacy_restart(ctx, svc)
        if svc.secrets:
            yield from _targets(ctx, svc, "secrets")
        if svc.configs:
            yield from _targets(ctx, svc, "configs")


# --- SL601 ----------------------------------------------------------------------------------------
def _image(ctx: Context, svc):
    """LoadComposefile: reference.ParseAnyReference on every service's image (missing: refused)."""
    image = svc.image
    if image is not None and ctx.left_to_environment(image.path):
        return  # `${REGISTRY}/app`: the deploy's environment makes the reference; SL005 says what is unset
    if image is None or image.value == "":
        if "image" in svc.raw and image is None:
            return  # not a string: the schema reports it
        where = image.path if image is not None else svc.path
        yield ctx.diag("SL601", f"invalid image reference for service {svc.name}: no image specified",
                       where, on_key=image is None, stage=STAGE)
        return
    try:
        parse_any_reference(image.value)
    except ValueError as err:
        yield ctx.diag("SL601", f"invalid image reference for service {svc.name}: {err}", image.path, stage=STAGE)
        return
    try:
        parse_normalized_named(image.value, True)  # what the Swarm then requires (a bare image ID passes the CLI)
    except ValueError:
        why = ("an image ID is not a reference the Swarm accepts: use repository:tag or repository@digest"
               if is_image_id(image.value) else
               "the Swarm reads references by older rules than the CLI: no [IPv6] registry, and a first "
               "part with capitals but no '.' or ':' is a repository, which must be lower case")
        yield ctx.diag("SL601", f'failed to create service {svc.name}: ContainerSpec: "{image.value}" is not a valid '
                       f"repository/tag ({why})", image.path, stage=STAGE)


# --- SL602 ----------------------------------------------------------------------------------------
def _credential_spec(ctx: Context, svc):
    """convertCredentialSpec: at most one of config, file and registry."""
    spec = svc.credential_spec
    if spec is None:
        return
    given = [(label, val) for label, val in (("Config", spec.config), ("File", spec.file), ("Registry", spec.registry))
             if val is not None and val.value != ""]
    if len(given) < 2:
        return
    names = [f'"{label}"' for label, _ in given]
    listed = f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]}, {names[1]}, and {names[2]}"
    yield ctx.diag("SL602", f"service {svc.name}: invalid credential spec: cannot specify both {listed}",
                   spec.path, on_key=True, stage=STAGE)


# --- SL603 ----------------------------------------------------------------------------------------
# convertVolumeToMount's handlers: the source rule, then which option blocks each type refuses,
# in the order Docker tests them (the first one found is the message).
_SOURCE_RULES = {"bind": "cannot be empty", "npipe": "cannot be empty", "cluster": "cannot be empty",
                 "image": "cannot be empty", "tmpfs": "must be empty"}
_REFUSED_OPTIONS = {
    "volume": ("tmpfs", "bind", "cluster"),
    "": ("tmpfs", "bind", "cluster"),
    "bind": ("volume", "tmpfs", "cluster"),
    "tmpfs": ("bind", "volume", "cluster"),
    "npipe": ("volume", "tmpfs"),
    "cluster": ("tmpfs", "bind", "volume"),
    "image": (),  # v28 added it; its option rules are not confirmed here, so none is claimed
}


def _mounts(ctx: Context, svc):
    for mount in svc.mounts:
        if mount.short:
            continue  # the loader's ParseVolume already settled the short syntax (SL006)
        kind = mount.type.value
        if kind not in _REFUSED_OPTIONS:
            yield ctx.diag("SL603", f"service {svc.name}: volume type must be volume, bind, tmpfs, npipe, or cluster",
                           mount.type.path, stage=STAGE)
            continue
        problem = _source_problem(kind, mount)
        if problem:
            message, path = problem
            yield ctx.diag("SL603", message.replace("{name}", svc.name), path, stage=STAGE)
            continue
        present = {"bind": mount.has_bind_options, "volume": mount.has_volume_options,
                   "tmpfs": mount.has_tmpfs_options, "cluster": mount.has_cluster_options}
        for option in _REFUSED_OPTIONS[kind]:
            if present[option]:
                yield ctx.diag("SL603", f"service {svc.name}: {option} options are incompatible with type {kind or 'volume'}",
                               mount.path + (option,), on_key=True, stage=STAGE)
                break


def _source_problem(kind: str, mount):
    rule = _SOURCE_RULES.get(kind)
    if rule is None:
        return None
    has_source = mount.source is not None  # (a bind without one never gets here: the loader refuses it, SL006)
    if rule == "cannot be empty" and not has_source:
        return f"service {{name}}: invalid {kind} source, source cannot be empty", mount.type.path
    if rule == "must be empty" and has_source:
        return f"service {{name}}: invalid {kind} source, source must be empty", mount.source.path
    return None


# --- SL604 ----------------------------------------------------------------------------------------
def _legacy_restart(ctx: Context, svc):
    """convertRestartPolicy: without deploy.restart_policy, `restart:` is parsed and converted."""
    restart = svc.raw.get("restart")
    policy = svc.restart_policy
    if not isinstance(restart, str) or (policy is not None and not policy.legacy):
        return  # deploy.restart_policy wins: `restart:` is then not even parsed
    try:
        parse_restart_policy(restart)
    except ValueError as err:
        yield ctx.diag("SL604", f"service {svc.name}: {err}", svc.path + ("restart",), stage=STAGE)


# --- SL605 ----------------------------------------------------------------------------------------
def _targets(ctx: Context, svc, kind: str):
    """ParseSecrets / ParseConfigs: two references of one service with the same target."""
    seen: dict[str, object] = {}
    singular = kind[:-1]
    for ref in getattr(svc, kind):
        if ref.source.value == "" or ref.source.value not in ctx.model.objects(kind):
            continue  # undefined: SL101/SL102 (Docker stops there first)
        target = ref.target.value
        if target in seen:
            yield ctx.diag("SL605", f"service {svc.name}: duplicate {singular} target for {ref.name} not allowed",
                           ref.target.path if not ref.short else ref.path, stage=STAGE)
        else:
            seen[target] = ref

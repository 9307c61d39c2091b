"""References between services and the top-level secrets, configs, networks and volumes.

SL101-SL104: a service refers to something the file does not declare. `docker stack config`
accepts it; `docker stack deploy` fails with `service web: undefined secret "db"` (after it has
already created the stack's networks, secrets and configs). SL105: declared but never used.
SL106: external objects that must exist before the deploy. SL107: a secret or config file that
`docker stack deploy` cannot read. SL108 (warnings): settings of an external object that Docker
silently ignores (the load-time SL108 errors are in loader.py).
"""
from __future__ import annotations

from ..context import Context
from ..diagnostics import Fix, Related, Severity
from ..edits import add_to_section, section_lines
from ..interpolation import PATTERN
from ..model import TopLevelObject, is_external
from ..refs import SINGULAR, context_refs
from .security import SOCKETS, host_mounts

UNDEFINED = {"secrets": "SL101", "configs": "SL102", "networks": "SL103", "volumes": "SL104"}
# Names Docker never looks up for an external network: they always exist on every node.
BUILTIN_NETWORKS = frozenset(["default", "bridge", "host", "none", "ingress"])


def undefined(ctx: Context):
    sections = {kind: ctx.section(kind) for kind in UNDEFINED}
    # A repeated top-level section (SL002): the copy the parser dropped may declare the name.
    repeated = {p.path[0] for p in ctx.doc.problems if p.code == "SL002" and len(p.path) == 1}
    fixes = {}  # one fix object per missing name, shared by its references
    for ref in context_refs(ctx):
        if ref.implicit or (ref.kind == "networks" and ref.name == "default") or ref.kind in repeated:
            continue
        section = sections[ref.kind]
        if ref.name in section:
            continue
        kind = SINGULAR[ref.kind]
        message = f'service {ref.service}: undefined {kind} "{ref.name}"'
        import difflib  # only for a did-you-mean
        close = difflib.get_close_matches(ref.name, [str(k) for k in section], n=1, cutoff=0.75) if ref.name else []
        if close:
            message += f' (did you mean "{close[0]}"?)'
        related = ()
        if isinstance(ctx.doc.data, dict) and ref.kind in ctx.doc.data:
            related = (Related(f"{ref.kind} are declared here", ctx.doc.key_range((ref.kind,))),)
        fix = None
        if ref.kind != "volumes" and ref.name:
            key = (ref.kind, ref.name)
            if key not in fixes:
                fixes[key] = _declare_external_fix(ctx, ref.kind, ref.name)
            fix = fixes[key]
        yield ctx.diag(UNDEFINED[ref.kind], message, ref.path, on_key=ref.on_key, fix=fix, related=related,
                       stage="deploy")


def _declare_external_fix(ctx: Context, kind: str, name: str):
    edit = add_to_section(ctx.doc, kind, section_lines(name, [(0, "external: true")]))
    if edit is None:
        return None
    # Unsafe: the deploy then needs the object to exist in the Swarm (see SL106).
    return Fix(f'declare {SINGULAR[kind]} "{name}" as external under `{kind}:`', (edit,), safe=False)


def unused(ctx: Context):
    used = {kind: set() for kind in UNDEFINED}
    one_letter = {}  # `a:/data` in short syntax: Docker reads an anonymous volume, not volume "a"
    for ref in context_refs(ctx):
        used[ref.kind].add(ref.name)
    for name, svc in ctx.model.services.items():
        for mount in svc.mounts:
            spec = mount.target.value if mount.short and mount.source is None else ""
            if len(spec) > 2 and spec[1] == ":" and spec[0].isalpha():
                one_letter.setdefault(spec[0], (name, spec))
    api_readers = _api_readers(ctx)
    for kind in ("secrets", "configs", "networks", "volumes"):
        for key, decl in ctx.section(kind).items():
            if key in used[kind]:
                continue
            if api_readers and kind in ("configs", "secrets") and ctx.model.objects(kind)[key].labels:
                continue  # labelled for a service that reads it through the Docker API (caddy-docker-proxy)
            what = SINGULAR[kind]
            message = f"{what} {key} is declared but no service uses it"
            if kind in ("secrets", "configs") and not is_external(decl):
                reads = " and reads its file" if isinstance(decl, dict) and decl.get("file") else ""
                message += f"; docker stack deploy still creates it{reads}"
            elif kind == "networks" and not is_external(decl):
                message += "; docker stack deploy does not create it"
            if kind == "volumes" and key in one_letter:
                svc, spec = one_letter[key]
                message += (f" (service {svc} mounts \"{spec}\", which Docker reads as an anonymous volume at "
                            f"target \"{spec}\": a one-letter name looks like a Windows drive)")
            yield ctx.diag("SL105", message, (kind, key), on_key=True)


def _api_readers(ctx: Context):
    """Services that mount the Docker socket: they can find configs and secrets by their labels
    through the API without mounting them (caddy-docker-proxy imports configs labelled `caddy`)."""
    return [svc.name for svc in ctx.model.services.values()
            if svc.mounts and any(source in SOCKETS for _, source, _ in host_mounts(ctx, svc))]


def external_prerequisites(ctx: Context):
    """One SL106 per external object a service uses, with the command that creates it."""
    used = {(ref.kind, ref.name) for ref in context_refs(ctx)}
    for kind in ("secrets", "configs", "networks", "volumes"):
        for key, obj in ctx.model.objects(kind).items():
            if not obj.external or (kind, key) not in used:
                continue
            name = obj.name
            if kind == "networks" and (name in BUILTIN_NETWORKS or name.startswith("container:")):
                continue
            shown = key if name == key else f'{key} (Swarm name "{name}")'
            command, note = _create_command(kind, name, obj)
            yield ctx.diag("SL106", f"{SINGULAR[kind]} {shown} is external: create it before deploying with "
                           f"`{command}`{note}", (kind, key), on_key=True)


def _create_command(kind: str, name: str, obj: TopLevelObject):
    arg = _shell_word(name)
    if kind == "secrets":
        return f"docker secret create {arg} -", " (reads the value from standard input)"
    if kind == "configs":
        return f"docker config create {arg} FILE", ""
    if kind == "volumes":
        return f"docker volume create {arg}", (" on every node that may run the service (Docker does not check "
                                               "external volumes: where one is missing, the local driver silently "
                                               "creates an empty one)")
    driver = obj.driver.value if obj.driver is not None and obj.driver.value else "overlay"
    flags = [f"--driver {_shell_word(driver)}", "--scope swarm"]
    if obj.attachable is not None and obj.attachable.value:
        flags.append("--attachable")
    if obj.internal is not None and obj.internal.value:
        flags.append("--internal")
    for k, v in obj.driver_opts.items():
        flags.append(f"--opt {_shell_word(f'{k}={v.value}' if v.value else k)}")
    return f"docker network create {' '.join(flags)} {arg}", ""


def _shell_word(text: str) -> str:
    if text and all(c.isalnum() or c in "._-=/:@+," for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


def missing_files(ctx: Context):
    """SL107: what `docker stack deploy` reads for every non-external secret and config."""
    env = ctx.settings.env or {}
    raw = ctx.doc.data if isinstance(ctx.doc.data, dict) else {}
    for kind in ("secrets", "configs"):
        raw_section = raw.get(kind) if isinstance(raw.get(kind), dict) else {}
        for key, decl in ctx.section(kind).items():
            if not isinstance(decl, dict) or is_external(decl) or decl.get("driver"):
                continue
            what = SINGULAR[kind]
            file = decl.get("file")
            if file is None:
                where = str(ctx.folder) if ctx.path else "the stack file's folder"
                yield ctx.diag("SL107", f"{what} {key} has no file, external or driver: docker stack deploy reads "
                               f"the stack file's folder as its content and fails (read {where}: is a directory)",
                               (kind, key), on_key=True, stage="deploy")
                continue
            if not ctx.path or not isinstance(file, str) or not file:
                continue
            raw_file = raw_section.get(key, {}).get("file") if isinstance(raw_section.get(key), dict) else None
            if isinstance(raw_file, str) and _depends_on_unset(raw_file, env):
                continue  # the path is not known without the deploy's environment (SL005 says so)
            # Docker joins a relative path to the stack file's folder; it expands neither ~ nor globs.
            from pathlib import Path  # here, for a file: a lint that reads none does not import it

            target = Path(file) if Path(file).is_absolute() else ctx.folder / file
            try:
                is_dir, exists = target.is_dir(), target.exists()
            except OSError as err:  # a name too long for the file system, a loop of links, ...
                yield ctx.diag("SL107", f"{what} {key}: file {file} cannot be opened (docker stack deploy fails: "
                               f"open {target}: {(err.strerror or str(err)).lower()})", (kind, key, "file"),
                               stage="deploy")
                continue
            if is_dir:
                yield ctx.diag("SL107", f"{what} {key}: file {file} is a directory (docker stack deploy fails: "
                               f"read {target}: is a directory)", (kind, key, "file"), stage="deploy")
            elif not exists:
                yield ctx.diag("SL107", f"{what} {key}: file {file} does not exist (docker stack deploy fails: "
                               f"open {target}: no such file or directory)", (kind, key, "file"), stage="deploy")


def _depends_on_unset(text: str, env) -> bool:
    """Whether the interpolated text depends on a variable the lint environment lacks."""
    for m in PATTERN.finditer(text):
        sub = m.group("named") or m.group("braced")
        if not sub:
            continue
        name, sep = sub, ""
        for candidate in (":-", "-", ":?", "?"):  # Docker's order
            if candidate in sub:
                name, sep = sub.split(candidate, 1)[0], candidate
                break
        if name not in env and sep not in (":-", "-"):
            return True
    return False


# Settings Docker never applies to an external object (it neither creates nor updates it).
IGNORED_WHEN_EXTERNAL = {
    "networks": ("driver", "driver_opts", "ipam", "internal", "attachable", "labels"),
    "secrets": ("file", "driver", "driver_opts", "template_driver", "labels"),
    "configs": ("file", "template_driver", "labels"),
}


def external_ignored(ctx: Context):
    """SL108 warnings: `external` next to settings Docker accepts and silently ignores."""
    for kind, keys in IGNORED_WHEN_EXTERNAL.items():
        for name, decl in ctx.section(kind).items():
            if not is_external(decl):
                continue
            what = SINGULAR[kind]
            for key in keys:
                if key in decl:
                    yield ctx.diag("SL108", f"{what} {name} is external: Docker ignores its `{key}` (an external "
                                   f"{what} is created outside the stack and never changed by it)",
                                   (kind, name, key), on_key=True, severity=Severity.WARNING)

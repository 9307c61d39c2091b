"""One service as `docker stack deploy` converts it (docker/cli cli/compose/convert/service.go,
convert.Service and its helpers). The parts the default checks read for every service are
converted when the service is made (a Service is made when a lint first reads the stack's
services); the others on first use, and kept.
"""
from __future__ import annotations

from .lazy import lazy

from .. import databases
from ..parsers import parse_restart_policy
from ..record import new_record
from . import read
from .image import ImageName, split_image
from .mounts import service_mounts
from .ports import service_ports
from .records import (CredentialSpec, EnvVar, ExtraHost, FileReference, GenericResource, Healthcheck, Logging,
                      Mount, NetworkAttachment, Placement, PortRange, Refused, ResourceSet, Resources, RestartPolicy, Ulimit,
                      UpdateConfig, Val)

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:  # pragma: no cover
    from ..databases import Server
    from .stack import Names

# container.NetworkMode(target).IsUserDefined() is false for these: they get no alias.
_NOT_USER_DEFINED = frozenset(["default", "bridge", "host", "none"])


class Service:
    """A service of the stack. `raw` is its interpolated mapping; prefer the converted fields."""

    def __init__(self, names: Names, name: str, raw: dict):
        self.names = names  # not the stack, which holds this service
        self.name = name
        self.raw = raw
        path = self.path = ("services", name)
        # The scalars every lint reads are converted here: a lazy field's first read costs two
        # Python calls, more than reading the value itself. The others convert on first use.
        self.image: Val | None = read.text(raw, "image", path)
        self.hostname: Val | None = read.text(raw, "hostname", path)
        self.working_dir: Val | None = read.text(raw, "working_dir", path)
        self.stop_signal: Val | None = read.text(raw, "stop_signal", path)
        self.isolation: Val | None = read.text(raw, "isolation", path)
        # read for the rules that explain it; `docker stack deploy` ignores it
        self.network_mode: Val | None = read.text(raw, "network_mode", path)
        # as written: a string (Docker splits it like a shell, see parsers.split_command) or a list
        self.command: Val | None = _command_line(raw, "command", path)
        self.entrypoint: Val | None = _command_line(raw, "entrypoint", path)
        deploy = raw.get("deploy")
        self._deploy: dict = deploy if isinstance(deploy, dict) else {}
        deploy_path = self._deploy_path = path + ("deploy",)
        # as written; the CLI lower-cases it, the daemon accepts vip and dnsrr in any case
        self.endpoint_mode: Val | None = read.text(self._deploy, "endpoint_mode", deploy_path)
        self.mode: Val | None = read.text(self._deploy, "mode", deploy_path)
        self.replicas: Val | None = read.integer(self._deploy, "replicas", deploy_path, unsigned=True)
        fields = self.__dict__
        for name, convert, in_deploy, key, empty in _CONVERTED_AT_ONCE:
            if key is None or key in (self._deploy if in_deploy else raw):
                fields[name] = convert(self)
            else:  # what the converter makes of an absent key, without calling it
                fields[name] = empty() if empty is not None else None

    def __repr__(self) -> str:
        return f"Service({self.name!r})"

    # --- ContainerSpec ----------------------------------------------------------------------------
    @lazy
    def image_name(self) -> ImageName | None:
        """The image split into repository, tag and digest (leniently: no syntax check)."""
        return split_image(self.image.value) if self.image is not None else None

    @lazy
    def _mounts_and_refused(self):
        return service_mounts(self.raw.get("volumes"), self.path + ("volumes",), self.names.volume_name)

    @lazy
    def mounts(self) -> list[Mount]:
        return self._mounts_and_refused[0]

    @lazy
    def refused_volumes(self) -> list[Refused]:
        """`volumes` entries the loader refuses (SL006), in file order."""
        return self._mounts_and_refused[1]

    @lazy
    def user(self) -> Val | None:
        return read.text(self.raw, "user", self.path)

    @lazy
    def stop_grace_period(self) -> Val | None:
        return read.duration(self.raw, "stop_grace_period", self.path)

    @lazy
    def init(self) -> Val | None:
        return read.boolean(self.raw, "init", self.path)

    @lazy
    def read_only(self) -> Val | None:
        return read.boolean(self.raw, "read_only", self.path)

    @lazy
    def tty(self) -> Val | None:
        return read.boolean(self.raw, "tty", self.path)

    @lazy
    def stdin_open(self) -> Val | None:
        return read.boolean(self.raw, "stdin_open", self.path)

    @lazy
    def oom_score_adj(self) -> Val | None:
        return read.integer(self.raw, "oom_score_adj", self.path)

    @lazy
    def dns(self) -> tuple[Val, ...]:
        return read.strings(self.raw, "dns", self.path)

    @lazy
    def dns_search(self) -> tuple[Val, ...]:
        return read.strings(self.raw, "dns_search", self.path)

    @lazy
    def dns_options(self) -> tuple[Val, ...]:
        """Read if present; convertDNSConfig sends only nameservers and search domains."""
        return read.strings(self.raw, "dns_opt", self.path)

    @lazy
    def environment(self) -> list[EnvVar]:
        """`environment` as written (mapping or KEY=VALUE list; `KEY` alone has value None).
        Docker also merges `env_file`, which the model does not read."""
        env = self.raw.get("environment")
        base = self.path + ("environment",)
        out: list[EnvVar] = []
        if isinstance(env, dict):
            for key, value in env.items():
                if value is not None and value.__class__ is not str:
                    value = read.scalar_text(value)
                out.append(new_record(EnvVar, (str(key), value, base + (key,))))
        elif isinstance(env, list):
            for i, item in enumerate(env):
                if isinstance(item, str):
                    key, sep, value = item.partition("=")
                    out.append(new_record(EnvVar, (key, value if sep else None, base + (i,))))
        return out

    @lazy
    def labels(self) -> dict[str, Val]:
        return read.labels(self.raw, "labels", self.path)

    @lazy
    def sysctls(self) -> dict[str, Val]:
        return read.labels(self.raw, "sysctls", self.path)

    @lazy
    def ulimits(self) -> list[Ulimit]:
        """convertUlimits: a single number sets soft and hard alike."""
        out: list[Ulimit] = []
        base = self.path + ("ulimits",)
        for name, value in read.mapping(self.raw, "ulimits").items():
            if isinstance(value, int) and not isinstance(value, bool):
                out.append(Ulimit(str(name), value, value, base + (name,)))
            elif isinstance(value, dict):
                soft, hard = read.integer(value, "soft", ()), read.integer(value, "hard", ())
                out.append(Ulimit(str(name), soft.value if soft else None, hard.value if hard else None,
                                  base + (name,)))
        return out

    @lazy
    def cap_add(self) -> tuple[Val, ...]:
        return read.strings(self.raw, "cap_add", self.path) if isinstance(self.raw.get("cap_add"), list) else ()

    @lazy
    def cap_drop(self) -> tuple[Val, ...]:
        return read.strings(self.raw, "cap_drop", self.path) if isinstance(self.raw.get("cap_drop"), list) else ()

    @lazy
    def logging(self) -> Logging | None:
        value = self.raw.get("logging")
        if not isinstance(value, dict):
            return None
        base = self.path + ("logging",)
        return Logging(read.text(value, "driver", base), read.labels(value, "options", base), base)

    @lazy
    def extra_hosts(self) -> list[ExtraHost]:
        """The loader's transformHostsList: `host:ip`, `host=ip` or a mapping; [v6] brackets dropped."""
        value = self.raw.get("extra_hosts")
        base = self.path + ("extra_hosts",)
        out: list[ExtraHost] = []
        if isinstance(value, dict):
            for host, ip in value.items():
                out.append(ExtraHost(str(host), _unbracket(str(ip if ip is not None else "")), base + (host,)))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    continue
                sep = min((p for p in (item.find(":"), item.find("=")) if p >= 0), default=-1)
                host, ip = (item[:sep], item[sep + 1:]) if sep >= 0 else (item, "")
                out.append(ExtraHost(host, _unbracket(ip), base + (i,)))
        return out

    @lazy
    def credential_spec(self) -> CredentialSpec | None:
        value = self.raw.get("credential_spec")
        if not isinstance(value, dict):
            return None
        base = self.path + ("credential_spec",)
        return CredentialSpec(read.text(value, "config", base), read.text(value, "file", base),
                              read.text(value, "registry", base), base)

    @lazy
    def healthcheck(self) -> Healthcheck | None:
        value = self.raw.get("healthcheck")
        if not isinstance(value, dict):
            return None
        base = self.path + ("healthcheck",)
        test = value.get("test")
        if isinstance(test, str):
            test_val = Val(("CMD-SHELL", test), base + ("test",))  # the loader's transformHealthCheckTest
        elif isinstance(test, list):
            test_val = Val(tuple(str(t) for t in test), base + ("test",))
        else:
            test_val = None
        return Healthcheck(test_val, read.duration(value, "interval", base), read.duration(value, "timeout", base),
                           read.duration(value, "start_period", base), read.duration(value, "start_interval", base),
                           read.integer(value, "retries", base, unsigned=True), read.boolean(value, "disable", base),
                           base)

    @lazy
    def secrets(self) -> list[FileReference]:
        return self._file_references("secrets")

    @lazy
    def configs(self) -> list[FileReference]:
        return self._file_references("configs")

    def _file_references(self, kind: str) -> list[FileReference]:
        """convertFileObject: target defaults to the source key, uid/gid to "0", mode to 0444."""
        items = self.raw.get(kind)
        out: list[FileReference] = []
        if not isinstance(items, list):
            return out
        base = self.path + (kind,)
        for i, item in enumerate(items):
            path = base + (i,)
            if isinstance(item, str):
                source, root = new_record(Val, (item, path)), new_record(Val, ("0", path))
                out.append(FileReference(source, self.names.object_name(kind, item), source, root, root,
                                         new_record(Val, (0o444, path)), path, short=True))
            elif isinstance(item, dict):
                source = read.text(item, "source", path)
                if source is None or source.value == "":
                    source = new_record(Val, ("", path))  # Docker: undefined secret ""
                target = read.text(item, "target", path)
                if target is None or target.value == "":
                    target = new_record(Val, (source.value, source.path))
                uid = read.text(item, "uid", path)
                gid = read.text(item, "gid", path)
                mode = read.integer(item, "mode", path)
                out.append(FileReference(source, self.names.object_name(kind, source.value), target,
                                         uid if uid and uid.value else new_record(Val, ("0", path)),
                                         gid if gid and gid.value else new_record(Val, ("0", path)),
                                         mode if mode is not None else new_record(Val, (0o444, path)), path,
                                         short=False))
        return out

    # --- networks ---------------------------------------------------------------------------------
    @lazy
    def networks(self) -> list[NetworkAttachment]:
        """convertServiceNetworks: `default` when none is given; kept in file order."""
        value = self.raw.get("networks")
        base = self.path + ("networks",)
        out: list[NetworkAttachment] = []
        if isinstance(value, list):
            for i, key in enumerate(value):
                if isinstance(key, str):
                    out.append(NetworkAttachment(key, self.names.object_name("networks", key), (), {}, base + (i,),
                                                 on_key=False, implicit=False))
        elif isinstance(value, dict):
            for key, conf in value.items():
                path = base + (key,)
                conf = conf if isinstance(conf, dict) else {}
                out.append(NetworkAttachment(str(key), self.names.object_name("networks", str(key)),
                                             read.strings(conf, "aliases", path),
                                             read.labels(conf, "driver_opts", path), path, on_key=True,
                                             implicit=False))
        if not (isinstance(value, (list, dict)) and value):
            out.append(NetworkAttachment("default", self.names.object_name("networks", "default"), (), {},
                                         self.path, on_key=False, implicit=True))
        return out

    def adds_alias(self, attachment: NetworkAttachment) -> bool:
        """Whether Docker appends the service name to the attachment's aliases."""
        target = attachment.target
        return target not in _NOT_USER_DEFINED and not target.startswith("container:")

    # --- endpoint, mode ---------------------------------------------------------------------------
    @lazy
    def _ports_and_refused(self):
        return service_ports(self.raw.get("ports"), self.path + ("ports",))

    @lazy
    def ports(self) -> list[PortRange]:
        return self._ports_and_refused[0]

    @lazy
    def refused_ports(self) -> list[Refused]:
        """`ports` entries the loader refuses (SL006): a float, or text nat.ParsePortSpec refuses."""
        return self._ports_and_refused[1]

    @lazy
    def deploy_labels(self) -> dict[str, Val]:
        return read.labels(self._deploy, "labels", self._deploy_path)

    # --- TaskSpec ---------------------------------------------------------------------------------
    @lazy
    def restart_policy(self) -> RestartPolicy | None:
        """deploy.restart_policy when present, else the legacy `restart:` (convertRestartPolicy)."""
        value = self._deploy.get("restart_policy")
        if isinstance(value, dict):
            base = self._deploy_path + ("restart_policy",)
            return RestartPolicy(read.text(value, "condition", base), read.duration(value, "delay", base),
                                 read.integer(value, "max_attempts", base, unsigned=True),
                                 read.duration(value, "window", base), base, legacy=False)
        return legacy_restart_policy(self.raw.get("restart"), self.path + ("restart",))

    @lazy
    def update_config(self) -> UpdateConfig | None:
        return _update_config(self._deploy, "update_config", self._deploy_path)

    @lazy
    def rollback_config(self) -> UpdateConfig | None:
        return _update_config(self._deploy, "rollback_config", self._deploy_path)

    @lazy
    def resources(self) -> Resources | None:
        value = self._deploy.get("resources")
        if not isinstance(value, dict):
            return None
        base = self._deploy_path + ("resources",)
        return Resources(_resource_set(value, "limits", base), _resource_set(value, "reservations", base), base)

    @lazy
    def placement(self) -> Placement | None:
        value = self._deploy.get("placement")
        if not isinstance(value, dict):
            return None
        base = self._deploy_path + ("placement",)
        constraints = read.strings(value, "constraints", base) if isinstance(value.get("constraints"), list) else ()
        prefs = value.get("preferences")
        spread = tuple(Val(p["spread"], base + ("preferences", i, "spread"))
                       for i, p in enumerate(prefs if isinstance(prefs, list) else ())
                       if isinstance(p, dict) and isinstance(p.get("spread"), str))
        return Placement(constraints, spread, read.integer(value, "max_replicas_per_node", base, unsigned=True), base)

    # --- what it runs ------------------------------------------------------------------------------
    @lazy
    def database(self) -> Server | None:
        """databases.server(self): the data-keeping server it runs. Worked out once per lint, as
        several checks ask (the image, command and environment are read each time)."""
        return databases.server(self)


# Lazy fields the default checks read for every service (measured: a lint reads them all),
# converted when the service is made: first reads through the descriptor cost more than the
# laziness saves. The others (dns, user, tty, database ...) still convert on first use.
# Each with the key it converts (in `deploy` or the service) and what it gives when that key is
# absent (a new empty list, dict or tuple, or None): most services set few of these keys, and
# a service without one then costs no call. No key: always converted (networks gives the
# implicit default, restart_policy also reads `restart`).
_ABSENT = {
    "environment": (False, "environment", list), "labels": (False, "labels", dict),
    "sysctls": (False, "sysctls", dict), "ulimits": (False, "ulimits", list), "cap_add": (False, "cap_add", tuple),
    "cap_drop": (False, "cap_drop", tuple), "logging": (False, "logging", None),
    "extra_hosts": (False, "extra_hosts", list), "credential_spec": (False, "credential_spec", None),
    "healthcheck": (False, "healthcheck", None), "secrets": (False, "secrets", list),
    "configs": (False, "configs", list), "networks": (False, None, None), "mounts": (False, "volumes", list),
    "refused_volumes": (False, "volumes", list), "ports": (False, "ports", list),
    "refused_ports": (False, "ports", list), "restart_policy": (False, None, None),
    "update_config": (True, "update_config", None), "rollback_config": (True, "rollback_config", None),
    "resources": (True, "resources", None), "placement": (True, "placement", None),
}
_CONVERTED_AT_ONCE = tuple((name, vars(Service)[name].func, *absent) for name, absent in _ABSENT.items())


def _command_line(raw: dict, key: str, base) -> Val | None:
    value = raw.get(key)
    return new_record(Val, (value, base + (key,))) if isinstance(value, (str, list)) else None


def _unbracket(ip: str) -> str:
    return ip[1:-1] if ip.startswith("[") and ip.endswith("]") else ip


def legacy_restart_policy(restart, path) -> RestartPolicy | None:
    """convertRestartPolicy's fallback (docker/cli v28, parsers.parse_restart_policy): `no` is no
    policy, `always`/`unless-stopped` become `any`, `on-failure[:N]` becomes `on-failure` with
    MaxAttempts N (0 without a count). Values Docker refuses give None (SL604 reports them)."""
    if not isinstance(restart, str):
        return None
    try:
        condition, attempts = parse_restart_policy(restart)
    except ValueError:
        return None
    if condition == "":
        return None
    if condition == "any":
        return RestartPolicy(Val("any", path), None, None, None, path, legacy=True)
    return RestartPolicy(Val("on-failure", path), None, Val(attempts, path) if attempts >= 0 else None, None,
                         path, legacy=True)


def _update_config(deploy: dict, key: str, base) -> UpdateConfig | None:
    """convertUpdateConfig: parallelism defaults to 1."""
    value = deploy.get(key)
    if not isinstance(value, dict):
        return None
    path = base + (key,)
    parallelism = read.integer(value, "parallelism", path, unsigned=True) or Val(1, path)
    return UpdateConfig(parallelism, read.duration(value, "delay", path), read.text(value, "failure_action", path),
                        read.duration(value, "monitor", path), read.number(value, "max_failure_ratio", path),
                        read.text(value, "order", path), path)


def _resource_set(resources: dict, key: str, base) -> ResourceSet | None:
    value = resources.get(key)
    if not isinstance(value, dict):
        return None
    path = base + (key,)
    generic = []
    items = value.get("generic_resources")
    for i, item in enumerate(items if isinstance(items, list) else ()):
        spec = item.get("discrete_resource_spec") if isinstance(item, dict) else None
        if isinstance(spec, dict) and isinstance(spec.get("kind"), str):
            spec_path = path + ("generic_resources", i, "discrete_resource_spec")
            generic.append(GenericResource(Val(spec["kind"], spec_path + ("kind",)),
                                           read.integer(spec, "value", spec_path), spec_path))
    return ResourceSet(read.nano_cpus(value, "cpus", path), read.size(value, "memory", path),
                       read.integer(value, "pids", path), tuple(generic), path)

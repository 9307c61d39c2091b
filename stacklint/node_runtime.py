"""What the node's engine and runc refuse when they create a task's container.

`docker stack deploy` and the Swarm accept these values; the refusal comes on the node, for
every task, when the container is created or started. Each function mirrors the Go function
that refuses and returns Docker's message, or None when the value is accepted. Plain values in,
no I/O. Confirmed on a Docker 20.10 Swarm (tests/deploy_cases/task-fails).
"""
from __future__ import annotations

from collections.abc import Mapping

from .parsers import atoi_syntax, go_parse_ip, parse_bytes

# containerd pkg/cap Known(): the capabilities moby oci/caps knows (Linux 5.9+ list).
CAPABILITIES = frozenset(
    "CAP_" + c for c in (
        "CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE "
        "NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO "
        "SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME "
        "SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG "
        "WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE").split())


def capability_error(cap: str) -> str | None:
    """moby oci/caps NormalizeLegacyCapabilities: upper-case, add CAP_, then look it up."""
    name = cap.upper()
    if name == "ALL":
        return None
    if not name.startswith("CAP_"):
        name = "CAP_" + name
    return None if name in CAPABILITIES else f'unknown capability: "{name}"'


# moby/sys/signal SignalMap (Linux), the names ParseSignal accepts without their SIG prefix.
SIGNALS = frozenset(
    "ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT SEGV STKFLT "
    "STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ RTMIN RTMAX".split()
    + [f"RTMIN+{n}" for n in range(1, 16)] + [f"RTMAX-{n}" for n in range(1, 15)])


def signal_error(text: str) -> str | None:
    """moby/sys/signal ParseSignal: a non-zero number, or a name with or without SIG."""
    if atoi_syntax(text):
        return f"Invalid signal: {text}" if int(text) == 0 else None
    name = text.upper()
    name = name[3:] if name.startswith("SIG") else name
    return None if name in SIGNALS else f"Invalid signal: {text}"


# runc libcontainer/configs/validate sysctl(): what a container's own namespaces cover.
_IPC_SYSCTLS = frozenset(("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                          "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"))


def sysctl_error(name: str) -> str | None:
    """runc's sysctl validation for a task's container (own IPC, UTS and network namespaces).

    `net.*` is left alone: whether a net sysctl exists depends on the node's kernel modules.
    """
    if name in _IPC_SYSCTLS or name.startswith(("fs.mqueue.", "net.")) or name == "kernel.domainname":
        return None
    if name == "kernel.hostname":
        return f'sysctl "{name}" is not allowed as it conflicts with the OCI "hostname" field'
    return f'sysctl "{name}" is not in a separate kernel namespace'


# runc's rlimit table: moby sends "RLIMIT_" + the upper-cased ulimit name.
RLIMITS = frozenset("AS CORE CPU DATA FSIZE LOCKS MEMLOCK MSGQUEUE NICE NOFILE NPROC RSS RTPRIO RTTIME "
                    "SIGPENDING STACK".split())


def ulimit_name_error(name: str) -> str | None:
    rlimit = "RLIMIT_" + name.upper()
    return None if name.upper() in RLIMITS else f"wrong rlimit value: {rlimit}"


def isolation_error(isolation: str) -> str | None:
    """moby daemon verifyPlatformContainerSettings on Linux: only the default isolation (the
    value arrives lower-cased)."""
    if isolation == "" or isolation.lower() == "default":
        return None
    return f"invalid isolation '{isolation.lower()}' on linux"


def extra_host_errors(host: str, ip: str) -> str | None:
    """The CLI's convertExtraHosts, the executor's conversion back, then opts.ValidateExtraHost.

    The CLI sends `ip host`; the node splits that on white space and validates the address of
    every host name it carries. An entry without an address is dropped on the way.
    """
    if not ip:
        return None
    parts = (ip + " " + host).split()
    if len(parts) < 2:
        return None
    address = parts[0]
    if address == "host-gateway" or _is_ip(address):
        return None
    return f'invalid IP address in add-host: "{address}"'


def _is_ip(text: str) -> bool:
    return go_parse_ip(text) is not None


# The option names each built-in log driver's ValidateLogOpt accepts (moby daemon/logger/*), and
# how that function words its refusal.
_LOG_OPTS = {
    "json-file": frozenset(("max-file", "max-size", "compress", "labels", "labels-regex", "env", "env-regex", "tag")),
    "local": frozenset(("max-file", "max-size", "compress")),
    "syslog": frozenset(("env", "env-regex", "labels", "labels-regex", "syslog-address", "syslog-facility",
                         "syslog-tls-ca-cert", "syslog-tls-cert", "syslog-tls-key", "syslog-tls-skip-verify",
                         "tag", "syslog-format")),
    "journald": frozenset(("tag", "labels", "labels-regex", "env", "env-regex")),
}
_UNKNOWN_OPT = {"local": "unknown log opt '{}' for log driver local"}
BUILTIN_LOG_DRIVERS = frozenset(("json-file", "local", "syslog", "journald", "gelf", "fluentd", "awslogs",
                                 "splunk", "gcplogs", "logentries", "none"))
_GO_BOOLS = frozenset(("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"))


def log_option_errors(driver: str, options: Mapping[str, str]):
    """(option, message) for each option the driver refuses: its ValidateLogOpt (names), then, for
    json-file, jsonfilelog.New (max-size, max-file, compress), which runs when the task starts."""
    known = _LOG_OPTS.get(driver)
    if known is None:
        return
    for key in options:
        if key not in known:
            yield key, _UNKNOWN_OPT.get(driver, "unknown log opt '{}' for %s log driver" % driver).format(key)
    if driver == "json-file":
        yield from _json_file_errors(options)


def _json_file_errors(options: Mapping[str, str]):
    size, files = options.get("max-size"), options.get("max-file")
    if size is not None:
        try:
            if parse_bytes(size) <= 0:  # go-units FromHumanSize: same syntax, decimal multiples
                yield "max-size", "max-size must be a positive number"
        except ValueError as err:
            yield "max-size", str(err)
    count = 1
    if files is not None:
        if not atoi_syntax(files):
            yield "max-file", f'strconv.Atoi: parsing "{files}": invalid syntax'
        elif int(files) < 1:
            yield "max-file", "max-file cannot be less than 1"
        else:
            count = int(files)
    compress = options.get("compress")
    if compress is not None:
        if compress not in _GO_BOOLS:
            yield "compress", f'strconv.ParseBool: parsing "{compress}": invalid syntax'
        elif compress in ("1", "t", "T", "TRUE", "true", "True") and (count == 1 or size is None):
            yield "compress", "compress cannot be true when max-file is less than 2 or max-size is not set"

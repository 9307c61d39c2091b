"""stacklint.node_runtime: the node's container checks, each against the Go function it mirrors.

The messages are the ones a Docker 20.10 Swarm reported in `docker service ps --no-trunc` for
the cases in tests/deploy_cases/task-fails (recorded in results.tsv).
"""
from __future__ import annotations

import pytest

from stacklint.node_runtime import (capability_error, extra_host_errors, isolation_error, log_option_errors,
                                    signal_error, sysctl_error, ulimit_name_error)


@pytest.mark.parametrize("cap, expected", [
    ("NET_ADMIN", None), ("net_admin", None), ("CAP_SYS_NICE", None), ("cap_chown", None), ("ALL", None),
    ("all", None), ("CHECKPOINT_RESTORE", None),
    ("FOO_BAR", 'unknown capability: "CAP_FOO_BAR"'),
    ("CAP_SYSADMIN", 'unknown capability: "CAP_SYSADMIN"'),
    ("chownn", 'unknown capability: "CAP_CHOWNN"'),
])
def test_capability_error(cap, expected):
    assert capability_error(cap) == expected


@pytest.mark.parametrize("sig, expected", [
    ("SIGTERM", None), ("term", None), ("sigusr1", None), ("9", None), ("99", None), ("-1", None),
    ("SIGRTMIN+3", None), ("RTMAX-2", None), ("RTMIN", None),
    ("0", "Invalid signal: 0"), ("SIGFOO", "Invalid signal: SIGFOO"), ("TERMINATE", "Invalid signal: TERMINATE"),
    ("RTMIN+16", "Invalid signal: RTMIN+16"), ("", "Invalid signal: "),
])
def test_signal_error(sig, expected):
    assert signal_error(sig) == expected


@pytest.mark.parametrize("name, expected", [
    ("net.core.somaxconn", None), ("net.ipv4.ip_forward", None), ("kernel.shmmax", None), ("kernel.sem", None),
    ("fs.mqueue.msg_max", None), ("kernel.domainname", None),
    ("vm.swappiness", 'sysctl "vm.swappiness" is not in a separate kernel namespace'),
    ("fs.file-max", 'sysctl "fs.file-max" is not in a separate kernel namespace'),
    ("user.max_user_namespaces", 'sysctl "user.max_user_namespaces" is not in a separate kernel namespace'),
    ("kernel.hostname", 'sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field'),
])
def test_sysctl_error(name, expected):
    assert sysctl_error(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("nofile", None), ("NOFILE", None), ("nproc", None), ("as", None), ("rttime", None),
    ("nofiles", "wrong rlimit value: RLIMIT_NOFILES"), ("open_files", "wrong rlimit value: RLIMIT_OPEN_FILES"),
])
def test_ulimit_name_error(name, expected):
    assert ulimit_name_error(name) == expected


@pytest.mark.parametrize("isolation, expected", [
    ("", None), ("default", None), ("Default", None),
    ("process", "invalid isolation 'process' on linux"), ("hyperv", "invalid isolation 'hyperv' on linux"),
    ("HyperV", "invalid isolation 'hyperv' on linux"),
])
def test_isolation_error(isolation, expected):
    assert isolation_error(isolation) == expected


@pytest.mark.parametrize("host, ip, expected", [
    ("a", "10.0.0.1", None), ("b", "::1", None), ("c", "host-gateway", None), ("d", " 10.0.0.2", None),
    ("e", "", None),  # nothing to map: the CLI drops it
    ("db", "db.internal", 'invalid IP address in add-host: "db.internal"'),
    ("a", "1.2.3.400", 'invalid IP address in add-host: "1.2.3.400"'),
    ("a", "1.2.3.4:80", 'invalid IP address in add-host: "1.2.3.4:80"'),
    ("gw", "host_gateway", 'invalid IP address in add-host: "host_gateway"'),
    ("z", "fe80::1%eth0", 'invalid IP address in add-host: "fe80::1%eth0"'),
])
def test_extra_host_errors(host, ip, expected):
    assert extra_host_errors(host, ip) == expected


@pytest.mark.parametrize("driver, options, expected", [
    ("json-file", {"max-size": "10m", "max-file": "3", "compress": "true", "tag": "x"}, []),
    ("json-file", {"max-file": "3"}, []),
    ("json-file", {"foo": "bar"}, [("foo", "unknown log opt 'foo' for json-file log driver")]),
    ("json-file", {"max-size": "ten"}, [("max-size", "invalid size: 'ten'")]),
    ("json-file", {"max-size": "0"}, [("max-size", "max-size must be a positive number")]),
    ("json-file", {"max-file": "x"}, [("max-file", 'strconv.Atoi: parsing "x": invalid syntax')]),
    ("json-file", {"max-file": "0"}, [("max-file", "max-file cannot be less than 1")]),
    ("json-file", {"compress": "yes"}, [("compress", 'strconv.ParseBool: parsing "yes": invalid syntax')]),
    ("json-file", {"compress": "true", "max-size": "1m"},
     [("compress", "compress cannot be true when max-file is less than 2 or max-size is not set")]),
    ("local", {"labels": "a"}, [("labels", "unknown log opt 'labels' for log driver local")]),
    ("syslog", {"syslog-addr": "x"}, [("syslog-addr", "unknown log opt 'syslog-addr' for syslog log driver")]),
    ("journald", {"max-size": "1m"}, [("max-size", "unknown log opt 'max-size' for journald log driver")]),
    ("none", {"foo": "bar"}, []),
    ("gelf", {"anything": "x"}, []),  # not modelled: silent
])
def test_log_option_errors(driver, options, expected):
    assert list(log_option_errors(driver, options)) == expected

#!/usr/bin/env python3
"""Write the deploy cases of the CLI-conversion, daemon-conversion, swarmkit-spec and legacy-restart
classes (and their controls) into tests/deploy_cases/, from the table below.

    python3 tools/gen_deploy_cases.py        # then: tools/deploy_oracle.py --only '<class>/*'

A case is a service body (indented under `services: web:` after `image: probe:1`) and optional
top-level sections; a line ending in ` #<` is a mutated line (the marker is removed and its line
number goes into `# mutated:`). Files this script wrote before and no longer writes are removed
(they carry `# generator: gen_deploy_cases`); other files in the folders are left alone.
"""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "deploy_cases"
MARK = " #<"
TAG = "# generator: gen_deploy_cases"


def case(klass, name, desc, body="", top="", *, image="probe:1", service="web", version="3.13", headers=(),
         extra_services=""):
    return dict(klass=klass, name=name, desc=desc, body=body, top=top, image=image, service=service,
                version=version, headers=headers, extra_services=extra_services)


def render(c) -> tuple:
    service = c["service"]
    service_line = f"  {service[:-len(MARK)]}:{MARK}" if service.endswith(MARK) else f"  {service}:"
    head = [f"# class: {c['klass']}", "# mutated: {mutated}", f"# desc: {c['desc']}", TAG, *c["headers"],
            f'version: "{c["version"]}"', "services:", service_line]
    if c["image"] is not None:
        head.append(f"    image: {c['image']}")
    lines = list(head)
    if c["body"]:
        lines += ["    " + l if l else l for l in textwrap.dedent(c["body"]).strip("\n").split("\n")]
    if c["extra_services"]:
        lines += ["  " + l if l else l for l in textwrap.dedent(c["extra_services"]).strip("\n").split("\n")]
    if c["top"]:
        lines += textwrap.dedent(c["top"]).strip("\n").split("\n")
    mutated = []
    for i, line in enumerate(lines):
        if line.endswith(MARK):
            lines[i] = line[: -len(MARK)].rstrip()
            mutated.append(i + 1)
    text = "\n".join(lines) + "\n"
    return text.replace("{mutated}", ",".join(map(str, mutated)), 1), mutated


# --- The table --------------------------------------------------------------------------------------
# `web:` keys are written with a mark where the mutation is; controls carry no mark.

CLI, DAEMON, SPEC, RESTART, CONTROL = "cli-conversion", "daemon-conversion", "swarmkit-spec", "legacy-restart", "control"

CASE_LIST = []
add = CASE_LIST.append

# ---- image references (distribution/reference, CLI loader then swarmkit) ----
for name, image, desc in [
    ("image-empty-tag", "'nginx:' #<", "tag separator with no tag"),
    ("image-uppercase", "Nginx #<", "uppercase repository"),
    ("image-uppercase-path", "library/App:1 #<", "uppercase path component"),
    ("image-space", "'nginx 1' #<", "a space inside"),
    ("image-double-colon", "'nginx::1' #<", "two colons"),
    ("image-tag-dash", "'nginx:-1' #<", "tag starting with a dash"),
    ("image-tag-long", "'probe:" + "a" * 129 + "' #<", "tag of 129 characters"),
    ("image-bad-digest", "'probe@sha256:abc' #<", "digest too short"),
    ("image-digest-algo", "'probe@md5:" + "a" * 32 + "' #<", "unsupported digest algorithm"),
    ("image-trailing-slash", "'probe/' #<", "empty path component"),
    ("image-double-slash", "'team//probe:1' #<", "empty path component in the middle"),
    ("image-leading-dot", "'.probe:1' #<", "path component starting with a dot"),
    ("image-triple-underscore", "'pro___be:1' #<", "three underscores in a path component"),
    ("image-domain-underscore", "'my_registry.example.com/probe:1' #<", "underscore in a domain"),
    ("image-domain-port-alpha", "'localhost:abc/probe:1' #<", "registry port that is not a number"),
    ("image-hex64", "'" + "a" * 64 + "' #<", "a 64-hex-digit name (an image ID, refused as a repository)"),
    ("image-name-too-long", "'" + "/".join(["a" * 50] * 6) + ":1' #<", "repository name over 255 characters"),
    ("image-at-only", "'probe@' #<", "empty digest"),
    ("image-tag-dot-start", "'probe:.1' #<", "tag starting with a dot"),
    ("image-only-colon", "':1' #<", "no repository name"),
]:
    add(case(CLI, name, f"image: {desc}", image=image))
add(case(CLI, "image-empty-interpolated", "image empty after interpolation (unset variable)", image="${IMAGE} #<"))
add(case(CLI, "image-empty-string", "image is the empty string", image="'' #<"))
add(case(CLI, "image-missing", "no image at all", "hostname: x", image=None, service="web #<"))
add(case(CLI, "image-interpolated-bad", "image with an interpolated empty tag", image="probe:${TAG} #<"))
for name, image, desc in [
    ("image-registry-port", "'localhost:5000/team/probe:1.0'", "registry with port and path"),
    ("image-domain-uppercase", "'Registry.Example.COM/probe:1'", "uppercase letters in the registry domain"),
    ("image-underscores", "'team_a/pro__be-x.y:v1_2.3-r'", "separators allowed in path components"),
    ("image-no-tag", "probe", "no tag (latest)"),
    ("image-tag-128", "'probe:" + "a" * 128 + "'", "tag of 128 characters"),
    ("image-interpolated", "'probe:${TAG}'", "tag from a variable"),
    ("image-ipv4-registry", "'127.0.0.1:5000/probe:1'", "IP registry"),
    ("image-docker-io", "'docker.io/library/probe:2'", "fully qualified Docker Hub name"),
]:
    headers = ("# env: TAG=1",) if "TAG" in image else ()
    add(case(CONTROL, name, f"image: {desc}", image=image, headers=headers))

# ---- credential specs (CLI convertCredentialSpec) ----
add(case(CLI, "credspec-file-registry", "credential_spec with file and registry", """
    credential_spec: #<
      file: spec.json #<
      registry: spec #<
    """))
add(case(CLI, "credspec-config-file-registry", "credential_spec with config, file and registry", """
    credential_spec: #<
      config: cs #<
      file: spec.json #<
      registry: spec #<
    configs:
      - cs
    """, """
    configs:
      cs:
        file: ./cs.json
    """, headers=("# files: cs.json={}",)))
add(case(CLI, "credspec-config-file", "credential_spec with config and file", """
    credential_spec: #<
      config: cs #<
      file: spec.json #<
    configs:
      - cs
    """, """
    configs:
      cs:
        file: ./cs.json
    """, headers=("# files: cs.json={}",)))
add(case(CLI, "credspec-config-undefined", "credential_spec.config not declared", """
    credential_spec:
      config: nope #<
    """))

# ---- mount options by type (CLI convertVolumeToMount) ----
MOUNT_TOP = """
volumes:
  data:
"""
for name, body, top, desc in [
    ("mount-bind-volume-opts", """
        volumes:
          - type: bind #<
            source: /srv
            target: /data
            volume: #<
              nocopy: true #<
        """, "", "bind with volume options"),
    ("mount-bind-tmpfs-opts", """
        volumes:
          - type: bind #<
            source: /srv
            target: /data
            tmpfs: #<
              size: 1000 #<
        """, "", "bind with tmpfs options"),
    ("mount-volume-bind-opts", """
        volumes:
          - type: volume #<
            source: data
            target: /data
            bind: #<
              propagation: rprivate #<
        """, MOUNT_TOP, "volume with bind options"),
    ("mount-volume-tmpfs-opts", """
        volumes:
          - type: volume #<
            source: data
            target: /data
            tmpfs: #<
              size: 1000 #<
        """, MOUNT_TOP, "volume with tmpfs options"),
    ("mount-tmpfs-source", """
        volumes:
          - type: tmpfs #<
            source: /srv #<
            target: /data
        """, "", "tmpfs with a source"),
    ("mount-tmpfs-bind-opts", """
        volumes:
          - type: tmpfs #<
            target: /data
            bind: #<
              propagation: shared #<
        """, "", "tmpfs with bind options"),
    ("mount-tmpfs-volume-opts", """
        volumes:
          - type: tmpfs #<
            target: /data
            volume: #<
              nocopy: true #<
        """, "", "tmpfs with volume options"),
    ("mount-bind-no-source", """
        volumes:
          - type: bind #<
            target: /data #<
        """, "", "bind without a source"),
    ("mount-npipe-no-source", """
        volumes:
          - type: npipe #<
            target: /data #<
        """, "", "npipe without a source"),
    ("mount-type-unknown", """
        volumes:
          - type: disk #<
            source: /srv
            target: /data
        """, "", "unknown mount type"),
    ("mount-type-uppercase", """
        volumes:
          - type: BIND #<
            source: /srv
            target: /data
        """, "", "mount type in upper case (the CLI compares exactly)"),
    ("mount-type-image", """
        volumes:
          - type: image #<
            source: probe:1
            target: /data
        """, "", "image mount (refused by a 20.10 engine)"),
    ("mount-type-cluster", """
        volumes:
          - type: cluster #<
            source: data
            target: /data
        """, MOUNT_TOP, "cluster volume mount (refused by a 20.10 engine)"),
    ("mount-bind-propagation-bad", """
        volumes:
          - type: bind
            source: /srv
            target: /data
            bind:
              propagation: rshare #<
        """, "", "bind propagation that does not exist"),
    ("mount-bind-propagation-private-typo", """
        volumes:
          - type: bind
            source: /srv
            target: /data
            bind:
              propagation: privat #<
        """, "", "bind propagation typo"),
]:
    add(case(DAEMON if "propagation" in name or name in ("mount-type-image", "mount-type-cluster") else CLI,
             name, desc, body, top))
for name, body, top, desc in [
    ("mount-bind-propagation-upper", """
        volumes:
          - type: bind
            source: /srv
            target: /data
            bind:
              propagation: RPRIVATE
        """, "", "bind propagation in upper case (the daemon upper-cases it)"),
    ("mount-bind-propagation-ok", """
        volumes:
          - type: bind
            source: /srv
            target: /data
            bind:
              propagation: rprivate
        """, "", "a valid bind propagation"),
    ("mount-volume-nocopy", """
        volumes:
          - type: volume
            source: data
            target: /data
            volume:
              nocopy: true
        """, MOUNT_TOP, "volume with its own options"),
    ("mount-tmpfs-size", """
        volumes:
          - type: tmpfs
            target: /data
            tmpfs:
              size: 1048576
        """, "", "tmpfs with its own options"),
    ("mount-volume-anonymous", """
        volumes:
          - type: volume
            target: /data
        """, "", "anonymous volume (no source)"),
    ("mount-short-propagation-typo", """
        volumes:
          - /srv:/data:rshare
        """, "", "short syntax drops unknown options (silently ignored)"),
    ("mount-bind-consistency", """
        volumes:
          - type: bind
            source: /srv
            target: /data
            consistency: whatever
        """, "", "consistency is passed through and ignored on Linux"),
]:
    add(case(CONTROL, name, desc, body, top))

# ---- secret / config targets (CLI ParseSecrets/ParseConfigs, swarmkit) ----
SECRETS_TOP = """
secrets:
  a:
    file: ./a.txt
  b:
    file: ./b.txt
"""
CONFIGS_TOP = """
configs:
  a:
    file: ./a.txt
  b:
    file: ./b.txt
"""
FILES = ("# files: a.txt=alpha;b.txt=beta",)
for name, body, top, desc in [
    ("secret-target-duplicate", """
        secrets:
          - source: a
            target: x
          - source: b
            target: x #<
        """, SECRETS_TOP, "two secrets with one target"),
    ("secret-target-default-collision", """
        secrets:
          - a
          - source: b
            target: a #<
        """, SECRETS_TOP, "a target equal to another secret's default target"),
    ("secret-same-source-twice", """
        secrets:
          - a
          - a #<
        """, SECRETS_TOP, "the same secret twice"),
    ("config-target-duplicate", """
        configs:
          - source: a
            target: /etc/x
          - source: b
            target: /etc/x #<
        """, CONFIGS_TOP, "two configs with one target"),
    ("config-target-default-collision", """
        configs:
          - a
          - source: b
            target: /a #<
        """, CONFIGS_TOP, "a config target equal to another config's default target"),
    ("config-same-source-twice", """
        configs:
          - a
          - a #<
        """, CONFIGS_TOP, "the same config twice"),
]:
    add(case(CLI, name, desc, body, top, headers=FILES))
for name, body, top, desc in [
    ("secret-targets-distinct", """
        secrets:
          - source: a
            target: x
          - source: b
            target: y
        """, SECRETS_TOP, "two secrets, two targets"),
    ("secret-target-absolute-vs-relative", """
        secrets:
          - source: a
            target: x
          - source: b
            target: /run/secrets/x
        """, SECRETS_TOP, "targets that differ as strings but name one file"),
    ("secret-config-same-target", """
        secrets:
          - source: a
            target: /etc/x
        configs:
          - source: b
            target: /etc/x
        """, SECRETS_TOP + CONFIGS_TOP.replace("configs:\n  a:\n    file: ./a.txt\n", "configs:\n"),
     "a secret and a config with the same target (checked per kind)"),
    ("config-targets-distinct", """
        configs:
          - a
          - source: b
            target: /etc/b
        """, CONFIGS_TOP, "two configs, two targets"),
]:
    add(case(CONTROL, name, desc, body, top, headers=FILES))

# ---- legacy restart (CLI convertRestartPolicy, opts.ParseRestartPolicy) ----
for name, value, desc in [
    ("restart-unknown", "sometimes", "an unknown restart value"),
    ("restart-count-alpha", "'on-failure:x'", "a retry count that is not a number"),
    ("restart-no-policy", "':3'", "a count with no policy"),
    ("restart-always-count", "'always:3'", "a count on always"),
    ("restart-uppercase", "Always", "an upper-case restart value"),
    ("restart-on-failure-empty-count", "'on-failure:'", "an empty retry count"),
    ("restart-unless-stopped-count", "'unless-stopped:2'", "a count on unless-stopped"),
    ("restart-no-count", "'no:1'", "a count on no"),
    ("restart-on-failure-negative", "'on-failure:-1'", "a negative retry count"),
    ("restart-on-failure-two-colons", "'on-failure:1:2'", "two colons"),
]:
    add(case(RESTART, name, desc, f"restart: {value} #<"))
for name, value, desc in [
    ("restart-always", "always", "restart: always"),
    ("restart-unless-stopped", "unless-stopped", "restart: unless-stopped"),
    ("restart-no", "'no'", "restart: no"),
    ("restart-on-failure", "on-failure", "restart: on-failure"),
    ("restart-on-failure-count", "'on-failure:3'", "restart: on-failure with a count"),
]:
    add(case(CONTROL, name, desc, f"restart: {value}"))
add(case(CONTROL, "restart-overridden-by-policy", "restart_policy wins over an invalid restart", """
    restart: sometimes
    deploy:
      restart_policy:
        condition: on-failure
    """))

# ---- daemon conversion: restart condition, failure actions, endpoint mode ----
for name, value in [("always", "always"), ("unless-stopped", "unless-stopped"), ("on_failure", "on_failure"),
                    ("upper-any", "Any"), ("no", "'no'"), ("empty", "''")]:
    add(case(DAEMON, f"restart-condition-{name}", f"restart_policy.condition: {value}", f"""
        deploy:
          restart_policy:
            condition: {value} #<
        """))
for value in ("none", "on-failure", "any"):
    add(case(CONTROL, f"restart-condition-{value}", f"restart_policy.condition: {value}", f"""
        deploy:
          restart_policy:
            condition: {value}
        """))
for section in ("update_config", "rollback_config"):
    short = section.split("_")[0]
    for value in ("stop", "Pause", "ROLLBACK", "abort"):
        add(case(DAEMON, f"{short}-failure-action-{value.lower()}-{'upper' if value[0].isupper() else 'x'}",
                 f"{section}.failure_action: {value}", f"""
            deploy:
              {section}:
                failure_action: {value} #<
            """))
    for value in ("pause", "continue", "rollback"):
        add(case(CONTROL, f"{short}-failure-action-{value}", f"{section}.failure_action: {value}", f"""
            deploy:
              {section}:
                failure_action: {value}
            """))
for value in ("roundrobin", "rr", "vip2", "dns"):
    add(case(DAEMON, f"endpoint-mode-{value}", f"endpoint_mode: {value}", f"""
        deploy:
          endpoint_mode: {value} #<
        """))
for value, desc in [("DNSRR", "upper case (the CLI lower-cases it)"), ("VIP", "upper case"), ("vip", "the default"),
                    ("dnsrr", "DNS round robin")]:
    add(case(CONTROL, f"endpoint-mode-{value.lower()}{'-upper' if value.isupper() else ''}", f"endpoint_mode: {desc}", f"""
        deploy:
          endpoint_mode: {value}
        """))

# ---- swarmkit validateServiceSpec and helpers ----
for path, key, value, desc in [
    ("restart_policy", "delay", "-1s", "negative restart delay"),
    ("restart_policy", "window", "-5s", "negative restart window"),
    ("update_config", "delay", "-1s", "negative update delay"),
    ("update_config", "monitor", "-1s", "negative update monitor"),
    ("update_config", "max_failure_ratio", "1.5", "update max_failure_ratio above 1"),
    ("update_config", "max_failure_ratio", "-0.1", "update max_failure_ratio below 0"),
    ("update_config", "delay", "-1ns", "update delay of minus one nanosecond"),
]:
    add(case(SPEC, f"{path.split('_')[0]}-{key.replace('_', '-')}-{value.replace('.', '_')}", desc, f"""
        deploy:
          {path}:
            {key}: {value} #<
        """))
for path, key, value, desc in [
    ("rollback_config", "delay", "-1s", "negative rollback delay (swarmkit does not validate rollback)"),
    ("rollback_config", "monitor", "-1s", "negative rollback monitor"),
    ("rollback_config", "max_failure_ratio", "2", "rollback max_failure_ratio 2"),
    ("update_config", "max_failure_ratio", "1", "update max_failure_ratio 1"),
    ("update_config", "max_failure_ratio", "0", "update max_failure_ratio 0"),
    ("update_config", "delay", "0s", "zero update delay"),
    ("restart_policy", "delay", "0s", "zero restart delay"),
    ("restart_policy", "window", "1ns", "tiny restart window"),
]:
    add(case(CONTROL, f"{path.split('_')[0]}-{key.replace('_', '-')}-{value.replace('-', 'minus').replace('.', '_')}", desc, f"""
        deploy:
          {path}:
            {key}: {value}
        """))
add(case(CONTROL, "stop-grace-negative", "stop_grace_period: -1s (not validated)", "stop_grace_period: -1s"))

for key, value, desc in [
    ("interval", "500us", "healthcheck interval under 1ms"),
    ("timeout", "1us", "healthcheck timeout under 1ms"),
    ("start_period", "999us", "healthcheck start_period under 1ms"),
    ("interval", "-1s", "negative healthcheck interval"),
    ("timeout", "-1ms", "negative healthcheck timeout"),
]:
    add(case(SPEC, f"healthcheck-{key.replace('_', '-')}-{value.replace('-', 'minus')}", desc, f"""
        healthcheck:
          test: ["NONE"]
          {key}: {value} #<
        """))
for key, value, desc in [
    ("interval", "1ms", "healthcheck interval of exactly 1ms"),
    ("timeout", "0s", "healthcheck timeout zero (the default)"),
    ("start_period", "1ms", "healthcheck start_period of exactly 1ms"),
]:
    add(case(CONTROL, f"healthcheck-{key.replace('_', '-')}-{value}", desc, f"""
        healthcheck:
          test: ["NONE"]
          {key}: {value}
        """))

for where, key, value, desc in [
    ("limits", "cpus", "'0.0001'", "cpu limit under 0.001"),
    ("reservations", "cpus", "'0.0005'", "cpu reservation under 0.001"),
    ("limits", "cpus", "'1/10000'", "cpu limit as a rational under 0.001"),
    ("limits", "memory", "1m", "memory limit under 4MiB"),
    ("limits", "memory", "4194303b", "memory limit one byte under 4MiB"),
    ("reservations", "memory", "2m", "memory reservation under 4MiB"),
    ("reservations", "memory", "1k", "memory reservation of 1KiB"),
    ("limits", "cpus", "'0.001'", "cpu limit of 0.001: a CFS quota of 100us, under the kernel's 1ms"),
    ("limits", "cpus", "'0.0099'", "cpu limit just under 0.01 (the kernel's 1ms CFS quota)"),
]:
    add(case(SPEC, f"{where}-{key}-{value.strip(chr(39)).replace('/', '-over-').replace('.', '_')}", desc, f"""
        deploy:
          resources:
            {where}:
              {key}: {value} #<
        """))
for where, key, value, desc in [
    ("reservations", "cpus", "'0.001'", "cpu reservation of exactly 0.001"),
    ("limits", "cpus", "'0'", "cpu limit zero (unset)"),
    ("limits", "cpus", "'0.01'", "cpu limit of 0.01: a CFS quota of exactly 1ms"),
    ("reservations", "memory", "4m", "memory reservation of exactly 4MiB"),
    ("limits", "memory", "6m", "memory limit of 6MiB"),
    ("limits", "memory", "'0'", "memory limit zero (unset)"),
]:
    add(case(CONTROL, f"{where}-{key}-{value.strip(chr(39)).replace('.', '_')}", desc, f"""
        deploy:
          resources:
            {where}:
              {key}: {value}
        """))

# duplicate mount targets
for name, body, top, desc in [
    ("mount-target-duplicate", """
        volumes:
          - /srv:/data
          - data:/data #<
        """, MOUNT_TOP, "two mounts on one target"),
    ("mount-target-duplicate-long", """
        volumes:
          - type: tmpfs
            target: /data
          - type: bind
            source: /srv
            target: /data #<
        """, "", "tmpfs and bind on one target"),
    ("mount-target-duplicate-anonymous", """
        volumes:
          - /data
          - /srv:/data #<
        """, "", "anonymous volume and bind on one target"),
    ("mount-target-trailing-slash", """
        volumes:
          - /srv:/data
          - data:/data/ #<
        """, MOUNT_TOP, "targets that differ only by a trailing slash (swarmkit passes them, the node refuses)"),
    ("mount-target-dot-segment", """
        volumes:
          - type: tmpfs
            target: /data
          - type: tmpfs
            target: /data/./ #<
        """, "", "targets that are one path once cleaned"),
]:
    add(case(SPEC, name, desc, body, top))
for name, body, top, desc in [
    ("mount-target-service-tmpfs", """
        tmpfs: /data
        volumes:
          - /srv:/data
        """, "", "service-level tmpfs is ignored by stack deploy"),
    ("mount-target-nested", """
        volumes:
          - /srv:/data
          - data:/data/sub
        """, MOUNT_TOP, "nested targets"),
]:
    add(case(CONTROL, name, desc, body, top))

# duplicate published ports
for name, ports, desc in [
    ("ports-duplicate-published", ['"18080:80"', '"18080:81" #<'], "one published port twice"),
    ("ports-duplicate-identical", ['"18080:80"', '"18080:80" #<'], "the same port mapping twice"),
    ("ports-range-overlap", ['"18080-18082:80-82"', '"18081:90" #<'], "a port inside a published range"),
    ("ports-ranges-overlap", ['"18080-18082:80-82"', '"18082-18083:90-91" #<'], "two overlapping ranges"),
    ("ports-udp-duplicate", ['"18080:80/udp"', '"18080:81/udp" #<'], "one published UDP port twice"),
    ("ports-host-ingress-same", ["- target: 80\n  published: 18080\n  mode: host",
                                 "- target: 81 #<\n  published: 18080 #<"], "host and ingress on one published port"),
    ("ports-long-short-same", ["- target: 80\n  published: 18080", '"18080:81" #<'],
     "long and short syntax on one published port"),
]:
    items = [p if p.startswith("- ") else f"- {p}" for p in ports]
    add(case(SPEC, name, desc, "ports:\n" + "\n".join("  " + i.replace("\n", "\n  ") for i in items)))
for name, ports, desc in [
    ("ports-tcp-udp", ['"18080:80/tcp"', '"18080:80/udp"'], "one port for TCP and UDP"),
    ("ports-unpublished-twice", ['"80"', '"81"'], "container ports without published ports"),
    ("ports-ranges-adjacent", ['"18080-18081:80-81"', '"18082:82"'], "adjacent ranges"),
    ("ports-mode-unknown", ["- target: 80\n  published: 18080\n  mode: hots"], "unknown port mode (becomes ingress)"),
]:
    items = [p if p.startswith("- ") else f"- {p}" for p in ports]
    add(case(CONTROL, name, desc, "ports:\n" + "\n".join("  " + i.replace("\n", "\n  ") for i in items)))

# dnsrr with ingress ports
add(case(SPEC, "dnsrr-ingress-port", "dnsrr with an ingress port", """
    ports:
      - "18080:80" #<
    deploy:
      endpoint_mode: dnsrr #<
    """))
add(case(SPEC, "dnsrr-unpublished-port", "dnsrr with a container port and no published port (still ingress)", """
    ports:
      - "80" #<
    deploy:
      endpoint_mode: dnsrr #<
    """))
add(case(CONTROL, "dnsrr-host-port", "dnsrr with a host-mode port", """
    ports:
      - target: 80
        published: 18080
        mode: host
    deploy:
      endpoint_mode: dnsrr
    """))

# jobs
for mode in ("replicated-job", "global-job"):
    add(case(SPEC, f"{mode}-update-config", f"{mode} with update_config", f"""
        deploy:
          mode: {mode}
          update_config: #<
            parallelism: 1 #<
        """))
    add(case(CONTROL, f"{mode}-plain", f"{mode} without update_config", f"""
        deploy:
          mode: {mode}
        """))
add(case(CONTROL, "replicated-job-rollback-config", "replicated-job with rollback_config (not checked)", """
    deploy:
      mode: replicated-job
      rollback_config:
        parallelism: 1
    """))
add(case(SPEC, "replicated-job-empty-update-config", "replicated-job with an empty update_config", """
    deploy:
      mode: replicated-job
      update_config: {} #<
    """))

# Go templates
for name, field, value, desc in [
    ("template-hostname-field", "hostname", "'{{.Node.Nmae}}'", "unknown field in hostname"),
    ("template-hostname-func", "hostname", "'{{upper .Node.Hostname}}'", "unknown function in hostname"),
    ("template-hostname-unclosed", "hostname", "'{{.Node.Hostname'", "unclosed action in hostname"),
    ("template-hostname-task-field", "hostname", "'x-{{.Task.Number}}'", "unknown Task field"),
    ("template-hostname-service-field", "hostname", "'{{.Service.Mode}}'", "unknown Service field"),
    ("template-hostname-platform", "hostname", "'{{.Node.Platform.Kernel}}'", "unknown Platform field"),
    ("template-hostname-root", "hostname", "'{{.Stack}}'", "unknown top-level field"),
]:
    add(case(SPEC, name, desc, f"{field}: {value} #<"))
for name, body, desc in [
    ("template-env-field", "environment:\n  NODE: '{{.Node.Nmae}}' #<", "unknown field in an environment value"),
    ("template-env-list", "environment:\n  - 'SLOT={{.Task.Slott}}' #<", "unknown field in a list environment entry"),
    ("template-mount-target", "volumes:\n  - type: tmpfs\n    target: '/data/{{.Task.Nmae}}' #<", "unknown field in a mount target"),
    ("template-mount-source", "volumes:\n  - type: bind\n    source: '/srv/{{.Node.Nmae}}' #<\n    target: /data", "unknown field in a bind source"),
]:
    add(case(SPEC, name, desc, body))
for name, body, desc in [
    ("template-hostname-ok", "hostname: '{{.Node.Hostname}}-{{.Task.Slot}}'", "known fields in hostname"),
    ("template-env-ok", "environment:\n  NODE: '{{.Node.ID}}'\n  SVC: '{{.Service.Name}}'\n  OS: '{{.Node.Platform.OS}}'", "known fields in env"),
    ("template-env-func", "environment:\n  X: '{{printf \"%s\" .Node.ID}}'", "printf is one of Go's builtins"),
    ("template-env-key", "environment:\n  '{{.Node.Nmae}}': x", "templates in an environment key are not expanded"),
    ("template-labels-not-expanded", "labels:\n  x: '{{.Node.Nmae}}'", "container labels are not expanded"),
    ("template-mount-target-ok", "volumes:\n  - type: tmpfs\n    target: '/data/{{.Task.Slot}}'", "known field in a mount target"),
    ("template-command-not-expanded", "command: ['/probe', '{{.Node.Nmae}}']", "command is not expanded"),
    ("template-service-labels", "hostname: '{{index .Service.Labels \"com.docker.stack.namespace\"}}'", "index on Service.Labels"),
]:
    add(case(CONTROL, name, desc, body))

# names (api/naming, controlapi validateAnnotations / secret and config names)
add(case(SPEC, "service-name-dot", "service key with a dot", service="web.api #<", image="probe:1"))
add(case(SPEC, "service-name-trailing-dash", "service key ending in a dash", service="web- #<"))
add(case(SPEC, "service-name-trailing-underscore", "service key ending in an underscore", service="web_ #<"))
add(case(SPEC, "service-name-64", "stack + service name of 64 characters", service="w" * 61 + " #<"))
add(case(CONTROL, "service-name-63", "stack + service name of 63 characters", service="w" * 60))
add(case(CONTROL, "service-name-dashes", "service key with inner dashes and underscores", service="web--a__b"))
for name, key, extra, desc in [
    ("network-name-dot", "my.net", "", "stack network key with a dot"),
    ("network-name-trailing-dash", "net-", "", "stack network key ending in a dash"),
    ("network-name-64", "n" * 61, "", "stack + network name of 64 characters"),
    ("network-explicit-name-dot", "back", "    name: my.net #<", "network name: with a dot"),
    ("network-explicit-name-long", "back", "    name: " + "n" * 64 + " #<", "network name: of 64 characters"),
]:
    mark = "" if extra else " #<"
    add(case(SPEC, name, desc, f"networks:\n  - {key}", f"networks:\n  {key}:{mark}\n" + (extra + "\n" if extra else "")))
for reserved in ("ingress", "host", "bridge", "none", "default", "docker_gwbridge"):
    add(case(SPEC, f"network-explicit-name-{reserved}", f"a stack network named {reserved}", "networks:\n  - back",
             f"networks:\n  back:\n    name: {reserved} #<\n"))
add(case(CONTROL, "network-key-ingress", "a stack network whose key is ingress (created as STACK_ingress)",
         "networks:\n  - ingress", "networks:\n  ingress:\n"))
add(case(CONTROL, "network-name-63", "stack + network name of 63 characters", f"networks:\n  - {'n' * 60}", f"networks:\n  {'n' * 60}:\n"))
add(case(CONTROL, "network-explicit-name-ok", "network name: that is a DNS label", "networks:\n  - back", "networks:\n  back:\n    name: plain-net_1\n"))
for kind, folder in (("secret", "secrets"), ("config", "configs")):
    for name, key, extra, desc in [
        (f"{kind}-name-trailing-dot", "a.", "", f"{kind} key ending in a dot"),
        (f"{kind}-name-trailing-dash", "a-", "", f"{kind} key ending in a dash"),
        (f"{kind}-name-65", "s" * 62, "", f"stack + {kind} name of 65 characters"),
        (f"{kind}-explicit-name-underscore-start", "a", "    name: _x #<", f"{kind} name: starting with an underscore"),
        (f"{kind}-explicit-name-space", "a", "    name: 'x y' #<", f"{kind} name: with a space"),
    ]:
        mark = "" if extra else " #<"
        add(case(SPEC, name, desc, "", f"{folder}:\n  {key}:{mark}\n    file: ./a.txt\n" + (extra + "\n" if extra else ""),
                 headers=("# files: a.txt=alpha",)))
    for name, key, extra, desc in [
        (f"{kind}-name-64", "s" * 61, "", f"stack + {kind} name of 64 characters"),
        (f"{kind}-name-dots", "a.b-c_d", "", f"{kind} key with dots, dashes and underscores inside"),
        (f"{kind}-explicit-name-ok", "a", "    name: Plain.Name-1", f"{kind} name: with dots and capitals"),
    ]:
        add(case(CONTROL, name, desc, "", f"{folder}:\n  {key}:\n    file: ./a.txt\n" + (extra + "\n" if extra else ""),
                 headers=("# files: a.txt=alpha",)))

# ---- external objects, looked up by `name:` (else the key) while deploying; linted with an
# inventory of the test Swarm (`# inventory: swarm`), the only way to know what exists ----
INVENTORY = "# inventory: swarm"
for kind, folder in (("secret", "secrets"), ("config", "configs")):
    ref = f"{folder}:\n  - s"
    for name, decl, objects, klass, desc in [
        (f"external-{kind}-name-missing", "s: #<\n    external: true\n    name: real_x #<", "", CLI,
         f"external {kind} looked up by its name:, absent"),
        (f"external-{kind}-key-missing", "s: #<\n    external: true", "", CLI, f"external {kind} looked up by its key, absent"),
        (f"external-{kind}-name-present", "s:\n    external: true\n    name: real_x", f"{kind}:real_x", CONTROL,
         f"external {kind} looked up by its name:, present"),
        (f"external-{kind}-legacy-name-present", "s:\n    external:\n      name: real_x", f"{kind}:real_x", CONTROL,
         f"external {kind} with the legacy external.name, present"),
    ]:
        headers = (INVENTORY,) + ((f"# objects: {objects}",) if objects else ())
        version = "3.4" if "legacy" in name else "3.13"
        add(case(klass, name, desc, ref, f"{folder}:\n  {decl}", headers=headers, version=version))
    add(case(CONTROL, f"external-{kind}-unused-missing", f"an unused external {kind} is not looked up",
             "", f"{folder}:\n  s:\n    external: true\n    name: real_x", headers=(INVENTORY,)))
for name, decl, objects, klass, desc in [
    ("external-network-name-missing", "n: #<\n    external: true\n    name: real_net #<", "", CLI,
     "external network looked up by its name:, absent"),
    # a key that cannot be the prefix of a network ID: NetworkInspect also matches ID prefixes
    ("external-network-key-missing", "missing-net: #<\n    external: true", "", CLI,
     "external network looked up by its key, absent"),
    ("external-network-local-scope", "n: #<\n    external: true\n    name: real_local #<", "network:real_local:bridge", CLI,
     "external network that exists, but only on the node (bridge)"),
    ("external-network-name-present", "n:\n    external: true\n    name: real_net", "network:real_net", CONTROL,
     "external network looked up by its name:, present"),
]:
    headers = (INVENTORY,) + ((f"# objects: {objects}",) if objects else ())
    ref = "missing-net" if "key-missing" in name else "n"
    add(case(klass, name, desc, f"networks:\n  - {ref}", f"networks:\n  {decl}", headers=headers))
add(case(CONTROL, "external-network-unused-missing", "an unused external network is not looked up",
         "", "networks:\n  n:\n    external: true\n    name: real_net", headers=(INVENTORY,)))


def main() -> int:
    written = set()
    for c in CASE_LIST:
        text, mutated = render(c)
        if (c["klass"] == CONTROL) == bool(mutated):
            raise SystemExit(f"{c['name']}: controls (only) have no mutated line")
        path = CASES / c["klass"] / f"{c['name']}.yml"
        if path in written:
            raise SystemExit(f"{c['name']}: two cases with one name")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.add(path)
    for path in CASES.glob("*/*.yml"):
        if path not in written and TAG in path.read_text(encoding="utf-8"):
            path.unlink()
    print(f"{len(written)} cases written")
    return 0


if __name__ == "__main__":
    sys.exit(main())

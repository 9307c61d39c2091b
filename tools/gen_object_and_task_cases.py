#!/usr/bin/env python3
"""Writes the deploy cases of the classes object-creation, never-schedules and task-fails, and
their controls (control/obj-*, control/sched-*, control/task-*), into tests/deploy_cases.

    python3 tools/gen_object_and_task_cases.py && python3 tools/deploy_oracle.py --only ...

A body line ending in `#M` is a mutated line: the marker is dropped and the line number goes
into the `# mutated:` header. Docker's answers come from tools/deploy_oracle.py, never from here.
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "deploy_cases"
HEAD = 'version: "3.8"\nservices:\n  web:\n    image: probe:1\n'
n = 0
def case(klass, cid, desc, body, files="", full=False, wait=""):
    global n
    body = body.strip("\n")
    text = (body if full else HEAD + body).rstrip("\n") + "\n"
    headers = [f"# class: {klass}", "# mutated: X"]
    if files: headers.append(f"# files: {files}")
    if wait: headers.append(f"# wait: {wait}")
    headers.append(f"# desc: {desc}")
    lines = text.splitlines()
    mutated = [i + 1 + len(headers) for i, l in enumerate(lines) if l.rstrip().endswith("#M")]
    lines = [l.rstrip()[:-2].rstrip() if l.rstrip().endswith("#M") else l for l in lines]
    if klass != "control":
        assert mutated, cid
    else:
        assert not mutated, cid
    headers[1] = "# mutated: " + ",".join(map(str, mutated)) if mutated else "# mutated:"
    p = ROOT / klass / f"{cid}.yml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("\n".join(headers + lines) + "\n")
    n += 1

OC, NS, TF, CT = "object-creation", "never-schedules", "task-fails", "control"
# ---------------- object creation: secrets/configs
for kind, limit in (("secrets", 512000), ("configs", 1024000)):
    k = kind[:-1]
    use = f"    {kind}: [x]\n"
    case(OC, f"{k}-empty-file", f"an empty {k} file", use + f"{kind}:\n  x:\n    file: ./x.txt  #M\n", files="x.txt=")
    case(OC, f"{k}-at-limit", f"{k} file of exactly {limit} bytes", use + f"{kind}:\n  x:\n    file: ./x.txt  #M\n", files=f"x.txt=@bytes:{limit}")
    case(OC, f"{k}-over-limit", f"{k} file above the limit", use + f"{kind}:\n  x:\n    file: ./x.txt  #M\n", files=f"x.txt=@bytes:{limit + 4096}")
    case(OC, f"{k}-unused-empty", f"an unused {k} with an empty file is still created", f"{kind}:\n  x:\n    file: ./x.txt  #M\n", files="x.txt=")
    case(CT, f"obj-{k}-below-limit", f"{k} file one byte under the limit", use + f"{kind}:\n  x:\n    file: ./x.txt\n", files=f"x.txt=@bytes:{limit - 1}")
    case(CT, f"obj-{k}-one-byte", f"{k} file of one byte", use + f"{kind}:\n  x:\n    file: ./x.txt\n", files="x.txt=a")
    case(OC, f"{k}-name-space", f"{k} name with a space", use + f"{kind}:\n  x:\n    file: ./x.txt\n    name: \"my {k}\"  #M\n", files="x.txt=a")
    case(OC, f"{k}-name-trailing-dot", f"{k} name ending in a dot", use + f"{kind}:\n  x:\n    file: ./x.txt\n    name: app.{k}.  #M\n", files="x.txt=a")
    case(OC, f"{k}-name-65", f"{k} name of 65 characters", use + f"{kind}:\n  x:\n    file: ./x.txt\n    name: {'a' * 65}  #M\n", files="x.txt=a")
    case(CT, f"obj-{k}-name-64", f"{k} name of 64 characters", use + f"{kind}:\n  x:\n    file: ./x.txt\n    name: {'a' * 64}\n", files="x.txt=a")
    case(CT, f"obj-{k}-name-dots", f"{k} name with dots inside", use + f"{kind}:\n  x:\n    file: ./x.txt\n    name: app.{k}.v2\n", files="x.txt=a")
    case(OC, f"{k}-key-long", f"{k} key making st_<key> 65 characters", f"    {kind}: [{'k' * 62}]\n{kind}:\n  {'k' * 62}:  #M\n    file: ./x.txt\n", files="x.txt=a")
    case(CT, f"obj-{k}-key-64", f"{k} key making st_<key> 64 characters", f"    {kind}: [{'k' * 61}]\n{kind}:\n  {'k' * 61}:\n    file: ./x.txt\n", files="x.txt=a")
    case(CT, f"obj-{k}-reserved-label", f"{k} with the stack namespace label set by hand (the CLI overrides it)", use + f"{kind}:\n  x:\n    file: ./x.txt\n    labels:\n      com.docker.stack.namespace: other\n", files="x.txt=a")
    case(TF, f"{k}-template-jinja", f"{k} with an unknown template driver, used", use + f"{kind}:\n  x:\n    file: ./x.txt\n    template_driver: jinja  #M\n", files="x.txt=a")
    case(CT, f"obj-{k}-template-golang", f"{k} with the golang template driver", use + f"{kind}:\n  x:\n    file: ./x.txt\n    template_driver: golang\n", files="x.txt={{ .Service.Name }}")
    case(CT, f"obj-{k}-template-unused", f"unused {k} with an unknown template driver", f"{kind}:\n  x:\n    file: ./x.txt\n    template_driver: jinja\n", files="x.txt=a")
    case(TF, f"{k}-uid-name", f"{k} reference with uid as a user name", f"    {kind}:\n      - source: x\n        uid: nobody  #M\n{kind}:\n  x:\n    file: ./x.txt\n", files="x.txt=a")
    case(TF, f"{k}-gid-name", f"{k} reference with gid as a group name", f"    {kind}:\n      - source: x\n        gid: staff  #M\n{kind}:\n  x:\n    file: ./x.txt\n", files="x.txt=a")
    case(CT, f"obj-{k}-uid-number", f"{k} reference with numeric uid and gid", f"    {kind}:\n      - source: x\n        uid: \"1000\"\n        gid: \"1000\"\n{kind}:\n  x:\n    file: ./x.txt\n", files="x.txt=a")
case(CT, "obj-secret-reserved-label-web", "service and container labels named like Swarm's own",
     "    labels:\n      com.docker.swarm.service.name: x\n    deploy:\n      labels:\n        com.docker.stack.namespace: other\n")
# ---------------- object creation: networks
NET = "    networks: [n]\nnetworks:\n  n:\n"
for drv in ("bridge", "host", "macvlan", "ipvlan", "Overlay", "overlay2"):
    case(OC, "network-driver-" + ("overlay-capitalised" if drv == "Overlay" else drv), f"stack network with driver {drv}", NET + f"    driver: {drv}  #M\n")
case(OC, "network-driver-null", "stack network with driver null", NET + '    driver: "null"  #M\n')
case(CT, "obj-network-driver-bridge-unused", "an unused bridge network is never created", "networks:\n  n:\n    driver: bridge\n")
case(CT, "obj-network-driver-overlay", "explicit overlay driver", NET + "    driver: overlay\n")
case(CT, "obj-network-external-host", "external host network (how to get host networking)", "    networks: [hostnet]\nnetworks:\n  hostnet:\n    external: true\n    name: host\n")
case(OC, "network-subnet-octet", "subnet with an octet above 255", NET + "    ipam:\n      config:\n        - subnet: 10.300.0.0/24  #M\n")
case(OC, "network-subnet-no-prefix", "subnet without a prefix length", NET + "    ipam:\n      config:\n        - subnet: 10.61.0.0  #M\n")
case(OC, "network-subnet-prefix-33", "IPv4 prefix length 33", NET + "    ipam:\n      config:\n        - subnet: 10.62.0.0/33  #M\n")
case(OC, "network-subnet-word", "subnet that is a word", NET + "    ipam:\n      config:\n        - subnet: auto  #M\n")
case(CT, "obj-network-subnet-hostbits", "subnet with host bits set (accepted)", NET + "    ipam:\n      config:\n        - subnet: 10.63.0.5/24\n")
case(CT, "obj-network-subnet-ok", "plain /24 subnet", NET + "    ipam:\n      config:\n        - subnet: 10.64.0.0/24\n")
case(CT, "obj-network-subnet-unused-bad", "bad subnet on an unused network (never created)", "networks:\n  n:\n    ipam:\n      config:\n        - subnet: 10.300.0.0/24\n")
case(NS, "network-subnets-overlap-two", "two stack networks with overlapping subnets",
     "    networks: [a, b]\nnetworks:\n  a:\n    ipam:\n      config: [{subnet: 10.65.0.0/16}]\n  b:\n    ipam:\n      config: [{subnet: 10.65.1.0/24}]  #M\n")
case(NS, "network-subnets-overlap-same", "one network with two overlapping subnets",
     NET + "    ipam:\n      config:\n        - subnet: 10.66.0.0/16\n        - subnet: 10.66.1.0/24  #M\n")
case(NS, "network-subnets-equal", "two stack networks with the same subnet",
     "    networks: [a, b]\nnetworks:\n  a:\n    ipam:\n      config: [{subnet: 10.67.0.0/24}]\n  b:\n    ipam:\n      config: [{subnet: 10.67.0.0/24}]  #M\n")
case(CT, "obj-network-subnets-adjacent", "two adjacent subnets",
     "    networks: [a, b]\nnetworks:\n  a:\n    ipam:\n      config: [{subnet: 10.68.0.0/24}]\n  b:\n    ipam:\n      config: [{subnet: 10.68.1.0/24}]\n")
case(OC, "network-name-dot", "network name with a dot", NET + "    name: my.net  #M\n")
case(OC, "network-name-64", "network name of 64 characters", NET + f"    name: {'n' * 64}  #M\n")
case(OC, "network-name-trailing-dash", "network name ending in a dash", NET + "    name: backend-  #M\n")
case(CT, "obj-network-name-63", "network name of 63 characters", NET + f"    name: {'n' * 63}\n")
case(CT, "obj-network-name-underscore", "network name with underscores and dashes", NET + "    name: my_back-end\n")
case(OC, "network-key-dot", "network key with a dot (st_my.net)", "    networks: [my.net]\nnetworks:\n  my.net:  #M\n")
case(OC, "network-key-long", "network key making st_<key> 64 characters", f"    networks: [{'k' * 61}]\nnetworks:\n  {'k' * 61}:  #M\n")
case(CT, "obj-network-key-62", "network key making st_<key> 63 characters", f"    networks: [{'k' * 60}]\nnetworks:\n  {'k' * 60}:\n")
case(OC, "network-ingress-external", "external ingress network attached", "    networks: [ingress]  #M\nnetworks:\n  ingress:\n    external: true\n")
case(OC, "network-ingress-named", "external network named ingress under another key", "    networks:\n      mesh:  #M\nnetworks:\n  mesh:\n    external: true\n    name: ingress\n")
case(CT, "obj-network-ingress-ports", "published ports use ingress without attaching it", '    ports: ["8081:80"]\n')
case(CT, "obj-network-labels-namespace", "network labels with the namespace label set by hand", NET + "    labels:\n      com.docker.stack.namespace: other\n")
# ---------------- never schedules
for drv in ("jsonfile", "json_file", "syslogs", "Json-File"):
    case(NS, "log-driver-" + {"jsonfile": "jsonfile", "json_file": "json-underscore-file", "syslogs": "syslogs", "Json-File": "json-file-capitalised"}[drv], f"log driver {drv}", f"    logging:\n      driver: {drv}  #M\n")
for drv in ("json-file", "local", "none", "syslog"):
    case(CT, f"sched-log-driver-{drv}", f"built-in log driver {drv}", f"    logging:\n      driver: {drv}\n" + (
        "      options:\n        syslog-address: udp://127.0.0.1:514\n" if drv == "syslog" else ""))
for drv in ("locale", "Local"):
    case(NS, f"volume-driver-{drv.lower()}" + ("-capital" if drv[0] == "L" else ""), f"volume driver {drv}", f'    volumes: ["data:/data"]\nvolumes:\n  data:\n    driver: {drv}  #M\n')
case(CT, "sched-volume-driver-local", "volume driver local", '    volumes: ["data:/data"]\nvolumes:\n  data:\n    driver: local\n')
case(CT, "sched-volume-driver-unused", "an unused volume with a misspelt driver", "volumes:\n  data:\n    driver: locale\n")
# ---------------- task fails
for cap in ("FOO_BAR", "NET_ADMN", "CAP_SYSADMIN"):
    case(TF, f"cap-add-{cap.lower().replace('_', '-')}", f"cap_add {cap}", f"    cap_add:\n      - {cap}  #M\n")
case(TF, "cap-drop-unknown", "cap_drop of an unknown capability", "    cap_drop:\n      - CHOWNN  #M\n")
case(CT, "task-cap-ok", "known capabilities in any case, with or without CAP_", "    cap_add: [NET_BIND_SERVICE, cap_sys_nice]\n    cap_drop: [ALL]\n")
for key in ("vm.swappiness", "fs.file-max", "kernel.hostname", "user.max_user_namespaces", "kernel.pid_max"):
    case(TF, f"sysctl-{key.replace('.', '-').replace('_', '-')}", f"sysctl {key}", f"    sysctls:\n      {key}: \"10\"  #M\n")
case(TF, "sysctl-list-form", "sysctl vm.overcommit_memory in list form", "    sysctls:\n      - vm.overcommit_memory=1  #M\n")
case(CT, "task-sysctl-namespaced", "namespaced sysctls", '    sysctls:\n      net.core.somaxconn: 1024\n      kernel.shmmax: "68719476736"\n      fs.mqueue.msg_max: 20\n      kernel.domainname: example.org\n')
case(TF, "ulimit-unknown-name", "ulimit nofiles", "    ulimits:\n      nofiles: 1024  #M\n")
case(TF, "ulimit-unknown-name-long", "ulimit openfiles with soft/hard", "    ulimits:\n      openfiles:  #M\n        soft: 10\n        hard: 20\n")
case(TF, "ulimit-soft-above-hard", "ulimit soft > hard", "    ulimits:\n      nofile:\n        soft: 2000  #M\n        hard: 1000\n")
case(CT, "task-ulimits-ok", "ulimits in upper and lower case, soft = hard", "    ulimits:\n      NOFILE: 1024\n      nproc:\n        soft: 100\n        hard: 100\n      core: 0\n")
for wd in ("app", "./app", "app/data"):
    case(TF, f"working-dir-{wd.replace('/', '-').replace('.', 'dot')}", f"working_dir {wd}", f"    working_dir: {wd}  #M\n")
case(CT, "task-working-dir-abs", "absolute working_dir that does not exist yet", "    working_dir: /srv/app\n")
case(TF, "mount-target-relative-long", "long volume with a relative target", "    volumes:\n      - type: volume\n        source: d\n        target: data  #M\nvolumes:\n  d:\n")
case(TF, "mount-target-one-letter", "one-letter volume name read as a relative target", '    volumes:\n      - "d:/data"  #M\nvolumes:\n  d:\n')
case(TF, "mount-target-relative-short", "anonymous short volume with a relative target", '    volumes:\n      - "data"  #M\n')
case(TF, "mount-target-relative-tmpfs", "tmpfs with a relative target", "    volumes:\n      - type: tmpfs\n        target: scratch  #M\n")
case(CT, "task-mount-targets-abs", "absolute targets for a named volume, an anonymous one and tmpfs", '    volumes:\n      - "data:/data"\n      - "/cache"\n      - type: tmpfs\n        target: /scratch\nvolumes:\n  data:\n')
for sig in ("SIGFOO", "SIGQUITT", "0", "TERMINATE"):
    case(TF, f"stop-signal-{sig.lower()}", f"stop_signal {sig}", f'    stop_signal: "{sig}"  #M\n')
for sig in ("SIGUSR1", "usr2", "9", "SIGRTMIN+3", "RTMAX-2"):
    case(CT, f"task-stop-signal-{sig.lower().replace('+', 'p')}", f"stop_signal {sig}", f'    stop_signal: "{sig}"\n')
for mem in ("4M", "5M", "\"6291455\""):
    case(TF, f"memory-limit-{mem.lower().strip(chr(34))}", f"memory limit {mem}", f"    deploy:\n      resources:\n        limits:\n          memory: {mem}  #M\n")
case(CT, "task-memory-limit-6m", "memory limit 6M", "    deploy:\n      resources:\n        limits:\n          memory: 6M\n")
case(CT, "task-memory-reservation-5m", "memory reservation 5M (not applied to the container)", "    deploy:\n      resources:\n        reservations:\n          memory: 5M\n")
for iso in ("hyperv", "process", "HyperV"):
    case(TF, "isolation-" + {"hyperv": "hyperv", "process": "process", "HyperV": "hyperv-camel-case"}[iso], f"isolation {iso}", f"    isolation: {iso}  #M\n")
case(CT, "task-isolation-default", "isolation default (any case)", "    isolation: Default\n")
for host in ("db:db.internal", "a:1.2.3.400", "a:1.2.3.4:80", "gw:host_gateway"):
    case(TF, f"extra-host-{host.split(':', 1)[1].replace('.', '-').replace(':', '-').replace('_', '-')}", f"extra_hosts {host}", f'    extra_hosts:\n      - "{host}"  #M\n')
case(TF, "extra-host-mapping", "extra_hosts mapping to a name", "    extra_hosts:\n      db: db.internal  #M\n")
case(CT, "task-extra-hosts-ok", "IPv4, IPv6, host-gateway, and an entry the CLI drops", '    extra_hosts:\n      - "a:10.0.0.1"\n      - "b:::1"\n      - "c:host-gateway"\n      - "d 10.0.0.2"\n')
for key, val, drv in (("foo", "bar", "json-file"), ("max_size", "10m", "json-file"), ("max-size", "ten", "json-file"),
                      ("max-file", "x", "json-file"), ("max-file", "0", "json-file"), ("compress", "yes", "json-file"),
                      ("labels", "a", "local"), ("tag", "x", "local")):
    case(TF, f"log-opt-{drv}-{key}-{val}".replace("_", "-"), f"{drv} log option {key}: {val}",
         f"    logging:\n      driver: {drv}\n      options:\n        {key}: \"{val}\"  #M\n")
case(TF, "log-opt-compress-one-file", "json-file compress with a single file", '    logging:\n      driver: json-file\n      options:\n        max-size: 1m\n        compress: "true"  #M\n')
case(CT, "task-log-opts-json-file", "json-file options it knows", '    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n        max-file: "3"\n        compress: "true"\n        tag: "{{.Name}}"\n')
case(CT, "task-log-opts-local", "local driver options it knows", '    logging:\n      driver: local\n      options:\n        max-size: 10m\n        max-file: "3"\n')
case(CT, "task-log-opts-none", "options on the none driver are ignored", "    logging:\n      driver: none\n      options:\n        foo: bar\n")
case(CT, "task-log-max-file-only", "json-file max-file without max-size", '    logging:\n      driver: json-file\n      options:\n        max-file: "3"\n')
case(TF, "bind-source-relative-missing", "relative bind source that does not exist", '    volumes:\n      - "./missing:/data"  #M\n')
case(TF, "bind-source-relative-missing-long", "long bind with a relative source that does not exist", "    volumes:\n      - type: bind\n        source: ./nope  #M\n        target: /data\n")
case(CT, "task-bind-source-relative-exists", "relative bind source that exists next to the stack", '    volumes:\n      - "./conf.txt:/conf.txt:ro"\n', files="conf.txt=a")
case(CT, "task-bind-source-abs-exists", "absolute bind source that exists on the node", '    volumes:\n      - "/etc/hostname:/etc/host-name:ro"\n')
case(CT, "task-dns-not-ip", "a DNS server that is not an address (written to resolv.conf, the task runs)", "    dns: [notanip]\n")
case(CT, "task-hostname-odd", "a hostname with a space (the task runs)", '    hostname: "bad host!"\n')
case(CT, "task-dns-search-odd", "a DNS search domain with a space (the task runs)", '    dns_search: ["bad domain!"]\n')
case(CT, "task-sysctl-kernel-domainname", "kernel.domainname is in the UTS namespace", "    sysctls: [kernel.domainname=x]\n")
case(CT, "task-stop-signal-number-high", "stop_signal 99 (any non-zero number passes)", '    stop_signal: "99"\n')
for cid, c in (("os-typo", "node.platform.os == linuxx"), ("arch-goarch", "node.platform.arch == amd64"),
                ("role-master", "node.role == master"), ("key-typo", "node.rol == manager"),
                ("contradiction", "node.role == manager\n          - node.role != manager"),
                ("label-missing-key", "node.label.zone == eu")):
    lines = c.split("\n")
    body = "    deploy:\n      placement:\n        constraints:\n          - " + "  #M\n".join(lines) + "  #M\n"
    case(NS, f"constraint-{cid}", f"constraint {c.splitlines()[0]}", body)
case(CT, "sched-constraint-x86-64", "node.platform.arch == x86_64 on this node", "    deploy:\n      placement:\n        constraints: [node.platform.arch == x86_64, node.platform.os == linux, node.role == manager]\n")
case(CT, "sched-generic-free-reservation", "CPU and memory reservations the node has", '    deploy:\n      resources:\n        reservations: {cpus: "0.1", memory: 16M}\n')
for nm in ("bridge", "host", "ingress", "docker_gwbridge", "none"):
    case(OC, f"network-name-predefined-{nm.replace('_', '-')}", f"stack network named {nm}, which every node has", NET + f"    name: {nm}  #M\n")
print(n)

"""SL001-SL006 with exact code, line, column (1-based) and message."""
from __future__ import annotations

import pytest

CASES = {
    "tab-indentation": (
        "services:\n  web:\n\timage: x\n",
        [("SL001", 3, 1, "while scanning for the next token: found character that cannot start any token")],
    ),
    "unclosed-flow": (
        "services:\n  web: {image: x\n",
        [("SL001", 3, 1, "while parsing a flow mapping: did not find expected ',' or '}'")],
    ),
    "duplicate-key": (
        'version: "3.8"\nservices:\n  web:\n    image: a\n    image: b\n',
        [("SL002", 5, 5, 'mapping key "image" already defined at line 4')],
    ),
    "merged-key-is-no-duplicate": (
        'version: "3.8"\nx-base: &b\n  image: a\nservices:\n  web:\n    <<: *b\n    image: b\n',
        [],
    ),
    "version-unquoted": (
        "version: 3.10\nservices: {}\n",
        [("SL003", 1, 10, 'version must be a string (unquoted, 3.10 is the number 3.1); write version: "3.10"')],
    ),
    "version-unquoted-with-anchor": (
        "version: &v 3.8\nservices: {}\n",
        [("SL003", 1, 10, 'version must be a string; write version: &v "3.8"')],
    ),
    "version-unquoted-with-tag": (
        "version: !!float 3.10\nservices: {}\n",
        [("SL003", 1, 10, 'version must be a string (unquoted, 3.10 is the number 3.1); write version: "3.10"')],
    ),
    "version-2.4": (
        'version: "2.4"\nservices: {}\n',
        [("SL003", 1, 10, "unsupported Compose file version: 2.4; `docker stack deploy` needs a version 3 file (3.0 to 3.13)")],
    ),
    "version-3.14": (
        'version: "3.14"\nservices: {}\n',
        [("SL003", 1, 10, "unsupported Compose file version: 3.14; `docker stack deploy` supports 3.0 to 3.13")],
    ),
    "version-missing": (
        "services:\n  web:\n    image: nginx:1\n",
        [("SL003", 1, 1, "no `version`: `docker stack deploy` loads this file as version 3.13")],
    ),
    "version-null": (
        "version:\nservices: {}\n",
        [("SL003", 1, 9, "unsupported Compose file version: <nil>; `docker stack deploy` supports 3.0 to 3.13")],
    ),
    "five-schema-errors": (
        'version: "3.8"\nservices:\n  web:\n    imgae: nginx\n    read_only: yes\n    deploy:\n'
        '      replicas: "2"\n      update_config:\n        order: first\n    cap_add: [NET_ADMIN, NET_ADMIN]\n',
        [
            ("SL004", 4, 5, "services.web: unknown key `imgae`; did you mean `image`?"),
            ("SL004", 5, 16, 'services.web.read_only must be a boolean, not a string ("yes")'),
            ("SL004", 7, 17, 'services.web.deploy.replicas must be an integer, not a string ("2")'),
            ("SL004", 9, 16, 'services.web.deploy.update_config.order must be one of "start-first", "stop-first", '
                             'not a string ("first")'),
            ("SL004", 10, 26, 'services.web.cap_add: item 1 repeats item 0 (a string ("NET_ADMIN")); items must be unique'),
        ],
    ),
    "version-gates": (
        'version: "3.2"\nservices:\n  web:\n    image: nginx\n    healthcheck:\n      test: ["CMD", "true"]\n'
        "      start_period: 30s\nconfigs: {}\n",
        [
            ("SL004", 7, 7, "services.web.healthcheck: `start_period` needs version 3.4 or later; this file declares 3.2"),
            ("SL004", 8, 1, "(root): `configs` needs version 3.3 or later; this file declares 3.2"),
        ],
    ),
    "forbidden-key": (
        'version: "3.8"\nservices:\n  web:\n    image: nginx\n    mem_limit: 1g\n',
        [("SL004", 5, 5, "services.web: `mem_limit` is forbidden in a stack file: Set resource limits using deploy.resources")],
    ),
    "top-level-empty": ("", [("SL004", 1, 1, "top-level object must be a mapping; this file is empty")]),
    "top-level-list": ("- a\n- b\n", [("SL004", 1, 1, "top-level object must be a mapping; this file is a list")]),
    "non-ascii-before-finding": (
        'version: "3.8"\nservices:\n  web:\n    labels: {ü: "日本語"}\n    imgae: x\n    image: "ñ"\n    user: {a: 1}\n',
        [
            ("SL004", 5, 5, "services.web: unknown key `imgae`; did you mean `image`?"),
            ("SL004", 7, 11, "services.web.user must be a string, not a mapping"),
        ],
    ),
    "interpolation": (
        'version: "3.8"\nservices:\n  web:\n    image: "nginx:${TAG}"\n    hostname: "${H?H must be set}"\n'
        '    environment:\n      A: "cost $5"\n      B: "${}"\n    deploy:\n      replicas: ${N}\n',
        [
            ("SL005", 4, 19, "services.web.image: variable TAG is not set; Docker substitutes an empty string; "
                             "give a default (${TAG:-value}) or require it (${TAG:?message})"),
            ("SL005", 5, 16, "services.web.hostname: required variable H is not set (H must be set); "
                             "`docker stack deploy` fails unless it is set"),
            ("SL005", 7, 16, "services.web.environment.A: invalid interpolation `$5`: write a literal $ as $$"),
            ("SL005", 8, 11, "services.web.environment.B: invalid interpolation `${`: write a literal $ as $$"),
            # the value came from the environment (N=three): the message never quotes it
            ("SL005", 10, 17, 'services.web.deploy.replicas: `${N}` is not a valid integer once substituted '
                              '(strconv.Atoi: parsing "${N}": invalid syntax)'),
        ],
    ),
    "interpolation-in-secrets": (
        # a substitution plainly meant as one names its variable; a `$` that may be part of a
        # password never has the text after it quoted
        'version: "3.8"\nservices:\n  db:\n    image: postgres:16\n    environment:\n'
        '      DB_PASSWORD: ${DB_PASSWORD:?set it}\n      OTHER_PASSWORD: ${OTHER_PASSWORD}\n'
        '      THIRD_PASSWORD: pa$word\n  x:\n    image: a:1\n    environment:\n'
        '      - API_TOKEN=${API_TOKEN}\n      - DB_TOKEN=ab${CD}\n',
        [
            ("SL005", 6, 20, "services.db.environment.DB_PASSWORD: required variable DB_PASSWORD is not set (set it); "
                             "`docker stack deploy` fails unless it is set"),
            ("SL005", 7, 23, "services.db.environment.OTHER_PASSWORD: variable OTHER_PASSWORD is not set; Docker "
                             "substitutes an empty string; give a default (${OTHER_PASSWORD:-value}) or require it "
                             "(${OTHER_PASSWORD:?message})"),
            ("SL005", 8, 25, "services.db.environment.THIRD_PASSWORD: this value looks like a secret and a `$` in it "
                             "starts a substitution, so Docker does not keep it as written (the value is not shown); "
                             "write a literal $ as $$, or better, pass it as a Docker secret"),
            ("SL005", 12, 19, "services.x.environment.0: variable API_TOKEN is not set; Docker substitutes an empty "
                              "string; give a default (${API_TOKEN:-value}) or require it (${API_TOKEN:?message})"),
            ("SL005", 13, 20, "services.x.environment.1: this value looks like a secret and a `$` in it starts a "
                              "substitution, so Docker does not keep it as written (the value is not shown); write a "
                              "literal $ as $$, or better, pass it as a Docker secret"),
        ],
    ),
    "interpolation-swallowed": (
        'version: "3.8"\nservices:\n  web:\n    image: nginx\n    hostname: "$1-${B:-b}"\n',
        [("SL005", 5, 16, "services.web.hostname: invalid interpolation `$1`: write a literal $ as $$ (Docker lets it "
                          "pass only because a later substitution in the same value succeeds)")],
    ),
    "invalid-values": (
        'version: "3.8"\nservices:\n  web:\n    image: nginx:1\n    stop_grace_period: 1m30\n    ports:\n'
        '      - "8000-8001:80-82"\n    volumes:\n      - "data:/a:ro:x"\n    deploy:\n      resources:\n'
        '        limits:\n          memory: 1 gigabyte\n          cpus: "0.0000000001"\n',
        [
            ("SL006", 5, 24, 'services.web.stop_grace_period: time: invalid duration "1m30"; write a Go duration such '
                             "as 10s, 1m30s, 500ms or 1h (units ns, us, ms, s, m, h)"),
            ("SL006", 7, 9, 'services.web.ports.0: invalid port spec "8000-8001:80-82": invalid ranges specified for '
                            "container and host Ports: 80-82 and 8000-8001; the syntax is "
                            "[ip:][published[-end]:]target[-end][/tcp|udp|sctp]"),
            ("SL006", 9, 9, "services.web.volumes.0: invalid spec: data:/a:ro:x: too many colons"),
            ("SL006", 13, 19, "services.web.deploy.resources.limits.memory: invalid suffix: 'gigabyte'; write a size "
                              "such as 512M, 1.5G or 1GiB"),
            ("SL006", 14, 17, 'services.web.deploy.resources.limits.cpus: value is too precise; write a decimal such '
                              'as "0.5" (at most 9 decimals) or a fraction such as "1/2"'),
        ],
    ),
    # big.Rat.SetString refuses a zero denominator however it is written (it once crashed here)
    "cpus-zero-denominator": (
        'version: "3.8"\nservices:\n  web:\n    image: nginx:1\n    deploy:\n      resources:\n'
        '        limits:\n          cpus: "1/00"\n        reservations:\n          cpus: "3/8"\n',
        [("SL006", 8, 17, 'services.web.deploy.resources.limits.cpus: failed to parse 1/00 as a rational number; '
                          'write a decimal such as "0.5" (at most 9 decimals) or a fraction such as "1/2"')],
    ),
    # a value repeated in a later service is reported there too; commands split like a shell
    "invalid-values-repeated-and-commands": (
        'version: "3.8"\nservices:\n  a:\n    image: nginx:1\n    stop_grace_period: 1m30\n'
        '    command: sh -c "echo \\"hi\\"\n    healthcheck:\n      interval: 10s\n      retries: -1\n'
        '  b:\n    image: nginx:1\n    stop_grace_period: 1m30\n    entrypoint: echo \'it\'\'s\' "a\\\\" b\\\n'
        '    healthcheck:\n      interval: 10s\n'
        '  c:\n    image: nginx:1\n    entrypoint: echo \'it\'\'s\' "a\\\\" b\n',
        [
            ("SL006", 5, 24, 'services.a.stop_grace_period: time: invalid duration "1m30"; write a Go duration such '
                             "as 10s, 1m30s, 500ms or 1h (units ns, us, ms, s, m, h)"),
            ("SL006", 6, 14, "services.a.command: EOF found when expecting closing quote (Docker splits a string "
                             "command like a shell would)"),
            ("SL006", 9, 16, "services.a.healthcheck.retries is -1; Docker reads it as an unsigned number and "
                             "refuses negatives"),
            ("SL006", 12, 24, 'services.b.stop_grace_period: time: invalid duration "1m30"; write a Go duration such '
                              "as 10s, 1m30s, 500ms or 1h (units ns, us, ms, s, m, h)"),
            ("SL006", 13, 17, "services.b.entrypoint: EOF found after escape character (Docker splits a string "
                              "entrypoint like a shell would)"),
        ],
    ),
    # uint32 fields of list entries, and whole floats in ulimits (seen on Docker 28.2.2: "cannot parse
    # 'Ports[0].Target', -1 overflows uint", "invalid type float64 for ulimits", a panic in soft/hard);
    # a tmpfs mode of -1 loads, and a float with a fraction is the schema's finding (SL004)
    "unsigned-entries-and-float-ulimits": (
        'version: "3.9"\nservices:\n  a:\n    image: nginx:1\n    ports:\n      - {target: -1, published: -8080}\n'
        '    secrets: [{source: s, mode: -1}]\n    volumes: [{type: tmpfs, target: /t, tmpfs: {mode: -1}}]\n'
        '    ulimits:\n      nofile: 65536.0\n      nproc: {soft: 1e3, hard: 2048}\n      core: {soft: 1.5, hard: 2}\n'
        'secrets:\n  s: {external: true}\n',
        [
            ("SL006", 6, 18, "services.a.ports.0.target is -1; Docker reads it as an unsigned number and refuses "
                             "negatives"),
            ("SL006", 6, 33, "services.a.ports.0.published is -8080; Docker reads it as an unsigned number and "
                             "refuses negatives"),
            ("SL006", 7, 33, "services.a.secrets.0.mode is -1; Docker reads it as an unsigned number and refuses "
                             "negatives"),
            ("SL006", 10, 15, "services.a.ulimits.nofile is 65536.0, a float; Docker reads ulimits as whole numbers "
                              "(invalid type float64 for ulimits): write it without a point or exponent"),
            ("SL006", 11, 21, "services.a.ulimits.nproc.soft is 1000.0, a float; docker stack config crashes on it "
                              "(interface conversion: interface {} is float64, not int): write it without a point or "
                              "exponent"),
            ("SL004", 12, 20, "services.a.ulimits.core.soft must be an integer, not a number (1.5)"),
        ],
    ),
}


def test_commands_that_shlex_cannot_split_are_the_ones_sl006_splits():
    """values._may_not_split settles most commands without splitting them: over every text of up
    to 6 characters from the characters that matter to it, it must say True wherever
    split_command fails, and, without a `#` (a comment), only there."""
    import itertools

    from stacklint.checks.values import _may_not_split
    from stacklint.parsers import split_command

    for n in range(7):
        for chars in itertools.product("a \\'\"\n#", repeat=n):
            text = "".join(chars)
            try:
                split_command(text)
                fails = False
            except ValueError:
                fails = True
            assert _may_not_split(text) == fails or ("#" in text and not fails), text


@pytest.mark.parametrize("name", sorted(CASES))
def test_exact_findings(name, lint_text):
    text, expected = CASES[name]
    env = {"N": "three"} if name == "interpolation" else {}
    got = [f for f in lint_text(text, env=env) if f[0] in ("SL001", "SL002", "SL003", "SL004", "SL005", "SL006")]
    assert got == expected


def test_five_independent_schema_errors_five_positions(lint_text):
    text, expected = CASES["five-schema-errors"]
    got = [f for f in lint_text(text) if f[0] < "SL100"]  # the file and schema rules (SL0xx) only
    assert len(got) == 5
    assert len({(line, col) for _, line, col, _ in got}) == 5


def test_strict_env_makes_a_missing_required_variable_an_error():
    from stacklint.diagnostics import Severity
    from stacklint.engine import lint
    from stacklint.settings import Settings

    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx\n    hostname: "${H?H must be set}"\n'
    sl0 = frozenset(f"SL00{i}" for i in range(10))  # the file and schema rules only
    relaxed = lint(text, None, Settings(env={}, select=sl0))
    strict = lint(text, None, Settings(env={}, strict_env=True, select=sl0))
    assert [(d.code, d.severity, d.stage) for d in relaxed] == [("SL005", Severity.WARNING, "")]
    assert [(d.code, d.severity, d.stage) for d in strict] == [("SL005", Severity.ERROR, "load")]
    assert lint(text, None, Settings(env={"H": "web-1"}, strict_env=True, select=sl0)) == []


def test_go_yaml_scalar_typing():
    from stacklint.document import parse

    doc = parse("a: yes\nb: 0755\nc: 22:22\nd: 1_000\ne: 08\nf: 0o17\ng: ~\nh: 1e3\ni: !!str 12\nj: 0x1F\nk: True\n")
    assert doc.data == {"a": "yes", "b": 493, "c": "22:22", "d": 1000, "e": 8.0, "f": 15, "g": None,
                        "h": 1000.0, "i": "12", "j": 31, "k": True}


def test_env_file_of_the_wrong_type_is_a_schema_error_not_a_crash(lint_text, tmp_path):
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    env_file: 5\n'
    got = [f for f in lint_text(text, str(tmp_path / "docker-stack.yml")) if f[0] < "SL100"]
    assert got == [("SL004", 5, 15, "services.web.env_file must be a string or a list, not an integer (5)")]

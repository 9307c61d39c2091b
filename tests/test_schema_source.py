"""Tests for the versioned schema source (schemas/stack.schema.json + stacklint.schema_source)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest

from stacklint import schema_source as ss
from stacklint.schema_source import (
    LATEST_VERSION,
    SUPPORTED_VERSIONS,
    UnsupportedVersion,
    known_properties,
    schema_for,
    since_of,
    validator_for,
)

SVC = ["services", "web"]

# (version that adds it, parent location in a document, key) — docker-facts.md §1 "Feature gates".
GATES = [
    ("3.1", [], "secrets"),
    ("3.1", SVC, "secrets"),
    ("3.2", ["networks", "n"], "attachable"),
    ("3.2", SVC + ["build"], "cache_from"),
    ("3.2", SVC + ["deploy"], "endpoint_mode"),
    ("3.3", [], "configs"),
    ("3.3", SVC, "configs"),
    ("3.3", SVC, "credential_spec"),
    ("3.3", SVC + ["deploy", "placement"], "preferences"),
    ("3.3", SVC + ["build"], "labels"),
    ("3.4", ["volumes", "v"], "name"),
    ("3.4", SVC + ["healthcheck"], "start_period"),
    ("3.4", SVC + ["deploy", "update_config"], "order"),
    ("3.4", SVC + ["build"], "network"),
    ("3.4", SVC + ["build"], "target"),
    ("3.5", ["networks", "n"], "name"),
    ("3.5", ["secrets", "s"], "name"),
    ("3.5", ["configs", "c"], "name"),
    ("3.5", SVC, "isolation"),
    ("3.5", SVC + ["deploy", "resources", "reservations"], "generic_resources"),
    ("3.5", SVC + ["build"], "shm_size"),
    ("3.6", SVC + ["volumes", 0], "tmpfs"),
    ("3.7", SVC + ["deploy"], "rollback_config"),
    ("3.7", SVC, "init"),
    ("3.8", SVC + ["deploy", "placement"], "max_replicas_per_node"),
    ("3.8", ["secrets", "s"], "driver"),
    ("3.8", ["secrets", "s"], "driver_opts"),
    ("3.8", ["secrets", "s"], "template_driver"),
    ("3.8", ["configs", "c"], "template_driver"),
    ("3.8", SVC + ["credential_spec"], "config"),
    ("3.9", SVC + ["deploy", "resources", "limits"], "pids"),
    ("3.9", SVC, "cgroupns_mode"),
    ("3.9", SVC + ["build"], "extra_hosts"),
    ("3.10", ["volumes", "v"], "x-cluster-spec"),
    ("3.12", SVC + ["healthcheck"], "start_interval"),
    ("3.13", SVC + ["networks", "n"], "driver_opts"),
    ("3.13", SVC, "oom_score_adj"),
]


def _prev(version: str) -> str:
    return SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.index(version) - 1]


@pytest.mark.parametrize("since,path,key", GATES, ids=lambda v: str(v))
def test_feature_gate(since, path, key):
    assert key not in known_properties(_prev(since), path)
    assert key in known_properties(since, path)
    assert key in known_properties(LATEST_VERSION, path)
    assert since_of(path, key) == since


def test_versions():
    assert SUPPORTED_VERSIONS == tuple(f"3.{i}" for i in range(14))
    assert LATEST_VERSION == "3.13"
    assert schema_for("3") is schema_for("3.13")
    assert schema_for("") is schema_for("3.13")
    for bad in ("3.14", "3.08", "2.4", "3.8.0", " 3.8", "4"):
        with pytest.raises(UnsupportedVersion):
            schema_for(bad)
    assert ss.version_key("3.10") > ss.version_key("3.9")


def test_cached_and_clean():
    assert schema_for("3.4") is schema_for("3.4")
    assert validator_for("3.4") is validator_for("3.4")
    for v in SUPPORTED_VERSIONS:
        jsonschema.Draft7Validator.check_schema(schema_for(v))
        text = json.dumps(schema_for(v)).replace('"x-cluster-spec"', "")
        for marker in ('"x-since"', '"x-until"', '"x-changes"', '"x-versions"'):
            assert marker not in text, (v, marker)


def test_every_property_has_description():
    missing = []

    def walk(node, where):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{where}/{name}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(ss.raw_schema(), "#")
    assert missing == []


def ok(version, doc):
    return not list(validator_for(version).iter_errors(doc))


def svc(**keys):
    return {"services": {"web": {"image": "nginx", **keys}}}


def test_extension_gates():
    assert not ok("3.3", {"x-a": 1})
    assert ok("3.4", {"x-a": 1})
    assert since_of([], "x-a") == "3.4"
    for top, entry in [("services", "web"), ("networks", "n"), ("volumes", "v"), ("secrets", "s"), ("configs", "c")]:
        doc = {top: {entry: {"x-a": 1, **({"file": "f"} if top in ("secrets", "configs") else {})}}}
        assert not ok("3.6", doc), top
        assert ok("3.7", doc), top
        assert since_of([top, entry], "x-a") == "3.7"


def test_build_open_from_3_11():
    doc = svc(build={"context": ".", "foo": 1})
    assert not ok("3.10", doc)
    assert ok("3.11", doc)
    assert since_of(SVC + ["build"], "foo") == "3.11"


def test_long_syntax_from_3_2():
    port = svc(ports=[{"target": 80, "published": 8080}])
    vol = svc(volumes=[{"type": "bind", "source": "/a", "target": "/b"}])
    for doc in (port, vol):
        assert not ok("3.1", doc)
        assert ok("3.2", doc)
    # duplicate short volumes: rejected while uniqueItems sits on the list (3.0, 3.1)
    dup = svc(volumes=["a:/a", "a:/a"])
    assert not ok("3.1", dup)
    assert ok("3.2", dup)


def test_schema_holes_and_types():
    v = LATEST_VERSION
    assert ok(v, {"networks": {"my net": {"anything": 1}}})
    assert not ok(v, svc(networks={"my net": None}))
    assert ok(v, svc(networks=["my net"]))
    assert ok(v, svc(ulimits={"NOFILE": "x"}))
    assert not ok(v, svc(ulimits={"nofile": {"soft": 1}}))
    assert ok(v, svc(secrets=[{"source": "s", "bogus": 1}]))
    assert ok(v, svc(volumes=[{"type": "volume", "volume": {"subpath": "x"}, "bind": {"y": 1}, "tmpfs": {"z": 1}}]))
    assert ok(v, {"volumes": {"v": {"x-cluster-spec": {"foo": 1, "access_mode": {"bar": 2}}}}})
    assert not ok(v, svc(deploy={"resources": {"limits": {"memory": 512}}}))
    assert not ok(v, svc(deploy={"resources": {"limits": {"cpus": 0.5}}}))
    assert not ok(v, svc(ports=[{"published": "8080", "target": 80}]))
    assert not ok(v, svc(secrets=[{"source": "s", "mode": "0400"}]))
    assert not ok(v, svc(secrets=[{"source": "s", "uid": 0}]))
    assert ok(v, {"services": {"web": {}}})  # image-or-build is not enforced
    assert ok(v, svc(deploy=None))
    assert not ok(v, {"secrets": {"s": None}})
    assert not ok(v, {"configs": {"c": None}})
    assert ok(v, {"networks": {"n": None}, "volumes": {"v": None}})
    assert not ok(v, {"version": 3.8})
    assert not ok(v, {"services": {"my web": {}}})
    assert not ok(v, svc(environment={"A": True}))
    assert ok(v, svc(environment={"A": 1, "B": None, "C": "x"}))
    assert not ok(v, svc(environment=["A=1", "A=1"]))
    assert not ok(v, svc(cap_add=["X", "X"]))
    assert not ok(v, svc(ports=["80", "80"]))
    assert not ok(v, {"networks": {"n": {"driver_opts": {"encrypted": True}}}})
    assert not ok(v, svc(deploy={"update_config": {"order": "sideways"}}))
    assert not ok(v, svc(healthcheck={"interval": 10}))
    assert ok(v, svc(healthcheck={"interval": "10"}))  # formats are stacklint's own job
    assert not ok(v, {"networks": {"n": {"ipam": {"config": [{"gateway": "x"}]}}}})
    assert not ok(v, {"name": "x"})
    assert not ok(v, svc(profiles=["a"]))


def test_since_of_and_known_properties():
    assert since_of(SVC, "image") == "3.0"
    assert since_of(SVC, "profiles") is None
    assert since_of(SVC + ["ports", 0], "host_ip") is None
    assert since_of(SVC + ["ports", 0], "published") == "3.2"
    assert since_of(SVC + ["deploy", "rollback_config"], "order") == "3.7"
    assert "start_period" not in known_properties("3.3", SVC + ["healthcheck"])
    assert "image" in known_properties("3.0", SVC)
    assert known_properties("3.0", []) == ["networks", "services", "version", "volumes"]


# ------------------------------------------------------------ oracle agreement

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ORACLE = SHARED / "oracle"
SCHEMA_SHAPES = ("Additional property", " must be a", " is required", "must be one of the following", "must be unique")
# Failures that happen after (or, for formats, inside but beyond) the structural schema: Docker's
# schema check without formats passed, so ours must pass too.
POST_SCHEMA = ("decoding failed", "conflicting parameters", "invalid mount config", "Does not match format",
               "secret ", "network ", "volume ", "config ", "open ", "invalid env file")


def _rows():
    rows = {}
    if not (ORACLE / "results.tsv").is_file():
        return rows
    for line in (ORACLE / "results.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 4 and parts[1] == "config":
            rows[parts[0]] = (int(parts[2]), parts[3])
    return rows


ROWS = _rows()


def _plain(node):
    """ruamel output -> JSON types as go-yaml v3 gives them (timestamps stay strings)."""
    if isinstance(node, dict):
        if not all(isinstance(k, str) for k in node):
            raise TypeError("non-string key")  # Docker: json: unsupported type
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, (datetime.date, datetime.datetime)):
        return str(node)
    return node


def _go_version(raw):
    """fmt.Sprintf("%v", raw["version"]), then Docker's defaulting."""
    if "version" not in raw:
        return LATEST_VERSION
    value = raw["version"]
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value)
        text = text[:-2] if text.endswith(".0") else text
    elif value is None:
        text = "<nil>"
    else:
        text = str(value)
    return ss.normalize_version(text)


def _load_case(name):
    from ruamel.yaml import YAML

    text = (ORACLE / "cases" / f"{name}.yml").read_text(encoding="utf-8")
    if "$" in text:
        pytest.skip("interpolation is applied before validation, elsewhere")
    if any(line.startswith("# also:") for line in text.splitlines()):
        pytest.skip("multi-file case")
    try:
        raw = YAML(typ="safe", pure=False).load(text)
        doc = _plain(raw)
    except Exception as exc:  # YAML errors, duplicate keys, non-string keys
        pytest.skip(f"not loadable here: {type(exc).__name__}")
    if not isinstance(doc, dict):
        pytest.skip("top level is not a mapping")
    try:
        version = _go_version(doc)
    except UnsupportedVersion:
        pytest.skip("unsupported version (not a schema question)")
    return doc, version


@pytest.mark.skipif(not ORACLE.is_dir(), reason=f"shared oracle not available at {ORACLE}")
@pytest.mark.parametrize("name", sorted(ROWS))
def test_oracle_case(name):
    rc, stderr = ROWS[name]
    schema_shaped = rc == 1 and any(s in stderr for s in SCHEMA_SHAPES)
    post_schema = rc == 1 and not schema_shaped and stderr.startswith(POST_SCHEMA)
    if not (rc == 0 or schema_shaped or post_schema):
        pytest.skip(f"verdict not about the schema: {stderr[:60]}")
    doc, version = _load_case(name)
    errors = list(validator_for(version).iter_errors(doc))
    if schema_shaped:
        assert errors, f"Docker rejected ({stderr}) but schema {version} accepts"
    else:
        assert not errors, f"Docker's schema accepted, ours ({version}) says: {errors[0].message}"


def test_unknown_keys_message_flow():
    doc = {"version": "3.2", "services": {"web": {"image": "x", "init": True,
                                                  "healthcheck": {"start_period": "5s", "foo": 1}}}}
    found = {}
    for err in validator_for("3.2").iter_errors(doc):
        for key in ss.unknown_keys(err):
            found[key] = since_of(list(err.absolute_path), key)
    assert found == {"init": "3.7", "start_period": "3.4", "foo": None}


CORPUS = SHARED / "corpus"


def _corpus_rows():
    path = CORPUS / "manifest.tsv"
    if not path.is_file():
        return []
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        return [(r["file"], r["oracle_rc"], r["oracle_err"]) for r in csv.DictReader(fh, delimiter="\t")]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not available at {CORPUS}")
@pytest.mark.parametrize("name,rc,err", _corpus_rows(), ids=lambda v: str(v)[:40])
def test_corpus_file(name, rc, err):
    from ruamel.yaml import YAML

    text = (CORPUS / "files" / name).read_text(encoding="utf-8")
    if "$" in text:
        pytest.skip("needs interpolation")
    doc = _plain(YAML(typ="safe", pure=False).load(text))
    errors = list(validator_for(_go_version(doc)).iter_errors(doc))
    if rc != "0" and any(s in err for s in SCHEMA_SHAPES):
        assert errors
    else:
        assert not errors, errors[0].message

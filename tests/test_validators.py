"""The committed validator modules: up to date with schemas/, and agreeing with jsonschema."""
from __future__ import annotations

import copy

import pytest

from stacklint.schema_source import SUPPORTED_VERSIONS, validator_for
from stacklint.validators import is_valid, service_is_valid
from stacklint.validators.generate import HERE, VERSIONS_MODULE, expected


def test_the_generated_modules_match_the_schema_source():
    pytest.importorskip("fastjsonschema", reason="regenerating needs fastjsonschema (a test dependency)")
    wanted = expected()
    on_disk = {p: p.read_text(encoding="utf-8")
               for p in (*HERE.glob("v3_*.py"), *HERE.glob("settings_*.py"), VERSIONS_MODULE)}
    assert sorted(on_disk) == sorted(wanted), "run: python -m stacklint.validators.generate"
    stale = [p.name for p, text in wanted.items() if on_disk[p] != text]
    assert stale == [], "out of date, run: python -m stacklint.validators.generate"


VALID = {"version": "3.8", "services": {"web": {"image": "nginx:1.27", "deploy": {"replicas": 2},
                                                "healthcheck": {"start_period": "10s"}}}}


@pytest.mark.parametrize("change, version", [
    (lambda d: d, "3.8"),
    (lambda d: d["services"]["web"].update(imgae="x"), "3.8"),  # unknown key
    (lambda d: d["services"]["web"]["deploy"].update(replicas="two"), "3.8"),  # wrong type
    (lambda d: d, "3.2"),  # start_period arrives in 3.4
    (lambda d: d.update({"x-common": {}}), "3.3"),  # extension keys arrive in 3.4
    (lambda d: d.update({"x-common": {}}), "3.4"),
    (lambda d: d["services"].update({"bad name": {"image": "x"}}), "3.13"),
    # uniqueItems: a plain set first, fastjsonschema's count only for a repeat or an unhashable item
    (lambda d: d["services"]["web"].update(cap_add=["NET_ADMIN", "SYS_TIME"]), "3.8"),
    (lambda d: d["services"]["web"].update(cap_add=["NET_ADMIN", "SYS_TIME", "NET_ADMIN"]), "3.8"),
    (lambda d: d["services"]["web"].update(cap_add=[["NET_ADMIN"], ["NET_ADMIN"]]), "3.8"),
    (lambda d: d["services"]["web"].update(dns=["10.0.0.1", "10.0.0.1"]), "3.8"),
    (lambda d: d["services"]["web"].update(networks=["front", "back"]), "3.8"),
    (lambda d: d["services"]["web"].update(networks=["front", "front"]), "3.8"),
    # extension keys are matched against their pattern only when a key no property names is left
    (lambda d: d["services"]["web"].update({"x-meta": {"a": 1}}), "3.8"),
    (lambda d: d["services"]["web"].update({"x-meta": 1, "imgae": "x"}), "3.8"),
    (lambda d: d["services"]["web"].update({"y-meta": 1}), "3.8"),
    (lambda d: d["services"]["web"]["deploy"].update({"x-meta": 1}), "3.8"),
    (lambda d: d.update(networks={"front": {"x-meta": 1, "driver": "overlay"}}), "3.8"),
    (lambda d: d.update(networks={"front": {"x-meta": 1, "drivr": "overlay"}}), "3.8"),
])
def test_the_compiled_validator_agrees_with_jsonschema(change, version):
    data = copy.deepcopy(VALID)
    change(data)
    assert is_valid(data, version) == validator_for(version).is_valid(data)


def test_every_supported_version_has_a_validator():
    for version in SUPPORTED_VERSIONS + ("3",):
        assert is_valid({"services": {}}, version)
        assert not is_valid({"services": []}, version)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("service", [
    VALID["services"]["web"],
    {"image": "x", "imgae": "y"},
    {"image": "x", "deploy": {"replicas": "two"}},
    {"image": "x", "healthcheck": {"start_period": "10s"}},  # start_period arrives in 3.4
    {"image": "x", "x-note": 1},  # extension keys arrive in 3.4
    None,
    ["not", "a", "mapping"],
])
def test_one_service_is_valid_exactly_when_a_document_of_it_is(version, service):
    assert service_is_valid(service, version) == is_valid({"version": version, "services": {"web": service}}, version)

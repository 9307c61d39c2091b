"""The README says what the code does: its configuration section names every key and its
examples load to the same settings; its sample output is what stacklint prints."""
from __future__ import annotations

import re
from pathlib import Path

from stacklint import config, settings_schema

from .conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    m = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^##)", README, re.M | re.S)
    assert m, f"README has no section {title!r}"
    return m.group(1)


def test_configuration_section_documents_every_key():
    table_keys = re.findall(r"^\| `([a-z-]+)` \|", section("Configuration"), re.M)
    assert table_keys == list(settings_schema.properties(settings_schema.CONFIG))


def test_configuration_examples_load_and_agree(tmp_path):
    text = section("Configuration")
    (yaml_example,) = re.findall(r"```yaml\n# \.stacklint\.yaml\n(.*?)```", text, re.S)
    (toml_example,) = re.findall(r"```toml\n(.*?)```", text, re.S)
    (tmp_path / "yaml").mkdir()
    (tmp_path / "toml").mkdir()
    (tmp_path / "yaml" / ".stacklint.yaml").write_text(yaml_example)
    (tmp_path / "toml" / "pyproject.toml").write_text(toml_example)
    for folder in ("yaml", "toml"):  # the files the example's stack names must exist
        for name in ("docker-stack.yml", "docker-stack.prod.yml", ".env.prod"):
            (tmp_path / folder / name).write_text("")
    from_yaml = config.load_config(tmp_path / "yaml" / ".stacklint.yaml")
    from_toml = config.load_config(tmp_path / "toml" / "pyproject.toml")
    assert set(from_yaml) == {"select", "ignore", "severity", "per_file_ignores", "fail_on", "stacks"}
    (stack,) = from_yaml.pop("stacks")
    assert (stack.name, [Path(f).name for f in stack.files], [Path(f).name for f in stack.env_files]) == \
        ("shop", ["docker-stack.yml", "docker-stack.prod.yml"], [".env.prod"])
    assert [Path(f).relative_to(tmp_path / "toml") for f in from_toml.pop("stacks")[0].files] == \
        [Path(f).relative_to(tmp_path / "yaml") for f in stack.files]
    assert from_yaml == from_toml


def test_sample_output_is_what_stacklint_prints():
    (block,) = re.findall(r"```\n\$ (stacklint [^\n]*)\n(.*?)```", README, re.S)
    command, output = block
    proc = run_cli("--no-env", *command.split()[1:])
    assert proc.stdout == output

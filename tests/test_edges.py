"""The edges of the command line: files that are not files, reads without bound, closed and
full streams, careless selections and outputs. Each ends with one line and the documented exit
code (2: usage or input error), never a traceback or a hang."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from stacklint import inventory
from stacklint.docker_api import EngineError

from .conftest import ROOT, run_cli

STACK = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n'
USAGE_TAIL = "stacklint: error: "


def one_line(stderr: str) -> str:
    """The one `stacklint:` line of stderr (argparse's usage lines aside); no traceback."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("stacklint:")]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def stack(tmp_path):
    path = tmp_path / "docker-stack.yml"
    path.write_text(STACK)
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("given", ["file", "folder"])
def test_a_fifo_named_like_a_stack_file_is_refused_not_waited_for(tmp_path, given):
    fifo = tmp_path / "docker-stack.yml"
    os.mkfifo(fifo)
    proc = run_cli("--no-env", str(fifo if given == "file" else tmp_path))
    assert proc.returncode == 2
    assert one_line(proc.stderr) == f"stacklint: {fifo}: is a FIFO (named pipe), not a regular file"


@pytest.mark.parametrize("option", ["--inventory", "--config"])
def test_a_device_as_inventory_or_config_is_refused_without_reading_it(stack, option):
    proc = run_cli("--no-env", option, "/dev/zero", str(stack))
    assert proc.returncode == 2
    expected = {"--inventory": "stacklint: /dev/zero: is a character device, not a regular file",
                "--config": "stacklint: error: --config /dev/zero: is a character device, not a regular file"}
    assert one_line(proc.stderr) == expected[option]


def test_an_oversized_inventory_is_refused_after_reading_only_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "cluster.json"
    path.write_text("[" + "0," * 600 + "0]")
    monkeypatch.setattr(inventory, "MAX_INVENTORY_BYTES", 1000)
    with pytest.raises(inventory.InventoryError) as err:
        inventory.load_inventory(str(path))
    assert str(err.value) == f"{path}: is larger than 1,000 bytes: too large for an inventory"


def _shell(command: str, cwd) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash to close descriptors")
def test_closed_stdout_is_one_line_on_stderr(stack):
    proc = _shell(f"{sys.executable} -m stacklint --no-env {stack.name} >&-", stack.parent)
    assert proc.returncode == 2
    assert one_line(proc.stderr) == "stacklint: standard output is closed: give --output-file FILE for the report"


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash to close descriptors")
def test_closed_stdin_is_a_usage_error(stack):
    proc = _shell(f"{sys.executable} -m stacklint --no-env - <&-", stack.parent)
    assert proc.returncode == 2
    assert one_line(proc.stderr) == "stacklint: error: - reads standard input, which is closed"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", ["--no-env docker-stack.yml", "rules", "explain SL001"])
def test_a_full_stdout_is_one_line_and_exit_2(stack, args):
    proc = _shell(f"{sys.executable} -m stacklint {args} > /dev/full", stack.parent)
    assert proc.returncode == 2
    assert one_line(proc.stderr).startswith("stacklint: cannot write ")
    assert one_line(proc.stderr).endswith("standard output: No space left on device")


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash to close descriptors")
def test_with_stderr_closed_an_input_error_never_lands_in_the_report(stack):
    proc = _shell(f"{sys.executable} -m stacklint --no-env missing.yml 2>&-", stack.parent)
    assert proc.returncode == 2
    assert proc.stdout == "1 file could not be read (see above).\n"  # the report's summary, not the error


@pytest.mark.parametrize("select", ["", ",", " "])
def test_an_empty_select_is_a_usage_error(stack, select):
    proc = run_cli("--no-env", "--select", select, str(stack))
    assert proc.returncode == 2
    assert one_line(proc.stderr).startswith("stacklint: error: --select is empty, which would turn every rule off")


@pytest.mark.parametrize("config", ["select: []\n", "select: ''\n"])
def test_an_empty_select_in_the_config_is_an_error(stack, config):
    (stack.parent / ".stacklint.yaml").write_text(config)
    proc = run_cli("--no-env", str(stack))
    assert proc.returncode == 2
    assert one_line(proc.stderr) == (f"stacklint: {stack.parent / '.stacklint.yaml'}:1:9: invalid configuration: "
                                     "`select` is empty, which would turn every rule off; name the rules to run, "
                                     "or remove `select` to run them all")


def test_the_output_file_cannot_be_an_input(stack):
    proc = run_cli("--no-env", "-o", str(stack.parent / "." / stack.name), str(stack.parent))
    assert proc.returncode == 2
    assert one_line(proc.stderr) == (f"stacklint: error: --output-file {stack.parent / '.' / stack.name} is one "
                                     "of the files to lint: the report would overwrite it")
    assert stack.read_text() == STACK


@pytest.mark.parametrize("pyproject", [
    'tool = 1\n# the options go in [tool.stacklint], see the README\n',
    'description = "no [tool.stacklint] here"\n',
])
def test_a_pyproject_that_only_mentions_the_section_is_not_a_configuration(stack, pyproject):
    (stack.parent / "pyproject.toml").write_text(pyproject)
    proc = run_cli("--no-env", str(stack))
    assert (proc.returncode, proc.stderr) == (0, "")  # linted with the defaults (warnings only)


@pytest.mark.parametrize("pyproject, has_section", [
    ('[tool.stacklint]\nselect = ["SL2"]\n', True),
    ('[ tool . "stacklint" ]\n', True),
    ("[tool.'stacklint'.severity]\nSL401 = 'warning'\n", True),
    ('[[tool.stacklint]]\n', True),
    ('[tool]\nstacklint = {select = ["SL2"]}\n', True),
    ('[tool]\nstacklint.select = ["SL2"]\n', True),
    ('tool.stacklint.select = ["SL2"]\n', True),
    ('tool = {stacklint = {}}\n', True),
    ('"\\u0074ool".stacklint = {}\n', True),
    # naming stacklint elsewhere (a dependency, a script, another tool's table) is not the section
    ('[project]\nname = "stacklint"\n[project.scripts]\nstacklint = "stacklint.cli:main"\n'
     '[tool.hatch.build]\npackages = ["stacklint"]\n[tool.other]\nstacklint = 1\n', False),
    ('[tool.stacklint_extra]\nx = 1\n', False),
    ('"[tool.stacklint" = 1\n', False),
])
def test_a_pyproject_is_a_configuration_exactly_when_toml_reads_the_section(tmp_path, pyproject, has_section):
    from stacklint.config import _has_tool_section, _toml_module

    path = tmp_path / "pyproject.toml"
    path.write_text(pyproject)
    assert ("stacklint" in _toml_module().loads(pyproject).get("tool", {})) == has_section
    assert _has_tool_section(path) == has_section


@pytest.mark.parametrize("pyproject, picked", [
    ('[tool.stacklint]\nselect = [\n', True),  # picked: the run reports why it cannot be read
    ('[project]\nname = \n# options go in [tool.stacklint]\n', False),  # only mentioned
])
def test_an_unparsable_pyproject_is_picked_when_a_line_defines_the_section(tmp_path, pyproject, picked):
    from stacklint.config import _has_tool_section

    path = tmp_path / "pyproject.toml"
    path.write_text(pyproject)
    assert _has_tool_section(path) == picked


@pytest.mark.parametrize("pyproject, line", [
    ('tool = 1\n', "1:1: invalid configuration: `tool` must be a table ([tool.stacklint])"),
    ('[tool]\nstacklint = "all"\n', "2:1: invalid configuration: `tool.stacklint` must be a table"),
])
def test_a_pyproject_whose_tool_is_not_a_table_is_one_line(stack, pyproject, line):
    config = stack.parent / "pyproject.toml"
    config.write_text(pyproject)
    proc = run_cli("--no-env", "--config", str(config), str(stack))
    assert proc.returncode == 2
    assert one_line(proc.stderr) == f"stacklint: {config}:{line}"


class OddEngine:
    """An endpoint answering valid JSON of the wrong shape (a proxy, a mock, another API)."""

    class endpoint:
        host = "tcp://odd.example:2375"

    def __init__(self, answers):
        self.answers = answers

    def get(self, path):
        return self.answers.get(path, [])


@pytest.mark.parametrize("answers", [
    {"/nodes": {"message": "hello"}},
    {"/nodes": [1, 2]},
    {"/nodes": [{"Spec": "worker"}]},
    {"/volumes": ["v1"]},
    {"/services": [{"Spec": {"Name": "x"}, "Endpoint": {"Ports": [{"PublishedPort": "80"}, 7]}}]},
])
def test_an_engine_answering_odd_json_is_an_engine_error(answers):
    with pytest.raises(EngineError) as err:
        inventory.take(OddEngine(answers))
    assert str(err.value).startswith("the Docker engine at tcp://odd.example:2375 answered in an unexpected shape (")


def test_a_missing_file_of_the_installation_is_named_not_blamed_on_stdout(tmp_path, monkeypatch, capsys):
    from stacklint import cli, schema_source

    # the source schema is read to explain a schema failure; a broken install lacks it
    built_from_the_file = (schema_source.raw_schema, schema_source._schema_for, schema_source._validator_for)
    monkeypatch.setattr(schema_source, "_SCHEMA_NAME", "missing.schema.json")
    for cached in built_from_the_file:  # what earlier tests read must be read again
        cached.cache_clear()
    stack = tmp_path / "docker-stack.yml"
    stack.write_text('version: "3.8"\nservices:\n  web:\n    image: nginx\n    ports: [{target: "x"}]\n')
    try:
        code = cli.main(["--no-env", str(stack)])
    finally:
        for cached in built_from_the_file:
            cached.cache_clear()
    missing = schema_source.data_dir("schemas") / "missing.schema.json"
    assert (code, capsys.readouterr().err) == (2, f"stacklint: cannot read {missing}: No such file or directory\n")

"""What a plain lint loads: only what linting a valid file needs (start-up time is what a
pre-commit hook or an editor restart pays). Checked on sys.modules of a child process, not with
a timing: benchmarks/startup.py measures the time."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import EXAMPLE, ROOT

# Needed only to explain a failure, for other commands or formats, or for other files.
NOT_FOR_A_PLAIN_LINT = (
    "jsonschema", "fastjsonschema",  # explaining schema failures; the generated validators say yes/no
    "http.client", "email", "ssl", "stacklint.inventory", "stacklint.docker_api",  # --inventory / --docker
    "pygls", "lsprotocol", "stacklint.lsp",  # `stacklint lsp`
    "difflib",  # did-you-mean in messages about unknown keys and values
    "fractions",  # cpus values
    "tomllib", "tomli",  # a pyproject.toml that defines [tool.stacklint] (the repository's only mentions it)
    "multiprocessing", "concurrent.futures",  # --jobs with several files
    "stacklint.output.sarif", "stacklint.output.junit", "stacklint.output.statistics", "stacklint.fix_command",
    "dataclasses", "inspect",  # records are written out (stacklint/record.py); @dataclass costs more than a lint
    "shutil",  # argparse asks it the terminal's width: only for help and usage errors (cli._SizedFormatter)
    "threading",  # document.py's lock comes from _thread
    "json",  # the schema's versions come from the generated stacklint/schema_versions.py
    "decimal",  # the generated validators' number test names validators.NoDecimal
    # ruamel.yaml's package __init__ (stacklint/ruamel_c.py): its round-trip API and what it imports
    "ruamel.yaml.main", "ruamel.yaml.cyaml", "ruamel.yaml.loader", "ruamel.yaml.dumper", "glob",
    # what the C module takes only exception classes from (stand-ins until imported): its emitter's,
    # and those a file that is not YAML raises
    "ruamel.yaml.constructor", "ruamel.yaml.representer", "ruamel.yaml.emitter", "ruamel.yaml.serializer",
    "ruamel.yaml.scalarint", "ruamel.yaml.scalarfloat", "ruamel.yaml.scalarbool", "ruamel.yaml.timestamp",
    "ruamel.yaml.reader", "ruamel.yaml.scanner", "ruamel.yaml.parser", "ruamel.yaml.composer", "ruamel.yaml.comments",
    "ruamel.yaml.resolver", "ruamel.yaml.util",  # the pure loader's BaseResolver (pure_yaml.py)
    "datetime", "base64", "binascii",  # a date-like value, a !!binary tag (scalars.py)
    # a file naming no other file, no address: os.path answers as pathlib would (files.pathlib_form)
    "pathlib", "urllib.parse", "ipaddress",
    "stacklint.envfile", "stacklint.swarm_templates",  # an env file read, a `{{` template in a value
    "typing",  # annotations only (TYPE_CHECKING); tuples are record.tuple_record, not typing.NamedTuple
)

_CHILD = """
import contextlib, io, sys
from stacklint import catalogue
from stacklint.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["--no-env", sys.argv[1]])
loaded = sorted(sys.modules)
print(code, catalogue.load.cache_info().currsize)
print("\\n".join(loaded))
"""


@pytest.fixture(scope="module")
def child():
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(EXAMPLE)], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=True)
    first, *modules = proc.stdout.splitlines()
    # What the interpreter loads before any of our code (site, and any .pth a machine adds:
    # one here imports certifi, shutil and threading) is not the lint's doing.
    bare = subprocess.run([sys.executable, "-c", "import sys; print('\\n'.join(sys.modules))"],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return first.split(), set(modules) - set(bare.stdout.splitlines())


def test_a_plain_lint_of_the_example_loads_none_of_what_it_does_not_need(child):
    (exit_code, _), modules = child
    assert exit_code == "1"  # the example has findings: the lint ran to the end
    loaded = sorted(name for name in NOT_FOR_A_PLAIN_LINT
                    if name in modules or any(m.startswith(name + ".") for m in modules))
    assert loaded == []


def test_a_plain_lint_reads_no_rule_page(child):
    (_, pages_parsed), _ = child
    assert pages_parsed == "0"  # names, severities and opt-in rules come from the generated index


def _printed_after_a_lint(code: str) -> list[str]:
    """The words `code` prints in a child process that linted a small file first."""
    lint_first = "from stacklint import lint\nlint('services: {a: {image: x}}\\n')\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", lint_first + code], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=True).stdout.split()


def test_ruamel_yaml_stays_whole_for_other_users_in_the_process():
    # The package's __init__, deferred while the C composer imports, runs at the first name asked
    # of the package: a later user of ruamel.yaml gets the whole library.
    code = ("import sys\n"
            "deferred = 'ruamel.yaml.main' not in sys.modules\n"
            "import ruamel.yaml\n"
            "from ruamel.yaml import YAML\n"
            "data = YAML(typ='rt').load('a: [1, {b: c}]  # note\\n')\n"
            "version = '.'.join(map(str, ruamel.yaml.version_info[:3])) == ruamel.yaml.__version__\n"
            "print(deferred, version,\n"
            "      data['a'][1]['b'], type(data).__name__, ruamel.yaml.error.MarkedYAMLError.__module__)\n")
    out = _printed_after_a_lint(code)
    assert out == ["True", "True", "c", "CommentedMap", "ruamel.yaml.error"]


def test_the_c_module_raises_ruamels_own_emitter_errors_and_the_submodules_stay_whole():
    # The C module was imported with stand-ins for the modules of its emitter's exception
    # classes: what it raises, and what those modules give a later importer, are ruamel's own.
    code = ("import io, sys\n"
            "import _ruamel_yaml\n"
            "from ruamel.yaml.events import DocumentEndEvent\n"
            "try:\n"
            "    _ruamel_yaml.CEmitter(io.StringIO()).emit(DocumentEndEvent())\n"
            "except Exception as err:\n"
            "    emitted = err\n"
            "try:\n"
            "    _ruamel_yaml.CEmitter(io.StringIO()).serialize(None)\n"
            "except Exception as err:\n"
            "    serialized = err\n"
            "import ruamel.yaml.emitter, ruamel.yaml.serializer, ruamel.yaml.constructor\n"
            "from ruamel.yaml.representer import RepresenterError, SafeRepresenter\n"
            "from ruamel.yaml import YAML\n"
            "out = io.StringIO()\n"
            "YAML(typ='safe').dump({'a': [1, 2]}, out)\n"
            "print(type(emitted) is ruamel.yaml.emitter.EmitterError, str(emitted) == 'expected STREAM-START',\n"
            "      type(serialized) is ruamel.yaml.serializer.SerializerError,\n"
            "      hasattr(ruamel.yaml.constructor, 'SafeConstructor'), RepresenterError.__module__,\n"
            "      repr(out.getvalue()))\n")
    out = _printed_after_a_lint(code)
    assert out == ["True", "True", "True", "True", "ruamel.yaml.representer", "'a:", "[1,", "2]\\n'"]


def test_a_file_that_is_not_yaml_raises_ruamels_own_errors_and_is_reported():
    # The reader's, scanner's, parser's and composer's exception classes are stand-ins in the C
    # module too: the error raised is ruamel's own (the C composer document.py uses), and the lint reports each where it stops.
    code = ("import sys\n"
            "from stacklint.document import _CComposer\n"
            "unloaded = [m for m in ('reader', 'scanner', 'parser', 'composer') if 'ruamel.yaml.' + m not in sys.modules]\n"
            "raised = []\n"
            "for text in ('a: b\\x01', 'a: \"b', 'a: [b', 'a: *b'):\n"
            "    try:\n"
            "        _CComposer(text).get_single_node()\n"
            "    except Exception as err:\n"
            "        raised.append(type(err).__module__ + '.' + type(err).__name__)\n"
            "from ruamel.yaml.parser import ParserError\n"
            "from stacklint import lint\n"
            "found = [(d.code, d.range.start.line, d.range.start.column) for text in ('a: b\\x01\\n', 'a: [b\\n')\n"
            "         for d in lint(text)]\n"
            "print(len(unloaded), *raised, *found)\n")
    out = _printed_after_a_lint(code)
    assert out == ["4", "ruamel.yaml.reader.ReaderError", "ruamel.yaml.scanner.ScannerError",
                   "ruamel.yaml.parser.ParserError", "ruamel.yaml.composer.ComposerError",
                   "('SL001',", "0,", "4)", "('SL001',", "1,", "0)"]

"""Regenerate the committed validator modules from `schemas/stack.schema.json` (v3_*.py, and
the list of its versions, stacklint/schema_versions.py) and `stacklint/settings.schema.json`
(settings_config.py, settings_editor.py).

    python -m stacklint.validators.generate          # rewrite stacklint/validators/*.py
    python -m stacklint.validators.generate --check  # exit 1 if any module is out of date

Needs fastjsonschema (a test dependency, pinned: its version shapes the generated text).
"""
from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from typing import Dict

from ..schema_source import raw_schema, schema_for
from . import module_name

HERE = Path(__file__).resolve().parent
VERSIONS_MODULE = HERE.parent / "schema_versions.py"

# The generated code imports its exceptions from fastjsonschema; ours come from this package, so
# running a validator needs neither fastjsonschema nor its import time.
_FASTJSONSCHEMA_IMPORT = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException\n"
_OWN_IMPORT = ("from . import Invalid as JsonSchemaValueException, "
               "Invalid as JsonSchemaValuesException\n")
# Decimal only appears in the generated "number" type tests; see validators.NoDecimal.
_DECIMAL_IMPORT = "from decimal import Decimal\n"
_NO_DECIMAL_IMPORT = "from . import NoDecimal as Decimal\n"
# Each call of a sub-validator builds the instance path for its error message with
# str.format(**locals()); only is_valid's yes/no is used (jsonschema words the errors), so the
# calls pass no path.
_SUB_VALIDATOR_CALL = re.compile(r"^(\s*validate_\w+\(\w+, custom_formats, )\(name_prefix or \"data\"\) \+ .*\)$", re.M)
# The error messages name the failing item the same way, "...[{data_x}]".format(**locals()): on a
# big function (a service's validator) locals() copies hundreds of variables, and a valid stack
# still raises thousands of times inside oneOf/anyOf branches. The same text as an f-string reads
# only the names it quotes.
_LOCALS_FORMAT = re.compile(r'"((?:[^"{}\\]|\{\w+\})*)"\.format\(\*\*locals\(\)\)')
# A oneOf/anyOf branch is tried in a try block, and most branches of a valid document fail at
# their first statement, a type test that raises (a valid 1,000-service stack: about 5,800
# times). The same test in the branch's guard skips the branch without building and raising an
# exception: the branch fails either way, and nothing else happens before the test.
_BRANCH_TYPE_TEST = re.compile(
    r"^(?P<indent> *)if (?P<guard>(?:not )?\w+_(?:one|any)_of_count\d+(?: < 2)?):\n"
    r"(?P=indent)    try:\n"
    r"(?P=indent)        if (?P<test>.+):\n"
    r"(?P=indent)            raise JsonSchemaValueException\(.*\)\n"
    r"(?=(?P=indent)        (?!elif\b|else\b)\S)", re.M)
_NOT_ISINSTANCE = re.compile(r"not (isinstance\(\w+, \([^()]*\)\))")
# uniqueItems: fastjsonschema counts the distinct items through a nested function per item (a
# bool kept apart from 1, a dict or list made hashable), about a fifth of validating a big stack.
# A plain set of the items counts no more distinct items than that (its hashable items keep their
# differences through the function), so where it finds every item distinct, they are; only an
# array with a repeat, or an unhashable item, takes fastjsonschema's count.
_UNIQUE_TEST = re.compile(r"^(?P<indent> *)if (?P<length>\w+_len) > len\(set\(fn\((?P<item>\w+)\) for (?P=item) in "
                          r"(?P<array>\w+)\)\):$", re.M)
_DISTINCT_IMPORT = "from . import distinct_hashable\n"
# An object's keys as a set: from the dict itself (set() reads a dict's own table and stored
# hashes), not through its keys view (iterated key by key).
_KEYS_SET = re.compile(r"= set\((\w+)\.keys\(\)\)$", re.M)
# patternProperties whose schema allows anything (`^x-` extensions): every key of the object is
# matched against the pattern only to take it off the keys no property named. In a valid document
# none is left (a service: about 12 regex searches for nothing), so the loop runs only when some are.
_PATTERN_ONLY_REMOVES = re.compile(
    r"^(?P<indent> *)for (?P<key>\w+), \w+ in \w+\.items\(\):\n"
    r"(?P<body>(?P=indent)    if REGEX_PATTERNS\[[^\]]+\]\.search\((?P=key)\):\n"
    r"(?P=indent)        if (?P=key) in (?P<left>\w+):\n"
    r"(?P=indent)            (?P=left)\.remove\((?P=key)\)\n)"
    r"(?=(?P=indent)if (?P=left):\n)", re.M)


def _only_when_keys_left(m: re.Match) -> str:
    indent, inner = m["indent"], " " * (len(m["indent"]) + 4)
    body = "".join(inner + line[len(indent):] + "\n" for line in m["body"].splitlines())
    return f"{indent}if {m['left']}:\n{inner}for {m['key']} in list({m['left']}):\n{body}"


def _guard_branch(m: re.Match) -> str:
    test = m["test"]
    passes = _NOT_ISINSTANCE.fullmatch(test)
    condition = passes.group(1) if passes else f"not ({test})"
    return f"{m['indent']}if {m['guard']} and {condition}:\n{m['indent']}    try:\n"


def generate(version: str) -> str:
    """The module text for one version."""
    return _module(schema_for(version), f"Schema {version} validator", "schemas/stack.schema.json")


def generate_settings(part: str) -> str:
    """The module text for one part of the settings schema (config or editor)."""
    from .. import settings_schema

    return _module(settings_schema.root(part), f"Settings ({part}) validator", "stacklint/settings.schema.json")


def _module(schema: dict, title: str, source: str) -> str:
    import fastjsonschema

    # a copy: fastjsonschema rewrites $refs in place, and the schemas are shared
    code = fastjsonschema.compile_to_code(copy.deepcopy(schema), detailed_exceptions=False)
    if _FASTJSONSCHEMA_IMPORT not in code:
        raise RuntimeError("fastjsonschema's generated imports changed; update generate.py")
    code = code.replace(_FASTJSONSCHEMA_IMPORT, _OWN_IMPORT, 1)
    if _DECIMAL_IMPORT not in code:
        raise RuntimeError("fastjsonschema's generated imports changed; update generate.py")
    code = code.replace(_DECIMAL_IMPORT, _NO_DECIMAL_IMPORT, 1)
    code = _SUB_VALIDATOR_CALL.sub(r"\1None)", code)
    code = _LOCALS_FORMAT.sub(r'f"\1"', code)
    code = _BRANCH_TYPE_TEST.sub(_guard_branch, code)
    code, unique_tests = _UNIQUE_TEST.subn(r"\g<indent>if \g<length> > distinct_hashable(\g<array>) and "
                                           r"\g<length> > len(set(fn(\g<item>) for \g<item> in \g<array>)):", code)
    code = _KEYS_SET.sub(r"= set(\1)", code)
    code = _PATTERN_ONLY_REMOVES.sub(_only_when_keys_left, code)
    if code.count("len(set(fn(") != unique_tests:
        raise RuntimeError("fastjsonschema's uniqueItems test changed; update generate.py")
    if unique_tests:
        code = code.replace(_NO_DECIMAL_IMPORT, _NO_DECIMAL_IMPORT + _DISTINCT_IMPORT, 1)
    if "locals()" in code:
        raise RuntimeError("fastjsonschema's generated messages changed; update generate.py")
    # the first function generated is the root schema's (its name derives from the schema's $id)
    root = re.search(r"^def (\w+)\(", code, re.M).group(1)
    header = (f'"""{title}. GENERATED by `python -m stacklint.validators.generate` '
              f'from {source}; do not edit."""\n')
    return header + code + f"\n\nvalidate = {root}\n"


def generate_versions(versions) -> str:
    """The module that tells which versions there are, so that a lint does not read the schema."""
    return (f'"""The Compose file versions schemas/stack.schema.json describes (its "x-versions"). GENERATED by\n'
            f'`python -m stacklint.validators.generate`; do not edit."""\n\n'
            f"SUPPORTED_VERSIONS = {tuple(versions)!r}\n")


def expected() -> Dict[Path, str]:
    """Every generated module's path and the text it must have."""
    from ..settings_schema import CONFIG, EDITOR

    versions = raw_schema()["x-versions"]  # the schema itself, not the module generated from it
    modules = {HERE / f"{module_name(v)}.py": generate(v) for v in versions}
    modules[VERSIONS_MODULE] = generate_versions(versions)
    modules.update({HERE / f"settings_{part}.py": generate_settings(part) for part in (CONFIG, EDITOR)})
    return modules


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    wanted = expected()
    for path, text in wanted.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path.name)
            if not check:
                path.write_text(text, encoding="utf-8")
    extra = sorted(p.name for p in (*HERE.glob("v3_*.py"), *HERE.glob("settings_*.py")) if p not in wanted)
    for name in extra:
        stale.append(name)
        if not check:
            (HERE / name).unlink()
    if check and stale:
        print("out of date: " + ", ".join(stale) + " (run python -m stacklint.validators.generate)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Compiled schema validators for the common case, a valid document (one module per version).

The modules `v3_0.py` .. `v3_13.py` are fastjsonschema's code for `schema_source.schema_for(v)`,
generated once and committed (`python -m stacklint.validators.generate`; a test checks they match
`schemas/`). Importing them is ordinary Python: bytecode is cached by the interpreter, nothing is
compiled, written or exec'd at lint time, and fastjsonschema is not needed at run time.
"""
from __future__ import annotations

import importlib

from ..schema_source import normalize_version


class Invalid(ValueError):
    """Raised by the generated code (under fastjsonschema's exception names) on the first violation."""


class NoDecimal:
    """Stands for decimal.Decimal in the generated code, where it is only one of the classes a
    "number" may be (isinstance). Validated data comes from YAML and the environment (int, float,
    str), never a Decimal; importing decimal cost every lint more than validating a small file."""


def module_name(version: str) -> str:
    """`3.13` -> `v3_13`: the generated module of a (normalized) version."""
    return "v" + version.replace(".", "_")


def is_valid(data, version: str) -> bool:
    """Whether data (already interpolated) follows the schema of version."""
    module = importlib.import_module(f"{__name__}.{module_name(normalize_version(version))}")
    try:
        module.validate(data)
        return True
    except Invalid:
        return False

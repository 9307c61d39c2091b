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


def distinct_hashable(items) -> int:
    """How many distinct items a set of them holds; 0 when one is unhashable (a dict or list).
    Never more than fastjsonschema's own count of distinct items (see generate._UNIQUE_TEST)."""
    try:
        return len(set(items))
    except TypeError:
        return 0


def module_name(version: str) -> str:
    """`3.13` -> `v3_13`: the generated module of a (normalized) version."""
    return "v" + version.replace(".", "_")


# The generated function every module's root validator calls on each service (fastjsonschema names
# it after the schema's $id and the definition).
_SERVICE_VALIDATOR = "validate_https___stacklint_invalid_schemas_stack_schema_json__definitions_service"


def _module(version: str):
    return importlib.import_module(f"{__name__}.{module_name(normalize_version(version))}")


def is_valid(data, version: str) -> bool:
    """Whether data (already interpolated) follows the schema of version."""
    try:
        _module(version).validate(data)
        return True
    except Invalid:
        return False


def service_is_valid(service, version: str) -> bool:
    """Whether one service (interpolated) follows the service definition of version. A document that
    was valid stays valid after one service changed (its name unchanged) exactly when this holds:
    the root schema checks each service against that definition and nothing else about its value."""
    try:
        getattr(_module(version), _SERVICE_VALIDATOR)(service)
        return True
    except Invalid:
        return False

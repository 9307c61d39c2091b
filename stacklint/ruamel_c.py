"""ruamel's C composer (`_ruamel_yaml`, from ruamel.yaml.clib) without ruamel.yaml's package
`__init__`.

The C module imports a dozen ruamel.yaml submodules (error, nodes, events, constructor...), and
importing any submodule first runs `ruamel/yaml/__init__.py`, which imports the whole library
(main.py: the round-trip loader and dumper, with typing and glob): about 40M of the 270M
instructions a small lint took. document.py needs only the C module and those submodules.

So the package module is created from its own spec but its `__init__` is not run yet: the
submodules import into it as usual, and the first name asked of the package that they did not
bind (`ruamel.yaml.YAML`, `__version__`, a `from ruamel.yaml import *`) runs the `__init__`
then, in place. Whoever else in the process uses ruamel.yaml sees the whole package.

Eight of those submodules give the C module only an exception class. Four (constructor,
representer, emitter, serializer) for its emitter, which a parse never runs; they import comments,
scalar types, datetime, base64...: 9M instructions of a small lint's 217M. Four (reader, scanner,
parser, composer) for a file that is not YAML, which a valid file never raises; they import the
pure scanner and parser, comments and datetime. The C module gets a stand-in class for each
instead (see _stand_in), and the submodules stay unimported until someone imports them, for real,
or the stand-in is called.
"""
from __future__ import annotations

import _imp
import sys
from importlib import import_module
from importlib.machinery import PathFinder
from types import ModuleType

_PACKAGE = "ruamel.yaml"


class _PackageInitDeferred(ModuleType):
    """The ruamel.yaml package until a name is asked of it that its submodules did not bind."""

    def __getattr__(self, name: str):
        # Only names the module does not have get here. The import lock keeps a second thread
        # from seeing the package half-initialised (the lock is re-entrant for this thread).
        _imp.acquire_lock()
        try:
            if type(self) is _PackageInitDeferred:
                self.__class__ = ModuleType
                self.__spec__.loader.exec_module(self)
        finally:
            _imp.release_lock()
        return getattr(self, name)


def _defer_package_init() -> None:
    if _PACKAGE in sys.modules:
        return  # already imported (whole): nothing to spare
    import ruamel  # the namespace package: only a path

    spec = PathFinder.find_spec(_PACKAGE, list(ruamel.__path__))
    if spec is None or spec.loader is None or not spec.submodule_search_locations \
            or not hasattr(spec.loader, "exec_module"):
        return  # not the layout we know: the plain import below does it all
    module = _PackageInitDeferred(_PACKAGE)
    # What the import system sets on a module before running it (__spec__, __path__, __file__...).
    module.__spec__ = spec
    module.__loader__ = spec.loader
    module.__package__ = _PACKAGE
    module.__path__ = list(spec.submodule_search_locations)
    if spec.origin is not None:
        module.__file__ = spec.origin
    if spec.cached is not None:
        module.__cached__ = spec.cached
    sys.modules[_PACKAGE] = module
    ruamel.yaml = module


# module -> the exception class the C module takes from it, and only raises (never catches)
_ERRORS_ONLY = {
    "ruamel.yaml.constructor": "ConstructorError",
    "ruamel.yaml.representer": "RepresenterError",
    "ruamel.yaml.emitter": "EmitterError",
    "ruamel.yaml.serializer": "SerializerError",
    "ruamel.yaml.reader": "ReaderError",
    "ruamel.yaml.scanner": "ScannerError",
    "ruamel.yaml.parser": "ParserError",
    "ruamel.yaml.composer": "ComposerError",
}


def _stand_in(module_name: str, class_name: str) -> type:
    """A class that, called, imports the real module and returns the real exception: whatever
    the C module raises is ruamel's own class, caught by `except ruamel.yaml.parser.ParserError`."""

    def __new__(cls, *args, **kwargs):
        return getattr(import_module(module_name), class_name)(*args, **kwargs)

    return type(class_name, (Exception,), {"__new__": __new__, "__module__": module_name,
                                           "__doc__": f"Stands for {module_name}.{class_name}."})


def _import_with_stand_ins():
    """`import _ruamel_yaml` with stand-in modules for those not imported yet, in sys.modules only
    while it runs (the import lock keeps other threads from seeing them)."""
    stand_ins = {}
    _imp.acquire_lock()
    try:
        for module_name, class_name in _ERRORS_ONLY.items():
            if module_name not in sys.modules:
                module = ModuleType(module_name)
                setattr(module, class_name, _stand_in(module_name, class_name))
                stand_ins[module_name] = sys.modules[module_name] = module
        import _ruamel_yaml
    finally:
        for module_name, module in stand_ins.items():
            if sys.modules.get(module_name) is module:
                del sys.modules[module_name]
        _imp.release_lock()
    return _ruamel_yaml


def import_c_composer():
    """The `_ruamel_yaml` module, or None where ruamel.yaml.clib is not installed."""
    _defer_package_init()
    if "_ruamel_yaml" in sys.modules:
        return sys.modules["_ruamel_yaml"]
    try:
        return _import_with_stand_ins()
    except ImportError:
        return None

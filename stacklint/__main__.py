"""The program: `python -m stacklint`, and the `stacklint` command (pyproject.toml names
`entry` here so that both import the same way)."""
import gc

# Importing allocates some hundred thousand objects that all live until the process ends:
# collecting among them while they are made only costs time. Frozen before the collector is back
# on, they are left out of every later collection, and out of the full one the interpreter makes
# at exit, which otherwise walks every object of every module (a tenth of the instructions of
# linting a small file); and the first allocation after enabling does not set off a collection
# of all of them at once (pip's console script allocates there: 7M instructions, 3%).
gc.disable()
from .cli import entry  # noqa: E402

gc.freeze()
gc.enable()

if __name__ == "__main__":
    entry()

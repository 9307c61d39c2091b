"""The program: `python -m stacklint`, and the `stacklint` command (pyproject.toml names
`entry` here so that both import the same way)."""
import gc

# Importing allocates some hundred thousand objects that all live until the process ends:
# collecting among them while they are made only costs time (entry freezes them after).
gc.disable()
from .cli import entry  # noqa: E402

gc.enable()

if __name__ == "__main__":
    entry()

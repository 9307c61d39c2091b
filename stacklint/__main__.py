import gc

# Importing allocates some hundred thousand objects that all live until the process ends:
# collecting among them while they are made only costs time (cli.entry freezes them after).
gc.disable()
from .cli import entry  # noqa: E402

gc.enable()
entry()

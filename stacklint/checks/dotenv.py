"""SL007 dotenv-not-read: a `.env` beside the stack file defines variables the file needs.

`docker stack deploy` does not read `.env` (moby/moby#29133; only `docker compose` does): the
variables it would supply are empty at deploy. Names are reported, never values.
"""
from __future__ import annotations

import os
import stat

from ..context import Context
from ..envfile import MAX_ENV_FILE_BYTES, parse_env_file

CODE = "SL007"


def check(ctx: Context):
    if not ctx.missing_variables or ctx.folder is None:
        return
    defined = _dotenv_names(ctx.folder / ".env")
    needed = [m for m in ctx.missing_variables if m[0] in defined]
    if not needed:
        return
    name, path, _, _ = needed[0]
    names = sorted({m[0] for m in needed})
    listed = ", ".join(names)
    yield ctx.diag(CODE, f"{listed} {'is' if len(names) == 1 else 'are'} not set here but defined in .env beside "
                   "this file, which `docker stack deploy` does not read: export them before deploying "
                   "(`env $(cat .env) docker stack deploy ...`), and pass `--env-file .env` to stacklint",
                   path)


def _dotenv_names(path) -> frozenset:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return frozenset()
        with open(path, "rb") as fh:
            data = fh.read(MAX_ENV_FILE_BYTES + 1)
    except OSError:
        return frozenset()
    try:
        return frozenset(parse_env_file(data[:MAX_ENV_FILE_BYTES]))
    except ValueError:
        return frozenset()

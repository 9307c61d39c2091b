"""SL007 dotenv-not-read: a `.env` beside the stack file defines variables the file needs.

`docker stack deploy` does not read `.env` (moby/moby#29133; only `docker compose` does): the
variables it would supply are empty at deploy. Names are reported, never values.
"""
from __future__ import annotations

from ..context import Context
from ..files import read_regular

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
    from ..envfile import MAX_ENV_FILE_BYTES, EnvFileError, parse_key_value_file  # here: a lint that reads no env file does not import it

    try:
        data = read_regular(path, MAX_ENV_FILE_BYTES)  # NotRegular and TooLarge are OSErrors
    except OSError:
        return frozenset()
    try:
        return frozenset(parse_key_value_file(data))
    except EnvFileError:
        return frozenset()

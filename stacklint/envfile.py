"""Docker's env-file syntax: docker/cli v28.2.2 `pkg/kvfile` parseKeyValueFile.

Used for `--env-file` (the variables stacklint interpolates with). Errors name the line and the
variable, never a value: env files hold secrets.
"""
from __future__ import annotations

from typing import Callable, Dict, Optional

from .files import NotRegular, TooLarge, read_regular

# Env files are small; a bound keeps `--env-file /dev/zero` from reading forever.
MAX_ENV_FILE_BYTES = 1024 * 1024

Lookup = Callable[[str], Optional[str]]


def parse_env_file(data: bytes, lookup: Optional[Lookup] = None) -> Dict[str, str]:
    """KEY=VALUE per line (the value verbatim, trailing spaces kept), `#` comments, blank lines;
    a bare KEY takes its value from lookup and is left out when lookup has none.
    Raises ValueError with Docker's message."""
    out: Dict[str, str] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]  # bufio.ScanLines drops a CR before the newline
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8").lstrip()
        except UnicodeDecodeError:
            raise ValueError(f"invalid utf8 bytes at line {number}") from None
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not key:
            raise ValueError(f"no variable name on line {number}")
        if " " in key or "\t" in key:
            raise ValueError(f"line {number}: a variable name contains whitespaces")
        if sep:
            out[key] = value
        elif lookup is not None:
            found = lookup(key)
            if found is not None:
                out[key] = found
    return out


def read_env_file(path: str, lookup: Optional[Lookup] = None) -> Dict[str, str]:
    """The variables of one env file; ValueError (one line, no value) when it cannot be used."""
    try:
        data = read_regular(path, MAX_ENV_FILE_BYTES)
    except NotRegular:
        raise ValueError(f"--env-file {path}: not a regular file") from None
    except TooLarge:
        raise ValueError(f"--env-file {path}: larger than {MAX_ENV_FILE_BYTES // 1024} KiB") from None
    except OSError as err:
        raise ValueError(f"--env-file {path}: {(err.strerror or str(err)).lower()}") from None
    try:
        return parse_env_file(data, lookup)
    except ValueError as err:
        raise ValueError(f"--env-file {path}: invalid env file: {err}") from None

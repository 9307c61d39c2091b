"""Docker's env-file syntax: docker/cli v28.2.2 `pkg/kvfile` parseKeyValueFile.

One parser for both readers of the syntax: `--env-file` (the variables stacklint interpolates
with) and a service's `env_file` (which `docker stack config` reads and rejects with these
errors, SL006). Docker's errors quote what they complain about; an env file holds secrets, so
ours keep Docker's words but name the line instead of quoting a value.
"""
from __future__ import annotations

from collections.abc import Callable

from .files import NotRegular, TooLarge, read_regular

# Env files are small; a bound keeps `--env-file /dev/zero` from reading forever.
MAX_ENV_FILE_BYTES = 1024 * 1024

# bufio.Scanner's default buffer (bufio.MaxScanTokenSize): a longer line, CR included, ends the
# scan with this error.
_MAX_LINE_BYTES = 64 * 1024

# Go's unicode.IsSpace, which strings.TrimLeftFunc uses; str.lstrip() would also take \x1c-\x1f.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"
_KEY_WHITESPACE = " \t"  # kvfile's whiteSpaces: the only characters a variable name may not hold

Lookup = Callable[[str], str | None]


class EnvFileError(ValueError):
    """One of parseKeyValueFile's errors, located by line."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def parse_key_value_file(data: bytes, lookup: Lookup | None = None) -> dict[str, str]:
    """KEY=VALUE per line (the value verbatim: quotes and trailing spaces kept), `#` comments,
    blank lines; a bare KEY takes its value from lookup and is left out when lookup has none.
    Raises EnvFileError at the first bad line, as Docker stops there."""
    out: dict[str, str] = {}
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # bufio.ScanLines: no empty token after the final newline
    for number, raw in enumerate(lines, start=1):
        if len(raw) >= _MAX_LINE_BYTES:
            raise EnvFileError("bufio.Scanner: token too long", number)
        if raw.endswith(b"\r"):
            raw = raw[:-1]  # ScanLines drops one CR before the newline
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            # Docker appends the line's bytes: left out
            raise EnvFileError(f"invalid utf8 bytes at line {number}", number) from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        line = text.lstrip(_GO_SPACE)
        if not line or line.startswith("#"):
            continue
        key, has_value, value = line.partition("=")
        if not key:
            # Docker quotes the line, which is `=` and a value
            raise EnvFileError(f"no variable name on line {number}", number)
        if any(c in key for c in _KEY_WHITESPACE):
            if has_value:
                raise EnvFileError(f"variable '{key}' contains whitespaces (line {number})", number)
            # Docker quotes the line, and a line without `=` may be a pasted password
            raise EnvFileError(f"variable on line {number} contains whitespaces (the line is not shown: "
                               "without `=` it may be a value)", number)
        if has_value:
            out[key] = value
        elif lookup is not None:
            found = lookup(key)
            if found is not None:
                out[key] = found
    return out


def read_env_file(path: str, lookup: Lookup | None = None) -> dict[str, str]:
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
        return parse_key_value_file(data, lookup)
    except EnvFileError as err:
        raise ValueError(f"--env-file {path}: invalid env file: {err}") from None

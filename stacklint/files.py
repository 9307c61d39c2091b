"""Reading files named by the user without hanging or filling memory.

Only regular files are read: a FIFO named like a stack file would block the open forever,
and `/dev/zero` never ends. The open does not block (O_NONBLOCK, which regular files ignore),
the kind is checked on the open descriptor (no race with a swap of the name), and a read
never takes more than the caller's limit plus one byte.
"""
from __future__ import annotations

import errno
import os
import stat


class NotRegular(OSError):
    """The path names a FIFO, a device, a socket or a directory."""

    def __init__(self, kind: str):
        super().__init__(f"is {kind}, not a regular file")
        self.kind = kind


class TooLarge(OSError):
    def __init__(self, size: int, limit: int):
        super().__init__(f"is larger than {limit:,} bytes")
        self.size, self.limit = size, limit


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; NotRegular, TooLarge or OSError."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(kind_of(mode))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(max(len(data), os.fstat(fd).st_size), limit)
        return data
    finally:
        os.close(fd)


def read_regular_text(path, limit: int, what: str) -> str:
    """read_regular decoded as UTF-8, with every failure as one ValueError naming `what`."""
    try:
        return read_regular(path, limit).decode("utf-8")
    except TooLarge as err:
        raise ValueError(f"{what} {path}: {err}; this is not a {what}") from None
    except UnicodeDecodeError as err:
        raise ValueError(f"{what} {path}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise ValueError(f"{what} {path}: {err.strerror.lower() if err.strerror else err}") from None


# What follows answers as pathlib does, in os.path: importing pathlib (with the urllib.parse and
# ipaddress it imports) is 8% of a small lint's instructions, and a lint that reads no file
# beside the stack's needs none of it.

def pathlib_form(path: str) -> str:
    """str(pathlib.Path(path)), the form reports show: pathlib is asked only about a path it
    would change (empty or `.` components: `./a`, `a//b`, `a/`), not the plain ones most are."""
    if os.sep == "/" and path and "//" not in path and "/./" not in path and not path.startswith("./") \
            and not path.endswith(("/", "/.")):
        return path
    from pathlib import Path

    return str(Path(path))


def parent_folder(path: str) -> str:
    """str(pathlib.Path(path).parent)."""
    return os.path.dirname(pathlib_form(path)) or "."


# The errors pathlib's is_file() takes for "no such file" (pathlib._IGNORED_ERRNOS); it raises others.
_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def is_file(path: str) -> bool:
    """pathlib.Path(path).is_file(): a permission error on the way is raised, not taken for no."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError as err:
        if err.errno not in _NOT_THERE:
            raise
        return False
    except ValueError:
        return False

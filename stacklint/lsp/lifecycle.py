"""The server's lifecycle and stream framing as the LSP specification has them.

pygls 2.1 leaves some gaps that an editor (or a broken client) can hit:
- a request after `shutdown` got no answer at all (the specification: InvalidRequest);
- a header it cannot read (`Content-Length: abc`, a bare JSON body) was skipped, and the
  body that followed was then read as header lines: the server stalled on the next newline;
- a Content-Length of any size was read into memory.
Here every header block must be `Name: value` lines with one decimal Content-Length; anything
else ends the session with one line on standard error and exit code 1, because a byte stream
that lost its framing cannot be resynchronised.
"""
from __future__ import annotations

import asyncio
import logging
import re
import sys
from threading import Event

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async

log = logging.getLogger("stacklint.lsp")

# The largest message read: a 20 MiB document (the stack-file limit) JSON-escaped, with room.
MAX_MESSAGE_BYTES = 128 * 1024 * 1024
_LENGTH = re.compile(rb"content-length:[ \t]*([0-9]{1,12})[ \t]*\r?\n", re.IGNORECASE)
_HEADER = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:[^\r\n]*\r?\n")


def refused_after_shutdown(message) -> bool:
    """A request other than `exit` after `shutdown`: it gets an error, not silence."""
    method = getattr(message, "method", None)
    return method is not None and method != types.EXIT and getattr(message, "id", None) is not None


def shutting_down():
    return JsonRpcInvalidRequest("the server is shutting down: only `exit` is accepted now").to_response_error()


class FramingError(Exception):
    pass


class CheckedReader:
    """Hands pygls' loop only well-formed header blocks, with Content-Length spelled the one
    way it recognises; raises FramingError on anything else."""

    def __init__(self, reader):
        self.reader = reader
        self.length = None  # the Content-Length of the header block being read

    async def readline(self) -> bytes:
        line = await self.reader.readline()
        if not line:
            return line  # the end of the stream
        if line in (b"\r\n", b"\n"):
            if self.length is None:
                raise FramingError("a message header without Content-Length")
            self.length = None
            return b"\r\n"
        m = _LENGTH.fullmatch(line)
        if m:
            self.length = int(m.group(1))
            if self.length > MAX_MESSAGE_BYTES:
                raise FramingError(f"Content-Length {self.length:,} is over the {MAX_MESSAGE_BYTES:,}-byte limit")
            return b"Content-Length: %d\r\n" % self.length
        if _HEADER.fullmatch(line) and not line.lower().startswith(b"content-length:"):
            return line
        raise FramingError(f"unreadable message header {_shown(line)}")

    def readexactly(self, n: int):
        return self.reader.readexactly(n)


def _shown(line: bytes) -> str:
    text = line[:60].decode("ascii", "backslashreplace")
    return repr(text + ("..." if len(line) > 60 else ""))


def start_io(server) -> None:
    """pygls' start_io over stdin/stdout, with the checked reader; server.exit_code becomes 1
    when the stream's framing breaks."""
    server._stop_event = Event()
    reader = CheckedReader(StdinAsyncReader(sys.stdin.buffer, server.thread_pool))
    server.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    try:
        asyncio.run(run_async(stop_event=server._stop_event, reader=reader, protocol=server.protocol,
                              logger=log, error_handler=server.report_server_error))
    except FramingError as err:
        server.exit_code = 1
        sys.stderr.write(f"stacklint lsp: {err}; the stream cannot be read further, stopping\n")
    except BrokenPipeError:
        log.error("the client's end of the stream is gone; stopping")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        # not server.shutdown(): it waits for the reader thread, which may be blocked on a
        # stdin the client keeps open; the process ends right after this anyway
        server._stop_event.set()
        server.thread_pool.shutdown(wait=False, cancel_futures=True)

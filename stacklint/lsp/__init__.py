"""`stacklint lsp`: the language server (diagnostics, hover, quick fixes) over stdio or TCP.

pygls is imported only when the server starts, so the command line never pays for it; when an
environment lacks it anyway (a broken install), `stacklint lsp` says so in one line.
"""
from __future__ import annotations

import argparse
import os
import sys

MISSING = ("stacklint lsp needs pygls and lsprotocol (dependencies of stacklint), which this "
           "environment lacks: pip install --force-reinstall stacklint")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stacklint lsp",
        description="Run the stacklint language server (stdio by default). Editors start it; "
                    "see the README's Editors section.")
    parser.add_argument("--stdio", action="store_true",
                        help="talk over standard input and output (the default; accepted because "
                             "vscode-languageclient passes it)")
    parser.add_argument("--tcp", action="store_true", help="listen on a TCP port instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        print(MISSING, file=sys.stderr)
        return 2
    from .server import serve

    code = serve((args.host, args.port) if args.tcp else None)
    # Leave now: a lint still running on the worker thread, or the reader thread blocked on
    # standard input, would otherwise hold the exit (the editor waits for it).
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)

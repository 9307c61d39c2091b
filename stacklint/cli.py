"""The command line: `stacklint [options] PATH...`, `stacklint rules`, `stacklint explain CODE`.

Exit codes: 0 nothing at or above the failure threshold, 1 findings, 2 usage or input error.
"""
from __future__ import annotations

import argparse
import functools
import os
import stat
import sys

from . import __version__, catalogue, config
from .console import say, silence_stdout
from .files import kind_of
from .diagnostics import Severity
from .output import FORMATS, render
from .output.escape import escape_control
from .output.text import COLOR_MODES, use_colour, with_part
from .quick_exit import exit_now
from .runner import default_jobs, expand, lint_declared_stack, lint_paths, lint_stack_paths, plan
from .settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

SUBCOMMANDS = {}  # name -> (help, function(argv) -> exit code); filled below


class UsageError(Exception):
    pass


def _codes(values: list[str] | None) -> frozenset | None:
    if not values:
        return None
    codes = set()
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            try:
                codes.update(catalogue.resolve(part))
            except KeyError:
                raise UsageError(f"unknown rule {part.strip()!r} (see `stacklint rules`)") from None
    return frozenset(codes)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {value!r}")
    return number


class _SizedFormatter(argparse.HelpFormatter):
    """The formatter while the parser is built. add_argument makes one per argument only to check
    its metavar; the default one asks the terminal for its width each time (importing shutil):
    two thirds of what building the parser cost a plain lint."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=80):
        super().__init__(prog, indent_increment, max_help_position, width)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stacklint",
        description="Lint Docker Stack files: what `docker stack deploy` rejects and the Swarm hazards "
                    "it silently accepts. Other commands: " + ", ".join(f"`stacklint {n}`" for n in SUBCOMMANDS),
        formatter_class=_SizedFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="stack files, directories to search for them, or - for standard input; the files of "
                             "a stack declared in the configuration (`stacks:`) are linted together, merged")
    parser.add_argument("--compose-file", "-c", action="append", metavar="FILE",
                        help="a file of one stack; repeat it to lint files that deploy together, merged as "
                             "`docker stack deploy -c base.yml -c prod.yml` merges them (later files override)")
    parser.add_argument("--format", "-f", default="text",
                        help=f"output format: {', '.join(FORMATS)} (default: text, with a code frame under each "
                             "finding; concise: one line a finding)")
    parser.add_argument("--color", choices=COLOR_MODES, default="auto",
                        help="colour the text output: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR "
                             "forces it), always or never")
    parser.add_argument("--output-file", "-o", help="write the report to this file instead of standard output")
    parser.add_argument("--select", action="append", help="only these rules (codes, names or prefixes; comma-separated)")
    parser.add_argument("--ignore", action="append", help="skip these rules (codes, names or prefixes)")
    parser.add_argument("--fail-on", choices=["error", "warning", "info"],
                        help="lowest severity that makes the exit code 1 (default: error)")
    parser.add_argument("--strict-env", action="store_true",
                        help="this environment is the deploy's: a required variable it lacks is an error")
    parser.add_argument("--no-env", action="store_true",
                        help="interpolate with an empty environment instead of this process's")
    parser.add_argument("--env-file", action="append", metavar="FILE",
                        help="variables to interpolate with, in Docker's env-file syntax (repeatable; a later file "
                             "wins; the process environment wins over them unless --no-env)")
    parser.add_argument("--config", metavar="FILE",
                        help="use this .stacklint.yaml or pyproject.toml instead of searching upward from each file")
    parser.add_argument("--inventory", metavar="FILE",
                        help="a Swarm inventory (`stacklint inventory -o FILE`) for the cluster-aware SL5xx rules")
    parser.add_argument("--docker", action="store_true",
                        help="take the inventory live from the Swarm DOCKER_HOST / the docker context points at")
    parser.add_argument("--stack-name", metavar="NAME",
                        help="the stack name the file is deployed as (SL504 then ignores this stack's own ports)")
    parser.add_argument("--engine-version", metavar="VERSION", type=_engine_version,
                        help="the Docker Engine the stack is deployed to, e.g. 20.10 (default: the current release; "
                             "an inventory that records it wins)")
    parser.add_argument("--jobs", "-j", type=_positive, metavar="N",
                        help="lint files in N processes (default: the number of CPUs); given N > 1, a file "
                             "of 200 services or more also shares its checks with a second process (faster "
                             "where a CPU is idle, more memory); the report does not change")
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe fixes in place (standard input: print the fixed text), then report "
                             "what remains")
    parser.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff and write nothing (exit 1 when there is one)")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix or --diff, apply the fixes that change what gets deployed too")
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    parser.add_argument("--statistics", action="store_true",
                        help="print how often each rule fired instead of the findings (text or json)")
    parser.add_argument("--version", action="version", version=f"stacklint {__version__}")
    parser.formatter_class = argparse.HelpFormatter  # help and usage errors fit the terminal, as before
    return parser


def settings_from_args(args) -> Settings:
    select = _codes(args.select)
    if args.select is not None and not select:
        raise UsageError("--select is empty, which would turn every rule off (an unset variable in a script?); "
                         "name the rules to run, or leave --select out to run them all")
    ignore = _codes(args.ignore) or frozenset()
    fail_on = Severity.parse(args.fail_on) if args.fail_on else None
    env = {} if args.no_env else dict(os.environ)
    if args.env_file:
        from .envfile import read_env_file

        from_files: dict = {}
        for name in args.env_file:
            try:
                from_files.update(read_env_file(name, lookup=env.get))
            except ValueError as err:
                raise UsageError(str(err)) from None
        env = {**from_files, **env}  # as with `docker compose --env-file`: the shell's variables win
    return Settings(select=select, ignore=ignore, fail_on=fail_on, env=env, strict_env=args.strict_env,
                    inventory=_inventory_from_args(args), stack_name=args.stack_name,
                    engine_version=args.engine_version)


def _engine_version(text: str) -> str:
    from . import engine_version

    try:
        engine_version.parse(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


class InventoryUnavailable(Exception):
    """No usable inventory although one was asked for (a bad file, an unreachable engine)."""


def _inventory_from_args(args):
    if not (args.inventory or args.docker):
        return None  # the inventory module brings HTTP and TLS: ~0.05 s a plain lint never needs
    from . import inventory

    if args.inventory and args.docker:
        raise UsageError("--inventory and --docker exclude each other")
    try:
        if args.inventory:
            return inventory.load_inventory(args.inventory)
        if args.docker:
            return inventory.parse_inventory(inventory.snapshot(), "the live snapshot")
    except (inventory.InventoryError, inventory.EngineError) as err:
        raise InventoryUnavailable(str(err)) from None
    return None


def lint_main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.format not in FORMATS:
        parser.error(f"unknown format {args.format!r} (choose from {', '.join(FORMATS)})")
    if args.statistics:
        from .output import statistics  # its json import only for --statistics
    if args.statistics and args.format not in statistics.FORMATS:
        parser.error(f"--statistics prints text or json, not {args.format}")
    if not args.paths and not args.compose_file:
        parser.error("no PATH given (a stack file, a directory, or - for standard input; or -c FILE)")
    try:
        settings = settings_from_args(args)
    except UsageError as err:
        parser.error(str(err))
    except InventoryUnavailable as err:
        say(str(err))
        return EXIT_USAGE
    config_path = None
    if args.config:
        from pathlib import Path  # only for --config: see files.pathlib_form

        config_path = Path(args.config)
    if config_path is not None:
        try:
            mode = config_path.stat().st_mode
        except (OSError, ValueError):
            parser.error(f"--config {escape_control(args.config)}: no such file")
        if not stat.S_ISREG(mode):
            parser.error(f"--config {escape_control(args.config)}: is {kind_of(mode)}, not a regular file")
    paths = expand(args.paths)
    if args.output_file and _is_one_of(args.output_file, paths + list(args.compose_file or [])):
        parser.error(f"--output-file {escape_control(args.output_file)} is one of the files to lint: the report "
                     "would overwrite it")
    if "-" in paths and sys.stdin is None:
        parser.error("- reads standard input, which is closed")
    if not args.output_file and sys.stdout is None:
        say("standard output is closed: give --output-file FILE for the report")
        return EXIT_USAGE

    # a partial, not a closure: --jobs sends it to the worker processes
    settings_for_file = functools.partial(config.settings_for, base=settings, config_path=config_path)
    stacks_for = functools.partial(config.stacks_for, config_path=config_path)

    stream = sys.stdout
    colour = use_colour(stream, args.color) if args.output_file is None else args.color == "always"

    def lint_all(then=None):
        found = lint_stack_paths(args.compose_file, settings_for_file) if args.compose_file else []
        alone, stacks = plan(args.paths, paths, stacks_for)
        # keep: this process leaves without freeing what it linted (quick_exit.py)
        found += lint_paths(alone, settings_for_file, args.jobs or default_jobs(), split=args.jobs is not None,
                            keep=True, then=then)
        for stack in stacks:
            found += lint_declared_stack(stack, settings_for_file, paths + args.paths)
        return found

    # A text report's part for each file is rendered where the file is linted (by the --jobs
    # workers, in parallel); not for the lint that --fix and --diff start from.
    text_report = args.format in ("text", "concise") and not args.statistics
    then = functools.partial(with_part, colour=colour, concise=args.format == "concise") if text_report else None
    results = lint_all(None if args.fix or args.diff else then)
    if (args.fix or args.diff) and results:
        from .fix_command import fix_files

        outcome = fix_files(results, diff=args.diff, unsafe=args.unsafe_fixes)
        if args.diff or outcome.wrote_stdout:
            for r in results:
                if r.input_error:
                    say(escape_control(r.input_error))
            return outcome.exit_code(results)
        results = lint_all(then)  # what remains after the fixes
    if not results:
        # Not an error: a CI step over a repository without stack files still gets a valid report.
        say("warning: no stack files found in " + ", ".join(escape_control(p) for p in args.paths))
    input_errors = [r for r in results if r.input_error]
    for r in input_errors:
        say(escape_control(r.input_error))
    if args.statistics:
        report = statistics.render(results, args.format)
    else:
        report = render(args.format, results, colour=colour, quiet=args.quiet)
    if args.format == "sarif":
        _note_sarif_cap(results)
    if args.output_file:
        try:
            with open(args.output_file, "w", encoding="utf-8") as fh:
                fh.write(report)
        except OSError as err:
            say(f"--output-file {escape_control(args.output_file)}: {err.strerror or err}")
            return EXIT_USAGE
    else:
        try:
            stream.write(report)
            stream.flush()
        except BrokenPipeError:
            raise  # main() handles the reader that left
        except OSError as err:  # /dev/full, a closed descriptor, an I/O error
            silence_stdout()
            say(f"cannot write the report to standard output: {err.strerror or err}")
            return EXIT_USAGE
    if input_errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if any(r.failing for r in results) else EXIT_CLEAN


def _note_sarif_cap(results) -> None:
    from .output import sarif  # imported only for SARIF: a text run does not pay for it

    if sarif.omitted(results):
        say(f"note: the SARIF report leaves out the {sarif.omitted(results)} least severe findings "
            f"(GitHub accepts at most {sarif.MAX_RESULTS} results a run)")


def _is_one_of(output: str, paths: list[str]) -> bool:
    """Whether the output file is one of the inputs (the same file, whatever the spelling)."""
    try:
        out = os.stat(output)
    except OSError:
        return False  # it does not exist yet: it cannot be an input
    for p in paths:
        try:
            st = os.stat(p) if p != "-" else None
        except OSError:
            continue
        if st is not None and (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino):
            return True
    return False


def rules_main(argv: list[str]) -> int:
    for rule in catalogue.load().values():
        print(f"{rule.code}  {rule.name:<34} {rule.severity.label:<8} {rule.summary}")
    return EXIT_CLEAN


def explain_main(argv: list[str]) -> int:
    if len(argv) != 1:
        say("usage: stacklint explain CODE|NAME")
        return EXIT_USAGE
    try:
        (code, *_rest) = catalogue.resolve(argv[0])
    except KeyError:
        say(f"unknown rule {argv[0]!r} (see `stacklint rules`)")
        return EXIT_USAGE
    rule = catalogue.load()[code]
    print(f"{rule.code} {rule.name} ({rule.severity.label}, {rule.category})\n")
    print(rule.body.split("\n", 1)[1].strip() if rule.body.startswith("# ") else rule.body)
    return EXIT_CLEAN


SUBCOMMANDS["rules"] = ("list every rule", rules_main)
SUBCOMMANDS["explain"] = ("print a rule's page", explain_main)


def inventory_main(argv: list[str]) -> int:
    from .inventory import main

    return main(argv)


SUBCOMMANDS["inventory"] = ("snapshot the Swarm for --inventory", inventory_main)


def lsp_main(argv: list[str]) -> int:
    from .lsp import main as serve  # pygls is imported only when the server starts

    return serve(argv)


SUBCOMMANDS["lsp"] = ("run the language server (stdio, or --tcp --port N)", lsp_main)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            return SUBCOMMANDS[argv[0]][1](argv[1:])
        return lint_main(argv)
    except BrokenPipeError:
        # `stacklint ... | head`: the reader left; that is not our error
        silence_stdout()
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    except OSError as err:
        if err.filename is not None:
            # a file of stacklint's own (a schema, a rule page) missing or unreadable: a broken
            # installation, not the output
            say(f"cannot read {escape_control(str(err.filename))}: {err.strerror or err}")
        else:  # writing `stacklint rules` or `explain` to /dev/full, and the like
            silence_stdout()
            say(f"cannot write to standard output: {err.strerror or err}")
        return EXIT_USAGE


def entry() -> None:
    """The program: the `stacklint` command and `python -m stacklint` (stacklint/__main__.py,
    which both import first, freezes what importing made)."""
    code = main()
    if "stacklint.lsp" in sys.modules:
        sys.exit(code)  # the language server's libraries clean up at exit
    exit_now(code)


if __name__ == "__main__":  # pragma: no cover
    entry()

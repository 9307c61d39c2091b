"""lint(text, path, settings) -> diagnostics. Pure: no printing, no exit, no global state.

The order follows Docker's loader: YAML, top-level shape, version (on the raw value),
forbidden keys (raw), interpolation, schema, then everything Docker checks later and the
hazards it never checks. Unlike Docker we do not stop at the first problem.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
import fnmatch

from . import catalogue, credentials, limits, redact, suppress
from .collector import gc_paused
from .checks import REGISTRY
from .checks.loader import forbidden_paths
from .context import Context, get
from .diagnostics import Diagnostic, Range, Severity, reading_order
from .document import Document, parse
from .interpolation import interpolate
from .schema import validate
from .settings import DEFAULT, Settings
from .versions import detect


def lint(text: str, path: str | None = None, settings: Settings = DEFAULT,
         reader_findings: Sequence[Diagnostic] = (), checks: Checks | None = None) -> list[Diagnostic]:
    """reader_findings: what reading the bytes found (invalid UTF-8), passed through the same
    selection, suppression and severity as the engine's own findings. checks: how the checks
    run (default: here, one after the other; the command line may split a big file's)."""
    with gc_paused():
        return _lint(text, path, settings, reader_findings, checks or Checks())


def _lint(text: str, path: str | None, settings: Settings, reader_findings, checks: Checks) -> list[Diagnostic]:
    doc = parse(text)
    found = [*reader_findings, *doc.problems]
    if not doc.failed:
        found.extend(_analyse(doc, path, settings, checks))
    return _finish(doc, found, path, settings)


class Checks:
    """How the checks of a lint run: results() is run_checks. start() is called once the file's
    context exists, before its schema is validated: work started there may overlap that."""

    def start(self, ctx: Context) -> None:
        pass

    def results(self, ctx: Context, settings: Settings) -> list[Diagnostic]:
        return run_checks(ctx, settings)


def _analyse(doc: Document, path: str | None, settings: Settings, checks: Checks) -> list[Diagnostic]:
    ctx, out = load(doc, path, settings, started=checks.start)
    if ctx is not None:
        out.extend(checks.results(ctx, settings))
    return out


def load(doc: Document, path: str | None, settings: Settings,
         schema: Callable[..., list[Diagnostic]] = validate,
         started: Callable[[Context], None] = lambda ctx: None) -> tuple[Context | None, list[Diagnostic]]:
    """What Docker's loader does to one file: top-level shape, version, interpolation, schema.

    Returns the context the checks read (None when Docker stops before reading anything else)
    and the findings so far. schema: schema.validate, or what answers the same (the editor's
    incremental lint validates only the service an edit changed). started: called with the
    context before the schema runs (Checks.start).
    """
    out: list[Diagnostic] = []
    if not isinstance(doc.data, dict):
        r = doc.value_range(()) if doc.data is not None else Range.of(0, 0, 0, 0)
        what = "empty" if doc.data is None else {list: "a list", str: "a string"}.get(type(doc.data), "a scalar")
        out.append(Diagnostic("SL004", f"top-level object must be a mapping; this file is {what}",
                              Severity.ERROR, r, (), stage="load"))
        return None, out
    info, version_problems = detect(doc)
    out.extend(version_problems)
    for d in out:
        if d.severity == Severity.ERROR:
            d.stage = "load"
    if info.version is None:
        return None, out  # Docker refuses the file before reading anything else
    env = settings.env if settings.env is not None else {}
    # Most stack files have no `$` at all: nothing to substitute, nothing to copy.
    data, findings, from_env = interpolate(doc.data, env) if "$" in doc.text else (doc.data, [], {})
    out.extend(_interpolation_diagnostics(doc, findings, settings))
    missing = tuple((pf.finding.variable, pf.path, pf.finding.offset, pf.finding.length) for pf in findings
                    if pf.finding.kind in ("unset", "required"))
    ctx = Context(path=path, doc=doc, data=data, version=info.version, declared=info.declared,
                  settings=settings, missing_variables=missing, from_env=from_env)
    started(ctx)
    # Paths whose problem is already explained: SL003 on the version, SL005 on a failed cast
    # (Docker stops at the cast, before its schema ever sees the value).
    explained = {d.path for d in version_problems}
    explained.update(forbidden_paths(doc.data))  # SL004 says "forbidden", not "unknown key"
    explained.update(pf.path for pf in findings if pf.finding.kind == "cast")
    for d in schema(doc, data, info.version, info.declared):
        if d.path in explained:
            continue
        d.stage = "load"
        out.append(d)
    redact.apply(out, from_env)  # the schema quotes values too
    return ctx, out


def run_checks(ctx: Context, settings: Settings) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for codes, check in REGISTRY:
        if any(settings.enabled(c) for c in codes):
            out.extend(check(ctx))
    redact.apply(out, ctx.from_env)
    return out


def _interpolation_diagnostics(doc, findings, settings: Settings) -> list[Diagnostic]:
    out = []
    for pf in findings:
        f = pf.finding
        r = _substring_range(doc, pf.path, f.offset, f.length)
        where = ".".join(str(p) for p in pf.path)
        if f.kind != "cast" and credentials.may_be_secret(doc.data, pf.path) and not _meant(doc, pf):
            # the text after a `$` in a password is part of the password: never quote it
            sev, stage = (Severity.ERROR, "load") if pf.docker_error else (Severity.WARNING, "")
            msg = (f"{where}: this value looks like a secret and a `$` in it starts "
                   f"{'an invalid' if f.kind == 'invalid' else 'a'} substitution, so Docker does not keep it as "
                   "written (the value is not shown); write a literal $ as $$, or better, pass it as a Docker secret")
        elif f.kind == "invalid":
            sev, stage = (Severity.ERROR, "load") if pf.docker_error else (Severity.WARNING, "")
            msg = f"{where}: {f.message}"
            if f.swallowed:
                msg += " (Docker lets it pass only because a later substitution in the same value succeeds)"
        elif f.kind == "required":
            if settings.strict_env:
                sev, stage = (Severity.ERROR, "load") if pf.docker_error else (Severity.WARNING, "")
            else:
                sev, stage = Severity.WARNING, ""
            msg = f"{where}: {f.message}; `docker stack deploy` fails unless it is set"
            if f.swallowed:
                msg = f"{where}: {f.message}, but Docker does not check it here: a later substitution in " \
                      "the same value clears the error"
        elif f.kind == "cast":
            sev, stage = Severity.ERROR, "load"
            msg = f"{where}: {f.message}"
        else:  # unset
            sev, stage = Severity.WARNING, ""
            msg = f"{where}: {f.message}; give a default (${{{f.variable}:-value}}) or require it " \
                  f"(${{{f.variable}:?message}})"
        out.append(Diagnostic("SL005", msg, sev, r, pf.path, stage=stage))
    return out


def _meant(doc, pf) -> bool:
    """Whether a substitution in a secret-looking value is plainly meant as one, so naming its
    variable quotes nothing of a secret: `${VAR:?message}` (only written on purpose), or a value
    that is one `${VAR}` (after `NAME=` in a list entry). Else a `$` may be part of a password
    (`pa$word`), and the text after it is never quoted."""
    f = pf.finding
    if f.kind == "required":
        return True
    raw = get(doc.data, *pf.path)
    if f.kind != "unset" or not isinstance(raw, str) or f.offset < 0:
        return False
    before = raw[:f.offset]
    return raw[f.offset:] == f"${{{f.variable}}}" and (before == "" or before.endswith("=") and "$" not in before)


def _substring_range(doc: Document, path, offset: int, length: int) -> Range:
    """The `$...` inside a one-line scalar when the source shows it verbatim, else the value."""
    r = doc.value_range(path)
    span = doc.span(path)
    if offset < 0 or span is None or span.value != r:
        return r  # a block scalar or a multi-line value: the finding goes on its key
    source = doc.source(r)
    quote = source[:1] if source[:1] in ("'", '"') else ""
    inner = source[1:-1] if quote else source
    if quote == '"' and "\\" in inner:
        return r
    if quote == "'" and "''" in inner:
        return r
    col = r.start.column + (1 if quote else 0) + offset
    return Range.of(r.start.line, col, r.start.line, col + length)


def _finish(doc: Document, found: list, path: str | None, settings: Settings,
            literals: tuple | None = None) -> list[Diagnostic]:
    """The final pass. literals: the literal secrets to hide (default: those this document writes)."""
    ignored_here = _per_file_ignores(path, settings)
    # Most files have no pragma: one search of the text, not one per line (nor the list of lines)
    pragmas, pragma_problems = suppress.find(doc.lines, catalogue.resolve) if suppress.MARK in doc.text else ([], [])
    found, omitted = limits.split(found)

    verdicts: dict[str, bool] = {}  # per code: a big file has thousands of findings and a few dozen codes

    def wanted(code: str) -> bool:
        verdict = verdicts.get(code)
        if verdict is None:
            verdict = verdicts[code] = settings.enabled(code) and code not in ignored_here
        return verdict

    kept = suppress.apply([d for d in found if wanted(d.code)], pragmas)
    if settings.report_unused_suppressions and not doc.failed:
        pragma_problems.extend(suppress.unused(pragmas, settings.enabled))
    kept.extend(p for p in pragma_problems if wanted("SL009"))
    for d in kept:
        if d.code in settings.severity:
            d.severity = settings.severity[d.code]
    kept.sort(key=reading_order)
    kept = limits.cap(kept, [o.replace(severity=settings.severity.get(o.code, o.severity))
                             for o in omitted if wanted(o.code)])
    # after the cap: its cost then has a bound whatever the file holds
    redact.hide_literals(kept, credentials.literal_values([(doc.data, doc.text)]) if literals is None else literals)
    for d in kept:
        name = catalogue.name_of(d.code)
        if name:
            d.name = name
    kept.sort(key=reading_order)
    return kept


def finish_unread(found: Sequence[Diagnostic], path: str | None, settings: Settings = DEFAULT) -> list[Diagnostic]:
    """Findings about a file that was not parsed (too large): selection and severity still apply."""
    return _finish(parse(""), list(found), path, settings)


def _per_file_ignores(path: str | None, settings: Settings) -> set:
    if not path or not settings.per_file_ignores:
        return set()
    from pathlib import Path  # only for per-file-ignores: see files.pathlib_form

    p = Path(path).resolve()
    codes = set()
    for entry in settings.per_file_ignores:
        if p.match(entry.pattern) or fnmatch.fnmatch(str(p), entry.pattern) or fnmatch.fnmatch(p.name, entry.pattern):
            codes.update(entry.codes)
    return codes


def fails(diagnostics: list[Diagnostic], settings: Settings = DEFAULT) -> bool:
    """Whether the findings reach the failure threshold (exit 1)."""
    return any(d.severity >= settings.threshold for d in diagnostics)

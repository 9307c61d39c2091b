#!/usr/bin/env python3
"""Editor latency: time from a didChange to the publishDiagnostics of that version, against Docker.

    python3 benchmarks/lsp_latency.py                 # 300 and 1,000 services from ../shared/bench/gen_stack.py
    python3 benchmarks/lsp_latency.py --services 100 --edits 60
    python3 benchmarks/lsp_latency.py --file my-stack.yml
    python3 benchmarks/lsp_latency.py --differential 3000 --services 300   # the long incremental differential too

Latency is timed to the publishDiagnostics notification's arrival at the client, its JSON parsed;
the pygls client's conversion of the findings into objects after that is printed beside it.

Drives `python -m stacklint lsp` (this checkout) over stdio like an editor: one small edit (a
replica count), then a pause, repeated; then typing bursts (five keys 40 ms apart in one service,
latency from the last key, so the debounce and any lint still running count). Every key changes
the text: a key that put back what was there would be linted from the last lint's document. The same run times `docker stack config -c FILE` on the
same file and prints p95 as a ratio to it (target: at most 0.5x), and times the engine alone.

--differential N applies N seeded random edits (tests/editing.py) to the bundled examples, the
rule pages' examples, ../shared/corpus and the generated stack, and checks after each one that the
server's incremental lint equals a full lint() of the same text.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared next to the checkout (a worktree under /work/wt/NAME: one level further up)
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
              ROOT.parent / "shared")
sys.path.insert(0, str(ROOT))

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from stacklint.engine import lint  # noqa: E402
from stacklint.settings import Settings  # noqa: E402

TARGET_RATIO = 0.5  # p95 at most half of `docker stack config` on the same file


def percentile(values, q):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def generate(services: int, out: Path) -> Path:
    gen = SHARED / "bench" / "gen_stack.py"
    if not gen.is_file():
        sys.exit(f"lsp_latency: {gen} is absent; pass --file STACK instead")
    subprocess.run([sys.executable, str(gen), str(services), "-o", str(out)], check=True)
    return out


async def measure(path: Path, edits: int, pause: float, debounce_ms) -> dict:
    text = path.read_text(encoding="utf-8")
    uri = from_fs_path(str(path))
    client = LanguageClient("lsp-latency", "1")
    published: asyncio.Queue = asyncio.Queue()
    ready = asyncio.Event()

    arrived: dict = {}  # version -> when its publishDiagnostics arrived, parsed from JSON
    structure = client.protocol.structure_message

    def stamp_arrival(data):
        # A message's JSON is parsed before this; turning it into lsprotocol objects (cattrs,
        # about 0.1 ms a diagnostic) comes after, and is this Python client's cost, not the
        # server's: an editor reads the JSON and stops there. Both times are reported.
        if isinstance(data, dict) and data.get("method") == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            arrived[(data.get("params") or {}).get("version")] = time.perf_counter()
        return structure(data)

    client.protocol.structure_message = stamp_arrival

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams):
        published.put_nowait((arrived.pop(params.version, None), time.perf_counter(), params.version,
                              len(params.diagnostics)))

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams):
        if "ready" in params.message:
            ready.set()

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    await client.start_io(sys.executable, "-m", "stacklint", "lsp", env=env)
    options = {"inheritEnv": False}
    if debounce_ms is not None:
        options["debounceMs"] = debounce_ms
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True))),
        root_uri=from_fs_path(str(path.parent)), initialization_options=options))
    client.initialized(types.InitializedParams())
    await asyncio.wait_for(ready.wait(), 60)

    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
    _, _, _, findings = await asyncio.wait_for(published.get(), 120)

    # Each edit changes one replica count (one character), the way a user types.
    spots = [(i, m.start(1)) for i, line in enumerate(text.splitlines())
             for m in [re.match(r"\s+replicas: (\d)", line)] if m]
    if not spots:
        sys.exit("lsp_latency: the stack has no `replicas: N` line to edit")
    digits = {spot: text.splitlines()[spot[0]][spot[1]] for spot in spots}

    def edit(n: int, version: int) -> None:
        spot = spots[n % len(spots)]
        line, col = spot
        digits[spot] = str(int(digits[spot]) % 9 + 1)  # another digit than the one there
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, col), types.Position(line, col + 1)),
                text=digits[spot])]))

    async def published_version(version: int) -> tuple[float, float]:
        """When the version's findings arrived (JSON parsed), and when this client had decoded them."""
        while True:
            at, decoded, got_version, _count = await asyncio.wait_for(published.get(), 120)
            if got_version == version:
                return at, decoded

    # Isolated edits: one change, then a pause (a value toggled, a quick fix applied).
    latencies, cpu, version = [], [], 1
    decoding = []  # what this client adds after arrival, turning the findings into objects
    for n in range(edits):
        version += 1
        sent = time.perf_counter()
        edit(n, version)
        cpu_before = server_cpu(client)
        at, decoded = await published_version(version)
        latencies.append(at - sent)
        decoding.append(decoded - at)
        cpu.append(server_cpu(client) - cpu_before)
        await asyncio.sleep(pause)
    # Typing bursts: five keystrokes 40 ms apart in one service; latency from the last keystroke.
    bursts = []
    for n in range(max(edits // 4, 1)):
        for k in range(5):
            version += 1
            edit(edits + n, version)
            sent = time.perf_counter()
            if k < 4:
                await asyncio.sleep(0.04)
        at, decoded = await published_version(version)
        bursts.append(at - sent)
        decoding.append(decoded - at)
        while not published.empty():
            published.get_nowait()
        await asyncio.sleep(pause)

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"latencies": latencies, "bursts": bursts, "cpu": cpu, "decoding": decoding, "findings": findings,
            "lines": text.count("\n") + 1, "text": text}


def server_cpu(client) -> float:
    """CPU seconds the server process has used so far (Linux /proc; 0 elsewhere). On a shared, busy
    machine the wall times stretch with everyone's load; CPU time per edit does much less."""
    try:
        fields = Path(f"/proc/{client._server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, AttributeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def docker_seconds(path: Path, runs: int = 5):
    """Median wall and CPU (user + system) time of `docker stack config -c FILE` (Docker's loader,
    offline), or None."""
    import resource
    import shutil

    if not shutil.which("docker"):
        return None
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(["docker", "stack", "config", "-c", str(path)], capture_output=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0:
            sys.exit(f"lsp_latency: docker stack config failed on {path}: {done.stderr.decode()[:300]}")
    return statistics.median(times), statistics.median(cpu)


def engine_seconds(text: str, path: Path) -> tuple:
    """The engine alone on the same text, with the cyclic GC paused as the server runs it: a full
    lint(), and the incremental lint of a one-character edit (the replica count of one service)."""
    from stacklint.incremental import INCREMENTAL, IncrementalLinter

    settings = Settings(env={})
    lines = text.split("\n")
    spots = [i for i, line in enumerate(lines) if re.match(r"\s+replicas: \d$", line)]
    full, incremental = [], []
    linter = IncrementalLinter()
    linter.lint(text, str(path), settings)
    for n in range(5):
        gc.disable()
        start = time.perf_counter()
        lint(text, str(path), settings)
        full.append(time.perf_counter() - start)
        edited = list(lines)
        edited[spots[n % len(spots)]] = edited[spots[n % len(spots)]][:-1] + str(1 + n % 9)
        start = time.perf_counter()
        linter.lint("\n".join(edited), str(path), settings)
        incremental.append(time.perf_counter() - start)
        gc.enable()
        assert linter.last_mode == INCREMENTAL
    return statistics.median(full), statistics.median(incremental)


def report(name: str, path: Path, args) -> None:
    result = asyncio.run(measure(path, args.edits, args.pause, args.debounce_ms))
    docker_times = docker_seconds(path)
    docker, docker_cpu = docker_times if docker_times is not None else (None, None)
    engine = engine_seconds(result["text"], path)
    lat, bursts = result["latencies"], result["bursts"]
    from stacklint.lsp.settings import DEFAULT_DEBOUNCE_MS

    debounce = args.debounce_ms if args.debounce_ms is not None else DEFAULT_DEBOUNCE_MS
    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731

    def ratio(seconds: float) -> str:
        if docker is None:
            return "(no docker client: no ratio)"
        r = seconds / docker
        return f"{r:.2f}x Docker ({'met' if r <= TARGET_RATIO else 'NOT met'}: target {TARGET_RATIO}x)"

    print(f"{name}: {result['lines']} lines, {result['findings']} findings; debounce {debounce} ms; "
          f"docker stack config {ms(docker) if docker is not None else 'n/a'} (median of 5)")
    print(f"  isolated edits ({len(lat)}), didChange -> publishDiagnostics: p50 {ms(statistics.median(lat))}, "
          f"p95 {ms(percentile(lat, 95))} = {ratio(percentile(lat, 95))}")
    print(f"  typing bursts ({len(bursts)} x 5 keys, 40 ms apart), last key -> publish: "
          f"p50 {ms(statistics.median(bursts))}, p95 {ms(percentile(bursts, 95))} = {ratio(percentile(bursts, 95))}")
    decoding = result["decoding"]
    print(f"  (timed to the notification's arrival, its JSON parsed; this Python client then takes p50 "
          f"{ms(statistics.median(decoding))}, p95 {ms(percentile(decoding, 95))} more to make lsprotocol "
          f"objects of the {result['findings']} findings, which an editor does not)")
    if docker_cpu and any(result["cpu"]):
        cpu = result["cpu"]
        print(f"  CPU time: the server per isolated edit p50 {ms(statistics.median(cpu))}, p95 "
              f"{ms(percentile(cpu, 95))}; docker stack config {ms(docker_cpu)}: p95 "
              f"{percentile(cpu, 95) / docker_cpu:.2f}x Docker's CPU time")
    print(f"  the engine alone, GC paused: a full lint() {ms(engine[0])}, an incremental one after a "
          f"one-character edit {ms(engine[1])}")


def long_differential(edits: int, generated: Path) -> None:
    """The incremental-vs-full differential of the test suite, longer."""
    from stacklint import catalogue
    from stacklint.checks import registered_codes
    from tests.editing import Tally, differential

    every_rule = Settings(env={}, select=frozenset(registered_codes()))
    sources = [(str(p), p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.yml"))]
    corpus = SHARED / "corpus" / "files"
    if corpus.is_dir():
        sources += [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in sorted(corpus.iterdir())]
    rules = catalogue.load()
    sources += [(None, example) for code in sorted(rules) for example in rules[code].examples("Example")]
    big = min(100, edits // 10)  # a 300-service lint is slow: a tenth of the edits, at most 100
    per_source = max(3, (edits - big) // len(sources))
    tally = Tally()
    start = time.perf_counter()
    for seed, (path, text) in enumerate(sources):
        tally += differential(text, path, every_rule, per_source, seed)
    tally += differential(generated.read_text(encoding="utf-8"), str(generated), every_rule, big, seed=len(sources))
    print(f"differential over {len(sources) + 1} files, every edit equal to a full lint(): {tally.line()}; "
          f"{time.perf_counter() - start:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, nargs="*", default=[300, 1000],
                        help="stack sizes to measure (none: only the differential)")
    parser.add_argument("--file", type=Path, help="a stack file to use instead of generating one")
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between edits (default 0.3)")
    parser.add_argument("--debounce-ms", type=int, help="the server's debounceMs (default: its own default)")
    parser.add_argument("--differential", type=int, default=0, metavar="N",
                        help="also run the incremental-vs-full differential with N random edits")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stacklint-lsp-bench-") as tmp:
        if args.file:
            report(args.file.name, args.file.resolve(), args)
        else:
            for n in args.services:
                report(f"{n} services", generate(n, Path(tmp) / f"stack-{n}.yml"), args)
        if args.differential:
            gen = Path(tmp) / "differential.yml"
            long_differential(args.differential, args.file.resolve() if args.file else generate(300, gen))
    return 0


if __name__ == "__main__":
    sys.exit(main())

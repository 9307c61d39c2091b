#!/usr/bin/env python3
"""Editor latency: time from a didChange to the publishDiagnostics of that version.

    python3 benchmarks/lsp_latency.py                 # a 300-service stack from ../shared/bench/gen_stack.py
    python3 benchmarks/lsp_latency.py --services 100 --edits 60
    python3 benchmarks/lsp_latency.py --file my-stack.yml

Drives `python -m stacklint lsp` (this checkout) over stdio like an editor: one small edit (a
replica count), then a pause, repeated. The latency includes the server's debounce; the same
run also times the engine alone (`lint()` in this process) so the server's own share shows.
Target: p95 under 250 ms for 300 services.
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
sys.path.insert(0, str(ROOT))

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from stacklint.engine import lint  # noqa: E402
from stacklint.settings import Settings  # noqa: E402

TARGET_P95 = 0.250


def percentile(values, q):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def generate(services: int, out: Path) -> Path:
    gen = ROOT.parent / "shared" / "bench" / "gen_stack.py"
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

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams):
        published.put_nowait((time.perf_counter(), params.version, len(params.diagnostics)))

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
    _, _, findings = await asyncio.wait_for(published.get(), 120)

    # Each edit changes one replica count (one character), the way a user types.
    spots = [(i, m.start(1)) for i, line in enumerate(text.splitlines())
             for m in [re.match(r"\s+replicas: (\d)", line)] if m]
    if not spots:
        sys.exit("lsp_latency: the stack has no `replicas: N` line to edit")
    def edit(n: int, version: int) -> None:
        line, col = spots[n % len(spots)]
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, col), types.Position(line, col + 1)),
                text=str(1 + n % 9))]))

    async def published_version(version: int) -> float:
        while True:
            at, got_version, _count = await asyncio.wait_for(published.get(), 120)
            if got_version == version:
                return at

    # Isolated edits: one change, then a pause (a value toggled, a quick fix applied).
    latencies, version = [], 1
    for n in range(edits):
        version += 1
        sent = time.perf_counter()
        edit(n, version)
        latencies.append(await published_version(version) - sent)
        await asyncio.sleep(pause)
    # Typing bursts: five keystrokes 40 ms apart; latency from the last keystroke.
    bursts = []
    for n in range(max(edits // 4, 1)):
        for k in range(5):
            version += 1
            edit(n * 5 + k, version)
            sent = time.perf_counter()
            if k < 4:
                await asyncio.sleep(0.04)
        bursts.append(await published_version(version) - sent)
        while not published.empty():
            published.get_nowait()
        await asyncio.sleep(pause)

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"latencies": latencies, "bursts": bursts, "findings": findings, "lines": text.count("\n") + 1, "text": text}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=300)
    parser.add_argument("--file", type=Path, help="a stack file to use instead of generating one")
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between edits (default 0.3)")
    parser.add_argument("--debounce-ms", type=int, help="the server's debounceMs (default: its own default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stacklint-lsp-bench-") as tmp:
        path = args.file.resolve() if args.file else generate(args.services, Path(tmp) / "docker-stack.yml")
        result = asyncio.run(measure(path, args.edits, args.pause, args.debounce_ms))
    engine, paused = [], []
    for _ in range(5):
        start = time.perf_counter()
        lint(result["text"], str(path), Settings(env={}))
        engine.append(time.perf_counter() - start)
        gc.disable()  # as the server lints: the cyclic collector paused
        start = time.perf_counter()
        lint(result["text"], str(path), Settings(env={}))
        paused.append(time.perf_counter() - start)
        gc.enable()
    lat, bursts = result["latencies"], result["bursts"]
    p50, p95 = statistics.median(lat), percentile(lat, 95)
    from stacklint.lsp.settings import DEFAULT_DEBOUNCE_MS

    debounce = args.debounce_ms if args.debounce_ms is not None else DEFAULT_DEBOUNCE_MS
    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731
    print(f"stack: {path.name if args.file else f'{args.services} services'}, {result['lines']} lines, "
          f"{result['findings']} findings; debounce {debounce} ms")
    print(f"isolated edits ({len(lat)}), didChange -> publishDiagnostics: p50 {ms(p50)}, p95 {ms(p95)}, "
          f"max {ms(max(lat))} (target p95 < {ms(TARGET_P95)}: {'met' if p95 < TARGET_P95 else 'NOT met'})")
    print(f"typing bursts ({len(bursts)} x 5 keys, 40 ms apart), last key -> publish: "
          f"p50 {ms(statistics.median(bursts))}, p95 {ms(percentile(bursts, 95))}")
    print(f"engine lint() alone, same text: p50 {ms(statistics.median(engine))}, with the cyclic GC paused "
          f"(as the server runs it) {ms(statistics.median(paused))}; server share of the isolated-edit p50: "
          f"{ms(p50 - statistics.median(paused))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

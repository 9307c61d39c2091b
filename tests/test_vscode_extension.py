"""The VS Code extension, built from this checkout and proven in a real VS Code.

vscode-extension/build.sh --into DIR builds the .vsix in a temporary copy of the extension's
sources (npm ci, then `vsce package`, whose vscode:prepublish type-checks, bundles with esbuild
and builds the bundled pure-Python server): nothing is written into the tree. A plain
`npx vsce package` in a clean copy of the repository gives the same .vsix. The .vsix is then
installed into code-server (VS Code 1.100 in a browser), driven by Debian's chromium through
playwright-core (vscode-extension/e2e/drive.mjs): open the example stack and a file with known
defects, read the Problems panel and the notifications, compare the findings with what
stacklint.engine.lint() finds in the same files, and take a screenshot. Three runs: a plain
`pip install` of this checkout's wheel with the extension's default settings (python3 on PATH),
stacklint installed in the interpreter (fromEnvironment), and the bundled copy run by an
interpreter that has no stacklint at all (useBundled). No run may show a notification.

Skips with a message where node/npm, chromium or code-server cannot be had
(.ci/run installs them; code-server is cached in /tmp/stacklint-code-server).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from stacklint import catalogue
from stacklint.checks import registered_codes
from stacklint.diagnostics import Severity
from stacklint.engine import lint
from stacklint.settings import Settings

from .conftest import EXAMPLE, ROOT, SCRATCH, SHARED

pytestmark = [pytest.mark.vscode, pytest.mark.slow]

EXT = ROOT / "vscode-extension"
CODE_SERVER_DIR = Path(os.environ.get("STACKLINT_CODE_SERVER_DIR", "/tmp/stacklint-code-server"))
CODE_SERVER = CODE_SERVER_DIR / "node_modules" / ".bin" / "code-server"
CHROMIUM = Path("/usr/bin/chromium")
HAS_LSP = (ROOT / "stacklint" / "lsp").is_dir()

# A stack file with two findings that do not depend on which other rules have landed: line 5
# repeats a key, line 7 gives replicas a string.
DEFECTS_NAME = "docker-stack.defects.yml"
DEFECTS = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    image: nginx:1.26\n' \
          "    deploy:\n      replicas: many\n"
DEFECTS_EXPECTED = {("SL002", 5, 5), ("SL004", 7, 17)}

USER_SETTINGS = {
    "security.workspace.trust.enabled": False,
    "workbench.startupEditor": "none",
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "extensions.ignoreRecommendations": True,
    "workbench.tips.enabled": False,
    "workbench.enableExperiments": False,
    # Each file opened keeps its tab (a preview tab would close the previous file, and with it
    # that file's problems).
    "workbench.editor.enablePreview": False,
    # The built-in git extension activates on startup and competes for the CPU.
    "git.enabled": False,
    "git.autoRepositoryDetection": False,
}


def _timed(label: str, timings: dict):
    class Timer:
        def __enter__(self):
            self.start = time.monotonic()

        def __exit__(self, *exc):
            timings[label] = round(time.monotonic() - self.start, 1)
    return Timer()


TIMINGS: dict = {}
# node_modules installed once per package-lock.json: in the checkout's ignored .tmp/ (a test run
# writes nowhere else), or where STACKLINT_NODE_MODULES_CACHE says (.ci/run keeps it across runs)
NODE_MODULES_CACHE = Path(os.environ.get("STACKLINT_NODE_MODULES_CACHE") or SCRATCH / "cache" / "node_modules")


def _npm_or_skip() -> None:
    for tool in ("node", "npm"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed: the VS Code extension cannot be built")


def _registry_or_fail(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode != 0:
        if any(s in proc.stderr for s in ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT")):
            pytest.skip("the npm registry cannot be reached: the VS Code extension cannot be built")
        pytest.fail(f"{what} failed:\n{proc.stderr[-4000:]}")


@pytest.fixture(scope="module")
def vsix(tmp_path_factory) -> Path:
    _npm_or_skip()
    build = tmp_path_factory.mktemp("vscode-build")
    TREE_BEFORE_BUILD.update(_tree_state())
    with _timed("build.sh", TIMINGS):
        proc = subprocess.run(["bash", str(EXT / "build.sh"), "--into", str(build)], capture_output=True, text=True,
                              timeout=1800, env=dict(os.environ, PYTHON=sys.executable,
                                                     STACKLINT_NODE_MODULES_CACHE=str(NODE_MODULES_CACHE)))
    _registry_or_fail(proc, "build.sh")
    path = Path(proc.stdout.strip().splitlines()[-1])
    assert path.name == f"stacklint-{json.loads((EXT / 'package.json').read_text())['version']}.vsix"
    assert path.is_file() and path.parent == build
    return path


def _tree_state() -> dict:
    """vscode-extension/'s entries and their modification times: a build in the tree changes them
    (node_modules/, dist/, bundled/, a .vsix appear or are rewritten)."""
    return {p.name: p.stat().st_mtime_ns for p in EXT.iterdir()}


TREE_BEFORE_BUILD: dict = {}


def test_the_build_writes_nothing_into_the_tree(vsix):
    assert TREE_BEFORE_BUILD and _tree_state() == TREE_BEFORE_BUILD


def _clean_clone(target: Path) -> Path:
    """The repository's files as a fresh clone has them (tracked and new, not ignored ones)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def test_plain_vsce_package_from_a_clean_clone_is_the_same_vsix(vsix, tmp_path):
    """The ecosystem's convention (npm ci, npx vsce package) builds the same complete .vsix."""
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    clone = _clean_clone(tmp_path / "clone") / "vscode-extension"
    env = dict(os.environ, PYTHON=sys.executable)
    # --ignore-scripts as in build.sh: keytar's native build (vsce's publish tokens) is not for packaging
    _registry_or_fail(subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=clone,
                                     capture_output=True,
                                     text=True, timeout=1800, env=env), "npm ci")
    with _timed("npx vsce package", TIMINGS):
        proc = subprocess.run(["npx", "--no-install", "vsce", "package", "--out", "plain.vsix"], cwd=clone,
                              capture_output=True, text=True, timeout=1800, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    with zipfile.ZipFile(vsix) as ours, zipfile.ZipFile(clone / "plain.vsix") as plain:
        assert sorted(plain.namelist()) == sorted(ours.namelist())
        differ = [n for n in ours.namelist() if ours.read(n) != plain.read(n)]
    assert differ == []


def test_vsix_holds_the_client_the_manifest_and_a_pure_python_server(vsix):
    names = zipfile.ZipFile(vsix).namelist()
    for name in ("extension/dist/extension.js", "extension/package.json", "extension/readme.md",
                 "extension/LICENSE.txt", "extension/bundled/libs/stacklint/__init__.py",
                 "extension/bundled/libs/stacklint/__main__.py", "extension/bundled/libs/stacklint/pure_yaml.py",
                 "extension/bundled/libs/stacklint/_data/rules/SL001.md",
                 "extension/bundled/libs/ruamel/yaml/__init__.py", "extension/bundled/libs/jsonschema/__init__.py",
                 "extension/bundled/libs/pygls/__init__.py", "extension/bundled/libs/lsprotocol/types.py"):
        assert name in names, name
    if HAS_LSP:
        assert "extension/bundled/libs/stacklint/lsp/__init__.py" in names
    assert any(n.startswith("extension/bundled/libs/stacklint/_data/schemas/") for n in names)
    compiled = [n for n in names if n.endswith((".so", ".pyd", ".dylib", ".pyc"))]
    assert compiled == [], "the bundled server must be pure Python (one .vsix for every platform)"
    assert not [n for n in names if "/node_modules/" in n or n.startswith("extension/src/")]

    manifest = json.loads(zipfile.ZipFile(vsix).read("extension/package.json"))
    assert manifest["main"] == "./dist/extension.js"
    assert manifest["engines"]["vscode"] == "^1.82.0"
    assert manifest["activationEvents"] == ["onLanguage:yaml", "onLanguage:dockercompose"]
    assert {c["command"] for c in manifest["contributes"]["commands"]} == {"stacklint.restart", "stacklint.showOutput"}
    settings = set(manifest["contributes"]["configuration"]["properties"])
    assert settings == {f"stacklint.{k}" for k in (
        "path", "interpreter", "importStrategy", "select", "ignore", "severity", "failOn", "configFile",
        "files", "env", "inheritEnv", "strictEnv", "inventory", "debounceMs")}


def _found(text: str, path: str):
    return [(d.code, d.range.start.line, d.range.start.column, d.range.end.line, d.range.end.column, d.message)
            for d in lint(text, path, Settings(env={}))]


def test_bundled_copy_lints_like_this_checkout(vsix, tmp_path):
    """The bundled copy (pure ruamel composer, jsonschema 4.17) finds what the checkout finds,
    at the same places with the same messages (YAML syntax errors excepted: see pure_yaml.py)."""
    with zipfile.ZipFile(vsix) as z:
        z.extractall(tmp_path, [n for n in z.namelist() if n.startswith("extension/bundled/")])
    libs = tmp_path / "extension" / "bundled" / "libs"
    texts = {"example": (EXAMPLE.read_text(), str(EXAMPLE)), "defects": (DEFECTS, "/x/docker-stack.yml")}
    for code, rule in sorted(catalogue.load().items()):
        for i, example in enumerate(rule.examples("Example") + rule.examples("Use instead")):
            texts[f"{code} example {i}"] = (example, "/x/docker-stack.yml")
    corpus = SHARED / "corpus" / "files"
    if corpus.is_dir():
        for p in sorted(corpus.iterdir()):
            texts[p.name] = (p.read_text(encoding="utf-8", errors="surrogateescape"), str(p))
    (tmp_path / "texts.json").write_text(json.dumps(texts))
    script = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(libs)!r}]\n"
        "from stacklint.engine import lint\n"
        "from stacklint.settings import Settings\n"
        "import stacklint, stacklint.document, jsonschema\n"
        f"assert stacklint.__file__.startswith({str(libs)!r}), stacklint.__file__\n"
        "assert stacklint.document._ruamel_yaml is None, 'the bundled copy must not find the C module'\n"
        "texts = json.load(open(sys.argv[1]))\n"
        "print(json.dumps({k: [(d.code, d.range.start.line, d.range.start.column, d.range.end.line,\n"
        "  d.range.end.column, d.message) for d in lint(t, p, Settings(env={}))] for k, (t, p) in texts.items()}))\n"
    )
    # -I: no PYTHONPATH, no user site, no script folder; _ruamel_yaml blocked as on a platform
    # where ruamel.yaml.clib is not installed.
    proc = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.modules['_ruamel_yaml'] = None\n" + script,
                           str(tmp_path / "texts.json")], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    bundled = json.loads(proc.stdout)

    def comparable(found):
        # YAML syntax errors (SL001) are worded by the composer in use; their places are the same.
        return [[*f[:5], None if f[0] == "SL001" else f[5]] for f in found]

    for name, (text, path) in texts.items():
        assert comparable(_found(text, path)) == comparable(bundled[name]), name
    assert DEFECTS_EXPECTED <= {(c, l + 1, col + 1) for c, l, col, *_ in bundled["defects"]}


# --- the end-to-end runs in code-server -------------------------------------------------------------

@pytest.fixture(scope="module")
def code_server() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium): no browser to drive VS Code")
    if not CODE_SERVER.exists():
        setup = SHARED / "tools" / "setup-code-server.sh"
        if not setup.exists():
            pytest.skip(f"code-server is not installed in {CODE_SERVER_DIR} and {setup} is absent")
        with _timed("setup-code-server.sh", TIMINGS):
            # npm_config_yes: node-pty's install script runs `npx node-gyp`, which would ask.
            proc = subprocess.run(["bash", str(setup), str(CODE_SERVER_DIR)], capture_output=True, text=True,
                                  timeout=900, env=dict(os.environ, npm_config_yes="true"))
        if proc.returncode != 0 or not CODE_SERVER.exists():
            pytest.skip(f"code-server could not be installed:\n{proc.stderr[-2000:]}")
    return CODE_SERVER


@pytest.fixture(scope="module")
def extensions_dir(vsix, code_server, tmp_path_factory) -> Path:
    """One extensions folder with the .vsix installed, shared by the runs."""
    if not (vsix.parent / "node_modules" / "playwright-core").is_dir():
        pytest.skip("playwright-core is not installed in the build's node_modules")
    if not HAS_LSP:
        pytest.skip("this checkout has no stacklint/lsp: the extension has no server to start")
    folder = tmp_path_factory.mktemp("extensions")
    with _timed("install-extension", TIMINGS):
        proc = subprocess.run([str(code_server), "--extensions-dir", str(folder), "--user-data-dir",
                               str(tmp_path_factory.mktemp("install-data")), "--install-extension", str(vsix)],
                              capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, **_scratch_home(tmp_path_factory.mktemp("install-home"))))
    assert proc.returncode == 0 and "successfully installed" in proc.stdout, proc.stdout + proc.stderr
    return folder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_processes(sid: int):
    """(pid, argv, environ) of the processes in a session: code-server and all it started."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat[stat.rindex(")") + 2:].split()[3]) != sid:
                continue
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            environ = dict(item.split(b"=", 1) for item in (entry / "environ").read_bytes().split(b"\0") if b"=" in item)
        except (OSError, ValueError):
            continue
        yield int(entry.name), [a.decode(errors="replace") for a in argv if a], \
            {k.decode(errors="replace"): v.decode(errors="replace") for k, v in environ.items()}


def _scratch_home(folder: Path) -> dict:
    """HOME and the XDG folders inside folder, for code-server (its config.yaml and logs) and
    chromium (crash reports, a dconf cache): a test writes nothing into the user's home
    (scripts/check-test-writes.sh runs the suite with an empty one and fails on any write)."""
    home = folder / "home"
    places = {"HOME": home, "XDG_CONFIG_HOME": home / ".config", "XDG_DATA_HOME": home / ".local" / "share",
              "XDG_CACHE_HOME": home / ".cache"}
    for place in places.values():
        place.mkdir(parents=True, exist_ok=True)
    return {name: str(place) for name, place in places.items()}


def _stop(proc: subprocess.Popen) -> None:
    """Ends code-server's whole process group: extension host and language server included."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def _expected(path: Path, severity: dict):
    return {(d.code, d.range.start.line + 1, d.range.start.column + 1, d.message, d.severity)
            for d in lint(path.read_text(), str(path), Settings(env=dict(os.environ), severity=severity))}


_SEVERITY_ICON = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def _interpreter(variant: str, tmp_path: Path) -> Path:
    venv = tmp_path / f"venv-{variant}"
    if variant == "plainInstall":
        # What a user has after `pip install stacklint`: the wheel and its dependencies from PyPI.
        wheels = tmp_path / "wheels"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                       check=True, timeout=600, capture_output=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                              str(next(wheels.glob("stacklint-*.whl")))], capture_output=True, text=True, timeout=900)
        if pip.returncode != 0:
            pytest.skip("installing the wheel's dependencies from PyPI failed:\n" + pip.stderr[-1500:])
    elif variant == "fromEnvironment":
        # This checkout's stacklint "installed" in the interpreter: a .pth in a venv that sees
        # the test interpreter's packages (pygls, ruamel, ...).
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
                       check=True, timeout=120)
        site = subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              capture_output=True, text=True, check=True).stdout.strip()
        # ... and the test interpreter's own packages (pygls, ruamel, ...) where those are in a venv
        own = sysconfig.get_path("purelib")
        Path(site, "aaa-stacklint-checkout.pth").write_text(f"{ROOT}\n{own}\n")
        found = subprocess.run([str(venv / "bin" / "python"), "-c",
                                "import stacklint.lsp.server, stacklint; print(stacklint.__file__)"],
                               capture_output=True, text=True, cwd="/")
        assert found.returncode == 0 and found.stdout.strip() == str(ROOT / "stacklint" / "__init__.py"), found
    else:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
        found = subprocess.run([str(venv / "bin" / "python"), "-c", "import stacklint"], capture_output=True, cwd="/")
        assert found.returncode != 0, "this interpreter must not see any stacklint"
    return venv / "bin" / "python"


@pytest.mark.parametrize("variant", ["plainInstall", "fromEnvironment", "useBundled"])
def test_vscode_shows_the_findings_in_the_problems_panel(variant, vsix, code_server, extensions_dir, tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    stack = workspace / "docker-stack.yml"
    shutil.copyfile(EXAMPLE, stack)
    (workspace / DEFECTS_NAME).write_text(DEFECTS)
    python = _interpreter(variant, tmp_path)

    user_data = tmp_path / "user-data"
    (user_data / "User").mkdir(parents=True)
    if variant == "plainInstall":
        settings = dict(USER_SETTINGS)  # the extension's defaults: python3 from PATH
    else:
        settings = dict(USER_SETTINGS, **{"stacklint.interpreter": str(python), "stacklint.importStrategy": variant})
    severity = {}
    if variant == "useBundled":
        # A setting that reaches the server: SL002 shown as a warning.
        settings["stacklint.severity"] = {"SL002": "warning"}
        severity = {"SL002": Severity.WARNING}
    (user_data / "User" / "settings.json").write_text(json.dumps(settings, indent=2))

    port = _free_port()
    log = open(tmp_path / "code-server.log", "w")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(_scratch_home(tmp_path))
    if variant == "plainInstall":
        env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    # As when started from a terminal (`code .`): the extension host keeps this environment.
    # Otherwise VS Code takes a login shell's, and /etc/profile resets PATH (the venv is gone).
    env["VSCODE_CLI"] = "1"
    with _timed(f"e2e {variant}", TIMINGS):
        proc = subprocess.Popen(
            [str(code_server), "--bind-addr", f"127.0.0.1:{port}", "--auth", "none", "--disable-telemetry",
             "--disable-update-check", "--disable-workspace-trust", "--user-data-dir", str(user_data),
             "--extensions-dir", str(extensions_dir), str(workspace)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)  # setsid: one group to kill, extension host and server included
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        pytest.fail(f"code-server did not start:\n{(tmp_path / 'code-server.log').read_text()[-3000:]}")
                    time.sleep(0.3)

            expected = {DEFECTS_NAME: _expected(workspace / DEFECTS_NAME, severity),
                        stack.name: _expected(stack, severity)}
            screenshot = tmp_path / f"vscode-{variant}.png"
            options = {
                "url": f"http://127.0.0.1:{port}/?folder={workspace}",
                "files": [DEFECTS_NAME, stack.name],  # the last one is in view for the screenshot
                "expect": [{"file": f, "code": c, "line": l, "column": col}
                           for f, found in expected.items() for c, l, col, _, _ in found],
                "screenshot": str(screenshot),
                "line": next(i for i, line in enumerate(stack.read_text().splitlines(), 1) if "docker.sock:" in line),
                "timeoutMs": 90000,
            }
            drive = subprocess.run(["node", "e2e/drive.mjs", json.dumps(options)], cwd=vsix.parent,
                                   capture_output=True, text=True, timeout=150,
                                   env=dict(os.environ, **_scratch_home(tmp_path)))
            servers = [(argv, environ) for _, argv, environ in _session_processes(proc.pid)
                       if argv[1:4] == ["-m", "stacklint", "lsp"]]
        finally:
            _stop(proc)
            log.close()
    print(f"\n{variant}: screenshot {screenshot}; timings {TIMINGS}")
    assert drive.returncode == 0, drive.stderr
    result = json.loads(drive.stdout)
    assert "error" not in result, result["error"]
    assert not result["timedOut"], f"the Problems panel did not show {options['expect']}: {result['problems']}"
    assert result["notifications"] == []  # a clean start says nothing

    # The server that ran is the one the variant asks for.
    assert len(servers) == 1, servers
    argv, environ = servers[0]
    if variant == "plainInstall":  # python3 from PATH (a pyenv shim on PATH execs it by its full path)
        assert Path(argv[0]).name == "python3", argv
    else:
        assert argv[0] == str(python)
    libs = str(extensions_dir / "stacklint.stacklint-0.1.0" / "bundled" / "libs")
    if variant == "useBundled":
        assert environ.get("PYTHONPATH") == libs
    else:  # the server the environment offers, not the bundled fallback
        lookup = "".join(f.read_text() for f in user_data.glob("logs/*/exthost*/stacklint.stacklint/*.log"))
        assert "PYTHONPATH" not in environ, f"server PATH {environ.get('PATH')}\n{lookup}"

    shown = {}
    for p in result["problems"]:
        if p["source"] == "stacklint":
            shown.setdefault(p["file"], set()).add((p["code"], p["line"], p["column"], p["message"], p["severity"]))
    want = {f: {(c, l, col, m, _SEVERITY_ICON[s]) for c, l, col, m, s in found} for f, found in expected.items()}
    assert shown.get(DEFECTS_NAME, set()) == want[DEFECTS_NAME]
    assert DEFECTS_EXPECTED <= {(c, l, col) for c, l, col, _, _ in want[DEFECTS_NAME]}
    assert {(c, s) for c, _, _, _, s in shown[DEFECTS_NAME] if c in ("SL002", "SL004")} == \
        {("SL002", "warning" if severity else "error"), ("SL004", "error")}
    assert shown.get(stack.name, set()) == want[stack.name]
    if "SL201" in registered_codes():  # the visualizer's docker.sock
        assert any(code == "SL201" and line == options["line"] for code, line, *_ in shown[stack.name]), shown
    assert screenshot.stat().st_size > 10_000

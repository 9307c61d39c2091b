#!/usr/bin/env bash
# Builds the VS Code extension, offline except for the npm registry and PyPI.
#
#   build.sh                 npm ci, then `vsce package`; prints the .vsix's path on its last line
#   build.sh --into DIR      the same in a copy of the extension's sources at DIR (the tree stays
#                            untouched: no node_modules, dist/ or bundled/ in it); what the tests use
#   build.sh deps            npm ci only
#   STACKLINT_NODE_MODULES_CACHE=DIR: npm ci once per lock file into DIR, hard links from there
#   build.sh prepublish      what `vsce package` needs besides node_modules: type check, esbuild
#                            bundle (dist/extension.js), the bundled pure-Python server
#                            (bundled/libs). package.json's `vscode:prepublish` runs it, so a plain
#                            `npx vsce package` builds the same complete .vsix, or fails loudly.
#
# The server is built from the stacklint checkout one folder up, or from STACKLINT_SOURCE.
# PYTHON picks the interpreter that builds the wheel and runs pip (default python3).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE=${STACKLINT_SOURCE:-$(dirname "$HERE")}
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
START=$(date +%s)
step() { echo "== $1 ($(( $(date +%s) - START ))s)" >&2; }
fail() { echo "build.sh: $*" >&2; exit 1; }

deps() {
  if [ -n "${STACKLINT_NODE_MODULES_CACHE:-}" ]; then
    # one npm ci per lock file, kept in the cache; each build gets hard links to it (the tests)
    local cache
    cache="$STACKLINT_NODE_MODULES_CACHE/$(sha256sum package-lock.json | cut -c1-16)"
    if [ ! -f "$cache/node_modules/.stacklint-lock.sha256" ]; then
      step "npm ci into $cache"
      rm -rf "$cache" && mkdir -p "$cache" && cp package.json package-lock.json "$cache/"
      (cd "$cache" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2 \
        && sha256sum package-lock.json > node_modules/.stacklint-lock.sha256)
    fi
    rm -rf node_modules
    cp -al "$cache/node_modules" node_modules 2>/dev/null || cp -a "$cache/node_modules" node_modules
    return
  fi
  # skipped when node_modules was installed from this very lock file
  local stamp=node_modules/.stacklint-lock.sha256
  if [ -f "$stamp" ] && sha256sum -c --status "$stamp" 2>/dev/null; then
    step "node_modules matches package-lock.json: npm ci skipped"
  else
    step "npm ci"
    # --ignore-scripts: the only install script that matters, keytar's native build (vsce keeps publish
    # tokens with it), downloads or compiles for minutes and packaging never uses it
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
    sha256sum package-lock.json > "$stamp"
  fi
}

prepublish() {
  [ -f "$SOURCE/pyproject.toml" ] && [ -d "$SOURCE/stacklint/lsp" ] \
    || fail "no stacklint checkout with stacklint/lsp at $SOURCE (set STACKLINT_SOURCE): the .vsix would have no server"
  [ -x node_modules/.bin/tsc ] || fail "node_modules is missing: run npm ci first"
  command -v "$PYTHON" >/dev/null || fail "$PYTHON not found (set PYTHON): the bundled server cannot be built"

  step "type check"
  npx --no-install tsc --noEmit >&2

  step "bundle dist/extension.js"
  rm -rf dist
  npx --no-install esbuild src/extension.ts --bundle --outfile=dist/extension.js --external:vscode \
    --format=cjs --platform=node --target=node18 --minify --log-level=warning >&2

  step "bundled server from $SOURCE"
  rm -rf bundled
  mkdir -p bundled/libs
  local wheels
  wheels=$(mktemp -d)
  "$PYTHON" -m pip wheel -q --no-deps -w "$wheels" "$SOURCE" >&2
  "$PYTHON" -m pip install -q --target bundled/libs --no-deps --no-compile --only-binary=:all: \
    --implementation py --python-version 3.10 -r bundled-requirements.txt >&2
  "$PYTHON" -m pip install -q --target bundled/libs --no-deps --no-compile "$wheels"/stacklint-*.whl >&2
  rm -rf bundled/libs/bin "$wheels"
  # pip records where it installed the wheel from (a temporary path): drop it, so every build of the
  # same sources gives the same bytes
  rm -f bundled/libs/stacklint-*.dist-info/direct_url.json
  sed -i '/direct_url.json/d' bundled/libs/stacklint-*.dist-info/RECORD
  find bundled -name __pycache__ -prune -exec rm -rf {} +
  # The bundled copy must run without anything compiled and without the checkout.
  "$PYTHON" -I -c "import sys; sys.path[:0] = ['bundled/libs']; sys.modules['_ruamel_yaml'] = None
import stacklint.lsp.server, stacklint.engine, jsonschema, pygls
assert stacklint.__file__.startswith('$PWD/bundled/libs/'), stacklint.__file__" >&2
  find bundled -name __pycache__ -prune -exec rm -rf {} +
  if find bundled/libs \( -name '*.so' -o -name '*.pyd' -o -name '*.dylib' \) | grep -q .; then
    fail "compiled files in bundled/libs"
  fi
}

package() {
  deps
  step "package (vsce runs vscode:prepublish: build.sh prepublish)"
  local version
  version=$(node -p "require('./package.json').version")
  rm -f stacklint-*.vsix
  STACKLINT_SOURCE="$SOURCE" PYTHON="$PYTHON" npx --no-install vsce package --out "stacklint-$version.vsix" >&2
  step "done"
  echo "$PWD/stacklint-$version.vsix"
}

case "${1:-}" in
  deps) cd "$HERE"; deps; step "node dependencies installed" ;;
  prepublish) cd "$HERE"; prepublish ;;
  --into)
    [ -n "${2:-}" ] || fail "--into needs a directory"
    mkdir -p "$2"
    # the sources only: what git tracks here (or, outside git, everything but build output)
    if git -C "$HERE" ls-files --error-unmatch package.json >/dev/null 2>&1; then
      (cd "$HERE" && git ls-files -z --cached --others --exclude-standard . | while IFS= read -r -d '' f; do
        if [ -f "$f" ]; then cp --parents "$f" "$2"; fi
      done)
    else
      (cd "$HERE" && tar -c --exclude=node_modules --exclude=dist --exclude=bundled --exclude='*.vsix' .) | tar -x -C "$2"
    fi
    cd "$2"; package ;;
  "") cd "$HERE"; package ;;
  *) fail "usage: build.sh [--into DIR | deps | prepublish]" ;;
esac

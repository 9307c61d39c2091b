#!/usr/bin/env bash
# Builds the VS Code extension from this checkout, offline except for the npm registry and PyPI:
#   npm ci -> tsc --noEmit -> esbuild bundle (dist/extension.js) -> bundled server (bundled/libs:
#   this checkout's stacklint and its pure-Python dependencies) -> vsce package.
# Prints the path of stacklint-X.Y.Z.vsix on its last line. Used by CI and tests/test_vscode_extension.py.
# PYTHON picks the interpreter that builds the wheel and runs pip (default python3).
# `build.sh deps` installs the node dependencies only (step 1), for CI's install section.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
cd "$HERE"
step() { echo "== $1 ($(( $(date +%s) - START ))s)" >&2; }
START=$(date +%s)

# 1. node dependencies, exactly as locked (skipped when node_modules was installed from this lock)
stamp=node_modules/.stacklint-lock.sha256
if [ -f "$stamp" ] && sha256sum -c --status "$stamp" 2>/dev/null; then
  step "node_modules matches package-lock.json: npm ci skipped"
else
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error >&2
  sha256sum package-lock.json > "$stamp"
fi

[ "${1:-}" = deps ] && { step "node dependencies installed"; exit 0; }

step "type check"
npx --no-install tsc --noEmit >&2

step "bundle dist/extension.js"
rm -rf dist
npx --no-install esbuild src/extension.ts --bundle --outfile=dist/extension.js --external:vscode \
  --format=cjs --platform=node --target=node18 --minify --log-level=warning >&2

step "bundled server"
rm -rf bundled
mkdir -p bundled/libs
wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT
"$PYTHON" -m pip wheel -q --no-deps -w "$wheels" "$ROOT" >&2
"$PYTHON" -m pip install -q --target bundled/libs --no-deps --no-compile --only-binary=:all: \
  --implementation py --python-version 3.10 -r bundled-requirements.txt >&2
"$PYTHON" -m pip install -q --target bundled/libs --no-deps --no-compile "$wheels"/stacklint-*.whl >&2
rm -rf bundled/libs/bin
find bundled -name __pycache__ -prune -exec rm -rf {} +
# The bundled copy must run without anything compiled and without the checkout.
if [ -d "$ROOT/stacklint/lsp" ]; then server=stacklint.lsp; else
  server=stacklint.engine; echo "build.sh: WARNING: this checkout has no stacklint/lsp: the .vsix cannot start a server" >&2; fi
"$PYTHON" -I -c "import sys; sys.path[:0] = ['bundled/libs']; sys.modules['_ruamel_yaml'] = None
import $server, stacklint.engine, jsonschema, pygls
assert stacklint.__file__.startswith('$HERE/bundled/libs/'), stacklint.__file__" >&2
find bundled -name __pycache__ -prune -exec rm -rf {} +
if find bundled/libs \( -name '*.so' -o -name '*.pyd' -o -name '*.dylib' \) | grep -q .; then
  echo "build.sh: compiled files in bundled/libs" >&2; exit 1
fi

step "package"
version=$(node -p "require('./package.json').version")
rm -f stacklint-*.vsix
npx --no-install vsce package --no-dependencies --out "stacklint-$version.vsix" \
  --baseContentUrl https://github.com/stacklint/stacklint/blob/HEAD/vscode-extension \
  --baseImagesUrl https://github.com/stacklint/stacklint/raw/HEAD/vscode-extension >&2
step "done"
echo "$HERE/stacklint-$version.vsix"

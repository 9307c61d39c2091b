#!/usr/bin/env bash
# Proves that a test run writes only into the checkout's ignored .tmp/ (tests/conftest.py):
# runs pytest with HOME and TMPDIR pointing at fresh empty folders outside the tree, then fails
# when anything appeared in them or a new entry appeared at the top of /tmp.
#
#   bash scripts/check-test-writes.sh --full            # the whole suite, as .ci/run runs it
#   bash scripts/check-test-writes.sh [PYTEST ARGS...]  # by hand: any selection
#
# --full runs the README's test command (`python3 -m pytest`) once under the watch, so CI pays
# for one run of the suite, not one plus a watched slice. The Swarm tests run then too when
# STACKLINT_TEST_DOCKER_HOST names an engine: one started before the watch (scripts/
# test-engine.sh), whose state folder predates it and is the engine's, not the tests' writing.
# With pytest arguments, that selection runs, the Swarm tests left out (their opt-in dropped).
# Without arguments, the tests that start other programs (pip, build, pre-commit with
# virtualenv, git, the docker CLI) and a quick slice of the rest. On a machine where other work
# runs at the same time, /tmp's new entries may be someone else's: only those named as pytest,
# stacklint or Python's tempfile name them fail the check.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}

watch=$(mktemp -d /tmp/stacklint-writes.XXXXXX)
trap 'rm -rf "$watch"' EXIT
mkdir "$watch/home" "$watch/tmp"
# Tools installed under the real home keep their own homes: pip runs `rustc --version` for its
# user agent, and a rustup proxy on PATH would write a fresh settings.toml into an empty home.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
before=$(ls -A /tmp)

engine=(-u STACKLINT_TEST_DOCKER_HOST)
if [ "${1:-}" = --full ]; then
  shift
  engine=()
  [ $# -eq 0 ] || { echo "check-test-writes: --full takes no pytest arguments" >&2; exit 2; }
  command=("$python" -m pytest)
else
  if [ $# -eq 0 ]; then
    set -- tests/test_wheel.py tests/test_sdist.py tests/test_precommit.py tests/test_envfile.py \
           tests/test_no_writes.py tests/test_exit_codes.py
  fi
  command=("$python" -m pytest -q "$@")
fi
status=0
env ${engine[@]+"${engine[@]}"} HOME="$watch/home" TMPDIR="$watch/tmp" "${command[@]}" || status=$?

written=$(cd "$watch" && find home tmp -mindepth 1 | head -50)
new_in_tmp=$(comm -13 <(printf '%s\n' "$before") <(ls -A /tmp) | grep -vx "$(basename "$watch")" || true)
# /tmp is shared with whatever else runs on the machine: only names our tools give count as
# ours (pytest's basetemp, stacklint's own prefixes); others are reported, not failed on.
appeared=$(printf '%s\n' "$new_in_tmp" | grep -E '^(pytest-of-|stacklint|tmp[a-z0-9_]{8}$)' || true)
others=$(printf '%s\n' "$new_in_tmp" | grep -vE '^(pytest-of-|stacklint|tmp[a-z0-9_]{8}$)' | grep . || true)
[ -z "$others" ] || printf 'check-test-writes: new in /tmp meanwhile, not by a name our tools use: %s\n' $others >&2
if [ -n "$written$appeared" ]; then
  echo "check-test-writes: the test run wrote outside the tree:" >&2
  [ -z "$written" ] || printf '  ~ or $TMPDIR: %s\n' $written >&2
  [ -z "$appeared" ] || printf '  /tmp/%s\n' $appeared >&2
  exit 1
fi
echo "check-test-writes: nothing written outside the tree (HOME, TMPDIR and /tmp checked)"
exit "$status"

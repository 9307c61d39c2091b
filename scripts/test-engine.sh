#!/usr/bin/env bash
# The Docker engine (a one-node Swarm) that stacklint's deploy-time tests run against.
#
#   eval "$(bash scripts/test-engine.sh start)"   # prints: export STACKLINT_TEST_DOCKER_HOST=unix://...
#   python3 -m pytest -m swarm                     # the Swarm tests now run instead of skipping
#   bash scripts/test-engine.sh stop               # stops this engine and deletes all its state
#
# The tests only touch the engine named by STACKLINT_TEST_DOCKER_HOST, never the one DOCKER_HOST
# names: they create secrets, deploy stacks and label nodes. This engine is private: its own
# socket, data directory and Swarm ports, so it runs beside a Docker you already have.
#
# Settings (environment; the defaults suit one engine per machine):
#   STACKLINT_ENGINE_DIR        state, socket and log          (default /tmp/stacklint-test-engine)
#   STACKLINT_ENGINE_ADDR       Swarm advertise address        (default 127.0.0.1; any 127.x.y.z)
#   STACKLINT_ENGINE_PORT       Swarm listen port              (default 2377)
#   STACKLINT_ENGINE_DATA_PORT  overlay (VXLAN) data port      (default 4789)
# Two engines on one machine need different values for all four, or their Swarm ports collide.
# Needs root and dockerd; installs Debian's docker.io with apt-get when dockerd is missing.
set -euo pipefail

dir=${STACKLINT_ENGINE_DIR:-/tmp/stacklint-test-engine}
addr=${STACKLINT_ENGINE_ADDR:-127.0.0.1}
port=${STACKLINT_ENGINE_PORT:-2377}
data_port=${STACKLINT_ENGINE_DATA_PORT:-4789}
host="unix://$dir/docker.sock"

say() { echo "test-engine: $*" >&2; }
engine() { DOCKER_HOST="$host" DOCKER_CONTEXT= docker "$@"; }

install_docker() {
  command -v dockerd >/dev/null && return
  say "installing docker.io (dockerd is missing)"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker.io; } >&2
}

start() {
  install_docker
  mkdir -p "$dir"
  if ! engine version >/dev/null 2>&1; then
    # setsid: the engine outlives this shell and is stopped by `stop`, not by a Ctrl-C here
    setsid dockerd --host "$host" --data-root "$dir/data" --exec-root "$dir/exec" \
      --pidfile "$dir/dockerd.pid" >"$dir/dockerd.log" 2>&1 </dev/null &
    local waited=0
    until engine version >/dev/null 2>&1; do
      if [ "$waited" -ge 200 ]; then say "dockerd did not answer in 40 s; see $dir/dockerd.log"; exit 1; fi
      sleep 0.2; waited=$((waited + 1))
    done
  fi
  if [ "$(engine info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    engine swarm init --advertise-addr "$addr" --listen-addr "$addr:$port" --data-path-port "$data_port" >/dev/null
  fi
  echo "export STACKLINT_TEST_DOCKER_HOST=$host"
}

stop() {
  local pid
  pid=$(cat "$dir/dockerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  # dockerd leaves bind mounts (netns, overlay) under its directories behind; deepest first
  awk -v prefix="$dir/" 'index($2, prefix) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l || true
  rm -rf "$dir"
}

status() {
  engine info --format 'engine {{.ServerVersion}}, swarm {{.Swarm.LocalNodeState}}, at '"$host"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Starts an ActorGraph cluster on loopback as background processes: 1 coordinator, 2 workers and
# 2 parameter servers by default; logs and pids go to a folder; returns once every node serves.
#
#   deploy/start-local-cluster.sh [DIR]          (DIR: default .local-cluster in the repository)
#
# Environment: PORT (the coordinator's, default 4053; the other nodes take free ports),
# COORDINATORS (1), WORKERS (2), PS (2), SECRET (the cluster's secret, default none),
# COORDINATOR_ROLE (coordinator; coordinator,worker makes the first coordinator a worker too, beside WORKERS),
# NODE_TIMEOUT (seconds: each node runs under `timeout -s KILL`, for tests; default none),
# PROFILE (small-machine: deploy/small-machine.env, as every node shares this machine's cores; dotnet: .NET's defaults),
# ACTORGRAPH_DLL (the actorgraph.dll to run; default the Release build, built when missing).
# Stop it with deploy/stop-local-cluster.sh [DIR]. Use it with --cluster "$(cat DIR/address)".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$(mkdir -p "${1:-$root/.local-cluster}" && cd "${1:-$root/.local-cluster}" && pwd)"
port="${PORT:-4053}"
coordinators="${COORDINATORS:-1}" workers="${WORKERS:-2}" ps="${PS:-2}"
dll="${ACTORGRAPH_DLL:-$root/src/Host/bin/Release/net10.0/actorgraph.dll}"
[ -f "$dll" ] || dotnet build "$root/src/Host" -c Release -v quiet
seed="akka.tcp://actorgraph@127.0.0.1:$port"
secret=()
[ -n "${SECRET:-}" ] && secret=(--secret "$SECRET")
case "${PROFILE:-small-machine}" in
  small-machine) set -a; . "$root/deploy/small-machine.env"; set +a ;;
  dotnet) ;;
  *) echo "start-local-cluster: PROFILE=$PROFILE is not a profile; give small-machine (the default) or dotnet (.NET's defaults)" >&2; exit 1 ;;
esac

if ls "$dir"/*.pid >/dev/null 2>&1; then
  echo "start-local-cluster: $dir already has pid files; stop that cluster first (deploy/stop-local-cluster.sh $dir)" >&2
  exit 1
fi

start() {
  local name="$1"; shift
  local run=(dotnet "$dll" node "$@" "${secret[@]}")
  [ -n "${NODE_TIMEOUT:-}" ] && run=(timeout -s KILL "$NODE_TIMEOUT" "${run[@]}")
  nohup "${run[@]}" >"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

wait_up() {
  local name="$1"
  for _ in $(seq 1 120); do
    grep -q "^node up:" "$dir/$name.log" 2>/dev/null && return 0
    kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null || { echo "start-local-cluster: $name exited; see $dir/$name.log" >&2; tail -n 20 "$dir/$name.log" >&2; return 1; }
    sleep 0.5
  done
  echo "start-local-cluster: $name did not come up within 60 s; see $dir/$name.log" >&2
  return 1
}

start coordinator-0 --role "${COORDINATOR_ROLE:-coordinator}" --port "$port"
serving=$workers
case "${COORDINATOR_ROLE:-}" in *worker*) serving=$((workers + 1));; esac
wait_up coordinator-0
for i in $(seq 1 $((coordinators - 1))); do start "coordinator-$i" --role coordinator --seed "$seed"; done
for i in $(seq 0 $((workers - 1))); do start "worker-$i" --role worker --seed "$seed"; done
for i in $(seq 0 $((ps - 1))); do start "ps-$i" --role ps --seed "$seed"; done
for f in "$dir"/*.pid; do wait_up "$(basename "$f" .pid)"; done
echo "$seed" >"$dir/address"
if ! dotnet "$dll" cluster status --cluster "$seed" "${secret[@]}" --workers "$serving" --ps "$ps" --timeout 60 >"$dir/status.txt" 2>&1; then
  echo "start-local-cluster: the cluster did not come to $serving worker(s) and $ps ps:" >&2
  cat "$dir/status.txt" >&2
  exit 1
fi
echo "cluster up at $seed: $coordinators coordinator(s), $serving worker(s), $ps ps, ${PROFILE:-small-machine} profile (logs and pids in $dir)"

#!/usr/bin/env bash
# Stops a cluster started by deploy/start-local-cluster.sh: SIGTERM to every node (each leaves the
# cluster cleanly), then SIGKILL to any still running after 30 s. Logs stay in the folder.
#
#   deploy/stop-local-cluster.sh [DIR]           (DIR: default .local-cluster in the repository)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$root/.local-cluster}"
shopt -s nullglob
pids=()
# Workers and ps first, coordinators last: the singleton stays put while the others leave.
for f in "$dir"/worker-*.pid "$dir"/ps-*.pid "$dir"/coordinator-*.pid; do
  pid="$(cat "$f")"
  kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  rm -f "$f"
done
for _ in $(seq 1 60); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [ "$alive" = 0 ] && break
  sleep 0.5
done
for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && { echo "stop-local-cluster: $pid still running after 30 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null; }; done
rm -f "$dir/address"
echo "cluster in $dir stopped (${#pids[@]} node(s))"

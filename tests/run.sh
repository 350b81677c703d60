#!/usr/bin/env bash
# The test command of the README: builds the solution and runs every test project, with a throwaway
# PostgreSQL server on loopback for the persistence tests (tests/postgres.sh starts and stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
# The CLI tests draw SVGs through Graphviz and train on a subset of Fashion-MNIST: install them
# where they are missing and we may (root, as on CI); elsewhere those tests say what to install.
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "tests/run.sh: installing ${need[*]}"
  # Best effort: if it fails, the tests that need them say what is missing.
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; } \
    || echo "tests/run.sh: could not install ${need[*]}"
fi
# The shared-memory lane's tests need /dev/shm (a tmpfs on any usual Linux, 64 MiB even in a default Docker
# container): mount one where it is missing and we may.
if [ ! -d /dev/shm ] && [ "$(id -u)" = 0 ]; then
  { mkdir -p /dev/shm && mount -t tmpfs -o size=256m tmpfs /dev/shm; } || echo "tests/run.sh: no /dev/shm and could not mount one; the shared-memory lane tests will fail"
fi
dotnet build ActorGraph.sln -c Release
# One test project at a time (-m:1): on two cores, the persistence and kill tests running beside the
# actor tests starved their step timeouts; in turn, each suite has the machine to itself.
bash tests/postgres.sh dotnet test ActorGraph.sln -c Release --no-build -m:1

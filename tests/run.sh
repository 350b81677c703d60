#!/usr/bin/env bash
# The test command of the README: builds the solution and runs every test project, with a throwaway
# PostgreSQL server on loopback for the persistence tests (tests/postgres.sh starts and stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build ActorGraph.sln -c Release
bash tests/postgres.sh dotnet test ActorGraph.sln -c Release --no-build

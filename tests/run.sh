#!/usr/bin/env bash
# The test command of the README: builds the solution and runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build ActorGraph.sln -c Release
dotnet test ActorGraph.sln -c Release --no-build

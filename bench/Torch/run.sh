#!/usr/bin/env bash
# Runs bench/Torch (ActorGraph beside libtorch) where TorchSharp 0.107's native library loads: it needs
# glibc 2.38 and GLIBCXX_3.4.32 (Debian 13). On an older system (Debian 12 has glibc 2.36), as root, it
# builds a minimal Debian 13 tree with debootstrap once (~1 min, in $TRIXIE, default /opt/trixie) and runs
# the same dotnet, build and NuGet cache inside it through bind mounts. Arguments go to the bench:
#
#   sudo bench/Torch/run.sh [--trials N] [--threads N] [--batch N] [--steps N] [--cnn-batch N] [--cnn-steps N] [--seed-steps N] [--size N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dll="$root/bench/Torch/bin/Release/net10.0/ActorGraph.TorchBench.dll"
dotnet build "$root/bench/Torch" -c Release -v quiet -nologo >/dev/null
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
if ldd --version | head -1 | awk '{ exit !($NF >= 2.38) }'; then
  exec dotnet "$dll" "$@"
fi
[ "$(id -u)" = 0 ] || { echo "bench/Torch/run.sh: glibc $(ldd --version | head -1 | awk '{print $NF}') is too old for libtorch 2.10; run as root to use a Debian 13 tree" >&2; exit 1; }
tree="${TRIXIE:-/opt/trixie}"
if [ ! -x "$tree/usr/bin/ldd" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
  debootstrap --variant=minbase --include=libicu76,libssl3t64,ca-certificates,libgomp1 trixie "$tree" http://deb.debian.org/debian >/dev/null
fi
for d in "$dotnet_root" "$root" "$HOME/.nuget" /proc /dev /sys /tmp; do
  mkdir -p "$tree$d"
  mountpoint -q "$tree$d" || mount --bind "$d" "$tree$d"
done
exec chroot "$tree" env HOME="$HOME" DOTNET_CLI_TELEMETRY_OPTOUT=1 "$dotnet_root/dotnet" "$dll" "$@"

#!/usr/bin/env bash
# Builds the CPU benchmark statically and imports it into the local Docker engine as gpuc/bench:cpu-1 (or
# $GPUC_BENCH_IMAGE): a rootfs holding only /bench, imported with `docker import` (no registry is reachable). The
# tar is written reproducibly (sorted names, mtime 0, root owner), so its layer digest depends only on the binary;
# scripts/services.sh runs this, and a present image is kept. Needs gcc and Debian's static libc (libc6-dev).
set -euo pipefail

log() { printf '[bench-image] %s\n' "$*" >&2; }
IMAGE=${GPUC_BENCH_IMAGE:-gpuc/bench:cpu-1}
here=$(cd "$(dirname "$0")" && pwd)

docker image inspect "$IMAGE" >/dev/null 2>&1 && exit 0
command -v gcc >/dev/null 2>&1 || { log "needs gcc (Debian: apt-get install gcc libc6-dev)"; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
gcc -O2 -std=c11 -Wall -Wextra -static -o "$root/bench" "$here/bench.c"
strip "$root/bench"
mkdir -p "$root/tmp"
tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -c bench tmp |
  docker import -c 'ENTRYPOINT ["/bench"]' -c 'LABEL org.gpuc.bench=cpu-1' - "$IMAGE" >/dev/null
log "ready: $IMAGE (layer $(docker image inspect -f '{{index .RootFS.Layers 0}}' "$IMAGE"))"

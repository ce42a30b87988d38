#!/usr/bin/env bash
# Makes the demo's container image (gpuc/busybox:test, or $GPUC_TEST_IMAGE) in the local Docker engine: a rootfs of
# Debian's busybox-static imported with `docker import` (no registry is needed). Used by scripts/services.sh (tests)
# and by `npm start` when a Docker engine answers and the image is missing. Idempotent: a present image is kept.
set -euo pipefail

log() { printf '[demo-image] %s\n' "$*" >&2; }
IMAGE=${GPUC_TEST_IMAGE:-gpuc/busybox:test}

docker image inspect "$IMAGE" >/dev/null 2>&1 && exit 0
if [ ! -x /bin/busybox ] || ! /bin/busybox --list 2>/dev/null | grep -q '^sh$'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing busybox-static"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
  else
    log "needs a static busybox at /bin/busybox (Debian: apt-get install busybox-static)"; exit 1
  fi
fi
log "importing $IMAGE from busybox-static"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
for applet in sh echo sleep cat ls env seq date yes true false printf kill trap dd; do ln -sf busybox "$root/bin/$applet"; done
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>"$root/etc/passwd"
tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
log "ready: $IMAGE"

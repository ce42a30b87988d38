#!/usr/bin/env bash
# Installs and starts the real services the tests need: PostgreSQL and a Docker engine (with a
# locally imported busybox test image and the gpuc/bench:cpu-1 benchmark image), installs Chromium (the web app's browser tests) and Prometheus (binary and promtool only: the dashboards tests
# start their own on a free port). Idempotent and quick when everything already runs.
# Runs as root (apt); on a machine without apt or root it only checks and explains.
set -euo pipefail

log() { printf '[services] %s\n' "$*" >&2; }
need_root() { [ "$(id -u)" = 0 ] || { log "run as root to install $1, or start it yourself"; exit 1; }; }

PG_USER=${GPUC_TEST_PG_USER:-gpuc}
PG_PASSWORD=${GPUC_TEST_PG_PASSWORD:-gpuc}
PG_PORT=${GPUC_TEST_PG_PORT:-5432}
DOCKER_IMAGE=${GPUC_TEST_IMAGE:-gpuc/busybox:test}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root "${missing[*]}"
  if [ $apt_updated = 0 ]; then log "apt-get update"; apt-get update -qq >/dev/null; apt_updated=1; fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

start_postgres() {
  apt_install postgresql
  local cluster
  cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    local version; version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_createcluster "$version" main >/dev/null; cluster="$version main"
  fi
  if ! pg_lsclusters --no-header | awk '{print $4}' | grep -q online; then
    log "starting PostgreSQL $cluster"
    # Tests create and drop many databases; fsync off keeps that fast on a throwaway test server.
    pg_ctlcluster $cluster start -- -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
  fi
  for _ in $(seq 50); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.2; done
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD'\""
}

start_docker() {
  apt_install docker.io busybox-static
  if ! docker info >/dev/null 2>&1; then
    need_root dockerd
    log "starting dockerd"
    mkdir -p /var/log/gpuc
    nohup dockerd --iptables=false --bridge=none --storage-driver=vfs >/var/log/gpuc/dockerd.log 2>&1 &
    for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
    docker info >/dev/null 2>&1 || { log "dockerd did not start; see /var/log/gpuc/dockerd.log"; exit 1; }
  fi
  GPUC_TEST_IMAGE="$DOCKER_IMAGE" bash "$(dirname "$0")/demo-image.sh"
  # The benchmark image GPU verification challenges run (executor/bench-image): a static C binary.
  docker image inspect gpuc/bench:cpu-1 >/dev/null 2>&1 || { apt_install gcc libc6-dev; bash "$(dirname "$0")/../executor/bench-image/build.sh"; }
}

# Debian's package would start a system Prometheus on :9090; the tests run their own, so it must not run.
install_prometheus() {
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    local policy=/usr/sbin/policy-rc.d created=0
    if [ "$(id -u)" = 0 ] && [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1
    fi
    local status=0
    apt_install prometheus || status=$?
    if [ $created = 1 ]; then rm -f "$policy"; fi
    [ $status = 0 ] || exit $status
  fi
  stop_system_prometheus
}

stop_system_prometheus() {
  [ "$(id -u)" = 0 ] || return 0
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    log "stopping the system Prometheus service"; systemctl disable --now prometheus >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/prometheus ] && /etc/init.d/prometheus status >/dev/null 2>&1; then
    log "stopping the system Prometheus service"; /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  fi
}

# The web app's browser tests drive Debian's Chromium through playwright-core (no browser download).
install_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  apt_install chromium fonts-dejavu-core
}

what=${1:-all}
case "$what" in
  postgres) start_postgres ;;
  docker) start_docker ;;
  prometheus) install_prometheus ;;
  chromium) install_chromium ;;
  all) start_postgres; start_docker; install_prometheus; install_chromium ;;
  *) log "usage: services.sh [all|postgres|docker|prometheus|chromium]"; exit 2 ;;
esac
log "ready: $what"

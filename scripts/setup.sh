#!/usr/bin/env bash
# Install what migplan needs to build and test on Debian 12, idempotently:
# apt packages (only the missing ones, so a second run is fast and needs no
# network), the pinned Prisma CLIs in tests/prisma (6.19.3) and tests/prisma7
# (7.10.1) (npm ci, only when a lock file changed) and migplan's patches to
# their pg adapters.
#
# Runs as root, or through sudo for the apt step otherwise.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

APT_PACKAGES=(build-essential cmake pkg-config flex bison libpq-dev libpg-query-dev
              libjansson-dev libssl-dev libcmocka-dev postgresql postgresql-contrib jq
              python3-jsonschema gnuplot-nox time clang libclang-rt-14-dev openssl ca-certificates
              man-db pgbouncer)

log() { echo "setup: $*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "setup: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for p in "${APT_PACKAGES[@]}"; do
  is_installed "$p" || missing+=("$p")
done
# Node: any nodejs >= 18.18 will do. A NodeSource nodejs bundles npm and
# conflicts with Debian's npm package, so npm is only added when absent.
command -v node >/dev/null 2>&1 || is_installed nodejs || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  log "apt packages: all present"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "setup: node $(node -v) is too old for the Prisma CLI (needs >= 18.18)" >&2
  exit 1
fi

# The Prisma harnesses: tests/prisma (6.19.3) and tests/prisma7 (7.10.1).
# --ignore-scripts: the install scripts would only try to download native
# engines, which neither offline path uses (6.19: the wasm engine through its
# pg adapter; 7.x: tests/prisma7/schema-engine.mjs, a stand-in for the native
# binary). npm ci runs only when node_modules is missing or the lock file
# changed (stamp: node_modules/.migplan-lock.sha256), so a second run needs
# no network. Each harness then applies its adapter patch (idempotent).
for h in prisma prisma7; do
  harness=$root/tests/$h
  stamp=$harness/node_modules/.migplan-lock.sha256
  want=$(sha256sum "$harness/package-lock.json" | cut -d' ' -f1)
  if [ -x "$harness/node_modules/.bin/prisma" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "tests/$h/node_modules: up to date"
  else
    log "npm ci in tests/$h"
    (cd "$harness" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
  "$harness/patch.sh"
done
log "done"

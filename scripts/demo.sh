#!/usr/bin/env bash
# The canonical case, end to end: a Prisma project whose "User" table trades
# `legacy_status` for a NOT NULL `status`, done safely.
#
#   1. build migc and migrun (release, into build-demo/)
#   2. start a throwaway PostgreSQL (stopped and removed on exit)
#   3. apply the example's baseline with the real `prisma migrate deploy`
#   4. `migc compile` the example's .mig spec into Prisma migration folders
#   5. `migrun apply`: expand and the native backfill run, then the contract
#      is refused by its 72h dual-write window (min_age gate)
#   6. shorten the window in the spec (a demo cannot wait 3 days), recompile,
#      `migrun apply` again: the contract runs
#   7. show the resulting table, and what `prisma migrate status` thinks
#
# Works on a copy of examples/user_status; the repository is not modified.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-demo
example=$root/examples/user_status

if [ -t 1 ]; then
  say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
  say() { printf '\n== %s\n' "$*"; }
fi
run() { printf '$ %s\n' "$*"; "$@"; }

say "setup"
"$root/scripts/setup.sh"

say "build migc and migrun (release) into build-demo/"
mkdir -p "$build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMIGPLAN_SANITIZE=OFF -DMIGPLAN_TESTS=OFF \
  >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target migc migrun
migc=$build/migc
migrun=$build/migrun

[ -d "$example" ] || { echo "demo: $example is missing" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/migplan-demo.XXXXXX")
cleanup() {
  "$root/tests/lib/pg.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

say "start a throwaway PostgreSQL"
"$root/tests/lib/pg.sh" start "$tmp/pg"
eval "$("$root/tests/lib/pg.sh" env "$tmp/pg")"
db=demo
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db"
url="postgresql://$PGUSER@127.0.0.1:$PGPORT/$db"
q() { psql -X -v ON_ERROR_STOP=1 -d "$db" "$@"; }

cp -r "$example" "$tmp/project"
cd "$tmp/project"
# The project as it was before the spec: only the baseline. (The example
# also carries the folders migc generates; they are made again below.)
find prisma/migrations -mindepth 1 -maxdepth 1 ! -name 20240101000000_baseline \
  ! -name migration_lock.toml -exec rm -rf {} +

say "the baseline, applied by the real Prisma CLI (the project before the change)"
run "$root/tests/prisma/prisma.sh" prisma/migrations "$url" migrate deploy 2>/dev/null \
  | sed -n '/migration(s) have been applied/,$p'
q -q -c "INSERT INTO \"User\" (email, legacy_status) VALUES
           ('ada@example.com', 'active'), ('bob@example.com', NULL),
           ('cy@example.com', 'banned'), ('di@example.com', NULL)"
q -c 'TABLE "User" ORDER BY id'

say "the spec: prisma/user_status.mig"
cat prisma/user_status.mig

say "compile it into Prisma migration folders"
run "$migc" compile prisma/user_status.mig -o prisma/migrations
(cd prisma/migrations && find . -type f | sort | sed 's|^\./|  |')

migrun_status() { run "$migrun" status -d prisma/migrations --database-url "$url" || true; }
step_rc=0

say "migrun status (exit 3: pending; the lifecycle's 3 steps count as 1 unit for max_pending 1)"
migrun_status

say "migrun apply: expand and backfill run; the contract waits for the 72h window"
set +e
run "$migrun" apply -d prisma/migrations --database-url "$url"
step_rc=$?
set -e
echo "(exit $step_rc: 6 means a gate is not met; nothing of the contract ran)"
q -c 'TABLE "User" ORDER BY id'

if [ "$step_rc" -eq 6 ]; then
  # In production the old release keeps writing legacy_status for 3 days
  # while the sync trigger mirrors it into status; then the contract ships.
  # A demo cannot wait, so the spec's window is shortened and recompiled.
  # Only the contract (its min_age gate, in the manifest and in its own SQL
  # guard) changes: the applied steps' files, and so their checksums, stay
  # the same.
  say "a demo cannot wait 72h: shorten the window in the spec and recompile"
  run sed -i 's/set window = 72h;/set window = 2s;/' prisma/user_status.mig
  grep -n 'set window' prisma/user_status.mig
  run "$migc" compile prisma/user_status.mig -o prisma/migrations
  sleep 2
  say "migrun apply again: the window has passed, the contract runs"
  set +e
  run "$migrun" apply -d prisma/migrations --database-url "$url"
  step_rc=$?
  set -e
fi

say "after"
migrun_status
q -c 'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name'
q -c '\d "User"'
q -c 'TABLE "User" ORDER BY id'

say "and Prisma agrees"
"$root/tests/prisma/prisma.sh" prisma/migrations "$url" migrate status 2>/dev/null \
  | sed -n '/migrations\{0,1\} found/,$p' || true

if [ "$step_rc" -ne 0 ]; then
  echo "demo: migrun apply exited $step_rc (see above)" >&2
fi
exit "$step_rc"

#!/usr/bin/env bash
# The canonical case, end to end: a Prisma project whose "User" table trades
# `legacy_status` for a NOT NULL `status`, done safely.
#
#   1. build migc and migrun (release, into build-demo/)
#   2. start a throwaway PostgreSQL (stopped and removed on exit)
#   3. apply the example's baseline with the real `prisma migrate deploy`
#   4. `migc compile` the example's .mig spec into Prisma migration folders
#   5. `migrun apply` them one step at a time, showing the gates at work
#   6. show the resulting table, and what `prisma migrate status` thinks
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
# status exits 3/4 while migrations are pending: only its JSON matters here.
pending() { { "$migrun" status -d prisma/migrations --database-url "$url" --json || true; } | jq '.pending'; }
step_rc=0

say "migrun status"
migrun_status

say "all at once? the max_pending gate refuses (the practice: one step per deploy)"
set +e
run "$migrun" apply -d prisma/migrations --database-url "$url"
echo "(exit $?)"
set -e

# In production each step ships in its own deploy, so only one is pending at
# a time. Here all three are in the folder: apply one per run and say so.
rounds=0
while [ "$(pending)" -gt 0 ] && [ $((rounds += 1)) -le 10 ]; do
  n=$(pending)
  say "apply the next step ($n pending)"
  set +e
  run "$migrun" apply -d prisma/migrations --database-url "$url" --steps 1 --allow-pending "$n"
  step_rc=$?
  set -e
  if [ "$step_rc" -eq 6 ] && [ "$(q -At -c "SELECT count(*) FROM _prisma_migrations
                                           WHERE migration_name LIKE '%_user_status_expand'
                                             AND finished_at > now() - interval '3 days'")" -eq 1 ]; then
    say "the contract waits for the 3-day window; the demo pretends it has passed"
    backdate="UPDATE _prisma_migrations
                SET started_at = started_at - interval '3 days 1 minute',
                    finished_at = finished_at - interval '3 days 1 minute'
              WHERE migration_name LIKE '%_user_status_expand'"
    printf '$ psql -c "%s"\n' "$backdate"
    q -c "$backdate"
    continue
  fi
  [ "$step_rc" -eq 0 ] || break
  q -c 'TABLE "User" ORDER BY id'
done

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

#!/usr/bin/env bash
# A real project's history of 160+ plain Prisma migrations (the fixture of
# real_history.sh, kept outside the repository:
# MIGPLAN_REAL_HISTORY=/path/to/prisma/migrations) with the real Prisma
# 7.10.1 CLI (tests/prisma7):
#   a) `prisma migrate deploy` (7.x) of the whole history, then migrun status:
#      all applied, none pending, failed or diverged; migrun apply applies nothing
#   b) the other way round: migrun apply, then `prisma migrate status` (7.x) up
#      to date and `prisma migrate deploy` applies nothing
#   c) the two ledgers have the same rows in force (names, checksums, steps,
#      logs) and the two databases the same schema
# Without the variable the test says so and passes (nothing to check).
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/prisma7_examples.sh"

hist=${MIGPLAN_REAL_HISTORY:-}
if [ -z "$hist" ]; then
  echo "skipped: set MIGPLAN_REAL_HISTORY=/path/to/prisma/migrations (a real project's 160+ Prisma migrations)"
  tl_pass "skipped deliberately: MIGPLAN_REAL_HISTORY is not set"
  exit 0
fi
[ -d "$hist" ] || { tl_fail "MIGPLAN_REAL_HISTORY=$hist is not a directory"; exit 1; }
n=0
for f in "$hist"/*/migration.sql; do [ -f "$f" ] && n=$((n + 1)); done
echo "history: $hist, $n migrations"
if [ "$n" -ge 160 ]; then tl_pass "the history has $n (>= 160) migrations"; else tl_fail "only $n migrations in $hist"; fi

# --- a) Prisma 7 applies, migrun agrees ---
db1=$(tl_newdb real_p7); url1=$(tl_url "$db1")
tl_run tl_prisma7 "$hist" "$url1" migrate deploy
tl_assert_eq 0 "$TL_RC" "prisma 7 migrate deploy of the whole history"
[ "$TL_RC" = 0 ] || echo "$TL_ERR" | tail -20
tl_assert_contains "$TL_OUT" "All migrations have been successfully applied." "prisma 7 says all were applied"
tl_run "$MIGRUN" status -d "$hist" --database-url "$url1" --json
tl_assert_eq 0 "$TL_RC" "migrun status after Prisma 7: up to date (exit 0)"
tl_assert_eq "$n 0 0 0" "$(jq -r '"\(.applied) \(.pending) \(.failed) \(.diverged|length)"' <<<"$TL_OUT")" \
  "migrun status --json: all $n applied, none pending, failed or diverged"
tl_assert_eq "$(tl_psql "$db1" -F ' ' -c "SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name")" \
  "$(jq -r '.steps[] | "\(.id) \(.checksum)"' <<<"$TL_OUT" | sort)" "migrun's checksum of every file is the one Prisma 7 wrote"
tl_run "$MIGRUN" apply -d "$hist" --database-url "$url1"
tl_assert_eq 0 "$TL_RC" "migrun apply after Prisma 7"
tl_assert_contains "$TL_OUT" "up to date: $n migrations applied" "migrun apply applies nothing"
tl_assert_eq "$n" "$(p7_rows "$db1")" "and adds no ledger row"

# --- b) migrun applies, Prisma 7 agrees ---
db2=$(tl_newdb real_m7); url2=$(tl_url "$db2")
tl_run "$MIGRUN" apply -d "$hist" --database-url "$url2"
tl_assert_eq 0 "$TL_RC" "migrun apply of the whole history"
[ "$TL_RC" = 0 ] || echo "$TL_ERR" | tail -3
tl_run tl_prisma7 "$hist" "$url2" migrate status
tl_assert_eq 0 "$TL_RC" "prisma 7 migrate status after migrun exits 0"
tl_assert_contains "$TL_OUT" "$n migrations found in prisma/migrations" "it reads all $n folders"
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma 7 migrate status: up to date"
tl_run tl_prisma7 "$hist" "$url2" migrate deploy
tl_assert_contains "$TL_OUT" "No pending migrations to apply." "prisma 7 migrate deploy applies nothing"
tl_assert_eq "$n" "$(p7_rows "$db2")" "and adds no ledger row"

# --- c) the same ledger and schema ---
mine=$(p7_ledger "$db2"); theirs=$(p7_ledger "$db1")
tl_assert_eq "$n" "$(grep -c "|t|t|1|t|36$" <<<"$theirs")" "Prisma 7's $n rows: finished, 1 step, no logs, a UUID"
tl_assert_eq "$mine" "$theirs" "migrun's rows are the same (name, checksum, finished, steps, logs, id length)"
mine=$(p7_dump "$db2"); theirs=$(p7_dump "$db1")
tl_assert_contains "$theirs" "CREATE TABLE" "the schema dump has the tables"
if [ "$mine" = "$theirs" ]; then tl_pass "migrun and Prisma 7 built the same schema (pg_dump --schema-only)"
else tl_fail "the schemas built by migrun and Prisma 7 differ"; diff <(echo "$mine") <(echo "$theirs") | head -20; fi

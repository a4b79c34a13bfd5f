#!/usr/bin/env bash
# Two migruns at once apply each step exactly once (Prisma's advisory lock);
# a 1M-row backfill killed with SIGKILL half way resumes from the data.
source "$(dirname "$0")/../lib/testlib.sh"
FIX="node $MIGPLAN_SOURCE_DIR/tests/e2e/runtime_fixture.mjs"

# --- concurrent applies ---
mig=$(tl_tmpdir)
for i in 1 2 3 4; do
  mkdir "$mig/2024010100000${i}_m$i"
  printf 'CREATE TABLE "t%s" ("id" INT);\nSELECT pg_sleep(0.5);\n' "$i" > "$mig/2024010100000${i}_m$i/migration.sql"
done
db=$(tl_newdb conc); url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" > "$TL_TMP/a.out" 2>&1 & a=$!
"$MIGRUN" apply -d "$mig" --database-url "$url" > "$TL_TMP/b.out" 2>&1 & b=$!
ra=0; rb=0; wait $a || ra=$?; wait $b || rb=$?
tl_assert_eq "0 0" "$ra $rb" "both applies succeed"
tl_assert_eq "4|4" "$(tl_psql "$db" -c "SELECT count(*), count(DISTINCT migration_name) FROM _prisma_migrations")" \
  "each step applied exactly once, no duplicate ledger rows"
tl_assert_contains "$(cat "$TL_TMP/a.out" "$TL_TMP/b.out")" "waiting for the migration lock" "one waited for the other"

# --- backfill of 1M rows, killed, resumed ---
us=$(tl_tmpdir); $FIX user-status "$us" --min-age 1s --batch 10000
db2=$(tl_newdb backfill); url2=$(tl_url "$db2")
# Step 1 is the fixture's init migration: the rows go in before expand, so
# expand's trigger does not fill them and the backfill has 1M rows to do.
tl_run "$MIGRUN" apply -d "$us" --database-url "$url2" --steps 1
tl_assert_eq 0 "$TL_RC" "init applied before the rows go in"
[ "$TL_RC" = 0 ] || { echo "$TL_OUT $TL_ERR" | tail -5; exit 1; }
tl_psql "$db2" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 'x'||(g%7) END FROM generate_series(1,1000000) g"
# Expand runs to its end (and is waited for) before the backfill starts.
tl_run "$MIGRUN" apply -d "$us" --database-url "$url2" --steps 1
tl_assert_eq 0 "$TL_RC" "expand applied before the backfill test"
[ "$TL_RC" = 0 ] || { echo "$TL_OUT $TL_ERR" | tail -5; exit 1; }
tl_assert_eq "1" "$(tl_psql "$db2" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%user_status_expand' AND finished_at IS NOT NULL")" \
  "expand's ledger row is finished"
# Stop the backfill mid-way on a condition, not on a race with its speed: a
# session holds row 300000 locked, so the batch that reaches it waits (and,
# with many lock retries, keeps waiting) however fast or slow the machine is.
PGAPPNAME=migplan_blocker psql -X -q -d "$db2" \
  -c "SELECT 1 FROM \"User\" WHERE id = 300000 FOR UPDATE; SELECT pg_sleep(3600)" > /dev/null 2>&1 & blocker=$!
blocking() { [ "$(tl_psql "$db2" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migplan_blocker' AND wait_event = 'PgSleep'")" = 1 ]; }
tl_wait_for -p "$blocker" "the blocker holds row 300000" blocking
"$MIGRUN" apply -d "$us" --database-url "$url2" --steps 1 --max-rate 100000 --lock-retries 20 > "$TL_TMP/bf.out" 2>&1 & pid=$!
waiting() { grep -q "retrying" "$TL_TMP/bf.out"; }
tl_wait_for -p "$pid" "the backfill reached the locked row" waiting || { cat "$TL_TMP/bf.out"; exit 1; }
kill -9 $pid; wait $pid 2>/dev/null || true
tl_psql "$db2" -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'migplan_blocker'" > /dev/null
wait $blocker 2>/dev/null || true
filled=$(tl_psql "$db2" -c "SELECT count(*) FROM \"User\" WHERE status IS NOT NULL")
if [ "$filled" -ge 200000 ] && [ "$filled" -lt 1000000 ]; then tl_pass "killed mid-way ($filled rows filled)"; else tl_fail "killed mid-way ($filled rows filled)"; fi
tl_assert_eq 0 "$(tl_psql "$db2" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%backfill%'")" \
  "no ledger row for an unfinished backfill"
tl_run "$MIGRUN" status -d "$us" --database-url "$url2"
tl_assert_contains "$TL_OUT" "pending      20240201000001_user_status_backfill_status" "status: the backfill is pending"
# The fixture's window (min_age 1s since expand) must have passed: wait on the
# ledger, not on the clock of this script.
tl_wait_min_age "$db2" 20240201000000_user_status_expand 1s
tl_run "$MIGRUN" apply -d "$us" --database-url "$url2"
tl_assert_eq 0 "$TL_RC" "apply again finishes the backfill and the contract"
updated=$(grep -o '([0-9]* rows updated' <<<"$TL_OUT" | tr -dc 0-9)
if [ -n "$updated" ] && [ "$updated" -le $((1000000 - filled)) ]; then tl_pass "the resumed run only updated what was left ($updated)"; else tl_fail "resumed run updated $updated rows"; fi
tl_assert_eq 0 "$(tl_psql "$db2" -c "SELECT count(*) FROM \"User\" WHERE status IS DISTINCT FROM (CASE WHEN legacy_status IS NULL THEN 'active' ELSE legacy_status END)")" \
  "every row right"
tl_assert_eq "4|4|0" "$(tl_psql "$db2" -c "SELECT count(*), count(finished_at), count(*) - count(DISTINCT migration_name) FROM _prisma_migrations")" \
  "one finished ledger row per step"
tl_assert_eq "NO" "$(tl_psql "$db2" -c "SELECT is_nullable FROM information_schema.columns WHERE table_name='User' AND column_name='status'")" \
  "the contract ran"

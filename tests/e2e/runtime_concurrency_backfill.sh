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
# Step 1 is the fixture's init migration, step 2 the lifecycle's expand: both
# are applied (and waited for) before the rows go in and the backfill starts.
tl_run "$MIGRUN" apply -d "$us" --database-url "$url2" --steps 2
tl_assert_eq 0 "$TL_RC" "init and expand applied before the backfill test"
[ "$TL_RC" = 0 ] || { echo "$TL_OUT $TL_ERR" | tail -5; exit 1; }
tl_assert_eq "1" "$(tl_psql "$db2" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%user_status_expand' AND finished_at IS NOT NULL")" \
  "expand's ledger row is finished"
tl_psql "$db2" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 'x'||(g%7) END FROM generate_series(1,1000000) g"
"$MIGRUN" apply -d "$us" --database-url "$url2" --steps 1 --max-rate 100000 > "$TL_TMP/bf.out" 2>&1 & pid=$!
# Wait for the condition (200k rows filled), however slow the machine is; the
# rate cap keeps the backfill from finishing between two polls. A generous
# deadline only turns a hang into a failure.
filled=0 deadline=$((SECONDS + 600))
while [ "$SECONDS" -lt "$deadline" ]; do
  filled=$(tl_psql "$db2" -c "SELECT count(*) FROM \"User\" WHERE status IS NOT NULL")
  [ "$filled" -ge 200000 ] && break
  kill -0 "$pid" 2>/dev/null || { tl_fail "the backfill run ended before it was killed"; cat "$TL_TMP/bf.out"; exit 1; }
  sleep 0.1
done
kill -9 $pid; wait $pid 2>/dev/null || true
filled=$(tl_psql "$db2" -c "SELECT count(*) FROM \"User\" WHERE status IS NOT NULL")
if [ "$filled" -ge 200000 ] && [ "$filled" -lt 1000000 ]; then tl_pass "killed mid-way ($filled rows filled)"; else tl_fail "killed mid-way ($filled rows filled)"; fi
tl_assert_eq 0 "$(tl_psql "$db2" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%backfill%'")" \
  "no ledger row for an unfinished backfill"
tl_run "$MIGRUN" status -d "$us" --database-url "$url2"
tl_assert_contains "$TL_OUT" "pending      20240201000001_user_status_backfill_status" "status: the backfill is pending"
# The fixture's window (min_age 1s since expand) must have passed: wait on the
# ledger, not on the clock of this script.
deadline=$((SECONDS + 600))
until [ "$(tl_psql "$db2" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%user_status_expand' AND finished_at < now() - interval '1.5 s'")" = 1 ] \
  || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.1; done
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

#!/usr/bin/env bash
# Issue 19 item 11b: after a backfill, autovacuum vacuums the table, holding
# SHARE UPDATE EXCLUSIVE; the contract's lock request, with a lock_timeout
# (500 ms) below deadlock_timeout (1 s), would time out before PostgreSQL
# cancels the worker for it, retry after retry. migrun cancels such a worker
# itself (never one preventing wraparound), says so, and the contract goes
# through with no failed ledger row. A PostgreSQL of the test's own, with an
# autovacuum slowed down so that it is still running when the contract comes.
source "$(dirname "$0")/../lib/testlib.sh"

tl_private_pg
psql -X -q -d postgres -c "ALTER SYSTEM SET autovacuum_naptime = '1s'" \
  -c "ALTER SYSTEM SET autovacuum_vacuum_cost_delay = '100ms'" -c "ALTER SYSTEM SET autovacuum_vacuum_cost_limit = 1" \
  -c "ALTER SYSTEM SET autovacuum_vacuum_threshold = 50" -c "ALTER SYSTEM SET autovacuum_vacuum_scale_factor = 0" \
  -c "SELECT pg_reload_conf()" >/dev/null
psql -X -q -d postgres -c 'CREATE DATABASE autovac' >/dev/null
url="postgresql://$PGUSER@127.0.0.1:$PGPORT/autovac"

work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
sed -i 's/set window = 72h;/set window = 1s;/' "$work/prisma/user_status.mig"
"$MIGC" compile "$work/prisma/user_status.mig" -o "$work/prisma/migrations" >/dev/null
mig=$work/prisma/migrations
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null
psql -X -q -d autovac -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 's' END FROM generate_series(1,30000) g"
# expand and backfill: the backfill leaves 30000 dead row versions behind
"$MIGRUN" apply -d "$mig" --database-url "$url" --allow-pending 10 --to 20250101120001_user_status_backfill_status >/dev/null

vacuuming() {
  [ "$(psql -X -qAt -d autovac -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
    WHERE a.backend_type = 'autovacuum worker' AND l.relation = '\"User\"'::regclass AND l.granted")" -gt 0 ]
}
tl_wait_for "autovacuum to be vacuuming \"User\"" vacuuming

tl_apply_gated -d "$mig" --database-url "$url" --allow-pending 10
tl_assert_eq 0 "$TL_RC" "the contract goes through while autovacuum was running (exit 0)"
tl_assert_contains "$TL_OUT$TL_ERR" "cancelled autovacuum (pid" "saying it cancelled the worker"
tl_assert_contains "$TL_OUT$TL_ERR" "applied 20250101120002_user_status_contract" "the contract is applied"
tl_assert_eq "0 4" "$(psql -X -qAt -d autovac -c "SELECT count(*) FILTER (WHERE finished_at IS NULL OR rolled_back_at IS NOT NULL) || ' ' || count(*) FROM _prisma_migrations")" \
  "no failed ledger row: four finished migrations"

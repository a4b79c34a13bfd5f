#!/usr/bin/env bash
# Issue 19 item 10: two migruns on a folder with CREATE INDEX CONCURRENTLY
# take turns instead of deadlocking. A session blocked in pg_advisory_lock
# keeps a snapshot open, and the holder's concurrent build waits for every
# older snapshot; migrun polls pg_try_advisory_lock, so between polls the
# waiter has nothing open. Sequenced on conditions: the holder's build is
# made to wait for a writer until the second migrun is waiting for the lock.
source "$(dirname "$0")/../lib/testlib.sh"

db=$(tl_newdb lockpoll); url=$(tl_url "$db")
tl_psql "$db" -c "CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10000)"
m=$(tl_tmpdir); mkdir -p "$m/20240101000000_idx"
printf 'provider = "postgresql"\n' > "$m/migration_lock.toml"
printf 'CREATE INDEX CONCURRENTLY "t_id_idx" ON t (id);\n' > "$m/20240101000000_idx/migration.sql"

# A writer with an open transaction: the build's first phase waits for it.
PGAPPNAME=migplan_writer psql -X -q -d "$db" -c "BEGIN; INSERT INTO t VALUES (0); SELECT pg_sleep(3600)" \
  > /dev/null 2>&1 & writer=$!
writing() { [ "$(tl_psql "$db" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'migplan_writer' AND wait_event = 'PgSleep'")" = 1 ]; }
tl_wait_for -p "$writer" "the writer's transaction is open" writing

"$MIGRUN" apply -d "$m" --database-url "$url" > "$TL_TMP/a.out" 2>&1 & a=$!
building() { [ "$(tl_psql "$db" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'")" = 1 ]; }
tl_wait_for -p "$a" "the first migrun's build waits for the writer" building || { cat "$TL_TMP/a.out"; exit 1; }

"$MIGRUN" apply -d "$m" --database-url "$url" > "$TL_TMP/b.out" 2>&1 & b=$!
waiting() { grep -q "waiting for the migration lock" "$TL_TMP/b.out"; }
tl_wait_for -p "$b" "the second migrun waits for the migration lock" waiting

# The writer goes; the build's later phase waits for older snapshots, and a
# waiter blocked in pg_advisory_lock would be one of them, forever.
tl_psql "$db" -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'migplan_writer'" > /dev/null
wait $writer 2>/dev/null || true
ended() { ! tl_alive "$1"; }
tl_wait_for "the first migrun finishes" ended "$a"
tl_wait_for "the second migrun finishes" ended "$b"
wait $a; ra=$?
wait $b; rb=$?
tl_assert_eq "0 0" "$ra $rb" "both exit 0"
tl_assert_contains "$(cat "$TL_TMP/a.out")" "applied 20240101000000_idx" "the first applied the build"
tl_assert_contains "$(cat "$TL_TMP/b.out")" "up to date" "the second found nothing left to do"
tl_assert_eq "t" "$(tl_psql "$db" -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id_idx'::regclass")" "the index is valid"
tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations")" "one ledger row"

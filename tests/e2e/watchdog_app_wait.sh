#!/usr/bin/env bash
# The lock watchdog: a session holds ACCESS SHARE on "User" in an open
# transaction while apply runs the expand step (ACCESS EXCLUSIVE). The spec's
# lock_timeout is long (20s) on purpose, so only the watchdog can protect the
# application: pgbench clients reading "User" queue behind our lock request
# and must never wait more than the threshold (500 ms) + 200 ms for a lock.
# The step is cancelled, retried with backoff, and goes through once the
# blocker ends.
# First a blocker that outlasts --watchdog-retries: exit 10, no failed ledger
# row; the later apply is the one measured.
#
# Each step waits on a condition (a lock granted, the clients connected, a
# cancel logged), never on the clock. The application's lock waits are
# measured by PostgreSQL: its sessions run with log_lock_waits on and a
# deadlock_timeout of 700 ms, so the server logs every lock wait of theirs
# that reaches 700 ms ("still waiting for ... after N ms"), and there must be
# none. (pgbench's latencies, the client's view, would also count how late a
# loaded machine schedules pgbench; they are printed, not judged.)
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
cd "$work"
sed -i 's/set lock_timeout = 500ms;/set lock_timeout = 20s;/' prisma/user_status.mig
"$MIGC" compile prisma/user_status.mig -o prisma/migrations >/dev/null
mig=prisma/migrations
db=$(tl_newdb watchdog)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null
tl_psql "$db" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, 'x' FROM generate_series(1,1000) g"

# The server's log (tests/lib/pg.sh); log_line_prefix names each line's database.
pglog=$MIGPLAN_PG_DIR/log
app_opts='-c deadlock_timeout=700ms -c log_lock_waits=on'
long_waits() { # DB: the server's "still waiting" lines of sessions in DB
  grep -F " $1 LOG:  process " "$pglog" | grep -F 'still waiting for' || true
}
logged_wait() { [ -n "$(long_waits "$1")" ]; }

# holds DB TABLE MODE PATTERN: the session whose query matches PATTERN has
# been granted MODE on TABLE and sleeps in its transaction.
holds() {
  [ "$(tl_psql "$1" -c "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.database = a.datid
        WHERE a.datname = current_database() AND a.query LIKE '%$4%' AND a.wait_event = 'PgSleep'
        AND l.relation = '$2'::regclass AND l.mode = '$3' AND l.granted AND a.pid <> pg_backend_pid()")" = 1 ]
}
end_session() { # DB PATTERN: terminate the session whose query matches PATTERN
  tl_psql "$1" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()
    AND query LIKE '%$2%' AND pid <> pg_backend_pid()" >/dev/null
}
# The clients of pgbench PID are connected to DB and querying, and pgbench
# has its SIGALRM handler: the signal its -T timer sends to end the run.
bench_running() { # PID DB CLIENTS
  local mask
  mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) && [ -n "$mask" ] \
    && (( (16#$mask >> 13) & 1 )) \
    && [ "$(tl_psql "$2" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
          AND application_name = 'pgbench' AND query LIKE 'SELECT count(*) FROM \"User\"%'")" = "$3" ]
}

# --- the log check can see a long wait: a control on its own database ---
ctl=$(tl_newdb watchdog_ctl)
tl_psql "$ctl" -c "CREATE TABLE c (i int)"
tl_psql "$ctl" -c "BEGIN; LOCK TABLE c IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(3600); COMMIT;" >/dev/null 2>&1 &
holder=$!
tl_wait_for -p "$holder" "the control's lock is held" holds "$ctl" c AccessExclusiveLock 'pg_sleep(3600)' || exit 1
PGOPTIONS=$app_opts psql -X -qAt -d "$ctl" -c "SELECT count(*) FROM c" >/dev/null 2>&1 &
waiter=$!
tl_wait_for -p "$waiter" "the server logs the control session's wait" logged_wait "$ctl" || true
end_session "$ctl" 'pg_sleep(3600)'
wait "$holder" || true
wait "$waiter" || true
tl_assert_contains "$(long_waits "$ctl")" "still waiting for AccessShareLock" \
  "control: with these settings the server logs an application lock wait of 700 ms"

# --- a blocker that outlasts the retries ---
tl_psql "$db" -c "BEGIN; SELECT count(*) FROM \"User\"; SELECT pg_sleep(3600); COMMIT;" >/dev/null 2>&1 &
blocker=$!
tl_wait_for -p "$blocker" "the blocker holds ACCESS SHARE on \"User\"" holds "$db" '"User"' AccessShareLock 'pg_sleep(3600)' || exit 1
tl_psql "$db" -c "SELECT count(*) FROM \"User\"" >/dev/null
# The application: readers of "User" until the apply has ended.
( deadline=$((SECONDS + 600))
  while [ ! -e "$work/app.stop" ] && [ "$SECONDS" -lt "$deadline" ]; do
    psql -X -qAt -d "$db" -c 'SELECT count(*) FROM "User"' >/dev/null 2>&1; sleep 0.05
  done ) &
app=$!
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --to 20250101120000_user_status_expand --watchdog-retries 1 --allow-pending 10 --json
touch "$work/app.stop"
tl_assert_eq 10 "$TL_RC" "the watchdog gives up after --watchdog-retries: exit 10"
tl_assert_contains "$TL_ERR" "gave up after 1 retries" "with a clear message"
tl_assert_eq "give_up" "$(echo "$TL_OUT" | jq -r '.watchdog[-1].event')" "give_up in --json"
end_session "$db" 'pg_sleep(3600)'
wait "$blocker" || true
wait "$app" || true
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL")" \
  "the give-up left no failed ledger row"

# --- a shorter blocker: the measured run ---
echo 'SELECT count(*) FROM "User";' > app.sql
tl_psql "$db" -c "BEGIN; SELECT count(*) FROM \"User\"; SELECT pg_sleep(3600); COMMIT;" >/dev/null 2>&1 &
blocker=$!
tl_wait_for -p "$blocker" "the blocker holds ACCESS SHARE on \"User\"" holds "$db" '"User"' AccessShareLock 'pg_sleep(3600)' || exit 1
# The application: 4 pgbench clients reading "User" from before the apply to
# after it. -T is only a ceiling; the run is ended below with SIGALRM, which
# is what its -T timer does (the logs are written out as at any end).
PGOPTIONS=$app_opts pgbench -n -c 4 -T 3600 -f app.sql -l --aggregate-interval=1 --log-prefix="$work/app" "$db" >pgbench.out 2>&1 &
bench=$!
tl_wait_for -p "$bench" "pgbench's 4 clients query \"User\"" bench_running "$bench" "$db" 4 || { cat pgbench.out; exit 1; }
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20250101120000_user_status_expand --allow-pending 10 --json \
  >"$work/apply.out" 2>"$work/apply.err" &
apply=$!
# The blocker ends once the watchdog has cancelled the step (the application
# had queued behind it); the step goes through on a later retry.
tl_wait_for -p "$apply" "the watchdog cancelled the step" grep -q "lock watchdog cancelled the statement" "$work/apply.err" \
  || tail -5 "$work/apply.err"
end_session "$db" 'pg_sleep(3600)'
wait "$blocker" || true
rc=0; wait "$apply" || rc=$?
TL_RC=$rc TL_OUT=$(cat "$work/apply.out") TL_ERR=$(cat "$work/apply.err")
kill -ALRM "$bench" 2>/dev/null || true
wait "$bench" || true
tl_assert_eq 0 "$TL_RC" "after the give-up, apply finishes once a shorter blocker ends"
[ "$TL_RC" = 0 ] || echo "$TL_ERR" | tail -5
cancels=$(echo "$TL_OUT" | jq '[.watchdog[] | select(.event == "cancel")] | length')
[ "$cancels" -ge 1 ] && tl_pass "the watchdog cancelled the step $cancels times" || tl_fail "no watchdog cancel"
tl_assert_contains "$TL_ERR" "lock watchdog cancelled the statement" "each cancel is logged"
tl_assert_eq "500" "$(echo "$TL_OUT" | jq '.watchdog[0].threshold_ms')" "threshold from the manifest (500ms)"
max_us=$(cat "$work"/app.* | awk '{ if ($6 > m) m = $6 } END { print m + 0 }')
n=$(cat "$work"/app.* | awk '{ n += $2 } END { print n + 0 }')
echo "# pgbench: $n queries, longest $((max_us / 1000)) ms as pgbench saw it"
[ "$n" -gt 100 ] && tl_pass "the application ran $n queries meanwhile" || tl_fail "pgbench ran only $n queries"
long=$(long_waits "$db")
tl_assert_eq "" "$long" "no application query waited 700 ms or more for a lock (the server's lock-wait log)"
tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%expand' AND finished_at IS NOT NULL")" \
  "one finished ledger row for the step"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL")" "no failed row"

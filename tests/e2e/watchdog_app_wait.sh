#!/usr/bin/env bash
# The lock watchdog: a session holds ACCESS SHARE on "User" in an open
# transaction while apply runs the expand step (ACCESS EXCLUSIVE). The spec's
# lock_timeout is long (20s) on purpose, so only the watchdog can protect the
# application: pgbench clients reading "User" queue behind our lock request
# and must never wait more than the threshold (500 ms) + 200 ms. The step is
# cancelled, retried with backoff, and goes through once the blocker ends.
# First a blocker that outlasts --watchdog-retries: exit 10, no failed ledger
# row; the later apply is the one measured.
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

# A blocker that outlasts the retries.
tl_psql "$db" -c "BEGIN; SELECT count(*) FROM \"User\"; SELECT pg_sleep(60); COMMIT;" >/dev/null 2>&1 &
blocker=$!
sleep 0.3
tl_psql "$db" -c "SELECT count(*) FROM \"User\"" >/dev/null
( for _ in $(seq 1 40); do psql -X -qAt -d "$db" -c 'SELECT count(*) FROM "User"' >/dev/null 2>&1; sleep 0.05; done ) &
app=$!
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --to 20250101120000_user_status_expand --watchdog-retries 1 --allow-pending 10 --json
tl_assert_eq 10 "$TL_RC" "the watchdog gives up after --watchdog-retries: exit 10"
tl_assert_contains "$TL_ERR" "gave up after 1 retries" "with a clear message"
tl_assert_eq "give_up" "$(echo "$TL_OUT" | jq -r '.watchdog[-1].event')" "give_up in --json"
tl_psql postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$blocker" || true
wait "$app" || true
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL")" \
  "the give-up left no failed ledger row"

echo 'SELECT count(*) FROM "User";' > app.sql
# The blocker: ACCESS SHARE on "User" for 3 s.
tl_psql "$db" -c "BEGIN; SELECT count(*) FROM \"User\"; SELECT pg_sleep(3); COMMIT;" >/dev/null &
blocker=$!
sleep 0.3
pgbench -n -c 4 -T 8 -f app.sql -l --aggregate-interval=1 --log-prefix="$work/app" "$db" >pgbench.out 2>&1 &
bench=$!
sleep 0.5
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --to 20250101120000_user_status_expand --allow-pending 10 --json
wait "$blocker"
wait "$bench"
tl_assert_eq 0 "$TL_RC" "after the give-up, apply finishes once a shorter blocker ends"
[ "$TL_RC" = 0 ] || echo "$TL_ERR" | tail -5
cancels=$(echo "$TL_OUT" | jq '[.watchdog[] | select(.event == "cancel")] | length')
[ "$cancels" -ge 1 ] && tl_pass "the watchdog cancelled the step $cancels times" || tl_fail "no watchdog cancel"
tl_assert_contains "$TL_ERR" "lock watchdog cancelled the statement" "each cancel is logged"
tl_assert_eq "500" "$(echo "$TL_OUT" | jq '.watchdog[0].threshold_ms')" "threshold from the manifest (500ms)"
max_us=$(cat "$work"/app.* | awk '{ if ($6 > m) m = $6 } END { print m + 0 }')
n=$(cat "$work"/app.* | awk '{ n += $2 } END { print n + 0 }')
echo "# pgbench: $n queries, longest $((max_us / 1000)) ms"
[ "$n" -gt 100 ] && tl_pass "the application ran $n queries meanwhile" || tl_fail "pgbench ran only $n queries"
[ "$max_us" -le 700000 ] && tl_pass "no application query waited more than 700 ms (longest $((max_us / 1000)) ms)" \
  || tl_fail "an application query waited $((max_us / 1000)) ms"
tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%expand' AND finished_at IS NOT NULL")" \
  "one finished ledger row for the step"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL")" "no failed row"


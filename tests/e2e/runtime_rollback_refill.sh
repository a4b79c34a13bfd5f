#!/usr/bin/env bash
# Rolling back a contract that retired a column (issue 19, item 13). The
# contract DOWN runs in parts: the column comes back empty with the sync
# trigger in one short transaction, the refill runs in batches, each its own
# transaction, and only then does the DOWN finish. So the application is never
# held up for a full-table UPDATE under ACCESS EXCLUSIVE, an interrupted
# rollback goes on where it stopped, and the lock watchdog guards a DOWN as it
# guards a step. Every wait is on a condition (a ledger row, a lock, a line of
# output), never on the clock.
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
cd "$work"
# a short window, and a lock_timeout long enough that only the watchdog can
# protect the application in the last part
sed -i 's/set window = 72h;/set window = 1s;/; s/set lock_timeout = 500ms;/set lock_timeout = 20s;/' prisma/user_status.mig
"$MIGC" compile prisma/user_status.mig -o prisma/migrations >/dev/null
mig=prisma/migrations
contract=20250101120002_user_status_contract
db=$(tl_newdb rollback_refill)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null
tl_psql "$db" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 's'||(g%4) END FROM generate_series(1,30000) g"

apply_all() {
  "$MIGRUN" apply -d "$mig" --database-url "$url" >/dev/null 2>&1 || true
  tl_wait_min_age "$db" 20250101120000_user_status_expand 1s
  tl_apply_gated -d "$mig" --database-url "$url"
  tl_assert_eq 0 "$TL_RC" "${1:-}the lifecycle is applied, contract included"
}
logs() { tl_psql "$db" -c "SELECT coalesce(logs, '') FROM _prisma_migrations WHERE migration_name = '$contract' AND rolled_back_at IS NULL AND finished_at IS NOT NULL"; }
refilling() { [ "$(logs)" = "migplan rollback: 1 of 2 parts done" ]; }
wrong_rows() { tl_psql "$db" -c "SELECT count(*) FROM \"User\" WHERE legacy_status IS DISTINCT FROM status"; }

apply_all
tl_assert_eq 1 "$(grep -c '^-- migplan: commit$' "$mig/$contract/down.sql" || true)" \
  "the contract's DOWN is written in two parts (one separator line)"

# --- the refill under way: the schema part committed, no ACCESS EXCLUSIVE held ---
"$MIGRUN" rollback -d "$mig" --database-url "$url" --yes --max-rate 2000 >"$work/rb.out" 2>"$work/rb.err" &
rb=$!
tl_wait_for -p "$rb" "the rollback is in its refill (the ledger row says part 1 of 2 is done)" refilling || tail -5 "$work/rb.err"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM pg_locks WHERE relation = '\"User\"'::regclass AND mode = 'AccessExclusiveLock'")" \
  "during the refill nobody holds ACCESS EXCLUSIVE on \"User\""
tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'legacy_status'")" \
  "the re-added column is visible (its transaction committed before the refill)"
# The new application version keeps writing meanwhile; the trigger fills the old column.
tl_run tl_psql "$db" -c "SET lock_timeout = '60s'; INSERT INTO \"User\"(email, status) VALUES ('during', 'banned'); UPDATE \"User\" SET status = 'vip' WHERE id = 29999"
tl_assert_eq 0 "$TL_RC" "the new version's insert and update go through during the refill"
rc=0; wait "$rb" || rc=$?
tl_assert_eq 0 "$rc" "the rollback finishes"
[ "$rc" = 0 ] || tail -5 "$work/rb.err"
tl_assert_contains "$(cat "$work/rb.out" "$work/rb.err")" "DOWN part 1 of 2" "it says which part it runs"
tl_assert_contains "$(cat "$work/rb.out" "$work/rb.err")" "refilled" "and that the refill ran in batches"
tl_assert_eq 0 "$(wrong_rows)" "every row's legacy_status is back (the refill, and the trigger for writes meanwhile)"
tl_assert_eq "vip banned" "$(tl_psql "$db" -c "SELECT string_agg(legacy_status, ' ' ORDER BY id) FROM \"User\" WHERE email = 'during' OR id = 29999" | tr -d '\n')" \
  "the writes during the refill landed in the old column too"
tl_assert_eq "1 " "$(tl_psql "$db" -c "SELECT count(*), max(coalesce(logs, '')) FROM _prisma_migrations WHERE migration_name = '$contract' AND rolled_back_at IS NOT NULL" | tr '|' ' ')" \
  "its ledger row is rolled back, its logs cleared as Prisma has them"

# --- killed during the refill: status and apply see it, rollback goes on ---
apply_all "again: "
"$MIGRUN" rollback -d "$mig" --database-url "$url" --yes --max-rate 2000 >/dev/null 2>"$work/rb2.err" &
rb=$!
tl_wait_for -p "$rb" "the second rollback is in its refill" refilling || tail -5 "$work/rb2.err"
kill -9 "$rb"
wait "$rb" 2>/dev/null || true
tl_assert_eq "migplan rollback: 1 of 2 parts done" "$(logs)" "after kill -9 the ledger row still says how far the rollback got"
tl_run "$MIGRUN" status -d "$mig" --database-url "$url"
tl_assert_contains "$TL_OUT" "rollback stopped part way" "migrun status says the rollback stopped part way"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 5 "$TL_RC" "migrun apply refuses to go on over a half rolled back contract (exit 5)"
tl_assert_contains "$TL_ERR" "run \`migrun rollback\` again" "and says what to do"
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes
tl_assert_eq 0 "$TL_RC" "the next rollback finishes it"
tl_assert_contains "$TL_OUT$TL_ERR" "going on from part 2" "from the part where it stopped"
tl_assert_not_contains "$TL_OUT$TL_ERR" "DOWN part 1 of 2" "without running the schema part again"
tl_assert_eq 0 "$(wrong_rows)" "every row is refilled"
# Prisma re-applies a rolled back row's migration (../shared/prisma facts).
tl_run tl_prisma "$work/$mig" "$url" migrate deploy
tl_assert_contains "$TL_OUT" "$contract" "prisma migrate deploy re-applies the rolled back contract"

# --- the lock watchdog guards a DOWN ---
apply_all "a third time: "
holds_share() {
  [ "$(tl_psql "$db" -c "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
        WHERE a.datname = current_database() AND a.query LIKE '%pg_sleep(3600)%' AND a.wait_event = 'PgSleep'
        AND l.relation = '\"User\"'::regclass AND l.mode = 'AccessShareLock' AND l.granted")" = 1 ]
}
tl_psql "$db" -c "BEGIN; SELECT count(*) FROM \"User\"; SELECT pg_sleep(3600); COMMIT;" >/dev/null 2>&1 &
blocker=$!
tl_wait_for -p "$blocker" "a session holds ACCESS SHARE on \"User\"" holds_share || exit 1
( deadline=$((SECONDS + 600))
  while [ ! -e "$work/app.stop" ] && [ "$SECONDS" -lt "$deadline" ]; do
    psql -X -qAt -d "$db" -c 'SELECT count(*) FROM "User"' >/dev/null 2>&1; sleep 0.05
  done ) &
app=$!
"$MIGRUN" rollback -d "$mig" --database-url "$url" --yes --json >"$work/rb3.out" 2>"$work/rb3.err" &
rb=$!
# Without the watchdog the DOWN's first part would wait out its 20 s
# lock_timeout with every reader queued behind it; 120 s is only a ceiling.
TL_WAIT_SECONDS=120 tl_wait_for -p "$rb" "the watchdog cancelled the DOWN's first part" \
  grep -q "lock watchdog cancelled the statement" "$work/rb3.err" || tail -5 "$work/rb3.err"
tl_psql "$db" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()
    AND query LIKE '%pg_sleep(3600)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$blocker" || true
rc=0; wait "$rb" || rc=$?
touch "$work/app.stop"
wait "$app" || true
tl_assert_eq 0 "$rc" "the rollback goes through once the blocker ends"
[ "$rc" = 0 ] || tail -5 "$work/rb3.err"
cancels=$(jq '[.watchdog[] | select(.event == "cancel")] | length' "$work/rb3.out")
[ "${cancels:-0}" -ge 1 ] && tl_pass "the watchdog cancelled the DOWN $cancels times (--json)" || tl_fail "no watchdog cancel in --json"
tl_assert_eq 0 "$(wrong_rows)" "every row is refilled"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL")" "no failed ledger row"


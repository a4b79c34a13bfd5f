#!/usr/bin/env bash
# `migrun apply --dry-run` (issue 19 item 13): the steps run in one
# transaction that is rolled back, so their locks are held to its end. The
# count of the backfill it stops at is taken before that transaction begins,
# never under the expand's ACCESS EXCLUSIVE: the server's statement log shows
# the count ahead of the BEGIN, so the application's reads are not blocked
# behind a full scan.
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
mig=$work/prisma/migrations
db=$(tl_newdb dryrun); url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null
tl_psql "$db" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 's' END FROM generate_series(1,20000) g"
tl_psql "$db" -c "ALTER DATABASE \"$db\" SET log_statement = 'all'"
log=$MIGPLAN_PG_DIR/log
from=$(wc -l < "$log")

tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --dry-run --allow-pending 10
tl_assert_eq 0 "$TL_RC" "dry run: exit 0"
tl_assert_contains "$TL_OUT" "rehearsed 20250101120000_user_status_expand" "the expand is rehearsed"
tl_assert_contains "$TL_OUT" "backfill would update 20000 rows in batches of up to 10000 rows, each sized to hold its row locks under 20 ms; not rehearsed (every row: its column is added by a step before it)" \
  "the backfill's rows: every row, its column being added by the expand"
tl_assert_contains "$TL_OUT" "dry run: nothing was committed" "and nothing is committed"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'status'")" \
  "the expand's column is not there after the dry run"

# The server's log of this database, in order: the count before BEGIN.
tl_wait_for "the statement log to hold the dry run's ROLLBACK" \
  bash -c "tail -n +$((from + 1)) '$log' | grep ' $db ' | grep -q 'statement: ROLLBACK'"
order=$(tail -n +$((from + 1)) "$log" | grep " $db " | grep -o -e 'SELECT count(\*) FROM "User"' -e 'statement: BEGIN' | tr '\n' ' ')
tl_assert_eq 'SELECT count(*) FROM "User" statement: BEGIN ' "$order" "the count is taken before the dry run's transaction begins"

# Once the expand is applied for real, the dry run counts exactly, still before BEGIN.
"$MIGRUN" apply -d "$mig" --database-url "$url" --steps 1 --allow-pending 10 >/dev/null
from=$(wc -l < "$log")
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --dry-run --allow-pending 10
tl_assert_contains "$TL_OUT" "backfill would update 20000 rows in batches of up to 10000 rows, each sized to hold its row locks under 20 ms; not rehearsed" "an exact count where the column exists"
tl_wait_for "the statement log to hold the second dry run's ROLLBACK" \
  bash -c "tail -n +$((from + 1)) '$log' | grep ' $db ' | grep -q 'statement: ROLLBACK'"
order=$(tail -n +$((from + 1)) "$log" | grep " $db " | grep -o -e 'SELECT count(\*) FROM "User"' -e 'statement: BEGIN' | tr '\n' ' ')
tl_assert_eq 'SELECT count(*) FROM "User" statement: BEGIN ' "$order" "the count too comes before BEGIN"

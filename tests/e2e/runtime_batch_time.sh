#!/usr/bin/env bash
# Backfill batches sized by time (issue 16): migrun sizes each batch so it
# holds its row locks under a budget (default 20 ms), from the measured
# duration of the last ones; the spec's `batch N` is the cap. Checked here by
# what does not depend on the machine's speed: the budget each source gives
# (the default, the spec's `set batch_time`, the flag, which wins), the
# manifest's field, batches that start small (more batches than a fixed
# size gives; never more rows than the cap, seen in the server's statement
# log), every row right, and `--batch-time 0` giving the fixed batches of
# before. The longest hold is printed; no timing is asserted.
source "$(dirname "$0")/../lib/testlib.sh"

rows=30000
setup() { # NAME SPEC-SED -> prints the migrations folder
  local work=$TL_TMP/$1
  mkdir -p "$work"
  cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
  sed -i "$2" "$work/prisma/user_status.mig"
  (cd "$work" && "$MIGC" compile prisma/user_status.mig -o prisma/migrations >/dev/null) || return 1
  echo "$work/prisma/migrations"
}
seed() { # DB
  tl_psql "$1" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 's' END
                   FROM generate_series(1, $rows) g" >/dev/null
}
# migrun apply up to and with the backfill; prints its output.
backfill() { # MIG DB ARGS...
  local mig=$1 db=$2; shift 2
  "$MIGRUN" apply -d "$mig" --database-url "$(tl_url "$db")" --to 20240101000000_baseline >/dev/null
  seed "$db"
  "$MIGRUN" apply -d "$mig" --database-url "$(tl_url "$db")" --to 20250101120001_user_status_backfill_status "$@" 2>&1
}
batches() { sed -n 's/.*: \([0-9][0-9]*\) batches, the longest held its row locks [0-9.]* ms$/\1/p' <<<"$1"; }
right() { # DB: rows whose status is not the mapped legacy_status
  tl_psql "$1" -c "SELECT count(*) FROM \"User\" WHERE status IS DISTINCT FROM coalesce(legacy_status, 'active')"
}

# The example as committed: no batch_time, so the manifest has none.
mig=$(setup default 's/batch 10000;/batch 10000;/')
tl_assert_eq "null" "$(jq -c '[.steps[] | select(.backfill)][0].backfill.batch_time' "$mig/migplan.manifest.json")" \
  "no 'set batch_time': the manifest's backfill has no batch_time"
db=$(tl_newdb bt_default)
tl_psql "$db" -c "ALTER DATABASE \"$db\" SET log_statement = 'all'" >/dev/null
log=$MIGPLAN_PG_DIR/log
from=$(wc -l < "$log")
out=$(backfill "$mig" "$db")
tl_assert_contains "$out" "$rows rows to update, batches of up to 10000 rows, each sized to hold its row locks under 20 ms" \
  "the default budget is 20 ms, the spec's batch 10000 the cap"
n=$(batches "$out")
echo "default: $n batches; $(grep -o 'the longest held.*' <<<"$out")"
tl_assert_eq 0 "$([ "${n:-0}" -gt 4 ]; echo $?)" "not the 4 batches of a fixed 10000 ($n): they start at 200 rows"
tl_assert_eq 0 "$(right "$db")" "every row right"
# The LIMITs the server saw: bound parameters, none above the cap.
tl_wait_for "the statement log to hold the backfill's batches" \
  bash -c "tail -n +$((from + 1)) '$log' | grep ' $db ' | grep -q 'parameters: \$1 = '"
limits=$(tail -n +$((from + 1)) "$log" | grep " $db " | sed -n "s/.*parameters: \$1 = '[0-9]*', \$2 = '\([0-9]*\)'.*/\1/p")
tl_assert_eq "200" "$(head -1 <<<"$limits")" "the first batch is 200 rows"
tl_assert_eq "$n" "$(grep -c . <<<"$limits")" "one LIMIT per batch in the log"
tl_assert_eq "" "$(awk '$1 > 10000 || $1 < 10' <<<"$limits")" "every LIMIT within [10, 10000]"

# The spec's setting reaches the manifest and migrun; the flag wins over it.
mig=$(setup spec 's/  set window = 72h;/  set window = 72h;\n  set batch_time = 5ms;/')
tl_assert_eq '"5ms"' "$(jq -c '[.steps[] | select(.backfill)][0].backfill.batch_time' "$mig/migplan.manifest.json")" \
  "set batch_time = 5ms: the manifest's backfill batch_time"
db=$(tl_newdb bt_spec)
out=$(backfill "$mig" "$db")
tl_assert_contains "$out" "sized to hold its row locks under 5 ms" "migrun takes the spec's budget"
tl_assert_eq 0 "$(right "$db")" "every row right"
db=$(tl_newdb bt_flag)
out=$(backfill "$mig" "$db" --batch-time 50ms)
tl_assert_contains "$out" "sized to hold its row locks under 50 ms" "--batch-time wins over the spec"

# --batch-time 0: fixed batches of the cap, as before (4 = 3 full ones of
# 10000, then the empty one that finds no key past the last).
db=$(tl_newdb bt_fixed)
out=$(backfill "$mig" "$db" --batch-time 0)
tl_assert_contains "$out" "$rows rows to update, batches of 10000" "--batch-time 0: fixed batches"
tl_assert_eq 4 "$(batches "$out")" "of 10000 rows each: 4 batches"
tl_assert_eq 0 "$(right "$db")" "every row right"

tl_run "$MIGRUN" apply --batch-time soon -d "$mig" --database-url "$(tl_url "$db")"
tl_assert_eq 2 "$TL_RC" "a bad --batch-time is a usage error (exit 2)"

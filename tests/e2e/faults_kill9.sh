#!/usr/bin/env bash
# kill -9 of `migrun apply` at random points of the user_status lifecycle
# (compiled with `set window = 1s;`) on a table with rows: after each kill,
# re-running apply converges to exactly what an undisturbed run produces —
# same schema (pg_dump --schema-only), same data, one finished ledger row per
# migration and nothing else, no INVALID index.
#
# The kill times are drawn uniformly over the length of an undisturbed run,
# from bash's RANDOM seeded with MIGPLAN_FAULT_SEED (default 7): a failure is
# reproduced by running with the seed it prints. CI runs 10 points on 50k
# rows; MIGPLAN_FAULTS_FULL=1 runs the acceptance size, 50 points on 200k.
source "$(dirname "$0")/../lib/testlib.sh"

seed=${MIGPLAN_FAULT_SEED:-7}
if [ "${MIGPLAN_FAULTS_FULL:-0}" = 1 ]; then points=50 rows=200000; else points=10 rows=50000; fi
echo "# seed $seed, $points kill points, $rows rows"
RANDOM=$seed

work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
cd "$work"
sed -i 's/set window = 72h;/set window = 1s;/' prisma/user_status.mig
"$MIGC" compile prisma/user_status.mig -o prisma/migrations >/dev/null
mig=$work/prisma/migrations

# The starting point, cloned for every run: baseline applied, rows in place.
tmpl=$(tl_newdb kill9_tmpl)
"$MIGRUN" apply -d "$mig" --database-url "$(tl_url "$tmpl")" --to 20240101000000_baseline >/dev/null
tl_psql "$tmpl" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 's'||(g%4) END FROM generate_series(1,$rows) g"
expected_data=$(tl_psql "$tmpl" -c "SELECT v || ':' || count(*) FROM (SELECT coalesce(legacy_status, 'active') AS v FROM \"User\") s GROUP BY v ORDER BY v" | tr '\n' ' ')

clone() {
  local name="${tmpl}_$1"
  PGOPTIONS='-c client_min_messages=warning' tl_psql postgres -c "DROP DATABASE IF EXISTS \"$name\"" -c "CREATE DATABASE \"$name\" TEMPLATE \"$tmpl\""
  echo "$name" >> "$TL_TMP/.dbs"
  echo "$name"
}

# Applies until done: again while the contract's 1 s window is open. The
# killed run's backend may hold the migration lock until its statement ends:
# --lock-wait only turns a hang into a failure.
converge() {
  tl_apply_gated -d "$mig" --database-url "$1" --allow-pending 10 --lock-wait 10m
  [ "$TL_RC" = 0 ] || { printf '%s\n' "$TL_OUT" "$TL_ERR" | tail -3; return 1; }
}

now_ms() { date +%s%3N; }

ref=$(clone ref)
t0=$(now_ms)
converge "$(tl_url "$ref")"
span=$(( $(now_ms) - t0 ))
echo "# an undisturbed lifecycle takes $span ms"
dump_schema() { pg_dump -s -d "$1" | grep -v -e '^--' -e '^$' -e '^\\restrict' -e '^\\unrestrict' || true; }
ref_schema=$(dump_schema "$ref")

failures=0
for p in $(seq 1 "$points"); do
  db=$(clone "p$p")
  url=$(tl_url "$db")
  at=$(( (RANDOM * 32768 + RANDOM) % span ))
  "$MIGRUN" apply -d "$mig" --database-url "$url" --allow-pending 10 >"$work/killed.out" 2>&1 &
  pid=$!
  # Not a wait for anything: the kill lands at a random moment, and any
  # moment (before the run did anything, after it ended) must converge.
  sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  done_rows=$(tl_psql "$db" -c "SELECT count(*) FROM \"User\" WHERE status IS NOT DISTINCT FROM coalesce(legacy_status, 'active')" 2>/dev/null || echo -)
  state=$(tl_psql "$db" -c "SELECT string_agg(migration_name || CASE WHEN finished_at IS NULL THEN '(unfinished)' ELSE '' END, ',' ORDER BY started_at) FROM _prisma_migrations" 2>/dev/null || true)
  ok=1
  converge "$url" || ok=0
  data=$(tl_psql "$db" -c "SELECT status || ':' || count(*) FROM \"User\" GROUP BY status ORDER BY status" | tr '\n' ' ')
  ledger=$(tl_psql "$db" -c "SELECT count(*) || ' ' || count(DISTINCT migration_name) || ' ' || count(*) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) FROM _prisma_migrations")
  invalid=$(tl_psql "$db" -c "SELECT count(*) FROM pg_index WHERE NOT indisvalid")
  schema=$(dump_schema "$db")
  [ "$data" = "$expected_data" ] || { ok=0; echo "# point $p: data $data, expected $expected_data"; }
  [ "$ledger" = "4 4 4" ] || { ok=0; echo "# point $p: ledger rows/distinct/finished $ledger"; }
  [ "$invalid" = 0 ] || { ok=0; echo "# point $p: $invalid INVALID index(es)"; }
  [ "$schema" = "$ref_schema" ] || { ok=0; echo "# point $p: schema differs"; diff <(echo "$ref_schema") <(echo "$schema") | head -5 || true; }
  if [ "$ok" = 1 ]; then
    echo "# point $p: killed at $at ms (ledger then: ${state:-none}; rows already backfilled: $done_rows); converged"
    tl_psql postgres -c "DROP DATABASE \"$db\""
  else
    failures=$((failures + 1))
    echo "# point $p: killed at $at ms (ledger then: ${state:-none}; rows already backfilled: $done_rows); NOT converged (seed $seed)"
  fi
done
tl_assert_eq 0 "$failures" "all $points kill points converged (seed $seed)"

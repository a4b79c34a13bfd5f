#!/usr/bin/env bash
# A small run of bench/lifecycle.sh (20k rows, at least 10 s of load per
# path) so the benchmark cannot rot: every path migrates under pgbench load,
# the numbers come out, migplan keeps every value while the data-losing paths
# lose them, and the plot is drawn. Timing targets are the full bench's
# business, not this test's (a loaded CI machine would make them flaky); the
# bench starts and ends the load on conditions, so however slow the machine,
# each migration runs inside it.
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
tl_run "$MIGPLAN_SOURCE_DIR/bench/lifecycle.sh" --rows 20000 --rate 100 --duration 10 \
  --workdir "$work/run" --plot "$work/latency.png"
tl_assert_eq 0 "$TL_RC" "lifecycle.sh --rows 20000 exits 0"
[ "$TL_RC" = 0 ] || echo "$TL_ERR" | tail -20
tl_assert_contains "$TL_OUT" "p99.9_ms" "it prints the table"
tl_assert_contains "$TL_OUT" "naive_bf/migplan" "it prints the ratios"
tl_assert_contains "$TL_OUT" "migplan/none" "and the lifecycle against the no-migration baseline"

res=$work/run/results.tsv
field() { # PATH COLUMN
  awk -F'\t' -v p="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } $1 == p { print $col[c] }' "$res"
}
tl_assert_eq "none naive naive_bf prisma migplan" "$(awk -F'\t' 'NR > 1 { printf "%s%s", s, $1; s = " " }' "$res")" \
  "results.tsv has one row per path"
for p in naive naive_bf prisma migplan; do
  # naive_bf may lose a deadlock against the application (exit 3): that is
  # one of the things the bench shows, not a failure of the bench.
  if [ "$p" = naive_bf ]; then
    rc=$(field "$p" migration_rc)
    [ "$rc" = 0 ] || [ "$rc" = 3 ] && tl_pass "naive_bf: ran (exit $rc)" || tl_fail "naive_bf: exit ${rc:-none}"
  else
    tl_assert_eq 0 "$(field "$p" migration_rc)" "$p: the migration succeeded"
    [ "$(field "$p" migration_rc)" = 0 ] || { tail -20 "$work/run/$p/migration.log" | sed 's/^/#   /'; } || true
  fi
  tl_assert_eq 0 "$(field "$p" load_outlived)" "$p: the migration ran inside the load"
  tx=$(field "$p" tx)
  [ "${tx:-0}" -gt 300 ] && tl_pass "$p: pgbench logged $tx transactions" || tl_fail "$p: pgbench logged ${tx:-no} transactions"
  mx=$(field "$p" max_ms)
  awk -v m="$mx" 'BEGIN { exit !(m > 0) }' && tl_pass "$p: max latency measured ($mx ms)" || tl_fail "$p: no max latency"
done
tl_assert_eq 0 "$(field migplan values_wrong)" "migplan kept every value (status = coalesce(legacy_status, 'active'))"
tot=$(field migplan values_total)
[ "${tot:-0}" -gt 20000 ] && tl_pass "the check covered the $tot users, app inserts included" || tl_fail "values_total ${tot:-none}"
for p in naive prisma; do
  w=$(field "$p" values_wrong)
  [ "${w:-0}" -gt 10000 ] && tl_pass "$p lost $w legacy values" || tl_fail "$p: values_wrong ${w:-none}, expected lost values"
done
tl_assert_eq 0 "$(field migplan failed)" "migplan: no application transaction failed"
[ -s "$work/latency.png" ] && tl_pass "latency plot drawn" || tl_fail "no latency plot"

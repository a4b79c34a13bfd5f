#!/usr/bin/env bash
# A peer linter's own "should warn" test cases for lock-safety rules, kept
# outside the repository: MIGPLAN_PEER_LINT_CASES=/dir holding one .sql file
# per case. At least 90 % of them must get a finding from migc lint (a file
# that does not parse counts as a miss). Without the variable the test says
# so and passes (nothing to check).
source "$(dirname "$0")/../lib/testlib.sh"

cases=${MIGPLAN_PEER_LINT_CASES:-}
if [ -z "$cases" ]; then
  echo "skipped: set MIGPLAN_PEER_LINT_CASES=/dir/of/should-warn/*.sql (one case per file)"
  tl_pass "skipped deliberately: MIGPLAN_PEER_LINT_CASES is not set"
  exit 0
fi
[ -d "$cases" ] || { tl_fail "MIGPLAN_PEER_LINT_CASES=$cases is not a directory"; exit 1; }

total=0 hit=0
for f in "$cases"/*.sql; do
  [ -f "$f" ] || continue
  total=$((total + 1))
  out=$("$MIGC" lint --format json "$f" 2>/dev/null || true)  # exit 1 on an error-level finding
  n=$(jq '[.findings[] | select(.rule != null)] | length' <<<"$out" 2>/dev/null || echo 0)
  if [ "${n:-0}" -gt 0 ]; then hit=$((hit + 1)); else echo "  miss: $(basename "$f")"; fi
done
if [ "$total" -gt 0 ]; then tl_pass "$total peer cases found"; else tl_fail "no .sql file in $cases"; exit 1; fi
pct=$((hit * 1000 / total))
echo "peer cases with a finding: $hit of $total ($((pct / 10)).$((pct % 10)) %)"
if [ $((hit * 100)) -ge $((total * 90)) ]; then tl_pass "at least 90 % of the should-warn cases get a finding"
else tl_fail "only $hit of $total should-warn cases get a finding (< 90 %)"; fi

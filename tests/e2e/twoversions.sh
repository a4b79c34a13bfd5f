#!/usr/bin/env bash
# The two-versions harness (issue 14): every form in tests/twoversions/forms/
# runs its whole lifecycle (each step, then each rollback) while the old and
# the new application versions write concurrently, checked against the
# per-write model (tests/twoversions/driver.mjs, docs/twoversions.md).
#
# A form passes, or it is listed in tests/twoversions/known_failures.txt and
# must still fail on exactly the listed first check: a listed form that passes
# now, or fails on another check, fails this test.
#
#   TWOVERSIONS_ROWS (default 2000), TWOVERSIONS_WRITES (default 40 per
#   version per phase), TWOVERSIONS_FORMS (space-separated names; default all),
#   TWOVERSIONS_JOBS (forms at once; default 2), TWOVERSIONS_KNOWN (another
#   known-failures file).
source "$(dirname "$0")/../lib/testlib.sh"

TV=$MIGPLAN_SOURCE_DIR/tests/twoversions
rows=${TWOVERSIONS_ROWS:-2000}
writes=${TWOVERSIONS_WRITES:-40}
jobs=${TWOVERSIONS_JOBS:-2}
known=${TWOVERSIONS_KNOWN:-$TV/known_failures.txt}

forms=()
if [ -n "${TWOVERSIONS_FORMS:-}" ]; then
  for n in $TWOVERSIONS_FORMS; do forms+=("$TV/forms/$n.mjs"); done
else
  for f in "$TV"/forms/*.mjs; do forms+=("$f"); done
fi
tl_assert_eq 0 "$([ "${#forms[@]}" -gt 0 ]; echo $?)" "forms found (${#forms[@]})"

# The checks bite: with the model's forward map made wrong, the new version's
# view of the old version's writes fails; with the reverse map wrong, the old
# version's view of the new version's writes fails.
selftest() {
  local mut=$1 want=$2 db out
  db=$(tl_newdb tv_selftest_$mut)
  out=$TL_TMP/selftest_$mut
  mkdir -p "$out.work"
  node "$TV/driver.mjs" "$TV/forms/ex_rename_column.mjs" --url "$(tl_url "$db")" --work "$out.work" \
    --rows 200 --writes 20 --mutate "$mut" > "$out.json" 2> "$out.log" || true
  tl_assert_eq "$want" "$(jq -r '.first // "pass"' "$out.json" 2>/dev/null)" \
    "self-test: a wrong $mut map in the model is caught at $want"
}
selftest forward expand:new_view
selftest reverse backfill:old_view

# Every line of known_failures.txt names a form that exists and a check.
while read -r form check case_no rest; do
  case "$form" in ''|'#'*) continue ;; esac
  if [ -f "$TV/forms/$form.mjs" ] && [[ $check == *:* ]] && [ -n "$case_no" ]; then
    tl_pass "known_failures.txt: $form $check (case $case_no) is well formed"
  else
    tl_fail "known_failures.txt: bad line '$form $check $case_no $rest' (FORM PHASE:CHECK CASE)"
  fi
done < "$known"

# Run the forms, $jobs at a time, each in its own database and project folder.
run_form() {
  local f=$1 name db out
  name=$(basename "$f" .mjs)
  db=$2
  out=$TL_TMP/tv_$name
  mkdir -p "$out.work"
  node "$TV/driver.mjs" "$f" --url "$(tl_url "$db")" --work "$out.work" \
    --rows "$rows" --writes "$writes" > "$out.json" 2> "$out.log"
  echo $? > "$out.rc"
}
pids=()
for f in "${forms[@]}"; do
  name=$(basename "$f" .mjs)
  db=$(tl_newdb "tv_$name")
  run_form "$f" "$db" &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
done
for p in "${pids[@]}"; do wait "$p" || true; done

for f in "${forms[@]}"; do
  name=$(basename "$f" .mjs)
  out=$TL_TMP/tv_$name
  rc=$(cat "$out.rc" 2>/dev/null || echo missing)
  first=$(jq -r '.first // "pass"' "$out.json" 2>/dev/null || echo "no-result")
  want=$(awk -v f="$name" '$1 == f { print $2; exit }' "$known")
  case_no=$(awk -v f="$name" '$1 == f { print $3; exit }' "$known")
  if [ "$rc" != 0 ] || [ "$first" = no-result ] || [ "$first" = harness:error ]; then
    tl_fail "$name: the driver did not finish (exit $rc)"
    tail -20 "$out.log"
    continue
  fi
  if [ -z "$want" ]; then
    tl_assert_eq pass "$first" "$name: both versions' writes land as the model says, through every step and rollback"
  elif [ "$first" = pass ]; then
    tl_fail "$name: passes now (expected to fail on $want, issue 14 case $case_no): remove its line from tests/twoversions/known_failures.txt"
  else
    tl_assert_eq "$want" "$first" "$name: still fails first on $want (issue 14 case $case_no; known failure)"
  fi
  # Every failure, for the developer who fixes them.
  jq -r '.failures[] | "    \(.check): \(.detail)"' "$out.json" | cut -c1-400
done

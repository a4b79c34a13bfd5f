#!/usr/bin/env bash
# The fuzzing smoke run, about 95 s: builds the libFuzzer targets with clang
# (tests/fuzz/build.sh, into $MIGPLAN_BUILD_DIR/fuzz-build, incrementally),
# replays every seed and every regression input of each target, then fuzzes
# each of the seven targets for 12 s from its seeds. Any crash, leak, UB report
# (UBSan aborts), failed property (the targets abort) or timeout fails the
# test; the offending input is kept and printed. MIGPLAN_FUZZ_SECONDS changes
# the time per target.
source "$(dirname "$0")/../lib/testlib.sh"
fz=$MIGPLAN_SOURCE_DIR/tests/fuzz
source "$fz/seeds.sh"
secs=${MIGPLAN_FUZZ_SECONDS:-12}

bin=$("$fz/build.sh" "$MIGPLAN_BUILD_DIR/fuzz-build")
built=
for t in "${FUZZ_TARGETS[@]}"; do [ -x "$bin/fuzz_$t" ] && built+="$t "; done
tl_assert_eq "${FUZZ_TARGETS[*]} " "$built" "every fuzz target built with clang"

work=$(tl_tmpdir)
keep=$MIGPLAN_BUILD_DIR/fuzz-smoke-artifacts
mkdir -p "$keep"
seed=$(( $(date +%s) % 100000 ))
echo "libFuzzer -seed=$seed, $secs s per target"

for t in "${FUZZ_TARGETS[@]}"; do
  regress=$fz/regressions/$t
  mkdir -p "$work/$t/artifacts"
  fuzz_seed_corpus "$t" "$MIGPLAN_SOURCE_DIR" "$work/$t/corpus"
  # Replay: every seed and every input that once crashed (or hung: the
  # redaction loop of regressions/url) runs cleanly.
  inputs=("$work/$t/corpus"/*)
  for f in "$regress"/*; do if [ -f "$f" ]; then inputs+=("$f"); fi; done
  tl_run "$bin/fuzz_$t" -runs=1 -timeout=10 "${inputs[@]}"
  tl_assert_eq 0 "$TL_RC" "fuzz_$t: ${#inputs[@]} seed and regression inputs replay cleanly"
  [ "$TL_RC" -eq 0 ] || printf '%s\n' "$TL_ERR" | tail -n 40

  args=(-seed="$seed" -max_total_time="$secs" -max_len=2048 -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/")
  [ -f "$fz/$t.dict" ] && args+=(-dict="$fz/$t.dict")
  tl_run nice -n 5 "$bin/fuzz_$t" "${args[@]}" "$work/$t/corpus"
  execs=$(printf '%s\n' "$TL_ERR" | awk '/^stat::number_of_executed_units:/ {print $2}')
  echo "fuzz_$t: ${execs:-0} executions in $secs s"
  tl_assert_eq 0 "$TL_RC" "fuzz_$t: $secs s without a crash, leak or UB report"
  found=$(find "$work/$t/artifacts" -type f | wc -l)
  tl_assert_eq 0 "$found" "fuzz_$t: no artifact written"
  if [ "$TL_RC" -ne 0 ] || [ "$found" -ne 0 ]; then
    printf '%s\n' "$TL_ERR" | grep -A 30 -E 'ERROR|runtime error' | head -n 60
    cp "$work/$t/artifacts"/* "$keep/" 2>/dev/null || true
    echo "inputs kept in $keep (reproduce: $bin/fuzz_$t FILE)"
  fi
  [ "${execs:-0}" -gt 0 ] && tl_pass "fuzz_$t ran ($execs executions)" || tl_fail "fuzz_$t executed nothing"
done

#!/usr/bin/env bash
# The long fuzzing run: libFuzzer targets, one after the other, each for a
# number of executions or a time, on W worker processes, niced. The working
# corpus of each grows across runs (seeded by tests/fuzz/seeds.sh); findings
# land in its artifacts folder. Ends with one summary line per target:
# executions, time, crashes, leaks, UB reports, timeouts, out-of-memory; exit
# 1 on any finding.
#
#   bench/fuzz.sh [--target all|T[,T...]] [--runs N] [--time SECONDS]
#                 [--workers W] [--max-len BYTES] [--workdir DIR]
#                 [--unit-timeout SECONDS]
#
# Targets: mig lint manifest order url sqltext config. Default: --target all
# --runs 10000000 --workers 2 (--runs is per target, the total over its
# workers). Builds the targets with tests/fuzz/build.sh unless
# MIGPLAN_FUZZ_BIN names a folder holding them. Workdir default:
# ${MIGPLAN_BUILD_DIR:-build}/fuzz-work. --unit-timeout (default 10) is
# libFuzzer's -timeout, wall time per input: on a machine busy with other
# work a niced worker can wait that long for the CPU, so a timeout artifact is
# run again at the end and reported as not reproduced when it then finishes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/tests/fuzz/seeds.sh"
target=all runs=10000000 time= workers=2 max_len=2048 workdir= unit_timeout=10
while [ $# -gt 0 ]; do
  case $1 in
    --target) target=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --time) time=$2; runs=; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --max-len) max_len=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --unit-timeout) unit_timeout=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ "$target" = all ]; then
  targets=("${FUZZ_TARGETS[@]}")
else
  IFS=, read -r -a targets <<<"$target"
  for t in "${targets[@]}"; do
    [[ " ${FUZZ_TARGETS[*]} " == *" $t "* ]] \
      || { echo "fuzz.sh: --target takes all or a comma list of: ${FUZZ_TARGETS[*]}" >&2; exit 2; }
  done
fi
for v in "$workers" "$max_len" "$unit_timeout" ${runs:+"$runs"} ${time:+"$time"}; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: numbers must be positive integers" >&2; exit 2; }
done

# The libpg_query leak that is not ours (tests/lsan.supp), as in the tests.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp}

bin=${MIGPLAN_FUZZ_BIN:-}
[ -n "$bin" ] || bin=$("$root/tests/fuzz/build.sh")
bin=$(cd "$bin" && pwd)  # the targets run from their work directory
workdir=${workdir:-${MIGPLAN_BUILD_DIR:-$root/build}/fuzz-work}
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)

status=0
for t in "${targets[@]}"; do
  dir=$workdir/$t
  mkdir -p "$dir/artifacts"
  fuzz_seed_corpus "$t" "$root" "$dir/corpus"
  rm -f "$dir"/fuzz-*.log
  args=(-max_len="$max_len" -timeout="$unit_timeout" -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$dir/artifacts/" -jobs="$workers" -workers="$workers")
  [ -f "$root/tests/fuzz/$t.dict" ] && args+=(-dict="$root/tests/fuzz/$t.dict")
  if [ -n "$runs" ]; then
    args+=(-runs=$(( (runs + workers - 1) / workers )))
  else
    args+=(-max_total_time="$time")
  fi
  echo "fuzz.sh: fuzz_$t on $workers workers, ${runs:+$runs executions}${time:+$time s}; logs in $dir"
  start=$(date +%s)
  # libFuzzer's -jobs mode writes fuzz-N.log into the current directory.
  (cd "$dir" && nice -n 10 "$bin/fuzz_$t" "${args[@]}" corpus >driver.log 2>&1) || true
  secs=$(( $(date +%s) - start ))

  execs=$(cat "$dir"/fuzz-*.log 2>/dev/null | awk '/^stat::number_of_executed_units:/ {s += $2} END {print s + 0}')
  count() { find "$dir/artifacts" -maxdepth 1 -name "$1-*" | wc -l; }
  # A timeout is wall time: one that finishes when run again, alone, was a
  # worker waiting for the CPU, not a hang; it is kept aside and counted apart.
  unrepro=0
  for a in "$dir"/artifacts/timeout-*; do
    [ -e "$a" ] || continue
    if (cd "$dir" && "$bin/fuzz_$t" -timeout="$unit_timeout" "$a" >/dev/null 2>&1); then
      mkdir -p "$dir/artifacts/not-reproduced"
      mv "$a" "$dir/artifacts/not-reproduced/"
      unrepro=$((unrepro + 1))
    fi
  done
  note=
  [ "$unrepro" -eq 0 ] || note=" (and $unrepro not reproduced when run again)"
  crashes=$(count crash) leaks=$(count leak) timeouts=$(count timeout) ooms=$(count oom) slow=$(count slow-unit)
  ub=$(cat "$dir"/fuzz-*.log 2>/dev/null | grep -c 'runtime error:' || true)
  asan=$(cat "$dir"/fuzz-*.log 2>/dev/null | grep -c 'ERROR: AddressSanitizer' || true)
  lsan=$(cat "$dir"/fuzz-*.log 2>/dev/null | grep -c 'ERROR: LeakSanitizer' || true)
  finished=$(cat "$dir"/fuzz-*.log 2>/dev/null | grep -c '^stat::number_of_executed_units:' || true)
  echo "fuzz_$t: $execs executions in ${secs}s ($(( execs / (secs > 0 ? secs : 1) ))/s), crashes $crashes" \
       "(ASan $asan), leaks $leaks (LSan $lsan), UB $ub, timeouts $timeouts$note," \
       "oom $ooms, workers finished $finished/$workers"
  if [ $((crashes + leaks + ub + asan + lsan + timeouts + ooms)) -ne 0 ] || [ "$finished" -ne "$workers" ]; then
    echo "fuzz_$t: FINDINGS in $dir/artifacts (reproduce: $bin/fuzz_$t FILE)"
    status=1
  fi
done
exit $status

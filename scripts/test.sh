#!/usr/bin/env bash
# Build with sanitizers and run every test: cmocka unit tests and the
# end-to-end scripts against a real, throwaway PostgreSQL (started and
# stopped by ctest's pg fixture). Exit status = ctest's.
#
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -R e2e/
#   MIGPLAN_BUILD_DIR=build-mine scripts/test.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${MIGPLAN_BUILD_DIR:-build}
jobs=$(nproc 2>/dev/null || echo 2)

phase() { echo "== $* ($(date +%T))"; }

phase setup
scripts/setup.sh

phase configure "$build"
mkdir -p "$build"
cmake -S . -B "$build" -DMIGPLAN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >"$build/configure.log" 2>&1 \
  || { cat "$build/configure.log"; exit 1; }

phase build
cmake --build "$build" -j "$jobs"

# The optimiser sees more (e.g. -Wreturn-local-addr) and the demo and the
# benchmarks build Release: -Werror there too, so it cannot rot.
phase build-release "$build-release"
cmake -S . -B "$build-release" -DCMAKE_BUILD_TYPE=Release -DMIGPLAN_TESTS=OFF >"$build/configure-release.log" 2>&1 \
  || { cat "$build/configure-release.log"; exit 1; }
cmake --build "$build-release" -j "$jobs"

phase test
log=$build/ctest.out
set +e
ctest --test-dir "$build" --output-on-failure -j2 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# ctest shows a passing test's output nowhere: print each test's own closing
# lines (cmocka's [ PASSED ]/[ FAILED ] counts, the e2e "N passed, N failed")
# from its log, then ctest's closing lines again so they stay the last ones.
last=$build/Testing/Temporary/LastTest.log
if [ -f "$last" ]; then
  echo
  echo "== per-test summaries"
  awk '
    /^[0-9]+\/[0-9]+ Test: / { name = $3; next }
    /^\[  (PASSED|FAILED|SKIPPED)  \]/ || /^[0-9]+ passed, [0-9]+ failed/ {
      if (name != "") printf "%-40s %s\n", name, $0
    }
  ' "$last"
  echo
  grep -E '^[0-9]+% tests passed|^Total Test time' "$log" || true
fi
exit "$rc"

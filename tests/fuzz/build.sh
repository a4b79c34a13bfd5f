#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/README.md) with clang into their
# own build directory and prints that directory's fuzz/ folder, where the
# binaries are. Configures only the first time; later calls rebuild
# incrementally, so the targets always match the sources.
#
#   tests/fuzz/build.sh [BUILD_DIR]     default: ${MIGPLAN_BUILD_DIR:-build}/fuzz-build
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-${MIGPLAN_BUILD_DIR:-$src/build}/fuzz-build}

cc=${MIGPLAN_FUZZ_CC:-}
if [ -z "$cc" ]; then
  for c in clang clang-14; do
    if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
  done
fi
if [ -z "$cc" ]; then
  echo "fuzz: no clang found (scripts/setup.sh installs clang and libclang-rt-14-dev)" >&2
  exit 2
fi

mkdir -p "$dir"
# A directory configured before the runtime targets existed (without
# migrun's library) is configured again, keeping what it built.
if [ ! -f "$dir/CMakeCache.txt" ] || ! grep -q '^MIGPLAN_RUNTIME:BOOL=ON' "$dir/CMakeCache.txt"; then
  # No tests: the fuzzers need the compiler library and migrun's (libpq).
  cmake -S "$src" -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug \
    -DMIGPLAN_FUZZ=ON -DMIGPLAN_TESTS=OFF -DMIGPLAN_RUNTIME=ON >"$dir/configure.log" 2>&1 \
    || { cat "$dir/configure.log" >&2; exit 1; }
fi
# every target of seeds.sh's list
source "$src/tests/fuzz/seeds.sh"
cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)" \
  --target "${FUZZ_TARGETS[@]/#/fuzz_}" >"$dir/build.log" 2>&1 \
  || { tail -n 40 "$dir/build.log" >&2; exit 1; }
echo "$dir/fuzz"

#!/usr/bin/env bash
# with-pg.sh PG_DIR CMD ARGS...: run CMD with the test PostgreSQL's libpq
# settings (PGHOST, PGPORT, PGUSER, PGDATABASE) in its environment. ctest runs
# unit tests that need a database through this (see tests/CMakeLists.txt).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: with-pg.sh PG_DIR CMD [ARGS...]" >&2; exit 2; }
dir=$1
shift
env_lines=$("$(dirname "${BASH_SOURCE[0]}")/pg.sh" env "$dir")
eval "$env_lines"
exec "$@"

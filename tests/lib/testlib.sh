# shellcheck shell=bash disable=SC2034
# Sourced by tests/e2e/*.sh:
#
#   source "$(dirname "$0")/../lib/testlib.sh"
#
# Loads the test PostgreSQL's settings (the pg fixture started it), gives each
# test its own databases and temporary directories, counts assertions and
# ends the script with the plain line `N passed, N failed`. The exit status is
# non-zero when an assertion failed, when no assertion ran, or when the script
# died on an error (set -e), and the error's line is printed.
#
# Helpers:
#   tl_newdb [HINT]           create an empty database, echo its unique name
#   tl_url DB                 echo postgresql://USER@127.0.0.1:PORT/DB
#   tl_psql DB ARGS...        psql -X -v ON_ERROR_STOP=1 -qAt -d DB ARGS...
#   tl_tmpdir                 echo a new directory, removed when the script ends
#   tl_example_migrations EX  echo example EX's migrations folder: EX/prisma/migrations,
#                             or the migrations.path its prisma.config.ts names
#   tl_sql_parts FILE DIR     split a file in parts (docs/runtime.md, Rollback in
#                             parts) into DIR/000, DIR/001, ... (one file: 000 only)
#   tl_prisma MIGDIR URL ...  the real Prisma 6.19 CLI (tests/prisma/prisma.sh)
#   tl_prisma7 MIGDIR URL ... the real Prisma 7 CLI (tests/prisma7/prisma7.sh);
#                             paths in its other arguments must be absolute
#   tl_run CMD...             run CMD, keep going whatever it returns: its
#                             exit code in TL_RC, stdout in TL_OUT, stderr in TL_ERR
# Waiting (on conditions, never on the clock: a loaded machine is slow):
#   tl_alive PID              true while process PID runs (a zombie has ended)
#   tl_wait_for [-p PID] MSG CMD...
#                             run CMD every 0.1 s until it succeeds; after
#                             TL_WAIT_SECONDS (default 600) of trying, or once
#                             process PID has ended, count a failure naming MSG
#                             and return 1
#   tl_wait_min_age DB STEP DURATION
#                             wait until STEP's ledger row finished DURATION ago
#                             by the server's clock, the one migrun's min_age
#                             gates read
#   tl_apply_gated ARGS...    tl_run "$MIGRUN" apply ARGS, again every 0.2 s while
#                             it stops at a min_age gate (exit 6), for at most
#                             TL_WAIT_SECONDS
#   tl_refused_port           echo a port of 127.0.0.1 that refuses connections
#                             for as long as the test runs (a socket holds it
#                             bound, never listening: no other program gets it)
# Assertions (each counts once):
#   tl_assert_eq EXPECTED ACTUAL MSG
#   tl_assert_contains HAYSTACK NEEDLE MSG
#   tl_assert_not_contains HAYSTACK NEEDLE MSG
#   tl_pass MSG / tl_fail MSG
set -euo pipefail
set -E

TL_SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MIGPLAN_SOURCE_DIR=${MIGPLAN_SOURCE_DIR:-$TL_SOURCE_DIR}
MIGPLAN_BUILD_DIR=${MIGPLAN_BUILD_DIR:-$MIGPLAN_SOURCE_DIR/build}
MIGPLAN_PG_DIR=${MIGPLAN_PG_DIR:-$MIGPLAN_BUILD_DIR/pgtest}
MIGC=${MIGC:-$MIGPLAN_BUILD_DIR/migc}
MIGRUN=${MIGRUN:-$MIGPLAN_BUILD_DIR/migrun}
export MIGPLAN_SOURCE_DIR MIGPLAN_BUILD_DIR MIGPLAN_PG_DIR MIGC MIGRUN
# A libpg_query leak that is not ours (tests/lsan.supp says which), for a
# test run by hand as well as by ctest, the fuzzers included.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$MIGPLAN_SOURCE_DIR/tests/lsan.supp}

TL_NAME=$(basename "$0" .sh)
# Counters and bookkeeping live in files: helpers are often called inside
# $(...), where a variable change would be lost.
TL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/migplan-test.XXXXXX")
: > "$TL_TMP/.passed"
: > "$TL_TMP/.failed"
: > "$TL_TMP/.dbs"
: > "$TL_TMP/.dbseq"

_tl_count() { wc -l < "$1" | tr -d ' '; }

_tl_finish() {
  local rc=$? passed failed db
  set +e
  trap - ERR
  passed=$(_tl_count "$TL_TMP/.passed")
  failed=$(_tl_count "$TL_TMP/.failed")
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "FAIL - $TL_NAME stopped early (exit $rc)"
    failed=1
  elif [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
    echo "FAIL - $TL_NAME ran no assertion"
    failed=1
  fi
  # Databases are dropped only when all went well, to leave evidence otherwise.
  if [ "$failed" -eq 0 ]; then
    while read -r db; do
      [ -n "$db" ] && psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1
    done < "$TL_TMP/.dbs"
  else
    [ -s "$TL_TMP/.dbs" ] && echo "kept databases: $(tr '\n' ' ' < "$TL_TMP/.dbs")"
  fi
  [ -s "$TL_TMP/.refused_pid" ] && kill "$(cat "$TL_TMP/.refused_pid")" 2>/dev/null
  rm -rf "$TL_TMP"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}
trap _tl_finish EXIT
trap 'echo "error: $TL_NAME line $LINENO: \`$BASH_COMMAND\` exited $?" >&2' ERR

if ! _tl_env=$("$MIGPLAN_SOURCE_DIR/tests/lib/pg.sh" env "$MIGPLAN_PG_DIR"); then
  echo "no test PostgreSQL; start one with: tests/lib/pg.sh start $MIGPLAN_PG_DIR" >&2
  exit 2
fi
eval "$_tl_env"
unset _tl_env

tl_pass() {
  echo "ok - $1"
  echo 1 >> "$TL_TMP/.passed"
}

tl_fail() {
  echo "FAIL - $1"
  echo 1 >> "$TL_TMP/.failed"
}

tl_assert_eq() {
  local expected=$1 actual=$2 msg=$3
  if [ "$expected" = "$actual" ]; then
    tl_pass "$msg"
  else
    tl_fail "$msg"
    printf '  expected: %s\n  actual:   %s\n' "$expected" "$actual"
  fi
}

tl_assert_contains() {
  local haystack=$1 needle=$2 msg=$3
  if [[ $haystack == *"$needle"* ]]; then
    tl_pass "$msg"
  else
    tl_fail "$msg"
    printf '  expected to contain: %s\n  in: %s\n' "$needle" "$haystack" | head -40
  fi
}

tl_assert_not_contains() {
  local haystack=$1 needle=$2 msg=$3
  if [[ $haystack != *"$needle"* ]]; then
    tl_pass "$msg"
  else
    tl_fail "$msg"
    printf '  expected not to contain: %s\n  in: %s\n' "$needle" "$haystack" | head -40
  fi
}

tl_run() {
  if "$@" > "$TL_TMP/.out" 2> "$TL_TMP/.err"; then TL_RC=0; else TL_RC=$?; fi
  TL_OUT=$(cat "$TL_TMP/.out")
  TL_ERR=$(cat "$TL_TMP/.err")
}

tl_newdb() {
  local hint=${1:-$TL_NAME} seq name
  echo x >> "$TL_TMP/.dbseq"
  seq=$(_tl_count "$TL_TMP/.dbseq")
  # Unique across parallel tests: the pid of the test script is in the name.
  hint=$(printf '%s' "$hint" | tr -c 'a-zA-Z0-9_' '_' | tr 'A-Z' 'a-z' | cut -c1-40)
  name="t_${hint}_$$_$seq"
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$name\"" >/dev/null
  echo "$name" >> "$TL_TMP/.dbs"
  echo "$name"
}

tl_url() {
  echo "postgresql://$PGUSER@127.0.0.1:$PGPORT/$1"
}

tl_psql() {
  local db=$1
  shift
  psql -X -v ON_ERROR_STOP=1 -qAt -d "$db" "$@"
}

tl_tmpdir() {
  mktemp -d "$TL_TMP/d.XXXXXX"
}

tl_sql_parts() {
  awk -v d="$2" 'BEGIN { n = 0 } /^-- migplan: commit$/ { n++ } { print > (d "/" sprintf("%03d", n)) }' "$1"
}

tl_example_migrations() {
  local rel
  [ -f "$1/prisma.config.ts" ] && rel=$(sed -n 's/^ *path: "\(.*\)",$/\1/p' "$1/prisma.config.ts" | head -1)
  echo "$1/${rel:-prisma/migrations}"
}

tl_prisma() {
  "$MIGPLAN_SOURCE_DIR/tests/prisma/prisma.sh" "$@"
}

tl_prisma7() {
  "$MIGPLAN_SOURCE_DIR/tests/prisma7/prisma7.sh" "$@"
}

tl_alive() {
  local state
  # /proc/PID/stat: "PID (COMM) STATE ..."; COMM may hold spaces and parentheses.
  state=$(sed -n 's/.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

tl_wait_for() {
  local pid= msg limit=${TL_WAIT_SECONDS:-600} deadline
  if [ "$1" = -p ]; then pid=$2; shift 2; fi
  msg=$1
  shift
  deadline=$((SECONDS + limit))
  until "$@"; do
    if [ -n "$pid" ] && ! tl_alive "$pid"; then
      tl_fail "process $pid ended before: $msg"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tl_fail "still not after $limit s: $msg"
      return 1
    fi
    sleep 0.1
  done
}

_tl_min_age_passed() { # DB STEP DURATION
  [ "$(tl_psql "$1" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '$2'
        AND finished_at IS NOT NULL AND rolled_back_at IS NULL AND finished_at + interval '$3' <= now()" 2>/dev/null)" = 1 ]
}

tl_wait_min_age() {
  tl_wait_for "$2 finished $3 ago (its min_age window)" _tl_min_age_passed "$1" "$2" "$3"
}

tl_apply_gated() {
  local deadline=$((SECONDS + ${TL_WAIT_SECONDS:-600}))
  while :; do
    tl_run "$MIGRUN" apply "$@"
    [ "$TL_RC" = 6 ] && [[ "$TL_OUT$TL_ERR" == *"min_age:"* ]] || return 0
    [ "$SECONDS" -lt "$deadline" ] || return 0
    sleep 0.2
  done
}

tl_refused_port() {
  if [ ! -s "$TL_TMP/.refused_port" ]; then
    # Lives until this script has ended (or _tl_finish kills it).
    python3 -c '
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
with open(sys.argv[2] + ".new", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[2] + ".new", sys.argv[2])
while True:
    try:
        os.kill(int(sys.argv[1]), 0)
    except ProcessLookupError:
        break
    time.sleep(1)
' "$$" "$TL_TMP/.refused_port" </dev/null >/dev/null &
    echo $! > "$TL_TMP/.refused_pid"
    tl_wait_for "a refused port" test -s "$TL_TMP/.refused_port" || return 1
  fi
  cat "$TL_TMP/.refused_port"
}

# A PostgreSQL of the test's own (tests/lib/pg.sh), for what the shared one
# must not see (a restart, TLS switched on): its PG* variables replace the
# shared server's, TL_PG_BASE is the folder that holds its data/, and it is
# stopped at exit.
tl_private_pg() {
  TL_PG_PRIV=$(mktemp -d /tmp/migplan-privpg.XXXXXX)
  trap 'rc=$?; "$MIGPLAN_SOURCE_DIR/tests/lib/pg.sh" stop "$TL_PG_PRIV" >/dev/null 2>&1; rm -rf "$TL_PG_PRIV"; (exit $rc); _tl_finish' EXIT
  "$MIGPLAN_SOURCE_DIR/tests/lib/pg.sh" start "$TL_PG_PRIV" >/dev/null
  eval "$("$MIGPLAN_SOURCE_DIR/tests/lib/pg.sh" env "$TL_PG_PRIV")"
  TL_PG_BASE=$TL_PG_PRIV
  if [ -f "$TL_PG_PRIV/cluster" ]; then TL_PG_BASE=$(cat "$TL_PG_PRIV/cluster"); fi
}

# Runs a command as the owner of the test clusters (postgres when root).
tl_as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

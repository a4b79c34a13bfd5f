#!/usr/bin/env bash
# The User.status change of examples/user_status under application load, done
# four ways on identical fresh copies of one table, side by side, and a fifth
# path with no migration at all, the baseline:
#
#   none     the same load, the same table, no migration
#   naive    the seed's SQL as written (Phase A, then the Phase C transaction)
#   naive_bf the same, with Phase B's backfill (left to the application by the
#            seed) done as one UPDATE of every row inside the Phase C transaction
#   prisma   what `prisma migrate dev` generates (bench/fixtures/prisma_default),
#            applied with the real `prisma migrate deploy`
#   migplan  `migrun apply` of the compiled spec, its window shortened to 1s
#
#   bench/lifecycle.sh [--rows N] [--rate R] [--duration S] [--clients C]
#                      [--paths "none naive naive_bf prisma migplan"] [--workdir DIR]
#                      [--plot FILE.png] [--keep]
#
# Starts its own throwaway PostgreSQL 15 (tests/lib/pg.sh) in WORKDIR, loads
# N users into a template database, and for each path: a fresh copy (CREATE
# DATABASE ... TEMPLATE), pgbench at R tx/s (selects, updates by id of
# legacy_status by the old application version and of status by the new one,
# inserts; per-transaction latency log) for at least S seconds and until R more
# transactions have run after the migration, which starts once 3 s' worth
# (3 R) have committed; a monitor samples pg_stat_activity for application
# sessions waiting on a lock. Conditions, not clocks: a loaded machine makes
# the run longer, never the load shorter than the migration. Prints one
# table, the ratios, and whether every status value is right.
# WORKDIR/results.tsv has the same numbers; --plot draws latency over time
# (gnuplot). Binaries: $MIGC / $MIGRUN, else $MIGPLAN_BUILD_DIR/{migc,migrun}
# (default build/).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/bench

rows=1000000 rate=200 duration= clients=8 paths="none naive naive_bf prisma migplan"
workdir= plot= keep=0
usage() { sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --paths) paths=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --plot) plot=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "lifecycle.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$rows" "$rate" "$clients" ${duration:+"$duration"}; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "lifecycle.sh: not a positive integer: $v" >&2; exit 2; }
done
for p in $paths; do
  case $p in none|naive|naive_bf|prisma|migplan) ;; *) echo "lifecycle.sh: unknown path: $p" >&2; exit 2 ;; esac
done
# The load's least length: the slowest path (migplan's backfill) plus a tail.
[ -n "$duration" ] || duration=$((15 + rows / 40000))
build=${MIGPLAN_BUILD_DIR:-$root/build}
MIGC=${MIGC:-$build/migc}
MIGRUN=${MIGRUN:-$build/migrun}
[ -x "$MIGC" ] && [ -x "$MIGRUN" ] || { echo "lifecycle.sh: build migc and migrun first (MIGPLAN_BUILD_DIR=$build)" >&2; exit 2; }
command -v pgbench >/dev/null || { echo "lifecycle.sh: pgbench missing (apt-get install postgresql-contrib)" >&2; exit 2; }

if [ -z "$workdir" ]; then workdir=$(mktemp -d "${TMPDIR:-/tmp}/migplan-bench.XXXXXX"); fi
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
pgdir=$workdir/pg
log() { echo "[$(date +%T)] $*" >&2; }
# alive PID: process PID runs (a zombie has ended).
alive() {
  local s
  s=$(sed -n 's/.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) && [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}
# wait_until [-p PID] WHAT CMD...: CMD every 0.1 s until it succeeds; status 1
# (and a message) after 600 s, or once process PID has ended.
wait_until() {
  local pid= what deadline=$((SECONDS + 600))
  if [ "$1" = -p ]; then pid=$2; shift 2; fi
  what=$1
  shift
  until "$@"; do
    if [ -n "$pid" ] && ! alive "$pid"; then echo "lifecycle.sh: process $pid ended before: $what" >&2; return 1; fi
    [ "$SECONDS" -lt "$deadline" ] || { echo "lifecycle.sh: still not after 600 s: $what" >&2; return 1; }
    sleep 0.1
  done
}

cleanup() {
  "$root/tests/lib/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true
  [ "$keep" = 1 ] || rm -rf "$workdir/pg" "$workdir"/*/pgbench_log.* 2>/dev/null || true
}
trap cleanup EXIT

"$root/tests/lib/pg.sh" start "$pgdir" >&2
eval "$("$root/tests/lib/pg.sh" env "$pgdir")"
export PGAPPNAME=bench
psqlq() { psql -X -v ON_ERROR_STOP=1 -qAt "$@"; }
url() { echo "postgresql://$PGUSER@127.0.0.1:$PGPORT/$1"; }
pgver=$(psqlq -d postgres -c "SHOW server_version")
# Big backfills and copies should not be paced by checkpoints.
psqlq -d postgres -c "ALTER SYSTEM SET max_wal_size = '8GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" \
  -c "SELECT pg_reload_conf()" >/dev/null

# --- migrations folders -------------------------------------------------------
# migplan: the example's spec with the 72h window cut to 1s, compiled fresh.
mp=$workdir/migplan_mig
rm -rf "$workdir/spec" "$mp" "$workdir/prisma_mig"
mkdir -p "$workdir/spec" "$mp"
sed 's/set window = 72h;/set window = 1s;/' "$root/examples/user_status/prisma/user_status.mig" \
  > "$workdir/spec/user_status.mig"
grep -q 'set window = 1s;' "$workdir/spec/user_status.mig" || { echo "lifecycle.sh: could not shorten the window" >&2; exit 1; }
cp -r "$root/examples/user_status/prisma/migrations/20240101000000_baseline" "$mp/"
"$MIGC" compile "$workdir/spec/user_status.mig" -o "$mp" >/dev/null
# prisma: the same baseline, then the DDL `prisma migrate dev` generates.
pm=$workdir/prisma_mig
mkdir -p "$pm/20250101120000_user_status"
cp -r "$root/examples/user_status/prisma/migrations/20240101000000_baseline" "$pm/"
cp "$mp/migration_lock.toml" "$pm/"
cp "$bench/fixtures/prisma_default/migration.sql" "$pm/20250101120000_user_status/"

# --- template -----------------------------------------------------------------
log "loading $rows users into the template"
psqlq -d postgres -c "CREATE DATABASE bench_tpl"
"$MIGRUN" apply -d "$mp" --database-url "$(url bench_tpl)" --to 20240101000000_baseline >/dev/null
t0=$(date +%s.%N)
psqlq -d bench_tpl -v rows="$rows" -f "$bench/lib/fixture.sql"
log "template ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s ($(psqlq -d postgres -c "SELECT pg_size_pretty(pg_database_size('bench_tpl'))"))"
psqlq -d postgres -c "CREATE TABLE IF NOT EXISTS bench_lockwait (path text, ts timestamptz, waiting int)"

now_ms() { date +%s%3N; }

# The migration of PATH against database DB; prints nothing, exit code = its own.
run_migration() {
  local path=$1 db=$2 rc
  case $path in
    none) : > "$workdir/$path/migration.log" ;;
    naive) psql -X -q -d "$db" -f "$bench/lib/naive.sql" > "$workdir/$path/migration.log" 2>&1 ;;
    naive_bf) psql -X -q -d "$db" -f "$bench/lib/naive_backfill.sql" > "$workdir/$path/migration.log" 2>&1 ;;
    prisma) "$root/tests/prisma/prisma.sh" "$pm" "$(url "$db")" migrate deploy > "$workdir/$path/migration.log" 2>&1 ;;
    migplan)
      # apply stops at the contract's min_age gate (exit 6) until the 1s
      # window has passed since the expand step; then it goes on. 600 s
      # only turn a gate that never passes into a failure.
      : > "$workdir/$path/migration.log"
      local deadline=$((SECONDS + 600))
      while :; do
        rc=0
        "$MIGRUN" apply -d "$mp" --database-url "$(url "$db")" --allow-pending 10 >> "$workdir/$path/migration.log" 2>&1 || rc=$?
        [ "$rc" = 6 ] && [ "$SECONDS" -lt "$deadline" ] || return "$rc"
        sleep 0.2
      done ;;
  esac
}

# Transactions committed in DB so far (the server's count; it lags by about 1 s).
commits() { psqlq -d postgres -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$1'"; }
# pgbench PID has its SIGALRM handler: the signal its -T timer sends to end
# the run, so the run can be ended early the same way, logs written out.
alarm_handled() {
  local m
  m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) && [ -n "$m" ] && (( (16#$m >> 13) & 1 ))
}
# The load has run 3 s' worth of transactions and the monitor samples.
load_started() { # PID DB PATH COMMITS_BEFORE
  alarm_handled "$1" && [ "$(commits "$2")" -ge $(($4 + 3 * rate)) ] \
    && [ "$(psqlq -d postgres -c "SELECT count(*) > 0 FROM bench_lockwait WHERE path = '$3'")" = t ]
}
# The load has run DURATION s in all and R transactions after the migration.
load_done() { # PID DB STARTED_AT COMMITS_AFTER_MIGRATION
  ! alive "$1" || { [ $((SECONDS - $3)) -ge "$duration" ] && [ "$(commits "$2")" -ge $(($4 + rate)) ]; }
}

results=$workdir/results.tsv
: > "$workdir/failures.txt"
printf 'path\trows\tmigration_s\tmax_ms\tp99_ms\tp999_ms\tfailed\tlockwait_s\ttx\tvalues_wrong\tvalues_total\tmigration_rc\tload_outlived\n' > "$results"

for path in $paths; do
  db=bench_$path
  dir=$workdir/$path
  rm -rf "$dir"; mkdir -p "$dir"
  psqlq -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  psqlq -d postgres -c "CHECKPOINT" -c "CREATE DATABASE $db TEMPLATE bench_tpl STRATEGY = FILE_COPY"
  psqlq -d "$db" -c "CHECKPOINT"
  maxid=$(psqlq -d "$db" -c 'SELECT max(id) FROM "User"')

  # Lock-wait monitor: every ~10 ms, how many application sessions wait on a lock.
  PGAPPNAME=bench_monitor psql -X -q -d postgres -c "DO \$\$ BEGIN LOOP
      INSERT INTO bench_lockwait SELECT '$path', clock_timestamp(), count(*) FROM pg_stat_activity
        WHERE application_name = 'pgbench' AND wait_event_type = 'Lock';
      COMMIT; PERFORM pg_sleep(0.01); END LOOP; END \$\$" >/dev/null 2>&1 &
  mon=$!

  log "$path: load at $rate tx/s for at least $duration s, the migration once $((3 * rate)) transactions are in"
  c0=$(commits "$db")
  # -T is a ceiling only: the run is ended with SIGALRM below.
  PGAPPNAME=pgbench pgbench -n -c "$clients" -j 2 -R "$rate" -T $((duration + 3600)) -l \
      --log-prefix="$dir/pgbench_log" --max-tries=1 --failures-detailed -D maxid="$maxid" \
      -f "$bench/app_select.sql@60" -f "$bench/app_update.sql@15" -f "$bench/app_update_new.sql@15" \
      -f "$bench/app_insert.sql@10" \
      "$db" > "$dir/pgbench.out" 2> "$dir/pgbench.err" &
  pgb=$!
  l0=$SECONDS
  wait_until -p "$pgb" "$path: $((3 * rate)) transactions of load committed, the lock-wait monitor sampling" \
    load_started "$pgb" "$db" "$path" "$c0" || { cat "$dir/pgbench.err" >&2; kill "$pgb" "$mon" 2>/dev/null; exit 1; }
  m0=$(now_ms)
  mrc=0
  run_migration "$path" "$db" || mrc=$?
  m1=$(now_ms)
  outlived=0
  alive "$pgb" || outlived=1
  c1=$(commits "$db")
  wait_until "$path: the load's tail" load_done "$pgb" "$db" "$l0" "$c1" || true
  kill -ALRM "$pgb" 2>/dev/null || true
  wait "$pgb" || true
  psqlq -d postgres -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'bench_monitor'" >/dev/null
  wait "$mon" 2>/dev/null || true
  if [ "$mrc" != 0 ]; then
    log "$path: migration exited $mrc (see $dir/migration.log)"
    echo "$path: the migration failed (exit $mrc): $(grep -m1 -E 'ERROR|Error' "$dir/migration.log" || tail -1 "$dir/migration.log")" >> "$workdir/failures.txt"
  fi
  [ "$outlived" = 0 ] || log "$path: WARNING: the load ended before the migration did (see $dir/pgbench.err)"

  # Latencies: pgbench's per-transaction log, time in µs measured from the
  # scheduled start (-R), so queueing behind a lock counts. The series for the
  # plot: scheduled start relative to the migration's start, latency in ms.
  cat "$dir"/pgbench_log* | awk -v m0="$m0" '
    $3 ~ /^[0-9]+$/ {
      end_ms = $5 * 1000 + $6 / 1000; lat = $3 / 1000
      printf "%.3f %.3f\n", (end_ms - lat - m0) / 1000, lat
    }' > "$dir/series.dat"
  read -r tx mx p99 p999 < <(awk '{print $2}' "$dir/series.dat" | sort -g | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print 0, 0, 0, 0; exit }
      i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
      i999 = int(NR * 0.999); if (i999 < 1) i999 = 1
      printf "%d %.1f %.1f %.1f\n", NR, v[NR], v[i99], v[i999]
    }')
  # Failed: transactions pgbench counted as failed (deadlock, serialization)
  # or logged as not done, plus one per client that aborted on an error.
  failed=$(cat "$dir"/pgbench_log* | awk '$3 !~ /^[0-9]+$/ { n++ } END { print n + 0 }')
  aborted=$(grep -c 'aborted in command' "$dir/pgbench.err" || true)
  failed=$((failed + aborted))
  lockwait=$(psqlq -d postgres -c "SELECT coalesce(round(extract(epoch FROM sum(d)) ::numeric, 3), 0) FROM (
      SELECT ts - lag(ts) OVER (ORDER BY ts) AS d, waiting FROM bench_lockwait WHERE path = '$path') s
    WHERE waiting > 0 AND d IS NOT NULL")
  read -r wrong total < <(psqlq -d "$db" -F ' ' -c "SELECT count(*) FILTER (WHERE u.status IS DISTINCT FROM coalesce(t.legacy, 'active')), count(*)
      FROM bench_truth t LEFT JOIN \"User\" u USING (id)" 2>/dev/null || echo "-1 -1")
  msec=$(awk -v a="$m0" -v b="$m1" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$path" "$rows" "$msec" "$mx" "$p99" "$p999" \
    "$failed" "$lockwait" "$tx" "$wrong" "$total" "$mrc" "$outlived" >> "$results"
  cp "$dir/series.dat" "$workdir/series_$path.dat"
  [ "$keep" = 1 ] || psqlq -d postgres -c "DROP DATABASE $db WITH (FORCE)"
done

# --- report -------------------------------------------------------------------
echo "lifecycle under load: $rows rows, pgbench $rate tx/s, $clients clients, at least $duration s per path, PostgreSQL $pgver"
awk -F'\t' 'NR > 1 {
    printf "%-8s  %11s  %9s  %9s  %9s  %6s  %10s  %7s  %s\n", $1, $3, $4, $5, $6, $7, $8, $9,
      ($10 < 0 ? "not checked" : ($10 == 0 ? "all " $11 " right" : $10 " of " $11 " wrong")) (($12 != 0) ? "  [migration exit " $12 "]" : "") (($13 != 0) ? "  [load ended first]" : "")
  }
  NR == 1 { printf "%-8s  %11s  %9s  %9s  %9s  %6s  %10s  %7s  %s\n", "path", "migration_s", "max_ms", "p99_ms", "p99.9_ms", "failed", "lockwait_s", "app_tx", "status = coalesce(legacy_status, '\''active'\'')" }' "$results"
awk -F'\t' 'NR > 1 { mx[$1] = $4; lw[$1] = $8 }
  END {
    if (("migplan" in mx) && mx["migplan"] > 0) {
      if ("naive" in mx)  printf "ratio max latency  naive/migplan  = %.1fx\n", mx["naive"] / mx["migplan"]
      if ("naive_bf" in mx)  printf "ratio max latency  naive_bf/migplan = %.1fx\n", mx["naive_bf"] / mx["migplan"]
      if ("prisma" in mx) printf "ratio max latency  prisma/migplan = %.2fx\n", mx["prisma"] / mx["migplan"]
    }
    if (("none" in mx) && mx["none"] > 0 && ("migplan" in mx))
      printf "ratio max latency  migplan/none   = %.2fx (the application with a lifecycle against without; target <= 1.25x)\n", mx["migplan"] / mx["none"]
  }' "$results"
cat "$workdir/failures.txt"
echo "results: $results"

if [ -n "$plot" ]; then
  "$bench/lib/plot.sh" "$workdir" "$plot" \
    "Application latency during the User.status change ($rows rows, pgbench $rate tx/s)" $paths
  echo "plot: $plot"
fi

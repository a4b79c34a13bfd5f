#!/usr/bin/env bash
# Backfill throughput: migrun's native batched backfill of User.status
# (examples/user_status) against ONE UPDATE of the same rows, on identical
# fresh copies of an N-row table with the expand step applied, no other load.
# Batches sized by time (migrun's default), one run per budget (default
# 5 10 20 40 ms, `--batch-time`, with the example's cap of 10000 rows), and
# fixed batch sizes for comparison (default 1000 10000 50000, `--batch-time
# 0`): rows/s, as a share of the single UPDATE's, and the longest row-lock
# hold, i.e. the longest batch statement (the server's
# log_min_duration_statement; migrun's own measure, with the COMMIT, is
# printed beside it). The single UPDATE holds its row locks for its whole
# duration.
#
#   bench/backfill.sh [--rows N] [--budgets "5 10 20 40"] [--batches "1000 10000 50000"] [--workdir DIR]
#
# Binaries: $MIGC / $MIGRUN, else $MIGPLAN_BUILD_DIR/{migc,migrun} (default build/).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rows=1000000 batches="1000 10000 50000" budgets="5 10 20 40" workdir=
while [ $# -gt 0 ]; do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --batches) batches=$2; shift 2 ;;
    --budgets) budgets=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "backfill.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
for v in "$rows" $batches $budgets; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "backfill.sh: not a positive integer: $v" >&2; exit 2; }
done
build=${MIGPLAN_BUILD_DIR:-$root/build}
MIGC=$(realpath "${MIGC:-$build/migc}" 2>/dev/null || echo "${MIGC:-$build/migc}")
MIGRUN=$(realpath "${MIGRUN:-$build/migrun}" 2>/dev/null || echo "${MIGRUN:-$build/migrun}")
[ -x "$MIGC" ] && [ -x "$MIGRUN" ] || { echo "backfill.sh: build migc and migrun first" >&2; exit 2; }
[ -n "$workdir" ] || workdir=$(mktemp -d "${TMPDIR:-/tmp}/migplan-backfill.XXXXXX")
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
pgdir=$workdir/pg
log() { echo "[$(date +%T)] $*" >&2; }
trap '"$root/tests/lib/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT

"$root/tests/lib/pg.sh" start "$pgdir" >&2
eval "$("$root/tests/lib/pg.sh" env "$pgdir")"
psqlq() { psql -X -v ON_ERROR_STOP=1 -qAt "$@"; }
url() { echo "postgresql://$PGUSER@127.0.0.1:$PGPORT/$1"; }
psqlq -d postgres -c "ALTER SYSTEM SET max_wal_size = '8GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" \
  -c "SELECT pg_reload_conf()" >/dev/null
now_ms() { date +%s%3N; }

# One migrations folder per batch size: the example's spec with `batch B`
# (10000, the example's own, is the budgets' cap).
spec=$root/examples/user_status/prisma/user_status.mig
base=$root/examples/user_status/prisma/migrations/20240101000000_baseline
for b in $(echo 10000 $batches | tr ' ' '\n' | sort -un); do
  mkdir -p "$workdir/b$b/spec" "$workdir/b$b/mig"
  sed "s/batch 10000;/batch $b;/" "$spec" > "$workdir/b$b/spec/user_status.mig"
  grep -q "batch $b;" "$workdir/b$b/spec/user_status.mig" || { echo "backfill.sh: could not set batch $b" >&2; exit 1; }
  cp -r "$base" "$workdir/b$b/mig/"
  "$MIGC" compile "$workdir/b$b/spec/user_status.mig" -o "$workdir/b$b/mig" >/dev/null
done
mig0=$workdir/b10000/mig
expand=$(cd "$mig0" && ls -d *_user_status_expand)
backfill=$(cd "$mig0" && ls -d *_user_status_backfill_status)

# Template: N users. Each run gets a fresh copy and the expand step (column,
# sync trigger, NOT VALID check: catalog only) of its own folder, since the
# step files name the batch size.
log "loading $rows users"
psqlq -d postgres -c "CREATE DATABASE bf_tpl"
"$MIGRUN" apply -d "$mig0" --database-url "$(url bf_tpl)" --to 20240101000000_baseline >/dev/null
psqlq -d bf_tpl -v rows="$rows" -f "$root/bench/lib/fixture.sql"
expr="CASE WHEN \"legacy_status\" IS NULL THEN 'active' ELSE \"legacy_status\" END"
todo=$(psqlq -d bf_tpl -c "SELECT count(*) FROM \"User\" WHERE coalesce(legacy_status, 'active') <> 'active'")

fresh() { # DB MIGRATIONS_DIR
  psqlq -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" \
    -c "CHECKPOINT" -c "CREATE DATABASE $1 TEMPLATE bf_tpl STRATEGY = FILE_COPY"
  "$MIGRUN" apply -d "$2" --database-url "$(url "$1")" --to "$expand" --allow-pending 10 >/dev/null 2>&1
  psqlq -d "$1" -c "VACUUM ANALYZE \"User\"" -c "CHECKPOINT"
}
check() { # DB -> rows still wrong
  psqlq -d "$1" -c "SELECT count(*) FROM \"User\" WHERE status IS DISTINCT FROM ($expr)"
}

results=$workdir/results.tsv
printf 'method\tbatch\trows_updated\tseconds\trows_per_s\tlongest_lock_ms\tbatches\twrong_after\tlongest_hold_migrun_ms\n' > "$results"

# One UPDATE of every row that needs it: all row locks held until it commits.
fresh bf_single "$mig0"
log "single UPDATE"
t0=$(now_ms)
n=$(psqlq -d bf_single -c "WITH u AS (UPDATE \"User\" SET status = ($expr) WHERE status IS DISTINCT FROM ($expr) RETURNING 1) SELECT count(*) FROM u")
t1=$(now_ms)
awk -v n="$n" -v ms=$((t1 - t0)) -v w="$(check bf_single)" \
  'BEGIN { printf "single UPDATE\t-\t%d\t%.2f\t%.0f\t%d\t1\t%s\t-\n", n, ms / 1000, n / (ms / 1000), ms, w }' >> "$results"
psqlq -d postgres -c "DROP DATABASE bf_single WITH (FORCE)"

# One migrun backfill: METHOD LABEL FOLDER BATCH-TIME.
run_migrun() {
  local method=$1 label=$2 mig=$3 bt=$4 db=bf_$RANDOM$RANDOM out
  out=$workdir/apply_${method// /_}_$label.log
  fresh "$db" "$mig"
  log "$method $label"
  pglog=$(readlink -f "$pgdir/log")
  off=$(stat -c %s "$pglog")
  t0=$(now_ms)
  # Every statement of migrun's session is logged with its duration.
  PGOPTIONS="-c log_min_duration_statement=0" \
    "$MIGRUN" apply -d "$mig" --database-url "$(url "$db")" --to "$backfill" --allow-pending 10 \
    --batch-time "$bt" > "$out" 2>&1
  t1=$(now_ms)
  n=$(sed -n 's/.*(\([0-9]*\) rows updated in.*/\1/p' "$out" | tail -1)
  hold=$(sed -n 's/.* batches, the longest held its row locks \([0-9.]*\) ms$/\1/p' "$out" | tail -1)
  # The batch statements are the ones that start "WITH b(".
  read -r longest nb < <(tail -c +"$((off + 1))" "$pglog" | awk '
    /duration: [0-9.]+ ms +(execute [^:]*|statement): WITH b\("migrun_key"\)/ {
      for (i = 1; i <= NF; i++) if ($i == "duration:") d = $(i + 1)
      if (d + 0 > m) m = d + 0; c++
    }
    END { printf "%.1f %d\n", m, c }')
  awk -v me="$method" -v b="$label" -v n="${n:-0}" -v ms=$((t1 - t0)) -v l="$longest" -v nb="$nb" -v w="$(check "$db")" \
    -v h="${hold:--}" 'BEGIN { printf "%s\t%s\t%d\t%.2f\t%.0f\t%.1f\t%d\t%s\t%s\n", me, b, n, ms / 1000, n / (ms / 1000), l, nb, w, h }' \
    >> "$results"
  psqlq -d postgres -c "DROP DATABASE $db WITH (FORCE)"
}
for t in $budgets; do run_migrun "by time" "${t}ms" "$workdir/b10000/mig" "${t}ms"; done
for b in $batches; do run_migrun "fixed" "$b" "$workdir/b$b/mig" 0; done

echo "backfill: $rows rows, $todo to update (status IS DISTINCT FROM the mapped legacy_status), PostgreSQL $(psqlq -d postgres -c 'SHOW server_version' | awk '{print $1}')"
awk -F'\t' '
  NR == 1 { printf "%-14s %7s %12s %9s %10s %16s %14s %8s %11s\n", "method", "batch", "rows", "seconds", "rows/s", "longest_lock_ms", "(migrun, +COMMIT)", "batches", "wrong_after"; next }
  { printf "%-14s %7s %12s %9s %10s %16s %14s %8s %11s\n", $1, $2, $3, $4, $5, $6, $9, $7, $8; if ($1 == "single UPDATE") s = $5; else { k[++nk] = $1 " " $2; r[nk] = $5; l[nk] = $6 } }
  END { for (i = 1; i <= nk; i++) if (s > 0) printf "%s: %.0f%% of the single UPDATE'\''s rows/s, longest lock hold %s ms\n", k[i], 100 * r[i] / s, l[i] }' "$results"
echo "results: $results"

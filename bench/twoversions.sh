#!/usr/bin/env bash
# The two-versions harness (tests/twoversions, docs/twoversions.md) at scale:
# each form on N rows (default 1,000,000) while pgbench runs its TPC-B-like
# load (rate-limited) on its own tables in the same database, so every step,
# backfill and rollback meets a busy server as well as both application
# versions' writes. One line per form: the driver's first failing check (or
# pass), its failure count, and pgbench's transactions and failures.
#
#   bench/twoversions.sh [--rows N] [--forms "ex_user_status split"] [--writes N]
#                        [--clients C] [--rate TPS] [--workdir DIR] [--keep]
#
# Starts its own throwaway PostgreSQL (tests/lib/pg.sh) in WORKDIR.
# Binaries: $MIGC / $MIGRUN, else $MIGPLAN_BUILD_DIR/{migc,migrun} (default build/).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rows=1000000 forms= writes=40 clients=4 rate=200 workdir= keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --forms) forms=$2; shift 2 ;;
    --writes) writes=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "twoversions.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
for v in "$rows" "$writes" "$clients" "$rate"; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "twoversions.sh: not a positive integer: $v" >&2; exit 2; }
done
build=${MIGPLAN_BUILD_DIR:-$root/build}
export MIGC=$(realpath "${MIGC:-$build/migc}")
export MIGRUN=$(realpath "${MIGRUN:-$build/migrun}")
[ -x "$MIGC" ] && [ -x "$MIGRUN" ] || { echo "twoversions.sh: build migc and migrun first (or set MIGC/MIGRUN)" >&2; exit 2; }
command -v pgbench >/dev/null || { echo "twoversions.sh: pgbench missing (apt-get install postgresql-contrib)" >&2; exit 2; }
command -v jq >/dev/null || { echo "twoversions.sh: jq missing" >&2; exit 2; }
[ -n "$workdir" ] || workdir=$(mktemp -d "${TMPDIR:-/tmp}/migplan-twoversions.XXXXXX")
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
tv=$root/tests/twoversions
if [ -z "$forms" ]; then
  forms=$(for f in "$tv"/forms/*.mjs; do basename "$f" .mjs; done)
fi

pgdir=$workdir/pg
bench_pid=
cleanup() {
  [ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null && wait "$bench_pid" 2>/dev/null
  "$root/tests/lib/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true
  [ "$keep" = 1 ] || rm -rf "$pgdir"
}
trap cleanup EXIT
"$root/tests/lib/pg.sh" start "$pgdir" >&2
eval "$("$root/tests/lib/pg.sh" env "$pgdir")"
url_of() { echo "postgresql://$PGUSER@127.0.0.1:$PGPORT/$1"; }

printf '%-26s %-30s %8s %10s %8s %8s\n' form first failures seconds pgb_tx pgb_fail
for form in $forms; do
  db=tv_$form
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "CREATE DATABASE \"$db\""
  pgbench -q -i -s 10 "$db" >/dev/null 2>&1
  mkdir -p "$workdir/$form"
  # pgbench runs until the driver is done (its -T only bounds a hang); it is
  # interrupted then, so its transactions are counted from its per-transaction
  # log (the last buffered lines may be missing).
  (cd "$workdir/$form" && PGAPPNAME=pgbench exec pgbench -n -c "$clients" -j 2 -R "$rate" -T 86400 \
      -l --log-prefix=pgbench_log --max-tries=1 --failures-detailed "$db" > pgbench.out 2> pgbench.err) &
  bench_pid=$!
  start=$SECONDS
  node "$tv/driver.mjs" "$tv/forms/$form.mjs" --url "$(url_of "$db")" --work "$workdir/$form/project" \
    --rows "$rows" --writes "$writes" > "$workdir/$form/result.json" 2> "$workdir/$form/driver.log" || true
  secs=$((SECONDS - start))
  kill -INT "$bench_pid" 2>/dev/null || true
  wait "$bench_pid" 2>/dev/null || true
  bench_pid=
  first=$(jq -r '.first // "pass"' "$workdir/$form/result.json" 2>/dev/null || echo no-result)
  nfail=$(jq -r '.failures | length' "$workdir/$form/result.json" 2>/dev/null || echo -)
  tx=$(cat "$workdir/$form"/pgbench_log* 2>/dev/null | wc -l)
  # A failed transaction's time field is "failed", "serialization" or
  # "deadlock" (--failures-detailed); a line cut short by the interrupt is
  # neither a transaction nor a failure.
  pf=$(cat "$workdir/$form"/pgbench_log* 2>/dev/null | awk 'NF >= 6 && $3 ~ /^(failed|serialization|deadlock)$/ { n++ } END { print n + 0 }')
  printf '%-26s %-30s %8s %10s %8s %8s\n' "$form" "$first" "$nfail" "$secs" "${tx:--}" "${pf:--}"
  [ "$keep" = 1 ] || psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
done
echo "details: $workdir/<form>/{result.json,driver.log,pgbench.out}" >&2

#!/usr/bin/env bash
# Fleet rollout speed: `migrun apply --fleet` of examples/user_status (window
# shortened to 1s, `--wait-gates 30s`) to DBS databases x TENANTS tenant
# schemas, ROWS rows each, once per parallelism (default 1 and 8), then the
# time `migrun status --fleet` takes for the whole fleet.
#
#   bench/fleet.sh [--dbs 3] [--tenants 40] [--rows 1000] [--parallel "1 8"]
#                  [--apply-flags "--no-watchdog"] [--workdir DIR]
#
# Every run starts from fresh databases (baseline applied and rows loaded
# untimed). Prisma's advisory lock is per database, so targets of one
# database take turns whatever -j says: with 3 databases at most 3 targets
# make progress at once. `--dbs 24 --tenants 5` shows the same fleet size
# spread wider. The 1s dual-write window costs every wave one wait (~1.1 s),
# in both modes alike.
#
# Binaries: $MIGC / $MIGRUN, else $MIGPLAN_BUILD_DIR/{migc,migrun} (default build/).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dbs=3 tenants=40 rows=1000 parallel="1 8" workdir= apply_flags=
while [ $# -gt 0 ]; do
  case $1 in
    --dbs) dbs=$2; shift 2 ;;
    --tenants) tenants=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    --apply-flags) apply_flags=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fleet.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
for v in $dbs $tenants $rows $parallel; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "fleet.sh: not a positive integer: $v" >&2; exit 2; }
done
build=${MIGPLAN_BUILD_DIR:-$root/build}
MIGC=$(realpath "${MIGC:-$build/migc}" 2>/dev/null || echo "${MIGC:-$build/migc}")
MIGRUN=$(realpath "${MIGRUN:-$build/migrun}" 2>/dev/null || echo "${MIGRUN:-$build/migrun}")
[ -x "$MIGC" ] && [ -x "$MIGRUN" ] || { echo "fleet.sh: build migc and migrun first" >&2; exit 2; }
command -v jq >/dev/null || { echo "fleet.sh: needs jq" >&2; exit 2; }
[ -n "$workdir" ] || workdir=$(mktemp -d "${TMPDIR:-/tmp}/migplan-fleet.XXXXXX")
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
pgdir=$workdir/pg
log() { echo "[$(date +%T)] $*" >&2; }
trap '"$root/tests/lib/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
"$root/tests/lib/pg.sh" start "$pgdir" >&2
eval "$("$root/tests/lib/pg.sh" env "$pgdir")"
psqlq() { psql -X -v ON_ERROR_STOP=1 -qAt "$@"; }
url() { echo "postgresql://$PGUSER@127.0.0.1:$PGPORT/$1"; }
now_ms() { date +%s%3N; }

proj=$workdir/project
rm -rf "$proj" && mkdir -p "$proj"
cp -r "$root/examples/user_status/." "$proj/"
sed -i 's/set window = 72h;/set window = 1s;/' "$proj/prisma/user_status.mig"
"$MIGC" compile "$proj/prisma/user_status.mig" -o "$proj/prisma/migrations" >/dev/null
mig=$proj/prisma/migrations
fleet=$workdir/fleet.toml
total=$((dbs * tenants))

# Tenant-major order, so that every wave spans the databases.
{
  printf '[waves]\ncanary = 1\npercent = [10]\n\n'
  for n in $(seq 1 "$tenants"); do
    for d in $(seq 1 "$dbs"); do
      printf '[target.d%d_t%d]\nurl = "%s?schema=tenant_%d"\n\n' "$d" "$n" "$(url "bench_fleet_$d")" "$n"
    done
  done
} > "$fleet"

fresh_fleet() {
  for d in $(seq 1 "$dbs"); do
    psqlq -d postgres -c "DROP DATABASE IF EXISTS bench_fleet_$d WITH (FORCE)" -c "CREATE DATABASE bench_fleet_$d"
  done
  "$MIGRUN" apply --fleet "$fleet" -d "$mig" --to 20240101000000_baseline -j 8 >/dev/null
  for d in $(seq 1 "$dbs"); do
    psqlq -d "bench_fleet_$d" -c "DO \$\$ BEGIN FOR i IN 1..$tenants LOOP
      EXECUTE format('INSERT INTO %I.\"User\"(email, legacy_status) SELECT ''u''||g, CASE WHEN g%%3=0 THEN NULL ELSE ''s''||(g%%4) END FROM generate_series(1,$rows) g', 'tenant_'||i);
    END LOOP; END \$\$"
  done
}

printf '%-9s  %12s  %14s  %12s  %s\n' parallel "apply wall" "target work" "status wall" "result" > "$workdir/table"
first_ms=
for p in $parallel; do
  log "fresh fleet: $dbs databases x $tenants tenants x $rows rows"
  fresh_fleet
  log "apply --fleet -j $p"
  t0=$(now_ms)
  "$MIGRUN" apply --fleet "$fleet" -d "$mig" -j "$p" --allow-pending 10 --wait-gates 30s $apply_flags --json > "$workdir/apply.json" 2>/dev/null || true
  t1=$(now_ms)
  result=$(jq -r '"\(.totals.applied) applied, \(.totals.failed) failed, \(.totals.waiting) waiting"' "$workdir/apply.json")
  work=$(jq '[.targets[].seconds] | add' "$workdir/apply.json")
  t2=$(now_ms)
  "$MIGRUN" status --fleet "$fleet" -d "$mig" -j "$p" > /dev/null || true
  t3=$(now_ms)
  printf '%-9s  %10.2f s  %12.2f s  %10.2f s  %s\n' "$p" "$(echo "($t1 - $t0) / 1000" | bc -l)" "$work" \
    "$(echo "($t3 - $t2) / 1000" | bc -l)" "$result" >> "$workdir/table"
  [ -n "$first_ms" ] || first_ms=$((t1 - t0))
  last_ms=$((t1 - t0))
done
echo "fleet: $dbs databases x $tenants tenant schemas = $total targets, $rows rows each; $("$MIGRUN" --version)${apply_flags:+; apply flags: $apply_flags}"
cat "$workdir/table"
echo "wall time ratio, first vs last parallelism: $(echo "$first_ms / $last_ms" | bc -l | cut -c1-4)x"

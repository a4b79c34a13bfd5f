#!/usr/bin/env bash
# Status and verify speed: `migrun status`, `migrun status --json` and
# `migrun verify` against the real `prisma migrate status` (tests/prisma/prisma.sh),
# on the same migrations folder and the same database, fully applied.
#
#   bench/status.sh [--sizes "160 10000"] [--repeat R] [--workdir DIR]
#
# Each history is generated: Prisma-style migrations (CREATE TABLE with its
# primary key and indexes, ADD COLUMN, CREATE INDEX, foreign keys, enums),
# with one migplan lifecycle (index, foreign key, unique, check: four steps
# each, in the gate manifest) every 40 migrations, compiled by migc into the
# same folder. It is applied with `migrun apply`, which is timed too. Each
# command runs R times (default 3); the table shows the fastest and the
# slowest run.
#
# Binaries: $MIGC / $MIGRUN, else $MIGPLAN_BUILD_DIR/{migc,migrun} (default build/).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sizes="160 10000" repeat=3 workdir=
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "status.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
for v in $sizes "$repeat"; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "status.sh: not a positive integer: $v" >&2; exit 2; }
done
build=${MIGPLAN_BUILD_DIR:-$root/build}
MIGC=$(realpath "${MIGC:-$build/migc}" 2>/dev/null || echo "${MIGC:-$build/migc}")
MIGRUN=$(realpath "${MIGRUN:-$build/migrun}" 2>/dev/null || echo "${MIGRUN:-$build/migrun}")
[ -x "$MIGC" ] && [ -x "$MIGRUN" ] || { echo "status.sh: build migc and migrun first" >&2; exit 2; }
prisma=$root/tests/prisma/prisma.sh
[ -n "$workdir" ] || workdir=$(mktemp -d "${TMPDIR:-/tmp}/migplan-status.XXXXXX")
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

# generate N DIR: a history of about N migrations (plain ones plus 4-step
# lifecycles) in DIR.
generate() {
  local n=$1 dir=$2
  rm -rf "$dir" && mkdir -p "$dir/migrations" "$dir/specs" "$dir/plain"
  awk -v n="$n" -v dir="$dir" 'BEGIN {
    q = "\""
    # One migration per 10 minutes from 2022-01-01; lifecycles take slot i.
    i = 0; made = 0; table = 0
    while (made < n) {
      s = i * 600
      day = int(s / 86400); s %= 86400
      mon = 1 + int(day / 28); yr = 2022 + int((mon - 1) / 12); mon = 1 + (mon - 1) % 12; day = 1 + day % 28
      id = sprintf("%04d%02d%02d%02d%02d%02d", yr, mon, day, int(s / 3600), int(s % 3600 / 60), s % 60)
      if (i > 0 && i % 40 == 20 && n - made >= 4 && table > 0) {
        # A lifecycle on the newest table: four steps.
        t = sprintf("Post%d", table)
        f = sprintf("%s/specs/l%06d.mig", dir, i)
        printf "lifecycle post%d at %s on %s%s%s {\n  index %s%s_authorId_idx%s on (%sauthorId%s);\n  foreign key %s%s_authorId_fkey%s (%sauthorId%s) references %sAccount%s (id) on delete set null;\n  unique %s%s_slug_key%s on (slug) as constraint;\n  check %s%s_title_not_blank%s $$length(btrim(title)) > 0$$;\n}\n", \
          table, id, q, t, q, q, t, q, q, q, q, t, q, q, q, q, q, q, t, q, q, t, q > f
        close(f)
        made += 4; i++; continue
      }
      m = sprintf("%s/plain/%s_m%d", dir, id, i)
      system("mkdir -p " m)
      f = m "/migration.sql"
      k = i % 5
      if (i == 0) {
        printf "-- CreateEnum\nCREATE TYPE %sRole%s AS ENUM (%sUSER%s, %sADMIN%s);\n\n-- CreateTable\nCREATE TABLE %sAccount%s (\n    %sid%s SERIAL NOT NULL,\n    %semail%s TEXT NOT NULL,\n    %srole%s %sRole%s NOT NULL DEFAULT %sUSER%s,\n    %screatedAt%s TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n\n    CONSTRAINT %sAccount_pkey%s PRIMARY KEY (%sid%s)\n);\n\n-- CreateIndex\nCREATE UNIQUE INDEX %sAccount_email_key%s ON %sAccount%s(%semail%s);\n", \
          q, q, "\x27", "\x27", "\x27", "\x27", q, q, q, q, q, q, q, q, q, q, "\x27", "\x27", q, q, q, q, q, q, q, q, q, q, q, q > f
      } else if (k == 0 || k == 3) {
        table++
        t = sprintf("Post%d", table)
        printf "-- CreateTable\nCREATE TABLE %s%s%s (\n    %sid%s SERIAL NOT NULL,\n    %stitle%s TEXT NOT NULL,\n    %sslug%s TEXT NOT NULL,\n    %sauthorId%s INTEGER,\n    %screatedAt%s TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    %supdatedAt%s TIMESTAMP(3) NOT NULL,\n\n    CONSTRAINT %s%s_pkey%s PRIMARY KEY (%sid%s)\n);\n", \
          q, t, q, q, q, q, q, q, q, q, q, q, q, q, q, q, t, q, q, q > f
      } else if (k == 1) {
        t = table ? sprintf("Post%d", table) : "Account"
        printf "-- AlterTable\nALTER TABLE %s%s%s ADD COLUMN     %sfield%d%s TEXT;\n", q, t, q, q, i, q > f
      } else if (k == 2) {
        t = table ? sprintf("Post%d", table) : "Account"
        printf "-- CreateIndex\nCREATE INDEX %s%s_field%d_idx%s ON %s%s%s(%sfield%d%s);\n", q, t, i - 1, q, q, t, q, q, i - 1, q > f
      } else {
        t = sprintf("Post%d", table)
        printf "-- AlterTable\nALTER TABLE %s%s%s ADD COLUMN     %spublished%s BOOLEAN NOT NULL DEFAULT false;\n", q, t, q, q, q > f
      }
      close(f)
      made++; i++
    }
  }'
  # As in a real project, each lifecycle is compiled when it is written: the
  # migrations before it exist, the ones after it do not yet (migc refuses a
  # step that would sort before an existing migration).
  local plain specs done=() p=0 spec sid
  mapfile -t plain < <(ls "$dir/plain" | sort)
  mapfile -t specs < <(ls "$dir/specs" | sort)
  for spec in "${specs[@]}"; do
    sid=$(sed -n 's/^lifecycle [^ ]* at \([0-9]*\).*/\1/p' "$dir/specs/$spec")
    while [ "$p" -lt "${#plain[@]}" ] && [[ ${plain[$p]%%_*} < $sid ]]; do
      mv "$dir/plain/${plain[$p]}" "$dir/migrations/"
      p=$((p + 1))
    done
    done+=("$dir/specs/$spec")
    "$MIGC" compile "${done[@]}" -o "$dir/migrations" >/dev/null
  done
  while [ "$p" -lt "${#plain[@]}" ]; do
    mv "$dir/plain/${plain[$p]}" "$dir/migrations/"
    p=$((p + 1))
  done
  [ -f "$dir/migrations/migration_lock.toml" ] || \
    printf '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n' > "$dir/migrations/migration_lock.toml"
}

# time_it LABEL EXPECTED_RC CMD... -> "min max" in seconds over $repeat runs
time_it() {
  local label=$1 want=$2 rc t0 t1 all=""
  shift 2
  for _ in $(seq "$repeat"); do
    rc=0
    t0=$(now_ms)
    "$@" > "$workdir/out.txt" 2>&1 || rc=$?
    t1=$(now_ms)
    if [ "$rc" != "$want" ]; then
      echo "status.sh: $label exited $rc (expected $want):" >&2
      tail -5 "$workdir/out.txt" >&2
      exit 1
    fi
    all="$all $((t1 - t0))"
  done
  echo "$all" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f %.3f\n", v[1] / 1000, v[NR] / 1000 }'
}

results=$workdir/results.tsv
printf 'size\tmigrations\tcommand\tmin_s\tmax_s\n' > "$results"
for n in $sizes; do
  h=$workdir/h$n
  log "history of $n: generating"
  generate "$n" "$h"
  count=$(find "$h/migrations" -mindepth 2 -maxdepth 2 -name migration.sql | wc -l)
  db=st_$n
  psqlq -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  log "history of $n: $count migrations; migrun apply"
  t0=$(now_ms)
  "$MIGRUN" apply -d "$h/migrations" --database-url "$(url "$db")" --allow-pending "$count" > "$h/apply.log" 2>&1 \
    || { echo "status.sh: migrun apply failed:" >&2; tail -5 "$h/apply.log" >&2; exit 1; }
  t1=$(now_ms)
  printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$count" "migrun apply (whole history, once)" \
    "$(awk -v ms=$((t1 - t0)) 'BEGIN { printf "%.3f", ms / 1000 }')" "-" >> "$results"
  # Everything is applied: every status command must say so (exit 0).
  log "history of $n: timing"
  for c in "migrun status" "migrun status --json" "migrun verify" "prisma migrate status"; do
    case $c in
      "migrun status") r=$(time_it "$c" 0 "$MIGRUN" status -d "$h/migrations" --database-url "$(url "$db")") ;;
      "migrun status --json") r=$(time_it "$c" 0 "$MIGRUN" status --json -d "$h/migrations" --database-url "$(url "$db")") ;;
      "migrun verify") r=$(time_it "$c" 0 "$MIGRUN" verify -d "$h/migrations") ;;
      "prisma migrate status")
        r=$(time_it "$c" 0 "$prisma" "$h/migrations" "$(url "$db")" migrate status)
        grep -q "Database schema is up to date" "$workdir/out.txt" || { echo "status.sh: prisma does not see the history as applied" >&2; exit 1; } ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$count" "$c" $r >> "$results"
  done
done

echo "status and verify: $repeat runs each, fully applied histories, PostgreSQL $(psqlq -d postgres -c 'SHOW server_version' | awk '{print $1}'), prisma $(jq -r .version "$root/tests/prisma/node_modules/prisma/package.json")"
awk -F'\t' '
  NR == 1 { printf "%-11s %-36s %9s %9s\n", "migrations", "command", "min_s", "max_s"; next }
  { printf "%-11s %-36s %9s %9s\n", $2, $3, $4, $5; if ($3 == "migrun status") ms[$2] = $4; if ($3 == "prisma migrate status") ps[$2] = $4
    if ($3 == "migrun verify") vs[$2] = $4 }
  END { for (k in ms) if (ms[k] > 0) printf "%s migrations: prisma migrate status / migrun status = %.0fx (fastest runs)\n", k, ps[k] / ms[k] }' "$results"
echo "results: $results"

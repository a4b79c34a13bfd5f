#!/usr/bin/env bash
# Compile speed: N generated lifecycle specs (default 10,000, one file each,
# five kinds of lifecycle in turn, each on its own table) compiled in ONE
# `migc compile` run into an empty folder, then a second run over the
# folder it wrote (nothing changes: every file is compared, none rewritten),
# then `--check`. Wall time and peak memory from /usr/bin/time -v.
#
#   bench/compile.sh [--specs N] [--workdir DIR]
#
# Binary: $MIGC, else $MIGPLAN_BUILD_DIR/migc (default build/).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=10000 workdir=
while [ $# -gt 0 ]; do
  case $1 in
    --specs) n=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compile.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ $n =~ ^[1-9][0-9]*$ ]] && [ "$n" -le 80000 ] || { echo "compile.sh: --specs must be 1..80000" >&2; exit 2; }
MIGC=${MIGC:-${MIGPLAN_BUILD_DIR:-$root/build}/migc}
MIGC=$(realpath "$MIGC" 2>/dev/null || echo "$MIGC")
[ -x "$MIGC" ] || { echo "compile.sh: no migc at $MIGC (build first, or set MIGC)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "compile.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
[ -n "$workdir" ] || workdir=$(mktemp -d "${TMPDIR:-/tmp}/migplan-compile.XXXXXX")
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
rm -rf "$workdir/specs" "$workdir/migrations"
mkdir -p "$workdir/specs"

# Lifecycle i starts at 2025-01-01 00:00:00 + 10 i seconds (its steps take
# the next seconds), on table "T<i>".
awk -v n="$n" -v dir="$workdir/specs" 'BEGIN {
  for (i = 0; i < n; i++) {
    s = i * 10
    day = 1 + int(s / 86400); s %= 86400
    # 10,000 lifecycles span 1.2 days; larger N rolls over months of 28 days.
    mon = 1 + int((day - 1) / 28); day = 1 + (day - 1) % 28
    id = sprintf("2025%02d%02d%02d%02d%02d", mon, day, int(s / 3600), int(s % 3600 / 60), s % 60)
    f = sprintf("%s/spec_%05d.mig", dir, i)
    t = sprintf("\"T%05d\"", i)
    k = i % 5
    if (k == 0) {
      printf "lifecycle status_%d at %s on %s {\n  set lock_timeout = 500ms;\n  add status varchar(20) default %s\n    backfill from legacy_status map (null -> %s, %s -> %s) batch 10000;\n  enforce not null status;\n  retire legacy_status varchar(20);\n}\n", i, id, t, "'\''active'\''", "'\''active'\''", "'\''A'\''", "'\''admin'\''" > f
    } else if (k == 1) {
      printf "lifecycle rename_%d at %s on %s {\n  rename fullname to full_name as text not null batch 5000;\n}\n", i, id, t > f
    } else if (k == 2) {
      printf "lifecycle retype_%d at %s on %s {\n  set statement_timeout = 10m;\n  retype amount_cents as integer not null\n      to amount as numeric(12,2) not null default 0\n    using $$amount_cents / 100.0$$\n    reverse $$(amount * 100)::integer$$\n    batch 5000;\n}\n", i, id, t > f
    } else if (k == 3) {
      printf "lifecycle constraints_%d at %s on %s {\n  index \"T%05d_authorId_idx\" on (\"authorId\");\n  foreign key \"T%05d_authorId_fkey\" (\"authorId\") references \"User\" (\"id\") on delete set null;\n  unique \"T%05d_slug_key\" on (slug) as constraint;\n  check \"T%05d_title_not_blank\" $$length(btrim(title)) > 0$$;\n}\n", i, id, t, i, i, i, i > f
    } else {
      printf "lifecycle lower_%d at %s on %s {\n  add email_lower text backfill $$ lower(email) $$ batch 20000;\n  enforce not null email_lower;\n  index \"T%05d_email_lower_idx\" on (email_lower);\n}\n", i, id, t, i > f
    }
    close(f)
  }
}'

measure() { # LABEL CMD... -> one table row
  local label=$1 rc=0
  shift
  /usr/bin/time -v -o "$workdir/time.txt" "$@" > "$workdir/out.txt" 2> "$workdir/err.txt" || rc=$?
  if [ "$rc" != 0 ]; then
    echo "compile.sh: $label: exit $rc" >&2
    head -5 "$workdir/err.txt" >&2
    exit 1
  fi
  awk -v label="$label" '
    /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); wall = (n == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2] }
    /User time/ { user = $NF } /System time/ { sys = $NF }
    /Maximum resident set size/ { rss = $NF }
    END { printf "%-34s %8.2f %8.2f %8.2f %10.1f\n", label, wall, user, sys, rss / 1024 }' "$workdir/time.txt"
}

cd "$workdir"
echo "compile: $n specs ($(du -sh specs | cut -f1) of .mig), $("$MIGC" --version)"
printf '%-34s %8s %8s %8s %10s\n' "run" "wall_s" "user_s" "sys_s" "peak_MiB"
measure "compile into an empty folder" "$MIGC" compile specs/*.mig -o migrations
steps=$(find migrations -mindepth 1 -maxdepth 1 -type d | wc -l)
measure "compile again (nothing changes)" "$MIGC" compile specs/*.mig -o migrations
measure "compile --check" "$MIGC" compile specs/*.mig -o migrations --check
echo "output: $steps step folders, $(find migrations -type f | wc -l) files, $(du -sh migrations | cut -f1); manifest $(du -h migrations/migplan.manifest.json | cut -f1)"

#!/usr/bin/env bash
# Draws application latency over time for the paths of one lifecycle.sh run:
#   bench/lib/plot.sh WORKDIR OUT.png "TITLE" [PATHS...]
# WORKDIR/series_PATH.dat: "seconds-since-migration-start latency-ms" lines.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: plot.sh WORKDIR OUT.png TITLE [PATHS...]" >&2; exit 2; }
work=$1 out=$2 title=$3
shift 3
paths=${*:-naive naive_bf prisma migplan}
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 2; }
pl=""
for p in $paths; do
  [ -s "$work/series_$p.dat" ] || continue
  pl="$pl${pl:+, }'$work/series_$p.dat' using 1:2 with points pt 7 ps 0.35 title '$p'"
done
[ -n "$pl" ] || { echo "plot.sh: no series in $work" >&2; exit 1; }
gnuplot <<GP
set terminal pngcairo noenhanced size 1100,520 font ",10"
set output '$out'
set title "$title"
set xlabel "seconds since the migration started (transaction's scheduled start)"
set ylabel "application latency (ms, log scale)"
set logscale y
set grid
set key top right
plot $pl
GP

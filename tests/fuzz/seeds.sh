# Sourced by tests/e2e/fuzz_smoke.sh and bench/fuzz.sh. The seed inputs of a
# target: the hand-written edge cases in tests/fuzz/corpus/<target>/ plus the
# project's real inputs where they live (example specs, their generated SQL
# and manifests, the lint fixtures, the examples' folder names), so the seeds
# follow the generator instead of going stale as copies.

# Every fuzz target, by the name after fuzz_.
FUZZ_TARGETS=(mig lint manifest order url sqltext config)

# The seed files of a target, one path a line. (fuzz_order's seeds from the
# examples are folder names, not files: fuzz_seed_corpus writes them.)
fuzz_seed_files() {
  local target=$1 root=$2 f
  local -a from=("$root/tests/fuzz/corpus/$target"/*)
  case $target in
    mig) from+=("$root"/examples/*/prisma/*.mig) ;;
    lint|sqltext)
      # the same SQL: lint parses it, migrun's scanners read it without a parser
      from=("$root"/tests/fuzz/corpus/sql/* "$root"/tests/lint/*.sql "$root"/examples/*/prisma/migrations/*/*.sql) ;;
    config) from+=("$root"/examples/*/prisma.config.ts) ;;
    manifest) from+=("$root"/examples/*/prisma/migrations/migplan.manifest.json
                     "$root"/tests/fixtures/*/prisma/migrations/migplan.manifest.json) ;;
  esac
  for f in "${from[@]}"; do
    [ -f "$f" ] && echo "$f"
  done
  return 0
}

# Copies the seeds into a libFuzzer corpus directory (libFuzzer takes
# directories to fuzz from; names are made unique by their path).
fuzz_seed_corpus() {
  local target=$1 root=$2 dir=$3 f d
  mkdir -p "$dir"
  while read -r f; do
    cp "$f" "$dir/seed_$(echo "${f#"$root"/}" | tr '/' '_')"
  done < <(fuzz_seed_files "$target" "$root")
  if [ "$target" = order ]; then
    # each migrations folder's entries, one a line, as fuzz_order reads them
    for d in "$root"/examples/*/prisma/migrations "$root"/tests/fixtures/*/prisma/migrations; do
      [ -d "$d" ] && ls -a "$d" > "$dir/seed_$(echo "${d#"$root"/}" | tr '/' '_')"
    done
  fi
  return 0
}

# Sourced by tests/e2e/fuzz_smoke.sh and bench/fuzz.sh. The seed inputs of a
# target, one path a line: the hand-written edge cases in tests/fuzz/corpus/
# plus the project's real inputs where they live (example specs, their
# generated SQL, the lint fixtures), so the seeds follow the generator
# instead of going stale as copies.
fuzz_seed_files() {
  local target=$1 root=$2 f
  if [ "$target" = mig ]; then
    for f in "$root"/tests/fuzz/corpus/mig/* "$root"/examples/*/prisma/*.mig; do
      [ -f "$f" ] && echo "$f"
    done
  else
    for f in "$root"/tests/fuzz/corpus/sql/* "$root"/tests/lint/*.sql "$root"/examples/*/prisma/migrations/*/*.sql; do
      [ -f "$f" ] && echo "$f"
    done
  fi
  return 0
}

# Copies the seeds into a libFuzzer corpus directory (libFuzzer takes
# directories to fuzz from; names are made unique by their path).
fuzz_seed_corpus() {
  local target=$1 root=$2 dir=$3 f
  mkdir -p "$dir"
  while read -r f; do
    cp "$f" "$dir/seed_$(echo "${f#"$root"/}" | tr '/' '_')"
  done < <(fuzz_seed_files "$target" "$root")
}

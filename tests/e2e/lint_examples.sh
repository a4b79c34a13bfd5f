#!/usr/bin/env bash
# Self-check of the compiler's output: every example compiles to SQL that
# `migc lint` passes without a finding (except what the emitter disables
# with a comment saying why), and `migc explain` lists every statement with
# its lock level and relation, in markdown and in JSON valid against
# docs/explain.schema.json.
source "$(dirname "$0")/../lib/testlib.sh"

for spec in "$MIGPLAN_SOURCE_DIR"/examples/*/prisma/*.mig; do
  ex=$(basename "$(dirname "$(dirname "$spec")")")
  out=$(tl_tmpdir)/migrations
  # the hand-written migrations of the example (its baseline), without compiled steps
  mkdir -p "$out"
  for d in "$(tl_example_migrations "$(dirname "$(dirname "$spec")")")"/*/; do
    grep -q "^-- migplan" "$d/migration.sql" 2>/dev/null || cp -r "$d" "$out/"
  done
  tl_run "$MIGC" compile "$spec" -o "$out"
  tl_assert_eq 0 "$TL_RC" "$ex: compiles"

  tl_run "$MIGC" lint --format json "$out"
  tl_assert_eq 0 "$TL_RC" "$ex: lint exits 0"
  tl_assert_eq "[]" "$(printf '%s' "$TL_OUT" | python3 -c 'import json,sys; print(json.dumps([f["rule"] for f in json.load(sys.stdin)["findings"]]))')" \
    "$ex: lint finds nothing in the compiled steps"

  tl_run "$MIGC" explain --format json "$out"
  tl_assert_eq 0 "$TL_RC" "$ex: explain exits 0 (manifest read)"
  printf '%s' "$TL_OUT" > "$out/../explain.json"
  # Debian's python3-jsonschema (scripts/setup.sh) lives in /usr/bin/python3,
  # which may not be the first python3 on PATH.
  py=python3
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null && py=/usr/bin/python3
  if $py -c 'import jsonschema' 2>/dev/null; then
    tl_run $py -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$out/../explain.json" \
      "$MIGPLAN_SOURCE_DIR/docs/explain.schema.json"
    tl_assert_eq 0 "$TL_RC" "$ex: explain json is valid against docs/explain.schema.json $TL_ERR"
  else
    echo "note: python3-jsonschema not installed; schema validation skipped"
  fi
  tl_assert_eq "yes" "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("yes" if any(f["step"] and f["step"]["phase"] == "contract" for f in d["files"]) else "no")' "$out/../explain.json")" \
    "$ex: explain shows the steps' phases from the manifest"

  tl_run "$MIGC" explain --format markdown "$out"
  rows=$(printf '%s\n' "$TL_OUT" | grep -c '^| [0-9]')
  stmts=$(python3 -c 'import json, sys; print(sum(len(f["statements"]) for f in json.load(open(sys.argv[1]))["files"]))' "$out/../explain.json")
  tl_assert_eq "$stmts" "$rows" "$ex: the markdown table has a row for every statement"
  tl_assert_contains "$TL_OUT" "| ACCESS EXCLUSIVE | " "$ex: with its lock level and relation"
done

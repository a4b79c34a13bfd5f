#!/usr/bin/env bash
# migc on bad input: compiler-style diagnostics, a non-zero exit, nothing
# written, never a crash (this binary runs under ASan/UBSan in the suite).
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
cd "$work"
cat > bad.mig <<'MIG'
lifecycle user_status at 20250101120000 on "User" {
  set lock_timeot = 500ms;
  add status varchr(20) default 'active'
    backfill from legacy_status map (null -> 'active') batch 0;
  enforce not null stauts;
  retire legacy_status;
}
lifecycle other at 2025013 on "User" {
  add y int backfill from legacy_status
}
MIG
tl_run "$MIGC" compile bad.mig -o out
tl_assert_eq 1 "$TL_RC" "a spec with errors exits 1"
tl_assert_eq no "$([ -e out ] && echo yes || echo no)" "nothing is written"
tl_assert_contains "$TL_ERR" "bad.mig:2:7: error: unknown setting 'lock_timeot'" "unknown setting, with its place"
tl_assert_contains "$TL_ERR" "bad.mig:3:14: error: unknown type 'varchr'" "bad type"
tl_assert_contains "$TL_ERR" "bad.mig:4:62: error: batch size must be from 1 to 1000000" "bad batch size"
tl_assert_contains "$TL_ERR" "bad.mig:5:20: error: enforce not null: column 'stauts' is not added" "unknown column"
tl_assert_contains "$TL_ERR" "note: did you mean 'status'?" "a suggestion"
tl_assert_contains "$TL_ERR" "bad.mig:10:1: error: unexpected '}'; expected ';'" "a syntax error in the second lifecycle"
tl_assert_contains "$TL_ERR" "    5 |   enforce not null stauts;
      |                    ^~~~~~" "the source line and a caret under the span"
tl_assert_contains "$TL_ERR" "errors, nothing written" "a closing count"

printf 'lifecycle x at 20250101120000 on t { add \xff\xfe int; }\0garbage' > bin.mig
tl_run "$MIGC" compile bin.mig -o out
tl_assert_eq 1 "$TL_RC" "a binary file is refused with exit 1"
tl_assert_contains "$TL_ERR" "not a text file" "binary input: one clear line"
tl_run "$MIGC" compile missing.mig -o out
tl_assert_eq 3 "$TL_RC" "a missing spec exits 3"
tl_assert_contains "$TL_ERR" "cannot read missing.mig" "missing spec: one clear line"
tl_run "$MIGC" compile --bogus
tl_assert_eq 2 "$TL_RC" "an unknown flag exits 2"
tl_run "$MIGC" --version
tl_assert_contains "$TL_OUT" "migc " "--version"
tl_run "$MIGC" compile --help
tl_assert_contains "$TL_OUT" "usage: migc compile" "compile --help"

# An existing migration that sorts after the spec's id: refused, nothing written.
mkdir -p mig/20990101000000_later && echo 'SELECT 1;' > mig/20990101000000_later/migration.sql
cp "$MIGPLAN_SOURCE_DIR/examples/user_status/prisma/user_status.mig" .
tl_run "$MIGC" compile user_status.mig -o mig
tl_assert_eq 1 "$TL_RC" "an id sorting before an existing migration is refused"
tl_assert_contains "$TL_ERR" "would sort before the existing migration 20990101000000_later" "names the migration in the way"
tl_assert_eq "20990101000000_later" "$(ls mig)" "nothing written next to it"

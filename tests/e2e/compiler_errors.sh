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

# issue 19 item 18: an sql item's SQL that does not parse is located in the
# spec (line, column, caret) like every other error, UP and DOWN; a string
# too long for its varchar(n)/char(n) column is caught here, not at apply.
cat > sqlitem.mig <<'MIG'
lifecycle fix at 20250101120000 on "User" {
  sql patch up $$
    ALTER TABLE "User" ADD COLUMN x int;
    ALTER TABLE "User" ALTR COLUMN y TYPE bigint;
  $$ down $t$DROP TABL "é"$t$;
  add status varchar(5) default 'active' backfill from legacy_status map ('x' -> 'abcdefgh', else -> 'ok   ');
  add code char(2) backfill 'abc';
}
MIG
tl_run "$MIGC" compile sqlitem.mig -o out
tl_assert_eq 1 "$TL_RC" "SQL that does not parse in an sql item: exit 1"
tl_assert_contains "$TL_ERR" "sqlitem.mig:4:24: error: the UP SQL does not parse: syntax error at or near \"ALTR\"" \
  "the UP's error at its line and column in the spec"
tl_assert_contains "$TL_ERR" "    4 |     ALTER TABLE \"User\" ALTR COLUMN y TYPE bigint;
      |                        ^" "with the line and a caret"
tl_assert_contains "$TL_ERR" "sqlitem.mig:5:19: error: the DOWN SQL does not parse" "the DOWN's too (after a multi-byte character's line)"
tl_assert_contains "$TL_ERR" "sqlitem.mig:6:33: error: the default 'active' is 6 characters long; varchar(5) holds 5" \
  "a default too long for varchar(n)"
tl_assert_contains "$TL_ERR" "sqlitem.mig:6:82: error: the mapped value 'abcdefgh' is 8 characters long; varchar(5) holds 5" \
  "a mapped value too long"
tl_assert_not_contains "$TL_ERR" "mapped value 'ok" "trailing spaces PostgreSQL cuts silently are fine"
tl_assert_contains "$TL_ERR" "sqlitem.mig:7:29: error: the backfill value 'abc' is 3 characters long; char(2) holds 2" \
  "a backfill constant too long for char(n)"

# The line migc writes between the parts of a DOWN (docs/runtime.md, Rollback
# in parts) would cut an sql item's file into parts its manifest does not know.
cat > sqlmark.mig <<'MIG'
lifecycle fix at 20250101120000 on "User" {
  sql patch up $$
    ALTER TABLE "User" ADD COLUMN x int;
-- migplan: commit
    ALTER TABLE "User" ADD COLUMN y int;
  $$ down $$ALTER TABLE "User" DROP COLUMN y, DROP COLUMN x$$;
}
MIG
tl_run "$MIGC" compile sqlmark.mig -o out
tl_assert_eq 1 "$TL_RC" "an sql item holding the part separator line: exit 1"
tl_assert_contains "$TL_ERR" "sqlmark.mig:4:1: error: the UP SQL holds \"-- migplan: commit\"" "located, with why"

# A transactional sql item runs as one DO block (one statement under every
# Prisma engine): a statement that returns rows has no place there.
cat > sqlsel.mig <<'MIG'
lifecycle fix at 20250101120000 on "User" {
  sql seq up $$
    ALTER TABLE "User" ADD COLUMN x int;
    SELECT setval('"User_id_seq"', 100);
  $$ down $$ALTER TABLE "User" DROP COLUMN x$$;
  sql seq2 up $$SELECT setval('"User_id_seq"', 100)$$ down $$SELECT 1$$ no transaction;
}
MIG
tl_run "$MIGC" compile sqlsel.mig -o out
tl_assert_eq 1 "$TL_RC" "a SELECT in a transactional sql item: exit 1"
tl_assert_contains "$TL_ERR" "sqlsel.mig:4:5: error: the UP SQL's SelectStmt cannot run in the step's transaction" "located at the SELECT"
tl_assert_contains "$TL_ERR" "give it a \`sql … no transaction\` item of its own" "with the way out"
tl_assert_not_contains "$TL_ERR" "sqlsel.mig:6:" "the same SELECT in a no-transaction item is fine"

# Columns against the migrations folder compiled into: its own migrations
# (here a baseline, then a rename) replayed with PostgreSQL's parser tell
# which columns "User" has before the lifecycle.
mkdir -p known/20240101000000_baseline known/20240102000000_rename
echo 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL, "legacy_status" VARCHAR(20));' \
  > known/20240101000000_baseline/migration.sql
echo 'ALTER TABLE "User" RENAME COLUMN "legacy_status" TO "old_status";' > known/20240102000000_rename/migration.sql
cat > columns.mig <<'MIG'
lifecycle cols at 20250101120000 on "User" {
  add email text;
  add status text backfill from legacy_status;
  add lower_email text backfill $$lower(mail)$$;
  retire gone text;
}
MIG
tl_run "$MIGC" compile columns.mig -o known
tl_assert_eq 1 "$TL_RC" "columns the folder's migrations do not have: exit 1"
tl_assert_contains "$TL_ERR" "columns.mig:2:7: error: column 'email' already exists in \"User\"" "adding a column that exists"
tl_assert_contains "$TL_ERR" "columns.mig:3:33: error: column 'legacy_status' (as a backfill source) does not exist in \"User\" as the migrations before this lifecycle leave it" \
  "a backfill source renamed away by an earlier migration"
tl_assert_contains "$TL_ERR" "columns.mig:4:33: error: column 'mail' (read by the backfill expression) does not exist" "a column an expression reads"
tl_assert_contains "$TL_ERR" "columns.mig:5:10: error: column 'gone' (retired) does not exist" "retiring a column that is not there"
sed -i 's/add email text;/add email2 text;/; s/from legacy_status/from old_status/; s/lower(mail)/lower(email)/; s/retire gone text;/retire old_status varchar(20);/' columns.mig
tl_run "$MIGC" compile columns.mig -o known
tl_assert_eq 0 "$TL_RC" "the same lifecycle on columns that exist compiles"

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

#!/usr/bin/env bash
# migc lint and migc explain from the command line: paths and defaults, the
# three lint formats, exit codes, disable comments, and a file that does not
# parse among good ones.
source "$(dirname "$0")/../lib/testlib.sh"
fx=$MIGPLAN_SOURCE_DIR/tests/lint

tl_run "$MIGC" lint "$fx/create-index-non-concurrently.good.sql"
tl_assert_eq 0 "$TL_RC" "a clean file exits 0"
tl_run "$MIGC" lint "$fx/drop-column.bad.sql"
tl_assert_eq 0 "$TL_RC" "warnings alone exit 0"
tl_assert_contains "$TL_OUT" "drop-column.bad.sql:2:1: warning: [drop-column]" "file:line:col: warning: [rule]"
tl_assert_contains "$TL_OUT" "^~~~" "the caret under the statement"
tl_run "$MIGC" lint "$fx/concurrently-in-transaction.bad.sql"
tl_assert_eq 1 "$TL_RC" "an error-level finding exits 1"

tl_run "$MIGC" lint --format github "$fx/concurrently-in-transaction.bad.sql"
tl_assert_contains "$TL_OUT" "::error file=$fx/concurrently-in-transaction.bad.sql,line=2,col=1,title=concurrently-in-transaction::[concurrently-in-transaction]" \
  "GitHub annotation"
tl_run "$MIGC" lint --format json "$fx/drop-table.bad.sql" "$fx/setting-not-null.bad.sql"
tl_assert_eq "2 1 drop-table setting-not-null" \
  "$(printf '%s' "$TL_OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); f=d["findings"]; print(d["files"], d["warnings"] - 1, f[0]["rule"], f[1]["rule"])')" \
  "JSON findings, sorted by file"

dir=$(tl_tmpdir)
mkdir -p "$dir/prisma/migrations/20250101000000_a" "$dir/prisma/migrations/20250102000000_b"
printf 'SET lock_timeout = %s;\nALTER TABLE "User" ADD CONSTRAINT c CHECK ("s" IS NOT NULL) NOT VALID;\n' "'1s'" \
  > "$dir/prisma/migrations/20250101000000_a/migration.sql"
printf 'SET lock_timeout = %s;\nALTER TABLE "User" VALIDATE CONSTRAINT c;\nALTER TABLE "User" ALTER COLUMN "s" SET NOT NULL;\n' "'1s'" \
  > "$dir/prisma/migrations/20250102000000_b/migration.sql"
tl_run bash -c "cd '$dir' && '$MIGC' lint"
tl_assert_eq 0 "$TL_RC" "no path: prisma/migrations, in folder order"
tl_assert_contains "$TL_ERR" "2 files, 0 errors, 0 warnings" "a CHECK validated in an earlier migration counts"

printf 'ALTER TABLE "User" ADD COLUMN;\n' > "$dir/broken.sql"
tl_run "$MIGC" lint "$dir/broken.sql" "$fx/drop-table.bad.sql"
tl_assert_eq 1 "$TL_RC" "a file that does not parse exits 1"
tl_assert_contains "$TL_OUT" "broken.sql:1:30: error: SQL does not parse: syntax error at or near \";\"" \
  "the parse error at libpg_query's position"
tl_assert_contains "$TL_OUT" "[drop-table]" "lint goes on with the next file"

printf -- '-- migplan-disable concurrently-in-transaction: tested below\nSET lock_timeout = %s;\nCREATE INDEX CONCURRENTLY i ON t (a);\n' "'1s'" > "$dir/off.sql"
tl_run "$MIGC" lint "$dir/off.sql"
tl_assert_eq 0 "$TL_RC" "a disable comment silences its rule for the file"

tl_run "$MIGC" lint --format xml
tl_assert_eq 2 "$TL_RC" "a bad --format is a usage error"
tl_run "$MIGC" lint --bogus
tl_assert_eq 2 "$TL_RC" "an unknown option is a usage error"
tl_run "$MIGC" lint "$dir/nope.sql"
tl_assert_eq 3 "$TL_RC" "a missing path exits 3"
tl_run "$MIGC" lint --help
tl_assert_eq 0 "$TL_RC" "lint --help"
tl_assert_contains "$TL_OUT" "usage: migc lint" "lint --help prints usage"
tl_run "$MIGC" lint --list-rules
tl_assert_eq 24 "$(printf '%s\n' "$TL_OUT" | grep -c '^[a-z]')" "--list-rules lists every rule"
tl_assert_contains "$TL_OUT" "adding-exclusion-constraint" "--list-rules has the exclusion constraint rule"

tl_run "$MIGC" explain --format markdown "$dir/prisma/migrations"
tl_assert_eq 0 "$TL_RC" "explain a folder"
tl_assert_contains "$TL_OUT" '| 3 | `ALTER TABLE "User" ALTER COLUMN "s" SET NOT NULL` | ACCESS EXCLUSIVE | User | reads, writes, DDL | metadata | implicit |' \
  "explain knows the earlier validated CHECK makes SET NOT NULL metadata-only"
tl_run "$MIGC" explain "$dir/broken.sql"
tl_assert_eq 1 "$TL_RC" "explain of a file that does not parse exits 1"
tl_assert_contains "$TL_OUT" "line 1, column 30" "and says where"
tl_run "$MIGC" explain --format html "$dir/broken.sql"
tl_assert_eq 2 "$TL_RC" "explain: a bad --format is a usage error"
tl_run "$MIGC" explain "$dir/nope"
tl_assert_eq 3 "$TL_RC" "explain: a missing path exits 3"

#!/usr/bin/env bash
# rollback restores the schema and leaves the steps pending for re-apply;
# failed steps leave Prisma's failed row and resolve reconciles; an INVALID
# index from a failed CONCURRENTLY build is dropped before the retry; bad
# connections and folders give one line and their exit code.
source "$(dirname "$0")/../lib/testlib.sh"
FIX="node $MIGPLAN_SOURCE_DIR/tests/e2e/runtime_fixture.mjs"
dump() { pg_dump --schema-only --no-owner -d "$1" -T _prisma_migrations | grep -v '^\\\(un\)\?restrict'; }

# --- rollback of contract and backfill ---
us=$(tl_tmpdir); $FIX user-status "$us" --min-age 1s
db=$(tl_newdb rollback); url=$(tl_url "$db")
"$MIGRUN" apply -d "$us" --database-url "$url" --to 20240201000000_user_status_expand >/dev/null
tl_psql "$db" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, NULLIF('x'||(g%4), 'x0') FROM generate_series(1,500) g"
before=$(dump "$db")
tl_wait_min_age "$db" 20240201000000_user_status_expand 1s  # the fixture's window
tl_run "$MIGRUN" apply -d "$us" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "backfill and contract applied"
tl_run "$MIGRUN" rollback -d "$us" --database-url "$url" --steps 2
tl_assert_eq 2 "$TL_RC" "rollback without --yes off a terminal is refused (exit 2)"
tl_assert_contains "$TL_ERR" "WARNING: writes to \"User\".\"legacy_status\" are no longer mirrored" "the DOWN's warning is shown first"
tl_run "$MIGRUN" rollback -d "$us" --database-url "$url" --steps 2 --yes
tl_assert_eq 0 "$TL_RC" "rollback --steps 2 --yes"
tl_assert_contains "$TL_OUT" "rolled back 20240201000002_user_status_contract" "contract rolled back"
tl_assert_eq "$before" "$(dump "$db")" "pg_dump --schema-only identical to before the backfill"
tl_assert_eq 2 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE rolled_back_at IS NOT NULL")" \
  "rolled_back_at set on both rows"
tl_run "$MIGRUN" status -d "$us" --database-url "$url" --json
tl_assert_eq "2 rolled_back" "$(jq -r '"\(.pending) \(.steps[3].state)"' <<<"$TL_OUT")" "status lists them pending again"
tl_run "$MIGRUN" apply -d "$us" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "apply re-applies them"
tl_run tl_prisma "$us" "$url" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma agrees afterwards"
echo "-- edited" >> "$us/20240201000002_user_status_contract/down.sql"
tl_run "$MIGRUN" rollback -d "$us" --database-url "$url" --yes
tl_assert_eq 8 "$TL_RC" "an edited DOWN is refused (exit 8)"
tl_assert_contains "$TL_ERR" "down.sql changed since it was generated" "and named"

# --- failed plain migration: Prisma's failed row, resolve ---
mig=$(tl_tmpdir); mkdir "$mig/20240101000000_a" "$mig/20240102000000_b"
echo 'CREATE TABLE "a" ("id" INT PRIMARY KEY);' > "$mig/20240101000000_a/migration.sql"
printf 'CREATE TABLE "b" ("id" INT);\nSELECT 1/0;\n' > "$mig/20240102000000_b/migration.sql"
db2=$(tl_newdb failed); url2=$(tl_url "$db2")
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url2"
tl_assert_eq 1 "$TL_RC" "a failing migration: exit 1"
tl_assert_contains "$TL_ERR" "20240102000000_b failed: division by zero" "one line naming it"
tl_assert_eq "0|0|t" "$(tl_psql "$db2" -c "SELECT count(*) FILTER (WHERE finished_at IS NOT NULL), min(applied_steps_count), bool_and(logs LIKE '%division by zero%') FROM _prisma_migrations WHERE migration_name = '20240102000000_b'")" \
  "Prisma's failed row: not finished, 0 steps, error in logs"
tl_assert_eq 0 "$(tl_psql "$db2" -c "SELECT count(*) FROM pg_class WHERE relname = 'b'")" "nothing of it stayed"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url2"
tl_assert_eq 5 "$TL_RC" "apply refuses while a migration is failed (exit 5)"
tl_run tl_prisma "$mig" "$url2" migrate deploy
tl_assert_contains "$TL_OUT$TL_ERR" "P3009" "prisma refuses too: it reads our failed row"
tl_run "$MIGRUN" resolve -d "$mig" --database-url "$url2" --rolled-back 20240101000000_a
tl_assert_eq 5 "$TL_RC" "resolve --rolled-back of a non-failed migration is refused"
tl_run "$MIGRUN" resolve -d "$mig" --database-url "$url2" --rolled-back 20240102000000_b
tl_assert_eq 0 "$TL_RC" "resolve --rolled-back"
printf 'CREATE TABLE "b" ("id" INT);\n' > "$mig/20240102000000_b/migration.sql"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url2"
tl_assert_eq 0 "$TL_RC" "the fixed migration applies"
mkdir "$mig/20240103000000_c" && echo 'CREATE TABLE "c" ("id" INT);' > "$mig/20240103000000_c/migration.sql"
tl_run "$MIGRUN" resolve -d "$mig" --database-url "$url2" --applied 20240103000000_c
tl_assert_eq "0|0|0" "$TL_RC|$(tl_psql "$db2" -c "SELECT count(*) FROM pg_class WHERE relname = 'c'")|$(tl_psql "$db2" -c "SELECT applied_steps_count FROM _prisma_migrations WHERE migration_name = '20240103000000_c'")" \
  "resolve --applied records it without running it"
tl_run tl_prisma "$mig" "$url2" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma: up to date after resolve"

# --- INVALID index from a failed CONCURRENTLY build ---
ix=$(tl_tmpdir); mkdir "$ix/20240101000000_t" "$ix/20240102000000_t_index_email"
echo 'CREATE TABLE "t" ("id" INT PRIMARY KEY, "email" TEXT); INSERT INTO "t" VALUES (1, $$a$$), (2, $$a$$);' \
  > "$ix/20240101000000_t/migration.sql"
echo 'CREATE UNIQUE INDEX CONCURRENTLY "t_email_key" ON "t" ("email");' > "$ix/20240102000000_t_index_email/migration.sql"
echo 'DROP INDEX CONCURRENTLY "t_email_key";' > "$ix/20240102000000_t_index_email/down.sql"
echo '[{"id":"20240102000000_t_index_email","lifecycle":"t","phase":"index","transactional":false,"lock_timeout":"2s"}]' \
  | $FIX manifest "$ix"
db3=$(tl_newdb invalid); url3=$(tl_url "$db3")
tl_run "$MIGRUN" apply -d "$ix" --database-url "$url3"
tl_assert_eq 1 "$TL_RC" "the unique CONCURRENTLY build fails on duplicates"
tl_assert_eq f "$(tl_psql "$db3" -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_email_key'::regclass")" "it left an INVALID index"
tl_psql "$db3" -c "UPDATE t SET email = 'b' WHERE id = 2"
"$MIGRUN" resolve -d "$ix" --database-url "$url3" --rolled-back 20240102000000_t_index_email >/dev/null
tl_run "$MIGRUN" apply -d "$ix" --database-url "$url3"
tl_assert_eq 0 "$TL_RC" "the retry succeeds"
tl_assert_contains "$TL_OUT" "dropped INVALID index t_email_key" "after dropping the INVALID index"
tl_assert_eq t "$(tl_psql "$db3" -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_email_key'::regclass")" "the index is valid now"

# --- connection and folder errors: one line, documented code, no password ---
role=r_rt_$$
tl_psql "$db3" -c "CREATE ROLE \"$role\" LOGIN PASSWORD 'the-right-one'"
check_one_line() { # EXPECTED_RC MSG NEEDLE
  tl_assert_eq "$1" "$TL_RC" "$2: exit $1"
  tl_assert_eq 1 "$(printf '%s\n' "$TL_ERR" | grep -c .)" "$2: exactly one line"
  tl_assert_contains "$TL_ERR" "$3" "$2: says what"
  tl_assert_not_contains "$TL_OUT$TL_ERR" "s3cret" "$2: no password"
}
tl_run "$MIGRUN" status -d "$ix" --database-url "postgresql://$role:s3cret-pw@127.0.0.1:$PGPORT/$db3"
check_one_line 7 "wrong password" "password authentication failed"
tl_psql "$db3" -c "DROP ROLE \"$role\""
closed=$(tl_refused_port)
tl_run "$MIGRUN" status -d "$ix" --database-url "postgresql://u:s3cret-pw@127.0.0.1:$closed/$db3"
check_one_line 7 "unreachable server" "cannot connect to 127.0.0.1:$closed: Connection refused"
tl_run "$MIGRUN" status -d "$ix" --database-url "postgresql://u:s3cret-pw@127.0.0.1:notaport/x"
check_one_line 7 "bad URL" 'invalid integer value "notaport" for connection option "port"' 
tl_run "$MIGRUN" status -d "$ix" --database-url "postgresql://u:s3cret-pw@127.0.0.1:$PGPORT/x?bogus=1"
check_one_line 7 "unknown URL parameter" "invalid database URL"
tl_run "$MIGRUN" verify -d "$mig"
check_one_line 8 "missing manifest" "no manifest"
tl_run "$MIGRUN" status -d "$TL_TMP/nope" --database-url "$url3"
check_one_line 8 "missing folder" "no such directory"
tl_run "$MIGRUN" apply --bogus
tl_assert_eq 2 "$TL_RC" "unknown flag: exit 2"
for cmd in verify status apply rollback resolve; do
  tl_run "$MIGRUN" $cmd --help
  tl_assert_contains "$TL_RC $TL_OUT" "0 usage: migrun $cmd" "$cmd --help"
done

#!/usr/bin/env bash
# Steps that fail halfway on the server, then converge once the cause is
# fixed:
#   - statement_timeout inside one backfill batch (a slow trigger on one row):
#     earlier batches stay committed, no ledger row; the next apply resumes
#     from the data and finishes;
#   - VALIDATE CONSTRAINT meeting a violating row (post_constraints' contract):
#     Prisma's failed row, `resolve --rolled-back` after the data is fixed,
#     then apply;
#   - CREATE UNIQUE INDEX CONCURRENTLY meeting a duplicate: the INVALID index
#     it leaves is dropped by the next apply, which rebuilds it.
# After each: data right, one finished ledger row per migration, no INVALID
# index.
source "$(dirname "$0")/../lib/testlib.sh"

check_converged() { # DB MIGRATIONS WHAT
  tl_assert_eq "$2 $2" "$(tl_psql "$1" -c "SELECT count(DISTINCT migration_name) || ' ' || count(*) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) FROM _prisma_migrations")" \
    "$3: one finished ledger row per migration"
  tl_assert_eq 0 "$(tl_psql "$1" -c "SELECT count(*) FROM pg_index WHERE NOT indisvalid")" "$3: no INVALID index"
}

# --- statement_timeout inside a backfill batch ---
# The timeout is far above what any other statement of the lifecycle takes,
# however loaded the machine (a batch of 1000 rows takes milliseconds), and
# far below the slow row's sleep: only the slow batch can hit it.
work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
cd "$work"
sed -i 's/set window = 72h;/set window = 1s;\n  set statement_timeout = 10s;/; s/batch 10000/batch 1000/' prisma/user_status.mig
grep -q 'set statement_timeout = 10s;' prisma/user_status.mig
"$MIGC" compile prisma/user_status.mig -o prisma/migrations >/dev/null
mig=$work/prisma/migrations
db=$(tl_newdb faults_stmt)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null
tl_psql "$db" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 's'||(g%4) END FROM generate_series(1,20000) g"
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20250101120000_user_status_expand --allow-pending 10 >/dev/null
tl_psql "$db" -c "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN IF NEW.id = 12346 THEN PERFORM pg_sleep(120); END IF; RETURN NEW; END \$\$;
  CREATE TRIGGER zz_slow BEFORE UPDATE ON \"User\" FOR EACH ROW EXECUTE FUNCTION slow()"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --allow-pending 10
tl_assert_eq 1 "$TL_RC" "a batch hitting statement_timeout fails the backfill (exit 1)"
tl_assert_contains "$TL_ERR" "statement timeout" "the error says so"
done_rows=$(tl_psql "$db" -c "SELECT count(*) FROM \"User\" WHERE status IS NOT DISTINCT FROM coalesce(legacy_status, 'active') AND id < 12000")
[ "$done_rows" -gt 5000 ] && tl_pass "batches before it stayed committed ($done_rows rows)" || tl_fail "only $done_rows rows committed"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE '%backfill%'")" \
  "no ledger row for the failed backfill"
tl_psql "$db" -c "DROP TRIGGER zz_slow ON \"User\""
tl_wait_min_age "$db" 20250101120000_user_status_expand 1s  # the window, before the contract
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --allow-pending 10
tl_assert_eq 0 "$TL_RC" "with the cause gone, apply resumes and finishes the lifecycle"
[ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -3
tl_assert_eq "20000 0" "$(tl_psql "$db" -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE status IS NULL) FROM \"User\"")" \
  "every row has its status"
check_converged "$db" 4 "statement_timeout"

# --- VALIDATE finds a violating row; a concurrent unique index meets a duplicate ---
work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/post_constraints/." "$work/"
mig=$work/prisma/migrations
db=$(tl_newdb faults_validate)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null 2>&1 || \
  "$MIGRUN" apply -d "$mig" --database-url "$url" --steps 1 >/dev/null
tl_psql "$db" -c "INSERT INTO \"User\"(email) SELECT 'u'||g FROM generate_series(1,100) g;
  INSERT INTO \"Post\"(title, slug, \"authorId\") SELECT 't'||g, 's'||g, 1 + g % 100 FROM generate_series(1,20000) g;
  INSERT INTO \"Post\"(title, slug, \"authorId\") VALUES ('dup', 's77', 1);
  UPDATE \"Post\" SET title = '  ' WHERE id = 4242"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --allow-pending 10 --json
tl_assert_eq 1 "$TL_RC" "the unique index build meets the duplicate slug (exit 1)"
tl_assert_contains "$TL_ERR" "could not create unique index" "the server's error is shown"
tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'Post_slug_key' AND NOT i.indisvalid")" \
  "the failed CONCURRENTLY build left an INVALID index"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --allow-pending 10
tl_assert_eq 5 "$TL_RC" "apply refuses on the failed migration (exit 5), as prisma migrate deploy would"
tl_psql "$db" -c "DELETE FROM \"Post\" WHERE title = 'dup'"
name=$(jq -r '.steps[2].id' "$mig/migplan.manifest.json")
"$MIGRUN" resolve -d "$mig" --database-url "$url" --rolled-back "$name" >/dev/null
# Now the contract's VALIDATE meets the blank title that was there before the
# CHECK was added NOT VALID.
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --allow-pending 10 --json
tl_assert_eq 1 "$TL_RC" "VALIDATE meets the violating row (exit 1)"
tl_assert_contains "$TL_ERR" "Post_title_not_blank" "the error names the constraint"
tl_assert_eq "index valid" "$(tl_psql "$db" -c "SELECT CASE WHEN i.indisvalid THEN 'index valid' ELSE 'INVALID' END FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'Post_slug_key'")" \
  "meanwhile the INVALID index was dropped and rebuilt"
tl_assert_eq '"Post_slug_key"' "$(echo "$TL_OUT" | jq -c '[.post_checks[] | select(.index_valid == true) | .index] | last')" \
  "post-check reports the rebuilt index valid"
contract=$(jq -r '.steps[3].id' "$mig/migplan.manifest.json")
tl_psql "$db" -c "UPDATE \"Post\" SET title = 'fixed' WHERE id = 4242"
"$MIGRUN" resolve -d "$mig" --database-url "$url" --rolled-back "$contract" >/dev/null
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --allow-pending 10
tl_assert_eq 0 "$TL_RC" "with the data fixed, apply converges"
tl_assert_eq "true true" "$(tl_psql "$db" -c "SELECT bool_and(convalidated)::text || ' ' || (count(*) = 3)::text FROM pg_constraint WHERE conrelid = '\"Post\"'::regclass AND contype IN ('f', 'c', 'u')")" \
  "foreign key, check and unique constraint all validated"
check_converged "$db" 5 "validate / unique"

#!/usr/bin/env bash
# migrun apply/status on plain Prisma folders and on a generated plan: the
# ledger is Prisma's, gates stop the run with their exit codes, an edited
# migration is divergence, and Prisma and migrun carry on from each other.
source "$(dirname "$0")/../lib/testlib.sh"
FIX="node $MIGPLAN_SOURCE_DIR/tests/e2e/runtime_fixture.mjs"

plain_folder() { # DIR: three plain Prisma migrations, the last a CONCURRENTLY index
  mkdir -p "$1/20240101000000_init" "$1/20240102000000_post" "$1/20240103000000_idx"
  printf 'provider = "postgresql"\n' > "$1/migration_lock.toml"
  printf 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL, "note" TEXT DEFAULT %s);\n' "'a;b'" \
    > "$1/20240101000000_init/migration.sql"
  printf 'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "userId" INTEGER REFERENCES "User"("id"));\n' \
    > "$1/20240102000000_post/migration.sql"
  printf 'CREATE INDEX CONCURRENTLY "User_email_idx" ON "User"("email");\n' > "$1/20240103000000_idx/migration.sql"
}

# --- plain folder: migrun applies, Prisma agrees ---
mig=$(tl_tmpdir); plain_folder "$mig"
db=$(tl_newdb plain); url=$(tl_url "$db")
tl_run "$MIGRUN" status -d "$mig" --database-url "$url"
tl_assert_eq 3 "$TL_RC" "status on an empty database: pending (exit 3)"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM pg_class WHERE relname = '_prisma_migrations'")" \
  "status created nothing"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url?schema=public&connection_limit=5"
tl_assert_eq 0 "$TL_RC" "apply of plain migrations with a Prisma-style URL"
tl_assert_eq "3|3" "$(tl_psql "$db" -c "SELECT count(*), sum(applied_steps_count) FROM _prisma_migrations
                                          WHERE finished_at IS NOT NULL AND logs IS NULL")" "three finished ledger rows"
sum=$(sha256sum "$mig/20240101000000_init/migration.sql" | cut -d' ' -f1)
tl_assert_eq "$sum" "$(tl_psql "$db" -c "SELECT checksum FROM _prisma_migrations WHERE migration_name = '20240101000000_init'")" \
  "checksum is the sha256 of migration.sql"
tl_assert_eq 36 "$(tl_psql "$db" -c "SELECT min(length(id)) FROM _prisma_migrations")" "ids are UUIDs"
tl_run "$MIGRUN" status -d "$mig" --database-url "$url" --json
tl_assert_eq 0 "$TL_RC" "status: up to date (exit 0)"
tl_assert_eq "3 0 0 0" "$(jq -r '"\(.applied) \(.pending) \(.failed) \(.diverged|length)"' <<<"$TL_OUT")" "status --json counts"
tl_run tl_prisma "$mig" "$url" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma migrate status agrees"
tl_run tl_prisma "$mig" "$url" migrate deploy
tl_assert_contains "$TL_OUT" "No pending migrations to apply." "prisma migrate deploy applies nothing"

# --- Prisma first, migrun goes on ---
db2=$(tl_newdb prisma_first); url2=$(tl_url "$db2")
part=$(tl_tmpdir); plain_folder "$part"; rm -r "$part/20240103000000_idx"
tl_run tl_prisma "$part" "$url2" migrate deploy
tl_assert_eq 0 "$TL_RC" "prisma deploys the first two"
tl_run "$MIGRUN" status -d "$mig" --database-url "$url2"
tl_assert_eq 3 "$TL_RC" "migrun sees one pending"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url2"
tl_assert_contains "$TL_OUT" "applied 20240103000000_idx" "migrun applies only the third"
tl_assert_eq 3 "$(tl_psql "$db2" -c "SELECT count(*) FROM _prisma_migrations")" "no duplicate ledger rows"

# --- edited after apply: diverged, apply refuses before any SQL ---
echo "-- edited" >> "$mig/20240102000000_post/migration.sql"
mkdir "$mig/20240104000000_more" && echo 'CREATE TABLE "More" ("id" INT);' > "$mig/20240104000000_more/migration.sql"
tl_run "$MIGRUN" status -d "$mig" --database-url "$url"
tl_assert_eq 5 "$TL_RC" "status: diverged (exit 5)"
tl_assert_contains "$TL_OUT" "diverged     20240102000000_post" "status names the edited migration"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 5 "$TL_RC" "apply refuses a diverged ledger (exit 5)"
tl_assert_contains "$TL_ERR" "diverged: 20240102000000_post" "the refusal names it"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM pg_class WHERE relname = 'More'")" "nothing of the pending one ran"

# --- a generated plan: gates ---
us=$(tl_tmpdir); $FIX user-status "$us" --min-age 3d --max-pending 1
db3=$(tl_newdb gates); url3=$(tl_url "$db3")
tl_run "$MIGRUN" verify -d "$us"
tl_assert_eq 0 "$TL_RC" "the fixture verifies"
# max_pending counts units: the plain baseline is one, the lifecycle's three
# steps together are one. Both pending: 2 > 1.
tl_run "$MIGRUN" apply -d "$us" --database-url "$url3"
tl_assert_eq 4 "$TL_RC" "a plain migration and a lifecycle pending (2 units) with max_pending 1: exit 4"
tl_assert_contains "$TL_ERR" "max_pending: 2 units are pending" "the refusal says how many"
tl_assert_not_contains "$TL_ERR" "--steps" "and does not suggest --steps (fewer at once does not change the count)"
tl_assert_eq 0 "$(tl_psql "$db3" -c "SELECT count(*) FROM pg_class WHERE relname IN ('_prisma_migrations', 'User')")" "nothing applied"
tl_run "$MIGRUN" status -d "$us" --database-url "$url3" --json
tl_assert_eq 4 "$TL_RC" "status: too many pending units (exit 4)"
tl_assert_eq "4 2" "$(jq -r '"\(.pending) \(.pending_units)"' <<<"$TL_OUT")" "status --json: 4 pending, 2 units"
tl_run "$MIGRUN" apply -d "$us" --database-url "$url3" --steps 1
tl_assert_eq 0 "$TL_RC" "the plain baseline has no gate"
tl_psql "$db3" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 'x' END FROM generate_series(1,2000) g"
tl_run "$MIGRUN" status -d "$us" --database-url "$url3"
tl_assert_eq 3 "$TL_RC" "status: the lifecycle's 3 steps are 1 unit, within max_pending 1 (exit 3)"
tl_run "$MIGRUN" apply -d "$us" --database-url "$url3"
tl_assert_eq 6 "$TL_RC" "apply passes max_pending and stops at the 3-day (72h) gate (exit 6)"
tl_assert_contains "$TL_ERR" "min_age: 3d must pass after 20240201000000_user_status_expand" "the gate says what is missing"
tl_assert_contains "$TL_ERR" "may pass at" "and when it may pass"
tl_assert_eq "3|0" "$(tl_psql "$db3" -c "SELECT count(*), (SELECT count(*) FROM \"User\" WHERE status IS NULL) FROM _prisma_migrations")" \
  "expand and backfill applied, every row filled"
tl_assert_eq "YES" "$(tl_psql "$db3" -c "SELECT is_nullable FROM information_schema.columns WHERE table_name='User' AND column_name='status'")" \
  "the contract did not run"

# the override is logged
db4=$(tl_newdb override); url4=$(tl_url "$db4")
tl_run "$MIGRUN" apply -d "$us" --database-url "$url4" --allow-pending 2
tl_assert_eq 6 "$TL_RC" "with --allow-pending 2 all is applied up to the 3-day gate"
tl_assert_contains "$TL_OUT" "override: --allow-pending 2 lets 2 pending units pass the max_pending 1 gate" "the override is logged"

# no_nulls / consistency: break the data, shorten the window
tl_psql "$db3" -c "UPDATE _prisma_migrations SET finished_at = finished_at - interval '73 hours'"
tl_psql "$db3" -c "ALTER TABLE \"User\" DISABLE TRIGGER user_status_sync; UPDATE \"User\" SET status = NULL WHERE id IN (5,6); UPDATE \"User\" SET status = 'zzz' WHERE id = 7; ALTER TABLE \"User\" ENABLE TRIGGER user_status_sync"
tl_run "$MIGRUN" apply -d "$us" --database-url "$url3"
tl_assert_eq 6 "$TL_RC" "NULLs remain: exit 6"
tl_assert_contains "$TL_ERR" "no_nulls: 2 rows of public.User still have status NULL" "no_nulls names the count"
tl_psql "$db3" -c "ALTER TABLE \"User\" DISABLE TRIGGER user_status_sync; UPDATE \"User\" SET status = 'zzz' WHERE id IN (5,6); ALTER TABLE \"User\" ENABLE TRIGGER user_status_sync"
tl_run "$MIGRUN" apply -d "$us" --database-url "$url3"
tl_assert_eq 6 "$TL_RC" "inconsistent rows: exit 6"
tl_assert_contains "$TL_ERR" "consistency: 3 rows" "consistency counts the offenders"
tl_assert_contains "$TL_ERR" "first id: 5, 6, 7" "and names their keys"
tl_psql "$db3" -c "UPDATE \"User\" SET email = email WHERE id IN (5,6,7)"
tl_run "$MIGRUN" apply -d "$us" --database-url "$url3" --dry-run
tl_assert_eq 0 "$TL_RC" "dry run of the contract"
tl_assert_contains "$TL_OUT" "rehearsed 20240201000002_user_status_contract" "the dry run rehearsed it"
tl_assert_eq 3 "$(tl_psql "$db3" -c "SELECT count(*) FROM _prisma_migrations")" "and committed nothing"
tl_run "$MIGRUN" apply -d "$us" --database-url "$url3" --json
tl_assert_eq 0 "$TL_RC" "the contract applies once its gates pass"
tl_assert_eq "1 0" "$(jq -r '"\(.applied) \(.pending)"' <<<"$TL_OUT")" "apply --json"
tl_run "$MIGRUN" status -d "$us" --database-url "$url3" --json
tl_assert_eq 0 "$(jq .pending <<<"$TL_OUT")" "status --json: 0 pending"
tl_run tl_prisma "$us" "$url3" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma migrate status: up to date"
tl_run tl_prisma "$us" "$url3" migrate deploy
tl_assert_contains "$TL_OUT" "No pending migrations to apply." "prisma migrate deploy: nothing to apply"

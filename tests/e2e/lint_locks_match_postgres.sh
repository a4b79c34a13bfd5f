#!/usr/bin/env bash
# The lock table is checked against PostgreSQL 15 itself: each statement runs
# inside a transaction on a real table, pg_locks tells which mode it holds on
# that table, and `migc explain --format json` must name the same mode. The
# fixtures' central claims are checked the same way: a CONCURRENTLY statement
# with anything else in its file fails as one query (how Prisma sends it), and
# a NOT NULL column without a default fails on a table with rows.
source "$(dirname "$0")/../lib/testlib.sh"
db=$(tl_newdb)
tl_psql "$db" -c 'CREATE TABLE "User" (id int PRIMARY KEY, email text, n int);
  CREATE TABLE "Post" (id int PRIMARY KEY, "authorId" int);
  INSERT INTO "User" SELECT g, g::text, g FROM generate_series(1, 100) g;
  INSERT INTO "Post" SELECT g, g FROM generate_series(1, 100) g;
  CREATE INDEX "User_email_idx" ON "User"(email);
  ALTER TABLE "User" ADD CONSTRAINT "User_n_check" CHECK (n > 0) NOT VALID;
  CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;'
dir=$(tl_tmpdir)

check() {
  local sql=$1 table=$2 held expected
  # the strongest mode held on the table (pg_locks names modes AccessExclusiveLock, …)
  held=$(tl_psql "$db" -c "BEGIN; $sql; SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'
    AND relation = '\"$table\"'::regclass ORDER BY array_position(ARRAY['AccessShareLock','RowShareLock',
    'RowExclusiveLock','ShareUpdateExclusiveLock','ShareLock','ShareRowExclusiveLock','ExclusiveLock',
    'AccessExclusiveLock'], mode::text) DESC LIMIT 1; ROLLBACK;" | tail -1)
  printf '%s;\n' "$sql" > "$dir/s.sql"
  expected=$("$MIGC" explain --format json "$dir/s.sql" | python3 -c '
import json, sys
table = sys.argv[1]
locks = [l for s in json.load(sys.stdin)["files"][0]["statements"] for l in s["locks"]
         if l["relation"] in (table, "public." + table)]
print("".join(w.capitalize() for w in locks[0]["mode"].split()) + "Lock" if locks else "none")' "$table")
  tl_assert_eq "$held" "$expected" "$sql: $held on $table"
}

check 'ALTER TABLE "User" ADD COLUMN c text DEFAULT now()' User
check 'ALTER TABLE "User" ALTER COLUMN n TYPE bigint' User
check 'ALTER TABLE "User" ADD CONSTRAINT k CHECK (n > 0) NOT VALID' User
check 'ALTER TABLE "User" VALIDATE CONSTRAINT "User_n_check"' User
check 'ALTER TABLE "Post" ADD CONSTRAINT f FOREIGN KEY ("authorId") REFERENCES "User"(id) NOT VALID' Post
check 'ALTER TABLE "Post" ADD CONSTRAINT f FOREIGN KEY ("authorId") REFERENCES "User"(id) NOT VALID' User
check 'ALTER TABLE "User" SET (fillfactor = 70)' User
check 'ALTER TABLE "User" DISABLE TRIGGER ALL' User
check 'CREATE INDEX i ON "User"(n)' User
check 'CREATE TRIGGER t BEFORE INSERT ON "User" FOR EACH ROW EXECUTE FUNCTION noop()' User
check 'UPDATE "User" SET n = n + 1 WHERE id < 10' User
check 'DELETE FROM "User" WHERE id = 1' User
check 'SELECT count(*) FROM "User"' User
check 'TRUNCATE "Post"' Post
check 'ALTER TABLE "User" RENAME COLUMN email TO mail' User
check 'REINDEX TABLE "User"' User
check 'LOCK TABLE "User" IN EXCLUSIVE MODE' User
check 'CLUSTER "User" USING "User_pkey"' User
check 'COMMENT ON COLUMN "User".email IS NULL' User
check 'WITH d AS (UPDATE "User" SET n = n + 1 WHERE id < 10 RETURNING id) SELECT count(*) FROM d' User
check 'DO $$BEGIN UPDATE "User" SET n = n + 1 WHERE id < 10; END$$' User

# A foreign key's validation reads the referenced table (ROW SHARE there),
# which the analyzer knows from the ADD in an earlier file.
tl_psql "$db" -c 'ALTER TABLE "Post" ADD CONSTRAINT g FOREIGN KEY ("authorId") REFERENCES "User"(id) NOT VALID'
held=$(tl_psql "$db" -c "BEGIN; ALTER TABLE \"Post\" VALIDATE CONSTRAINT g; SELECT mode FROM pg_locks
  WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = '\"User\"'::regclass; ROLLBACK;" | tail -1)
mkdir -p "$dir/fk/1_add" "$dir/fk/2_validate"
echo 'ALTER TABLE "Post" ADD CONSTRAINT g FOREIGN KEY ("authorId") REFERENCES "User"(id) NOT VALID;' > "$dir/fk/1_add/migration.sql"
echo 'ALTER TABLE "Post" VALIDATE CONSTRAINT g;' > "$dir/fk/2_validate/migration.sql"
said=$("$MIGC" explain --format json "$dir/fk" | python3 -c '
import json, sys
f = json.load(sys.stdin)["files"][-1]
print(" ".join(l["mode"] for s in f["statements"] for l in s["locks"] if l["relation"] == "User"))')
tl_assert_eq "$held" "RowShareLock" "VALIDATE of a foreign key holds ROW SHARE on the referenced table"
tl_assert_eq "$said" "ROW SHARE" "explain names it, knowing the key from the earlier file"

# Prisma sends the whole file as one query: psql -c does the same.
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/concurrently-in-transaction.bad.sql")"
tl_assert_contains "$TL_ERR" "cannot run inside a transaction block" "concurrently-in-transaction.bad fails in PostgreSQL"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/concurrently-in-transaction.good.sql")"
tl_assert_eq 0 "$TL_RC" "concurrently-in-transaction.good runs"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/adding-required-column.bad.sql")"
tl_assert_contains "$TL_ERR" "contains null values" "adding-required-column.bad fails on a table with rows"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/adding-required-column.good.sql")"
tl_assert_eq 0 "$TL_RC" "adding-required-column.good runs"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/vacuum-full.good.sql")"
tl_assert_eq 0 "$TL_RC" "vacuum-full.good runs alone"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "SET lock_timeout = '1s'; VACUUM \"User\";"
tl_assert_contains "$TL_ERR" "cannot run inside a transaction block" "VACUUM after a SET in the same file fails"

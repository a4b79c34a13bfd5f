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
check 'ALTER TABLE "User" ADD CONSTRAINT x EXCLUDE USING btree (n WITH =)' User
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
# A view's query is parsed, not run: ACCESS SHARE on what it names (rename table's view).
check 'CREATE VIEW "UserView" AS SELECT * FROM "User"' User

# Statements whose lock on another table only the earlier files tell: the
# setup runs as one migration, the statement as the next. pg_locks must show
# on $table the strongest mode explain names there for the second file.
n_ctx=0
check_after() {
  local setup=$1 sql=$2 table=$3 held said
  n_ctx=$((n_ctx + 1))
  local d="$dir/ctx$n_ctx"
  mkdir -p "$d/1_setup" "$d/2_next"
  printf '%s;\n' "$setup" > "$d/1_setup/migration.sql"
  printf '%s;\n' "$sql" > "$d/2_next/migration.sql"
  tl_psql "$db" -c "$setup"
  held=$(tl_psql "$db" -c "BEGIN; $sql; SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'
    AND relation = '\"$table\"'::regclass ORDER BY array_position(ARRAY['AccessShareLock','RowShareLock',
    'RowExclusiveLock','ShareUpdateExclusiveLock','ShareLock','ShareRowExclusiveLock','ExclusiveLock',
    'AccessExclusiveLock'], mode::text) DESC LIMIT 1; ROLLBACK;" | tail -1)
  held=${held:-none} # no row: no lock on the table
  said=$("$MIGC" explain --format json "$d" | python3 -c '
import json, sys
order = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
         "EXCLUSIVE", "ACCESS EXCLUSIVE"]
f = json.load(sys.stdin)["files"][-1]
modes = [l["mode"] for s in f["statements"] for l in s["locks"] if l["relation"] in (sys.argv[1], "public." + sys.argv[1])]
print("".join(w.capitalize() for w in max(modes, key=order.index).split()) + "Lock" if modes else "none")' "$table")
  tl_assert_eq "$said" "$held" "after an earlier file: $sql: $held on $table"
}

# A foreign key's validation reads the referenced table (ROW SHARE there).
check_after 'ALTER TABLE "Post" ADD CONSTRAINT g FOREIGN KEY ("authorId") REFERENCES "User"(id) NOT VALID' \
  'ALTER TABLE "Post" VALIDATE CONSTRAINT g' User
# A foreign key that goes takes ACCESS EXCLUSIVE on the referenced table:
# dropped by name, with its column (declared on the column, named by
# PostgreSQL), or with its table.
check_after 'CREATE TABLE "A" (id int PRIMARY KEY); CREATE TABLE "B" (id int, a int);
  ALTER TABLE "B" ADD CONSTRAINT "B_a_fkey" FOREIGN KEY (a) REFERENCES "A"(id)' \
  'ALTER TABLE "B" DROP CONSTRAINT "B_a_fkey"' A
check_after 'CREATE TABLE "C" (id int, a int REFERENCES "A"(id))' 'ALTER TABLE "C" DROP COLUMN a' A
# DROP INDEX takes ACCESS EXCLUSIVE on the index's table (the rule
# drop-index-non-concurrently): the table is known from the file that built it.
check_after 'CREATE TABLE "Ix" (id int, n int); CREATE INDEX "Ix_n_idx" ON "Ix"(n)' 'DROP INDEX "Ix_n_idx"' Ix
check_after 'CREATE TABLE "D" (id int, a int, CONSTRAINT "D_fk" FOREIGN KEY (a) REFERENCES "A"(id))' 'DROP TABLE "D"' A
# Dropping a view locks the view alone, not the table it reads (rename table's contract).
check_after 'CREATE VIEW "PostView" AS SELECT * FROM "Post"' 'DROP VIEW "PostView"' Post

# Prisma sends the whole file as one query: psql -c does the same.
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/concurrently-in-transaction.bad.sql")"
tl_assert_contains "$TL_ERR" "cannot run inside a transaction block" "concurrently-in-transaction.bad fails in PostgreSQL"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/concurrently-in-transaction.good.sql")"
tl_assert_eq 0 "$TL_RC" "concurrently-in-transaction.good runs"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/adding-required-column.bad.sql")"
tl_assert_contains "$TL_ERR" "contains null values" "adding-required-column.bad fails on a table with rows"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/adding-required-column.good.sql")"
tl_assert_eq 0 "$TL_RC" "adding-required-column.good runs"
# adding-exclusion-constraint's claim: no way around the lock (NOT VALID and USING INDEX are refused).
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c 'ALTER TABLE "User" ADD CONSTRAINT x EXCLUDE USING btree (n WITH =) NOT VALID'
tl_assert_contains "$TL_ERR" "cannot be marked NOT VALID" "PostgreSQL refuses EXCLUDE … NOT VALID"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c 'CREATE INDEX x_n ON "User"(n); ALTER TABLE "User" ADD CONSTRAINT x EXCLUDE USING INDEX x_n'
tl_assert_eq 1 "$TL_RC" "and has no EXCLUDE USING INDEX"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "$(cat "$MIGPLAN_SOURCE_DIR/tests/lint/vacuum-full.good.sql")"
tl_assert_eq 0 "$TL_RC" "vacuum-full.good runs alone"
tl_run psql -X -d "$db" -v ON_ERROR_STOP=1 -c "SET lock_timeout = '1s'; VACUUM \"User\";"
tl_assert_contains "$TL_ERR" "cannot run inside a transaction block" "VACUUM after a SET in the same file fails"

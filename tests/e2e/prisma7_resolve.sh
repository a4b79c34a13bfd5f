#!/usr/bin/env bash
# A failed migration and `migrate resolve` between the real Prisma 7.10.1 CLI
# (tests/prisma7) and migrun, on twin databases: each tool's failed row is the
# other's failed row (both refuse to go on, both name it); `prisma migrate
# resolve --rolled-back` and `migrun resolve --rolled-back` write the same
# (rolled_back_at set, nothing else touched), and each tool then re-applies
# the fixed migration as a new row after the other's resolve; both refuse to
# roll back a migration that did not fail; `resolve --applied` writes the
# same row under both, running nothing.
#
# The stand-in runs a file as one query (one implicit transaction), as 6.19
# does; under 7.x's native split execution the CREATE TABLE before the failing
# statement would stay (tests/prisma7/README.md). "Nothing of it stayed" below
# is the stand-in's model, the one migrun shares.
source "$(dirname "$0")/../lib/testlib.sh"

mig=$(tl_tmpdir)
mkdir "$mig/20240101000000_a" "$mig/20240102000000_b"
printf 'provider = "postgresql"\n' > "$mig/migration_lock.toml"
echo 'CREATE TABLE "a" ("id" INT PRIMARY KEY);' > "$mig/20240101000000_a/migration.sql"
printf 'CREATE TABLE "b" ("id" INT);\nSELECT 1/0;\n' > "$mig/20240102000000_b/migration.sql"
b=20240102000000_b

shape() { # DB NAME: a row as two runs can agree on it (ids, times and the error's wording differ)
  tl_psql "$1" -c "SELECT migration_name, checksum, finished_at IS NOT NULL, applied_steps_count, rolled_back_at IS NOT NULL,
                          CASE WHEN logs IS NULL THEN 'null' WHEN logs = '' THEN 'empty'
                               WHEN logs LIKE '%division by zero%' THEN 'error' ELSE 'other' END
                   FROM _prisma_migrations WHERE migration_name = '$2' ORDER BY started_at"
}
row() { # DB NAME: the whole row but rolled_back_at
  tl_psql "$1" -c "SELECT id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count
                   FROM _prisma_migrations WHERE migration_name = '$2'"
}
pending_list() { sed -n '/have not yet been applied:/,/^$/p' <<<"$1" | sed '1d;/^$/d'; }

# --- the failure, each tool on its own database ---
dbp=$(tl_newdb p7_failed); urlp=$(tl_url "$dbp")
tl_run tl_prisma7 "$mig" "$urlp" migrate deploy
tl_assert_eq 1 "$TL_RC" "prisma 7 migrate deploy: a failing migration, exit 1"
tl_assert_contains "$TL_ERR" "ERROR: division by zero" "it shows PostgreSQL's error"
tl_assert_contains "$TL_ERR" "migration_name=\"$b\"" "and names the migration"
tl_assert_eq 0 "$(tl_psql "$dbp" -c "SELECT count(*) FROM pg_class WHERE relname = 'b'")" "nothing of it stayed (one implicit transaction)"
dbm=$(tl_newdb m_failed); urlm=$(tl_url "$dbm")
tl_run "$MIGRUN" apply -d "$mig" --database-url "$urlm"
tl_assert_eq 1 "$TL_RC" "migrun apply: the same migration fails, exit 1"
want="$b|$(sha256sum "$mig/$b/migration.sql" | cut -d' ' -f1)|f|0|f|error"
tl_assert_eq "$want" "$(shape "$dbp" "$b")" "Prisma 7's failed row: not finished, 0 steps, not rolled back, the error in logs"
tl_assert_eq "$want" "$(shape "$dbm" "$b")" "migrun's failed row is the same"

# --- each reads the other's failed row ---
tl_run "$MIGRUN" status -d "$mig" --database-url "$urlp" --json
tl_assert_eq "5 1 failed" "$TL_RC $(jq -r --arg b "$b" '"\(.failed) \(.steps[] | select(.id == $b) | .state)"' <<<"$TL_OUT")" \
  "migrun status on Prisma 7's database: $b failed (exit 5)"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$urlp"
tl_assert_eq 5 "$TL_RC" "migrun apply refuses to go on past Prisma 7's failed row (exit 5)"
tl_run tl_prisma7 "$mig" "$urlm" migrate deploy
tl_assert_eq 1 "$TL_RC" "prisma 7 migrate deploy refuses to go on past migrun's failed row (exit 1)"
tl_assert_contains "$TL_ERR" "P3009" "with P3009"
tl_assert_contains "$TL_ERR" "The \`$b\` migration started at" "naming it"
tl_run tl_prisma7 "$mig" "$urlm" migrate status
tl_assert_eq 1 "$TL_RC" "prisma 7 migrate status on migrun's database: exit 1"
tl_assert_contains "$TL_ERR" "Following migration have failed:
$b" "it lists $b as failed (on stderr)"
tl_assert_contains "$TL_ERR" "prisma migrate resolve --rolled-back \"$b\"" "and says how to resolve it"

# --- neither rolls back a migration that did not fail ---
tl_run tl_prisma7 "$mig" "$urlp" migrate resolve --rolled-back 20240101000000_a
tl_assert_eq 1 "$TL_RC" "prisma 7 migrate resolve --rolled-back of an applied migration: exit 1"
tl_assert_contains "$TL_ERR" "P3012" "P3012 (not in a failed state)"
tl_run "$MIGRUN" resolve -d "$mig" --database-url "$urlm" --rolled-back 20240101000000_a
tl_assert_eq 5 "$TL_RC" "migrun resolve --rolled-back of an applied migration: exit 5"
tl_assert_eq "0 0" "$(tl_psql "$dbp" -c "SELECT count(*) FROM _prisma_migrations WHERE rolled_back_at IS NOT NULL") $(tl_psql "$dbm" -c "SELECT count(*) FROM _prisma_migrations WHERE rolled_back_at IS NOT NULL")" \
  "both left the ledger alone"

# --- resolve --rolled-back: the same write ---
before_p=$(row "$dbp" "$b"); before_m=$(row "$dbm" "$b")
tl_run tl_prisma7 "$mig" "$urlp" migrate resolve --rolled-back "$b"
tl_assert_eq 0 "$TL_RC" "prisma 7 migrate resolve --rolled-back $b"
tl_assert_contains "$TL_OUT" "Migration $b marked as rolled back." "it says so"
tl_run "$MIGRUN" resolve -d "$mig" --database-url "$urlm" --rolled-back "$b"
tl_assert_eq 0 "$TL_RC" "migrun resolve --rolled-back $b"
tl_assert_eq "$before_p" "$(row "$dbp" "$b")" "Prisma 7's resolve changed nothing in the row but rolled_back_at"
tl_assert_eq "$before_m" "$(row "$dbm" "$b")" "nor did migrun's"
want="$b|$(sha256sum "$mig/$b/migration.sql" | cut -d' ' -f1)|f|0|t|error"
tl_assert_eq "$want $want" "$(shape "$dbp" "$b") $(shape "$dbm" "$b")" "both rows now rolled back, the same way"
tl_assert_eq "t" "$(tl_psql "$dbp" -c "SELECT rolled_back_at >= started_at FROM _prisma_migrations WHERE migration_name = '$b'")" \
  "Prisma 7's rolled_back_at is a time after the start"

# --- each carries on after the other's resolve ---
tl_run "$MIGRUN" status -d "$mig" --database-url "$urlp" --json
tl_assert_eq "3 1 rolled_back" "$TL_RC $(jq -r --arg b "$b" '"\(.pending) \(.steps[] | select(.id == $b) | .state)"' <<<"$TL_OUT")" \
  "migrun status after Prisma 7's resolve: $b rolled back, pending again (exit 3)"
tl_run tl_prisma7 "$mig" "$urlm" migrate status
tl_assert_eq "1 $b" "$TL_RC $(pending_list "$TL_OUT")" "prisma 7 migrate status after migrun's resolve: $b not yet applied (exit 1)"
printf 'CREATE TABLE "b" ("id" INT);\n' > "$mig/$b/migration.sql"
tl_run tl_prisma7 "$mig" "$urlm" migrate deploy
tl_assert_eq 0 "$TL_RC" "prisma 7 migrate deploy applies the fixed $b after migrun's resolve"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$urlp"
tl_assert_eq 0 "$TL_RC" "migrun apply applies the fixed $b after Prisma 7's resolve"
fixed=$(sha256sum "$mig/$b/migration.sql" | cut -d' ' -f1)
old=$(printf 'CREATE TABLE "b" ("id" INT);\nSELECT 1/0;\n' | sha256sum | cut -d' ' -f1)
want="$b|$old|f|0|t|error
$b|$fixed|t|1|f|null"
tl_assert_eq "$want" "$(shape "$dbp" "$b")" "Prisma 7's database: the rolled-back row stays, migrun's new row is finished"
tl_assert_eq "$want" "$(shape "$dbm" "$b")" "migrun's database: the same two rows, the new one Prisma 7's"
for db in "$dbp" "$dbm"; do
  tl_run "$MIGRUN" status -d "$mig" --database-url "$(tl_url "$db")"
  tl_assert_eq 0 "$TL_RC" "migrun status: up to date ($db)"
  tl_run tl_prisma7 "$mig" "$(tl_url "$db")" migrate status
  tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma 7 migrate status: up to date ($db)"
done

# --- resolve --applied: recorded, not run, the same row ---
c=20240103000000_c
mkdir "$mig/$c" && echo 'CREATE TABLE "c" ("id" INT);' > "$mig/$c/migration.sql"
tl_run tl_prisma7 "$mig" "$urlp" migrate resolve --applied "$c"
tl_assert_eq 0 "$TL_RC" "prisma 7 migrate resolve --applied $c"
tl_assert_contains "$TL_OUT" "Migration $c marked as applied." "it says so"
tl_run "$MIGRUN" resolve -d "$mig" --database-url "$urlm" --applied "$c"
tl_assert_eq 0 "$TL_RC" "migrun resolve --applied $c"
want="$c|$(sha256sum "$mig/$c/migration.sql" | cut -d' ' -f1)|t|0|f|empty"
tl_assert_eq "$want" "$(shape "$dbp" "$c")" "Prisma 7's row: finished, 0 steps, logs '' (not NULL)"
tl_assert_eq "$want" "$(shape "$dbm" "$c")" "migrun's row is the same"
same="SELECT started_at = finished_at FROM _prisma_migrations WHERE migration_name = '$c'"
tl_assert_eq "t t" "$(tl_psql "$dbp" -c "$same") $(tl_psql "$dbm" -c "$same")" "both with started_at = finished_at"
tl_assert_eq "0 0" "$(tl_psql "$dbp" -c "SELECT count(*) FROM pg_class WHERE relname = 'c'") $(tl_psql "$dbm" -c "SELECT count(*) FROM pg_class WHERE relname = 'c'")" \
  "neither ran the migration"
tl_run "$MIGRUN" status -d "$mig" --database-url "$urlp"
tl_assert_eq 0 "$TL_RC" "migrun status after Prisma 7's resolve --applied: up to date"
tl_run tl_prisma7 "$mig" "$urlm" migrate deploy
tl_assert_contains "$TL_OUT" "No pending migrations to apply." "prisma 7 migrate deploy after migrun's resolve --applied: nothing to apply"

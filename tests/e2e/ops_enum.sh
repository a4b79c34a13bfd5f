#!/usr/bin/env bash
# Enum values (issue 15, item 4): `enum … add value` and `enum … rename
# value` compiled, applied by migrun on a 100k-row table whose column uses the
# type, the catalog (pg_enum) and the data checked, and rolled back: an added
# value goes only when no row uses it (the DOWN re-creates the type, and
# pg_dump --schema-only is then what it was before), and refuses with a clear
# message, changing nothing, while a row does. The compiled SQL lints clean,
# and explain's locks match pg_locks: EXCLUSIVE on the type object, no lock on
# the table.
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
mig=$work/prisma/migrations
mkdir -p "$mig/20240101000000_baseline"
cat > "$mig/20240101000000_baseline/migration.sql" <<'EOF'
CREATE TYPE "Role" AS ENUM ('user', 'admin');
CREATE TABLE "User" (id serial PRIMARY KEY, email text NOT NULL, role "Role" NOT NULL DEFAULT 'user');
CREATE INDEX "User_role_idx" ON "User"(role);
EOF
# The value, then a column whose default uses it: the enum step commits the
# value before the expand that names it (PostgreSQL refuses a value used in
# the transaction that added it). Then a rename, in a lifecycle of its own.
cat > "$work/prisma/roles.mig" <<'EOF'
lifecycle role_moderator at 20250301120000 on "User" {
  enum "Role" add value 'moderator' after 'user';
  add level "Role" default 'moderator';
}
EOF
cat > "$work/prisma/rename.mig" <<'EOF'
lifecycle role_rename at 20250302120000 on "User" {
  enum "Role" rename value 'admin' to 'administrator';
}
EOF
cd "$work"
tl_run "$MIGC" compile prisma/roles.mig prisma/rename.mig -o "$mig"
tl_assert_eq 0 "$TL_RC" "the spec compiles"
enum_step=20250301120000_role_moderator_enum_role
expand_step=20250301120001_role_moderator_expand
rename_step=20250302120000_role_rename_enum_role
tl_assert_eq "$enum_step $expand_step $rename_step" "$(cd "$mig" && ls -d 2025* | tr '\n' ' ' | sed 's/ $//')" \
  "the value's step comes before the expand, the rename in a step of its own"
tl_assert_contains "$(cat "$mig/$enum_step/migration.sql")" "-- locks: EXCLUSIVE on type \"Role\"" \
  "the enum step's header names the type's lock"
tl_assert_contains "$(cat "$mig/$enum_step/migration.sql")" "-- locks: no table locks" \
  "and says it takes no table lock"
tl_assert_eq "[]" "$(python3 -c 'import json,sys; print(json.dumps([s["locks"] for s in json.load(open(sys.argv[1]))["steps"] if s["id"] == sys.argv[2]][0]))' "$mig/migplan.manifest.json" "$enum_step")" \
  "the manifest's locks (table locks) are empty for the enum step"
tl_assert_contains "$(cat "$mig/$enum_step/down.sql")" "-- WARNING: PostgreSQL cannot drop an enum value" \
  "the DOWN of an added value warns that it re-creates the type"

tl_run "$MIGC" lint --format json "$mig"
tl_assert_eq 0 "$TL_RC" "lint exits 0"
tl_assert_eq "[]" "$(printf '%s' "$TL_OUT" | python3 -c 'import json,sys; print(json.dumps([f["rule"] for f in json.load(sys.stdin)["findings"]]))')" \
  "lint finds nothing in the compiled steps"

db=$(tl_newdb ops_enum)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null
tl_psql "$db" -c "INSERT INTO \"User\"(email, role) SELECT 'u' || g, CASE WHEN g % 10 = 0 THEN 'admin' ELSE 'user' END::\"Role\"
  FROM generate_series(1, 100000) g"
schema() { pg_dump --schema-only --no-owner --restrict-key=migplan -d "$1"; }
schema "$db" > "$work/before.sql"
labels() { tl_psql "$db" -c "SELECT string_agg(enumlabel, ' ' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = '\"Role\"'::regtype"; }
relfile() { tl_psql "$db" -c "SELECT relfilenode FROM pg_class WHERE oid = '\"User\"'::regclass"; }

# --- explain's locks against pg_locks, on the statement the step runs ---
held=$(tl_psql "$db" -c "BEGIN; ALTER TYPE \"Role\" ADD VALUE 'probe'; SELECT string_agg(locktype || ':' || mode, ' ' ORDER BY locktype)
  FROM pg_locks WHERE pid = pg_backend_pid() AND ((locktype = 'object' AND classid = 'pg_type'::regclass
  AND objid = '\"Role\"'::regtype) OR (locktype = 'relation' AND relation = '\"User\"'::regclass)); ROLLBACK;" | tail -1)
said=$("$MIGC" explain --format json "$mig/$enum_step/migration.sql" | python3 -c '
import json, sys
locks = [l for s in json.load(sys.stdin)["files"][0]["statements"] for l in s["locks"]]
print(" ".join(("object" if l["object"] == "type" else "relation") + ":" + "".join(w.capitalize() for w in l["mode"].split()) + "Lock"
               for l in locks if l["relation"] in ("Role", "User", "public.Role", "public.User")))')
tl_assert_eq "object:ExclusiveLock" "$held" "PostgreSQL: ADD VALUE takes ExclusiveLock on the type and nothing on \"User\""
tl_assert_eq "$held" "$said" "explain names the same lock on the type, and none on the table"
held=$(tl_psql "$db" -c "BEGIN; ALTER TYPE \"Role\" RENAME VALUE 'admin' TO 'probe'; SELECT string_agg(locktype || ':' || mode, ' ')
  FROM pg_locks WHERE pid = pg_backend_pid() AND ((locktype = 'object' AND classid = 'pg_type'::regclass
  AND objid = '\"Role\"'::regtype) OR (locktype = 'relation' AND relation = '\"User\"'::regclass)); ROLLBACK;" | tail -1)
said=$("$MIGC" explain --format json "$mig/$rename_step/migration.sql" | python3 -c '
import json, sys
locks = [l for s in json.load(sys.stdin)["files"][0]["statements"] for l in s["locks"]]
print(" ".join(l["object"] + ":" + l["mode"] + ":" + l["relation"] for l in locks))')
tl_assert_eq "object:ExclusiveLock" "$held" "PostgreSQL: RENAME VALUE takes ExclusiveLock on the type and nothing on \"User\""
tl_assert_eq "type:EXCLUSIVE:Role" "$said" "explain says EXCLUSIVE on type Role for the rename"
tl_assert_eq "user admin" "$(labels)" "the probes left the type as it was"

# --- apply ---
before_file=$(relfile)
# one lifecycle per deploy (the max_pending gate), as a team ships them: the
# folder of the first deploy holds the first lifecycle only
first=$work/first/migrations
mkdir -p "$first"
cp -r "$mig/20240101000000_baseline" "$first/"
"$MIGC" compile prisma/roles.mig -o "$first" >/dev/null
tl_run "$MIGRUN" apply -d "$first" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "migrun applies the value's step and the expand"
[ "$TL_RC" = 0 ] || printf '%s\n' "$TL_ERR" | tail -5
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "then the rename"
[ "$TL_RC" = 0 ] || printf '%s\n' "$TL_ERR" | tail -5
tl_assert_eq "user moderator administrator" "$(labels)" "pg_enum: moderator after user, admin renamed"
tl_assert_eq "$before_file" "$(relfile)" "nothing rewrote \"User\""
tl_assert_eq "100000 10000 100000" "$(tl_psql "$db" -c "SELECT count(*), count(*) FILTER (WHERE role = 'administrator'),
  count(*) FILTER (WHERE level = 'moderator') FROM \"User\"" | tr '|' ' ')" \
  "the rows keep their values under the new label, and read the new column's default"
tl_run tl_psql "$db" -c "INSERT INTO \"User\"(email, role) VALUES ('new', 'moderator')"
tl_assert_eq 0 "$TL_RC" "an insert of the new value works after apply"

# --- rollback: the rename, then the column ---
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes --steps 2
tl_assert_eq 0 "$TL_RC" "the rename and the expand roll back"
tl_assert_eq "user moderator admin" "$(labels)" "the rename's DOWN renames the value back"

# --- rollback of the value while a row uses it: refused, nothing changed ---
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes --steps 1
tl_assert_eq 1 "$([ "$TL_RC" != 0 ] && echo 1 || echo 0)" "the rollback of the value fails while a row uses it"
tl_assert_contains "$TL_ERR$TL_OUT" "cannot remove value 'moderator' from type \"Role\": rows of \"User\" use it in column role" \
  "and says which value, type, table and column"
tl_assert_eq "user moderator admin" "$(labels)" "the type still has the value"
tl_assert_eq "$before_file" "$(relfile)" "the table was not rewritten"
tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '$enum_step' AND rolled_back_at IS NULL AND finished_at IS NOT NULL")" \
  "the step is still applied in the ledger"

# --- with no row using it: the type is re-created without it ---
tl_psql "$db" -c "DELETE FROM \"User\" WHERE email = 'new'"
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes --steps 1
tl_assert_eq 0 "$TL_RC" "with no row using the value, its rollback succeeds"
[ "$TL_RC" = 0 ] || printf '%s\n' "$TL_ERR" | tail -5
tl_assert_eq "user admin" "$(labels)" "pg_enum: the value is gone"
tl_assert_eq "100000 10000" "$(tl_psql "$db" -c "SELECT count(*), count(*) FILTER (WHERE role = 'admin') FROM \"User\"" | tr '|' ' ')" \
  "every row keeps its value"
schema "$db" > "$work/after.sql"
tl_run diff "$work/before.sql" "$work/after.sql"
tl_assert_eq 0 "$TL_RC" "pg_dump --schema-only equals the state before apply"
[ "$TL_RC" = 0 ] || printf '%s\n' "$TL_OUT" | head -20
tl_run tl_psql "$db" -c "INSERT INTO \"User\"(email) VALUES ('default')"
tl_assert_eq 0 "$TL_RC" "the column's default works with the re-created type"

# --- the checker ---
cat > "$work/bad.mig" <<'EOF'
lifecycle bad at 20250401120000 on "User" {
  enum "Role" add value 'x' after 'x';
  enum "Role" add value 'y';
  enum "Role" add value 'y';
  enum "Role" rename value 'z' to 'z';
}
EOF
tl_run "$MIGC" compile "$work/bad.mig" -o "$(tl_tmpdir)"
tl_assert_contains "$TL_ERR" "enum value 'x' placed after itself" "a value placed after itself is an error"
tl_assert_contains "$TL_ERR" "enum value 'y' of \"Role\" is already added in this lifecycle" "a value added twice is an error"
tl_assert_contains "$TL_ERR" "enum value 'z' renamed to itself" "a value renamed to itself is an error"

# sql items keep their place around an enum item: one before it runs before
# its step (the type it adds to), one after it after the value is committed
cat > "$work/order.mig" <<'EOF2'
lifecycle order at 20250501120000 on "User" {
  sql mk up $$ CREATE TYPE "Kind" AS ENUM ('a') $$ down $$ DROP TYPE "Kind" $$;
  enum "Kind" add value 'b';
  sql use up $$ ALTER TABLE "User" ADD COLUMN kind "Kind" DEFAULT 'b' $$ down $$ ALTER TABLE "User" DROP COLUMN kind $$;
}
EOF2
out=$(tl_tmpdir)
"$MIGC" compile "$work/order.mig" -o "$out" >/dev/null
tl_assert_eq "20250501120000_order_sql_mk 20250501120001_order_enum_kind 20250501120002_order_sql_use" \
  "$(cd "$out" && ls -d 2025* | tr '\n' ' ' | sed 's/ $//')" "an sql item before the enum item runs before its step, one after it after"

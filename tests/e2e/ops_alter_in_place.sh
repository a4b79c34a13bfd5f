#!/usr/bin/env bash
# The alter item (issue 15, item 2): columns changed in place. A spec widens
# varchar(20) to varchar(50), varchar(10) to text and numeric(10,2) to
# numeric(12,2), drops a NOT NULL, sets and drops defaults and sets a comment,
# all in one expand step, on a 100k-row table. The widening rewrites nothing
# (relfilenode unchanged), the catalog says what the spec says, explain names
# the locks pg_locks shows, the UP lints clean and the DOWN's narrowing is
# flagged (a WARNING line and a lint finding); a value the old type cannot hold
# makes the rollback fail as a whole, and once it is gone the rollback brings
# back the schema pg_dump showed before. A type change that is not in place is
# a located compile error that points to retype.
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
cd "$work"
mig=prisma/migrations
mkdir -p "$mig/20240101000000_baseline"
cp "$MIGPLAN_SOURCE_DIR/examples/user_status/prisma/migrations/migration_lock.toml" "$mig/"
cat > "$mig/20240101000000_baseline/migration.sql" <<'SQL'
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "email" VARCHAR(20) NOT NULL,
    "note" VARCHAR(10),
    "amount" NUMERIC(10,2),
    "status" TEXT DEFAULT 'new',
    "kind" TEXT,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "T_email_idx" ON "T"("email");
SQL
cat > prisma/alter.mig <<'MIG'
lifecycle widen at 20250101120000 on "T" {
  alter email as varchar(20) not null to varchar(50) null;
  alter note as varchar(10) to text comment 'free text';
  alter amount as numeric(10,2) to numeric(12,2);
  alter status as text default 'new' to text no default;
  alter kind as text to text default 'plain';
}
MIG
tl_run "$MIGC" compile prisma/alter.mig -o "$mig"
tl_assert_eq 0 "$TL_RC" "the spec compiles"
step=20250101120000_widen_expand
tl_assert_eq "$step" "$(cd "$mig" && ls -d 2025*)" "into one expand step"
tl_assert_contains "$(cat "$mig/$step/migration.sql")" \
  "In place: varchar(20) to varchar(50): the length limit only grows. Metadata only: no rewrite, no scan." \
  "the step says why the widening is in place"

tl_run "$MIGC" lint "$mig/$step/migration.sql"
tl_assert_eq 0 "$TL_RC" "the UP lints clean"
tl_assert_contains "$TL_OUT$TL_ERR" "0 errors, 0 warnings" "with no finding"
down=$(cat "$mig/$step/down.sql")
tl_assert_contains "$down" '-- WARNING: changes "email" back to varchar(20): rewrites the table' "the DOWN flags the narrowing"
tl_assert_contains "$down" '-- WARNING: sets NOT NULL on "email" again' "and the NOT NULL that comes back"
tl_run "$MIGC" lint "$mig/$step/down.sql"
tl_assert_contains "$TL_OUT$TL_ERR" '[changing-column-type] changing the type of "T"."email"' "lint reports the DOWN's narrowing"
tl_assert_contains "$TL_OUT$TL_ERR" '[setting-not-null] SET NOT NULL on "T"."email"' "and its SET NOT NULL"

db=$(tl_newdb alter_in_place)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null
tl_psql "$db" -c "INSERT INTO \"T\" SELECT g, 'u' || g, 'n' || (g % 100), g / 7.0, NULL, NULL FROM generate_series(1, 100000) g"
tl_psql "$db" -c 'ANALYZE "T"'

schema() { pg_dump --schema-only --no-owner --restrict-key=migplan -d "$db"; }
relfile() { tl_psql "$db" -c "SELECT relfilenode FROM pg_class WHERE oid = '\"${1:-T}\"'::regclass"; }
strongest() { # the strongest lock the file's statements take on "T", run in a transaction that is rolled back
  tl_psql "$db" -c "BEGIN;" -c "$(cat "$1")" -c "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid()
    AND locktype = 'relation' AND relation = '\"T\"'::regclass ORDER BY array_position(ARRAY['AccessShareLock',
    'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock',
    'ExclusiveLock', 'AccessExclusiveLock'], mode::text) DESC LIMIT 1;" -c "ROLLBACK;" | tail -1
}
said() { # the strongest lock explain names on "T" for the file
  "$MIGC" explain --format json "$1" | python3 -c '
import json, sys
order = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
         "EXCLUSIVE", "ACCESS EXCLUSIVE"]
f = json.load(sys.stdin)["files"][-1]
modes = [l["mode"] for s in f["statements"] for l in s["locks"] if l["relation"] in ("T", "public.T")]
print("".join(w.capitalize() for w in max(modes, key=order.index).split()) + "Lock" if modes else "none")'
}
tl_assert_eq "$(strongest "$mig/$step/migration.sql")" "$(said "$mig/$step/migration.sql")" \
  "explain names the lock PostgreSQL takes on \"T\" for the UP"
tl_assert_eq AccessExclusiveLock "$(said "$mig/$step/migration.sql")" "ACCESS EXCLUSIVE (ALTER COLUMN TYPE, even in place)"

before=$(schema)
file_before=$(relfile)
index_before=$(relfile T_email_idx)
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "migrun applies the step"
tl_assert_eq "$file_before" "$(relfile)" "no rewrite: the table's relfilenode is unchanged"
tl_assert_eq "$index_before" "$(relfile T_email_idx)" "nor the index on the widened column (not rebuilt)"
tl_assert_eq "email|character varying|50|YES|
note|text||YES|
amount|numeric|12,2|YES|
status|text||YES|
kind|text||YES|'plain'::text" \
  "$(tl_psql "$db" -c "SELECT column_name, data_type, coalesce(character_maximum_length::text,
      numeric_precision || ',' || numeric_scale, ''), is_nullable, coalesce(column_default, '')
    FROM information_schema.columns WHERE table_name = 'T' AND column_name <> 'id' ORDER BY ordinal_position")" \
  "the catalog has the new types, nullability and defaults"
tl_assert_eq "free text" "$(tl_psql "$db" -c "SELECT col_description('\"T\"'::regclass, 3)")" "and the comment"
tl_assert_eq "100000 u7 14285.71" "$(tl_psql "$db" -c "SELECT count(*), min(email) FILTER (WHERE id = 7), max(amount) FILTER (WHERE id = 100000) FROM \"T\"" | tr '|' ' ')" \
  "the data is untouched"
tl_assert_eq "$(strongest "$mig/$step/down.sql")" "$(said "$mig/$step/down.sql")" \
  "explain names the lock PostgreSQL takes on \"T\" for the DOWN"

# What the wider column allows comes back only if the narrower one can hold it.
tl_psql "$db" -c "INSERT INTO \"T\"(id, email) VALUES (0, repeat('x', 30))"
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes
tl_assert_eq 1 "$TL_RC" "the rollback fails while a row holds 30 characters"
tl_assert_contains "$TL_ERR" "value too long for type character varying(20)" "and says why"
tl_assert_eq "50" "$(tl_psql "$db" -c "SELECT character_maximum_length FROM information_schema.columns WHERE table_name = 'T' AND column_name = 'email'")" \
  "all or nothing: the column is still varchar(50)"
tl_psql "$db" -c 'DELETE FROM "T" WHERE id = 0'
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes
tl_assert_eq 0 "$TL_RC" "the rollback goes through once the long value is gone"
tl_assert_eq "$before" "$(schema)" "the schema is what it was before (pg_dump --schema-only identical)"

# A type change that is not in place: a located error that points to retype.
printf 'lifecycle bad at 20250101130000 on "T" {\n  alter amount as numeric(10,2) to integer;\n}\n' > prisma/bad.mig
tl_run "$MIGC" compile prisma/bad.mig -o "$work/out"
tl_assert_eq 1 "$TL_RC" "a rewriting type change does not compile"
tl_assert_contains "$TL_ERR" "bad.mig:2:36: error: numeric(10,2) to integer rewrites the table and its indexes: not in place" \
  "the error is at the new type"
tl_assert_contains "$TL_ERR" "use \`retype\` instead" "and says to use retype"

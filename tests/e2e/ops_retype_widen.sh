#!/usr/bin/env bash
# A retype that only widens (issue 15, item 2): `retype email as varchar(20)
# to email as varchar(50)` keeps the column's name, so it is the in-place
# change alter makes (no new column, no window, no @map). On a 100k-row table
# the apply rewrites nothing (the table's and its index's relfilenode are
# unchanged), the step header and `migc explain` (of the spec, of the step in
# its folder) say "in place (catalog only)" and name the lock pg_locks shows,
# the UP lints clean, the DOWN (a narrowing) is flagged and rolls back to the
# schema pg_dump showed before. A retype to a new name stays "through a new
# column" (ADD COLUMN, sync trigger), with a note that the same name would be in
# place; a same-name retype PostgreSQL cannot make in place is a located error.
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

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "T_email_idx" ON "T"("email");
SQL
cat > prisma/widen.mig <<'MIG'
lifecycle widen at 20250101120000 on "T" {
  retype email as varchar(20) not null to email as varchar(50) not null;
}
MIG
tl_run "$MIGC" compile prisma/widen.mig -o "$mig"
tl_assert_eq 0 "$TL_RC" "the spec compiles"
tl_assert_eq "" "$TL_ERR" "with no note (nothing is dropped implicitly)"
step=20250101120000_widen_expand
tl_assert_eq "$step" "$(cd "$mig" && ls -d 2025*)" "into one expand step: no backfill, no contract"
up=$(cat "$mig/$step/migration.sql")
tl_assert_contains "$up" '-- locks: ACCESS EXCLUSIVE on "T" (brief: catalog only)' "the header says catalog only"
tl_assert_not_contains "$up" "rewritten" "and not that rows are rewritten"
tl_assert_contains "$up" 'ALTER TABLE "T" ALTER COLUMN "email" TYPE varchar(50);' "the UP changes the type in place"
tl_assert_not_contains "$up" "ADD COLUMN" "with no new column"
tl_assert_contains "$up" "In place: varchar(20) to varchar(50): the length limit only grows." "and says why"
down=$(cat "$mig/$step/down.sql")
tl_assert_contains "$down" '-- WARNING: changes "email" back to varchar(20): rewrites the table' "the DOWN flags the narrowing"
tl_assert_contains "$down" '-- locks: ACCESS EXCLUSIVE on "T" (held while every row is rewritten: blocks reads and writes)' \
  "and its header says it rewrites"
tl_run "$MIGC" lint "$mig/$step/migration.sql"
tl_assert_eq 0 "$TL_RC" "the UP lints clean"
tl_run "$MIGC" lint "$mig/$step/down.sql"
tl_assert_contains "$TL_OUT$TL_ERR" '[changing-column-type] changing the type of "T"."email"' "lint reports the DOWN's narrowing"

tl_run "$MIGC" explain prisma/widen.mig
tl_assert_contains "$TL_OUT" "in place (catalog only: no rewrite, no scan): the length limit only grows" \
  "explain of the spec says in place"
tl_assert_not_contains "$TL_OUT" "full rewrite" "and no rewrite"
tl_run "$MIGC" explain "$mig"
tl_assert_contains "$TL_OUT" "in place (catalog only: no rewrite, no scan): the length limit only grows" \
  "explain of the folder says it too (the baseline's CREATE TABLE gives the type before)"
explain_json=$("$MIGC" explain --format json "$mig" "$mig/$step/down.sql")
tl_assert_eq "metadata full rewrite" "$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
out = []
for f in d["files"][1:]:
    for s in f["statements"]:
        if "ALTER COLUMN" in s["sql"]:
            out += [l["duration"] for l in s["locks"]]
print(" ".join(out))' "$explain_json")" "explain's json: the UP is metadata, the DOWN (a narrowing) a full rewrite"

db=$(tl_newdb retype_widen)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null
tl_psql "$db" -c "INSERT INTO \"T\" SELECT g, 'u' || g FROM generate_series(1, 100000) g"
tl_psql "$db" -c 'ANALYZE "T"'
schema() { pg_dump --schema-only --no-owner --restrict-key=migplan -d "$db"; }
relfile() { tl_psql "$db" -c "SELECT relfilenode FROM pg_class WHERE oid = '\"${1:-T}\"'::regclass"; }
held() { # the strongest lock the UP takes on "T", in a transaction that is rolled back
  tl_psql "$db" -c "BEGIN;" -c "$(cat "$mig/$step/migration.sql")" -c "SELECT mode FROM pg_locks
    WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = '\"T\"'::regclass
    ORDER BY mode = 'AccessExclusiveLock' DESC LIMIT 1;" -c "ROLLBACK;" | tail -1
}
said() { # the strongest lock explain names on "T" for the UP, in pg_locks' spelling
  "$MIGC" explain --format json "$mig/$step/migration.sql" | python3 -c '
import json, sys
order = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
         "EXCLUSIVE", "ACCESS EXCLUSIVE"]
modes = [l["mode"] for s in json.load(sys.stdin)["files"][-1]["statements"] for l in s["locks"] if l["relation"] == "T"]
print("".join(w.capitalize() for w in max(modes, key=order.index).split()) + "Lock")'
}
tl_assert_eq "$(held)" "$(said)" "explain names the lock pg_locks shows on \"T\" (the strongest; the reused index's SHARE is inside it)"
tl_assert_eq AccessExclusiveLock "$(held)" "ACCESS EXCLUSIVE, brief"

before=$(schema)
file_before=$(relfile)
index_before=$(relfile T_email_idx)
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "migrun applies the step"
tl_assert_eq "$file_before" "$(relfile)" "no rewrite: the table's relfilenode is unchanged"
tl_assert_eq "$index_before" "$(relfile T_email_idx)" "nor the index's (not rebuilt)"
tl_assert_eq "email|50|NO" "$(tl_psql "$db" -c "SELECT column_name, character_maximum_length, is_nullable
    FROM information_schema.columns WHERE table_name = 'T' AND column_name <> 'id'")" \
  "the column keeps its name, is varchar(50), still NOT NULL"
tl_assert_eq "100000 u7" "$(tl_psql "$db" -c "SELECT count(*), min(email) FILTER (WHERE id = 7) FROM \"T\"" | tr '|' ' ')" \
  "the data is untouched"
tl_psql "$db" -c "INSERT INTO \"T\" VALUES (0, repeat('y', 45))"
tl_assert_eq 45 "$(tl_psql "$db" -c 'SELECT length(email) FROM "T" WHERE id = 0')" "a 45-character value fits now"
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes
tl_assert_eq 1 "$TL_RC" "the rollback (a narrowing) fails while a row holds 45 characters"
tl_assert_contains "$TL_ERR" "value too long for type character varying(20)" "and says why"
tl_psql "$db" -c 'DELETE FROM "T" WHERE id = 0'
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes
tl_assert_eq 0 "$TL_RC" "the rollback goes through once the long value is gone"
tl_assert_eq "$before" "$(schema)" "the schema is what it was before (pg_dump --schema-only identical)"

# Left out on the new side, NOT NULL and the default are dropped, each with a note.
printf 'lifecycle loose at 20250101130000 on "T" {\n  retype email as varchar(20) not null default %s to email as varchar(50);\n}\n' "'x'" > prisma/loose.mig
tl_run "$MIGC" compile prisma/loose.mig -o "$work/loose"
tl_assert_eq 0 "$TL_RC" "a retype that also drops NOT NULL and the default compiles"
tl_assert_contains "$TL_ERR" "loose.mig:2:55: note: the new side has no \`not null\`: NOT NULL is dropped" "with a note at the new side"
tl_assert_contains "$TL_ERR" "note: the new side has no default: the default is dropped" "and one for the default"
loose_up=$(cat "$work/loose"/2025*/migration.sql)
tl_assert_contains "$loose_up" 'ALTER COLUMN "email" DROP NOT NULL' "the UP drops NOT NULL"
tl_assert_contains "$loose_up" 'ALTER COLUMN "email" DROP DEFAULT' "and the default"

# A new name: through a new column, and a note that the same name is in place.
cat > prisma/renamed.mig <<'MIG'
lifecycle renamed at 20250101130000 on "T" {
  retype email as varchar(20) not null to address as varchar(50) not null
    using $$ email $$ reverse $$ address $$;
}
MIG
tl_run "$MIGC" compile prisma/renamed.mig -o "$work/renamed"
tl_assert_eq 0 "$TL_RC" "a widening retype to a new name compiles"
tl_assert_contains "$TL_ERR" "note: in place: varchar(20) to varchar(50): the length limit only grows; \`retype email as … to email as …\` (the same name) changes the column in place" \
  "with a note that keeping the name is in place"
tl_assert_contains "$(cat "$work/renamed"/*_renamed_expand/migration.sql)" 'ADD COLUMN "address" varchar(50)' \
  "it goes through a new column"
tl_assert_eq "3" "$(cd "$work/renamed" && ls -d 2025* | wc -l | tr -d ' ')" "expand, backfill, contract"

# The same name and a change that rewrites: a located error.
printf 'lifecycle bad at 20250101130000 on "T" {\n  retype email as varchar(20) to email as integer;\n}\n' > prisma/bad.mig
tl_run "$MIGC" compile prisma/bad.mig -o "$work/bad"
tl_assert_eq 1 "$TL_RC" "a same-name retype that rewrites does not compile"
tl_assert_contains "$TL_ERR" "bad.mig:2:43: error: varchar(20) to integer rewrites the table and its indexes: a retype that keeps the column's name is in place, and this is not" \
  "the error is at the new type"
tl_assert_contains "$TL_ERR" "note: give the new column its own name" "and says how to go through a new column"

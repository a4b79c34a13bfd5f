#!/usr/bin/env bash
# `migc scaffold` and the real Prisma 7.10.1 CLI's `prisma migrate diff`
# (tests/prisma7) on the same schema change: what each proposes, and the end
# state after each on a scratch database.
#   a) examples/user_status's change (legacy_status replaced by a required
#      status): both add status varchar(20) NOT NULL DEFAULT 'active' and drop
#      legacy_status; applied, both give the same schema, which Prisma 7
#      diffs as empty against the new schema.prisma. The difference is the
#      data: Prisma's one ALTER TABLE loses the old values, migplan's
#      lifecycle (the scaffold, filled in) carries them over.
#   b) tests/schema/scaffold's change touching every kind of item: item by
#      item the same columns, names and types, but a rename is DROP + ADD and
#      a type change is in place for Prisma; Prisma's script cannot run on a
#      table with rows; after migplan's lifecycles Prisma 7 sees exactly the
#      items scaffold leaves to it (a nullable column, a new table, a
#      non-constant default), and with those the schema is the new one.
# Prisma 7 refuses a schema.prisma with a datasource `url`, so the tests use
# Prisma-7-style copies (the `url` line dropped); migc reads either.
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/prisma7_examples.sh"

src=$MIGPLAN_SOURCE_DIR
tmp=$(tl_tmpdir)
p7() { tl_prisma7 "$tmp/none" "$@"; }   # no migrations folder involved
mkdir "$tmp/none"
p7style() { grep -v '^[[:space:]]*url[[:space:]]*=' "$1" > "$2"; }
# Each file as one query, gates' time windows skipped (no ledger here), as
# compiler_examples.sh runs them.
run_file() { PGOPTIONS="-c migplan.skip_time_gates=on" psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "$(cat "$2")" > /dev/null; }

# --- a) user_status ---
old=$tmp/old.prisma new=$tmp/new.prisma
p7style "$src/tests/schema/user_status_baseline/schema.prisma" "$old"
p7style "$src/examples/user_status/prisma/schema.prisma" "$new"
db=$(tl_newdb sd_any); url=$(tl_url "$db")   # the stand-in's engine needs a reachable datasource, even for file-to-file diffs
tl_run p7 "$url" migrate diff --from-schema "$src/examples/user_status/prisma/schema.prisma" --to-schema "$new" --script
tl_assert_contains "$TL_ERR" "P1012" "Prisma 7 rejects a schema.prisma with a datasource url (P1012)"
tl_assert_contains "$TL_ERR" 'The datasource property `url` is no longer supported in schema files' "and says why"

tl_run p7 "$url" migrate diff --from-schema "$old" --to-schema "$new" --script
tl_assert_eq 0 "$TL_RC" "prisma 7 migrate diff --from-schema OLD --to-schema NEW --script"
prisma_sql=$TL_OUT
printf '%s\n' "$prisma_sql" > "$tmp/prisma_user_status.sql"
tl_assert_contains "$prisma_sql" 'ADD COLUMN     "status" VARCHAR(20) NOT NULL DEFAULT '"'active'" "Prisma 7 adds status VARCHAR(20) NOT NULL DEFAULT 'active'"
tl_assert_contains "$prisma_sql" 'ALTER TABLE "User" DROP COLUMN "legacy_status"' "and drops legacy_status, in the same ALTER TABLE"
tl_assert_eq 1 "$(grep -c '^ALTER TABLE\|^CREATE\|^UPDATE\|^INSERT' <<<"$prisma_sql")" "one statement: nothing moves the old values"

ws=$tmp/us
mkdir -p "$ws/prisma/migrations"
cp "$new" "$ws/prisma/schema.prisma"
cp -r "$src/examples/user_status/prisma/migrations/20240101000000_baseline" "$ws/prisma/migrations/"
(cd "$ws" && "$MIGC" scaffold --from "$old" --to prisma/schema.prisma --id 20250101120000 -o prisma/user_status.mig 2>/dev/null)
spec=$(cat "$ws/prisma/user_status.mig")
tl_assert_contains "$spec" "  add status varchar(20) default 'active'" "scaffold adds the same column with the same default"
tl_assert_contains "$spec" "  enforce not null status;" "makes it NOT NULL, as Prisma does (at the contract)"
tl_assert_contains "$spec" "  retire legacy_status varchar(20);" "and drops legacy_status (retired at the contract)"
tl_assert_contains "$spec" "backfill TODO;" "but asks how the existing rows get their value"
# Filled in as examples/user_status's spec: from legacy_status.
sed -i "s/backfill TODO;/backfill from legacy_status map (null -> 'active') batch 10000;/" "$ws/prisma/user_status.mig"
tl_run bash -c "cd '$ws' && '$MIGC' compile prisma/user_status.mig"
tl_assert_eq 0 "$TL_RC" "the filled-in scaffold compiles next to the Prisma-7-style schema.prisma (no url)"
tl_run diff -r "$ws/prisma/migrations" "$src/examples/user_status/prisma/migrations"
tl_assert_eq 0 "$TL_RC" "to examples/user_status's committed folders, byte for byte"

seed() { tl_psql "$1" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%2=0 THEN NULL ELSE 'gold' END FROM generate_series(1,2000) g"; }
base=$tmp/base
mkdir "$base" && cp -r "$src/examples/user_status/prisma/migrations/20240101000000_baseline" "$base/"
# Prisma's way: the baseline, data, then its script through `prisma db execute`.
dbp=$(tl_newdb sd_prisma); urlp=$(tl_url "$dbp")
tl_run tl_prisma7 "$base" "$urlp" migrate deploy
tl_assert_eq 0 "$TL_RC" "Prisma's database: the baseline"
seed "$dbp"
tl_run tl_prisma7 "$base" "$urlp" db execute --file "$tmp/prisma_user_status.sql"
tl_assert_eq 0 "$TL_RC" "prisma 7 db execute of Prisma's proposal"
# migplan's way: migrun applies the scaffold's folders (the 3-day window
# passes on the ledger's clock, as in compiler_prisma_interop.sh).
dbm=$(tl_newdb sd_migplan); urlm=$(tl_url "$dbm")
"$MIGRUN" apply -d "$ws/prisma/migrations" --database-url "$urlm" --to 20240101000000_baseline > /dev/null
seed "$dbm"
tl_run "$MIGRUN" apply -d "$ws/prisma/migrations" --database-url "$urlm"
tl_assert_eq 6 "$TL_RC" "migplan's database: expand and backfill, then the contract's window (exit 6)"
tl_psql "$dbm" -c "UPDATE _prisma_migrations SET finished_at = finished_at - interval '400 days' WHERE migration_name = '20250101120000_user_status_expand'" > /dev/null
tl_run "$MIGRUN" apply -d "$ws/prisma/migrations" --database-url "$urlm"
tl_assert_eq 0 "$TL_RC" "and the contract"
mine=$(p7_dump "$dbm"); theirs=$(p7_dump "$dbp")
tl_assert_contains "$theirs" 'status character varying(20) DEFAULT '"'active'"'::character varying NOT NULL' "Prisma's end schema has the new column"
if [ "$mine" = "$theirs" ]; then tl_pass "the same end schema both ways (pg_dump --schema-only)"
else tl_fail "the end schemas differ"; diff <(echo "$mine") <(echo "$theirs") | head -20; fi
for d in "$dbp" "$dbm"; do
  tl_run tl_prisma7 "$base" "$(tl_url "$d")" migrate diff --from-config-datasource --to-schema "$new" --exit-code
  tl_assert_eq 0 "$TL_RC" "prisma 7 migrate diff from the database to the new schema.prisma is empty ($d)"
done
tl_assert_eq "0|2000" "$(tl_psql "$dbp" -c "SELECT count(*) FILTER (WHERE status = 'gold'), count(*) FILTER (WHERE status = 'active') FROM \"User\"")" \
  "the difference: after Prisma's script every row is 'active', the 1000 'gold' values are lost"
tl_assert_eq "1000|1000" "$(tl_psql "$dbm" -c "SELECT count(*) FILTER (WHERE status = 'gold'), count(*) FILTER (WHERE status = 'active') FROM \"User\"")" \
  "after migplan's lifecycle the 1000 'gold' values are there, the NULLs 'active'"

# --- b) every kind of item ---
before=$tmp/before.prisma after=$tmp/after.prisma
p7style "$src/tests/schema/scaffold/before.prisma" "$before"
p7style "$src/tests/schema/scaffold/after.prisma" "$after"
tl_run p7 "$url" migrate diff --from-schema "$before" --to-schema "$after" --script
tl_assert_eq 0 "$TL_RC" "prisma 7 migrate diff of the every-item fixture"
prisma_sql=$TL_OUT
printf '%s\n' "$prisma_sql" > "$tmp/prisma_all.sql"
tl_run "$MIGC" scaffold --from "$before" --to "$after" --id 20250601090000
tl_assert_eq 0 "$TL_RC" "migc scaffold of the same change"
spec=$TL_OUT
# Item by item: what Prisma 7 writes | what scaffold writes.
while IFS='|' read -r what prisma mine; do
  tl_assert_contains "$prisma_sql" "$prisma" "$what: Prisma 7 proposes $prisma"
  tl_assert_contains "$spec" "$mine" "$what: scaffold proposes $mine"
done <<'ITEMS'
fullname renamed to full_name (@map)|DROP COLUMN "fullname",|rename fullname to full_name as text not null;
fullname renamed to full_name (@map)|ADD COLUMN     "full_name" TEXT NOT NULL,|rename fullname to full_name as text not null;
nick dropped|DROP COLUMN "nick",|retire nick varchar(10);
a new unique|CREATE UNIQUE INDEX "Customer_email_key" ON "Customer"("email");|unique Customer_email_key on (email);
a new nullable column|ADD COLUMN     "note" TEXT;|# Customer.note: a new nullable column; prisma migrate's ADD COLUMN is safe as is.
a new required column|ADD COLUMN     "placed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;|add placed_at timestamp(3)
a new required column|ADD COLUMN     "placed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;|# TODO: the default CURRENT_TIMESTAMP is not a constant; set it in an `sql` item
a new relation|ADD CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;|foreign key Order_customerId_fkey (customerId) references "Customer" (id) on delete restrict on update cascade;
a new index|CREATE INDEX "Order_code_idx" ON "Order"("code");|index Order_code_idx on (code);
Int to BigInt|ALTER COLUMN "score" SET DATA TYPE BIGINT;|retype score as integer not null
Int to BigInt|ALTER COLUMN "score" SET DATA TYPE BIGINT;|to TODO_new_column as bigint not null
a new table|CREATE TABLE "Audit" (|# Audit: a new table; prisma migrate's CREATE TABLE is safe as is.
ITEMS

seed_all() {
  tl_psql "$1" -c 'CREATE TABLE "Customer" (id serial PRIMARY KEY, fullname text NOT NULL, email text NOT NULL, nick varchar(10));
    CREATE TABLE "Order" (id bigserial PRIMARY KEY, "customerId" integer NOT NULL, code text NOT NULL);
    CREATE TABLE "Invoice" (id serial PRIMARY KEY, score integer NOT NULL);
    INSERT INTO "Customer" (fullname, email) VALUES ($$Ada$$, $$a@x$$);
    INSERT INTO "Order" ("customerId", code) VALUES (1, $$c1$$);
    INSERT INTO "Invoice" (score) VALUES (7);'
}
dbp=$(tl_newdb sd_all_prisma); urlp=$(tl_url "$dbp")
seed_all "$dbp"
tl_run tl_prisma7 "$tmp/none" "$urlp" db execute --file "$tmp/prisma_all.sql"
tl_assert_eq 1 "$TL_RC" "Prisma's script fails on tables with rows"
tl_assert_contains "$TL_ERR" 'column "full_name" of relation "Customer" contains null values' "at the renamed column, added NOT NULL without a value"
tl_assert_eq "fullname" "$(tl_psql "$dbp" -c "SELECT string_agg(column_name, ',') FROM information_schema.columns WHERE table_name = 'Customer' AND column_name LIKE 'full%'")" \
  "and changes nothing"

# migplan's lifecycles, filled in as schema_scaffold.sh does (the retyped
# column needs a new name: score_big).
printf '%s\n' "$spec" > "$tmp/all.mig"
sed -i -e 's/backfill TODO;/backfill $$ now() $$;/' -e 's/TODO_new_column/score_big/' \
  -e 's/using TODO reverse TODO/using $$score::bigint$$ reverse $$score_big::integer$$/' "$tmp/all.mig"
tl_run "$MIGC" compile "$tmp/all.mig" -o "$tmp/all/migrations"
tl_assert_eq 0 "$TL_RC" "the filled-in skeleton compiles"
dbm=$(tl_newdb sd_all_migplan); urlm=$(tl_url "$dbm")
seed_all "$dbm"
ok=0
for f in "$tmp"/all/migrations/2*/migration.sql; do run_file "$dbm" "$f" || { ok=1; echo "failed: $f"; }; done
tl_assert_eq 0 "$ok" "every step of migplan's lifecycles runs on the tables with rows"
# The schema as the application sees it after migplan: the retyped field maps
# to the new column (docs/schema.md, Limits).
sed 's/  score BigInt$/  score BigInt @map("score_big")/' "$after" > "$tmp/after_mapped.prisma"
tl_run tl_prisma7 "$tmp/none" "$urlm" migrate diff --from-config-datasource --to-schema "$tmp/after_mapped.prisma" --script
tl_assert_eq 0 "$TL_RC" "prisma 7 migrate diff from migplan's end state to the new schema.prisma"
rest=$(grep -v '^--\|^$' <<<"$TL_OUT" | grep -v '^    \|^);$')
tl_assert_eq 'ALTER TABLE "Customer" ADD COLUMN     "note" TEXT;
ALTER TABLE "Order" ALTER COLUMN "placed_at" SET DEFAULT CURRENT_TIMESTAMP;
CREATE TABLE "Audit" (' "$rest" \
  "what Prisma 7 still proposes is what scaffold left to it: the nullable column, the non-constant default, the new table"
printf '%s\n' "$TL_OUT" > "$tmp/rest.sql"
tl_run tl_prisma7 "$tmp/none" "$urlm" db execute --file "$tmp/rest.sql"
tl_assert_eq 0 "$TL_RC" "prisma 7 db execute of that remainder"
tl_run tl_prisma7 "$tmp/none" "$urlm" migrate diff --from-config-datasource --to-schema "$tmp/after_mapped.prisma" --exit-code
tl_assert_eq 0 "$TL_RC" "then the database is the new schema.prisma: Prisma 7's diff is empty"
tl_assert_eq "Ada|7|1" "$(tl_psql "$dbm" -c "SELECT (SELECT full_name FROM \"Customer\"), (SELECT score_big FROM \"Invoice\"), (SELECT count(*) FROM \"Order\" WHERE placed_at IS NOT NULL)")" \
  "and the data came along: renamed, retyped, backfilled"

#!/usr/bin/env bash
# Rename a table (issue 15, item 1): `rename table to "Account"` on a
# 100k-row "Customer" compiled, linted clean, checked against schema.prisma
# (the model mapped to the new name), applied by migrun: the catalog (the
# table, the view under the old name, the names Prisma gives the new table's
# key, indexes, foreign keys and sequence), the data, and the old version's
# writes through the view (defaults of the columns it leaves out, RETURNING,
# ON CONFLICT, privileges); Prisma 7's migrate diff from the end state to
# schema.prisma is empty; each step rolled back with pg_dump --schema-only
# then what it was before; explain's locks checked against pg_locks, step by
# step, UP and DOWN.
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
mig=$work/prisma/migrations
mkdir -p "$mig/20240101000000_baseline"
# As Prisma writes it: a serial key, a unique and a plain index, a foreign
# key on the table (to itself) and one from another table to it.
cat > "$mig/20240101000000_baseline/migration.sql" <<'EOF'
CREATE TABLE "Customer" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "plan" TEXT NOT NULL DEFAULT 'free', "referrerId" INTEGER, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT "Customer_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Order" ("id" SERIAL NOT NULL, "customerId" INTEGER NOT NULL, "total" INTEGER NOT NULL, CONSTRAINT "Order_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "Customer_email_key" ON "Customer"("email");
CREATE INDEX "Customer_plan_idx" ON "Customer"("plan");
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_referrerId_fkey" FOREIGN KEY ("referrerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Order" ADD CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
EOF
# The team keeps the model's name and maps it to the new table.
cat > "$work/prisma/schema.prisma" <<'EOF'
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Customer {
  id         Int        @id @default(autoincrement())
  email      String     @unique
  plan       String     @default("free")
  referrerId Int?
  createdAt  DateTime   @default(now())
  referrer   Customer?  @relation("Referrals", fields: [referrerId], references: [id], onDelete: SetNull)
  referrals  Customer[] @relation("Referrals")
  orders     Order[]

  @@index([plan])
  @@map("Account")
}

model Order {
  id         Int      @id @default(autoincrement())
  customerId Int
  total      Int
  customer   Customer @relation(fields: [customerId], references: [id])
}
EOF
spec() {
  cat > "$work/prisma/accounts.mig" <<EOF
lifecycle customer_account at 20250601090000 on "Customer" {
  set window = $1;
  rename table to "Account";
}
EOF
}
spec 24h
cd "$work"
tl_run "$MIGC" compile prisma/accounts.mig -o "$mig"
tl_assert_eq 0 "$TL_RC" "the spec compiles"
expand=20250601090000_customer_account_expand
contract=20250601090001_customer_account_contract
tl_assert_eq "$expand $contract" "$(cd "$mig" && ls -d 2025* | tr '\n' ' ' | sed 's/ $//')" "an expand and a contract"
up=$(cat "$mig/$expand/migration.sql")
tl_assert_contains "$up" '-- locks: ACCESS EXCLUSIVE on "Customer" (brief: catalog only)' "the expand's header names its lock"
tl_assert_contains "$up" 'ALTER TABLE "Customer" RENAME TO "Account";' "the expand renames the table"
tl_assert_contains "$up" 'CREATE VIEW "Customer" AS SELECT * FROM "Account";' "and creates the view under the old name"
tl_assert_contains "$(cat "$mig/$contract/migration.sql")" '-- locks: ACCESS EXCLUSIVE on "Customer" (brief: catalog only)' \
  "the contract's header: ACCESS EXCLUSIVE on the view"
tl_assert_contains "$(cat "$mig/$contract/migration.sql")" 'DROP VIEW "Customer";' "the contract drops the view"
tl_assert_eq '[[{"mode": "ACCESS EXCLUSIVE", "schema": null, "table": "Customer"}], [{"mode": "ACCESS EXCLUSIVE", "schema": null, "table": "Customer"}], ["max_pending", "min_age"]]' \
  "$(python3 -c 'import json,sys; s = json.load(open(sys.argv[1]))["steps"]; print(json.dumps([s[0]["locks"], s[1]["locks"], [g["kind"] for g in s[1]["gates"]]]))' "$mig/migplan.manifest.json")" \
  "the manifest: each step's lock, the contract gated by the window"

tl_run "$MIGC" lint --format json "$mig"
tl_assert_eq 0 "$TL_RC" "lint exits 0"
tl_assert_eq "[]" "$(printf '%s' "$TL_OUT" | python3 -c 'import json,sys; print(json.dumps([f["rule"] for f in json.load(sys.stdin)["findings"]]))')" \
  "lint finds nothing in the compiled steps (rename-table and dynamic-sql waived with their reasons)"
tl_assert_contains "$up" "-- migplan-disable rename-table: the view created under the old name" "the waiver says why"

tl_run "$MIGC" check --schema prisma/schema.prisma prisma/accounts.mig
tl_assert_eq 0 "$TL_RC" "migc check: the model is mapped to the new name"
sed 's/@@map("Account")/@@map("Customer")/' prisma/schema.prisma > "$work/stale.prisma"
tl_run "$MIGC" check --schema "$work/stale.prisma" prisma/accounts.mig
tl_assert_eq 1 "$TL_RC" "migc check refuses a schema.prisma still on the old name"
tl_assert_contains "$TL_ERR" "table \"Account\" (the new name of \"Customer\", lifecycle 'customer_account') has no model in schema.prisma" "at the spec"
tl_assert_contains "$TL_ERR" "note: model Customer still maps to the old name \"Customer\": @@map(\"Account\") keeps the model's name" "with the model"

# --- the checker ---
cat > "$work/bad.mig" <<'EOF'
lifecycle bad at 20250701090000 on "Customer" {
  rename table to "Customer";
  add note text;
}
lifecycle bad2 at 20250702090000 on "Customer" {
  rename email to mail;
}
EOF
cat > "$work/later.mig" <<'EOF'
lifecycle later at 20250702090000 on "Customer" {
  add note text;
}
EOF
tl_run "$MIGC" compile "$work/bad.mig" -o "$(tl_tmpdir)"
tl_assert_contains "$TL_ERR" 'bad.mig:2:19: error: rename table: "Customer" is already the table'"'"'s name' "a rename to the same name"
tl_assert_contains "$TL_ERR" "bad.mig:3:3: error: a lifecycle that renames its table holds no other item" "another item beside it"
tl_assert_contains "$TL_ERR" "bad.mig:6:23: error: unexpected ';'; expected 'as' (a column's rename), or write \`rename table to NAME;\`" \
  "a column rename without its type"
tl_run "$MIGC" compile prisma/accounts.mig "$work/later.mig" -o "$(tl_tmpdir)"
tl_assert_contains "$TL_ERR" "later.mig:1:38: error: table \"Customer\" is renamed to \"Account\" by lifecycle 'customer_account' (20250601090000), which runs before this one: write its new name" \
  "a later lifecycle on the old name"
sed 's/"Customer"/"Account"/' "$work/later.mig" > "$work/later_ok.mig"
tl_run "$MIGC" compile prisma/accounts.mig "$work/later_ok.mig" -o "$(tl_tmpdir)"
tl_assert_eq 0 "$TL_RC" "one on the new name compiles"
cat > "$work/col.mig" <<'EOF'
lifecycle col at 20250701090000 on "Customer" {
  rename table to "table2" as text;
}
EOF
tl_run "$MIGC" compile "$work/col.mig" -o "$(tl_tmpdir)"
tl_assert_eq 0 "$TL_RC" "a column named table still renames (\`table\` is no keyword)"

# --- apply on 100k rows ---
db=$(tl_newdb ops_rename_table)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline >/dev/null
role=tl_ren_$$
tl_psql "$db" -c "INSERT INTO \"Customer\"(email, plan, \"referrerId\") SELECT 'c' || g || '@x', CASE WHEN g % 10 = 0 THEN 'pro' ELSE 'free' END,
    CASE WHEN g > 1 AND g % 7 = 0 THEN g - 1 END FROM generate_series(1, 100000) g;
  INSERT INTO \"Order\"(\"customerId\", total) SELECT g, g FROM generate_series(1, 1000) g;
  CREATE ROLE $role; GRANT SELECT, INSERT, UPDATE ON \"Customer\" TO $role"
schema() { pg_dump --schema-only --no-owner --restrict-key=migplan -d "$db"; }
schema > "$work/before.sql"
oid() { tl_psql "$db" -c "SELECT coalesce(to_regclass('\"$1\"')::oid, 0)"; }
table_oid=$(oid Customer)
relfile() { tl_psql "$db" -c "SELECT relfilenode FROM pg_class WHERE oid = $table_oid"; }
before_file=$(relfile)

# explain's locks against pg_locks: the file run in a transaction that is
# rolled back; on each relation that exists before it (by its oid, since
# the file renames them), the strongest mode PostgreSQL holds and the
# strongest explain names for that name.
locks_match() {
  local file=$1 what=$2 names="Customer Account Order" held said pairs="" n o
  for n in $names; do o=$(oid "$n"); [ "$o" = 0 ] || pairs="$pairs $n:$o"; done
  held=$(for p in $pairs; do
    tl_psql "$db" -c "SET migplan.skip_time_gates = on; BEGIN" -f "$file" -c "SELECT '${p%%:*}=' || coalesce((SELECT mode FROM pg_locks
      WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = ${p#*:} ORDER BY array_position(ARRAY['AccessShareLock',
      'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock',
      'AccessExclusiveLock'], mode::text) DESC LIMIT 1), 'none'); ROLLBACK" | grep '='
  done | tr '\n' ' ')
  said=$("$MIGC" explain --format json "$file" | python3 -c '
import json, sys
order = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
         "EXCLUSIVE", "ACCESS EXCLUSIVE"]
locks = [l for s in json.load(sys.stdin)["files"][0]["statements"] for l in s["locks"]]
out = []
for name in sys.argv[1:]:
    modes = [l["mode"] for l in locks if l["relation"] in (name, "public." + name)]
    out.append(name + "=" + ("".join(w.capitalize() for w in max(modes, key=order.index).split()) + "Lock" if modes else "none"))
print(" ".join(out) + " ")' $(for p in $pairs; do echo "${p%%:*}"; done))
  tl_assert_eq "$held" "$said" "$what: explain names the locks PostgreSQL takes ($held)"
}
locks_match "$mig/$expand/migration.sql" "expand UP"
tl_assert_eq "$table_oid" "$(oid Customer)" "the probe left the table as it was"

tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 6 "$TL_RC" "migrun applies the expand, then the min_age gate holds the contract (exit 6)"
tl_assert_contains "$TL_ERR" "min_age" "the window's gate"
kinds() { tl_psql "$db" -c "SELECT string_agg(relname || ':' || relkind::text, ' ' ORDER BY relname) FROM pg_class
  WHERE relnamespace = 'public'::regnamespace AND relname IN ('Customer', 'Account')"; }
names() { tl_psql "$db" -c "SELECT string_agg(n, ' ' ORDER BY n COLLATE \"C\") FROM (SELECT conname::text AS n FROM pg_constraint WHERE conrelid IN (to_regclass('\"Account\"'), to_regclass('\"Customer\"'), '\"Order\"'::regclass)
  UNION ALL SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('i', 'S') AND relname !~ '^_prisma') x"; }
tl_assert_eq "Account:r Customer:v" "$(kinds)" "pg_class: the table is \"Account\", \"Customer\" a view"
tl_assert_eq "Account_email_key Account_id_seq Account_pkey Account_pkey Account_plan_idx Account_referrerId_fkey Order_customerId_fkey Order_id_seq Order_pkey Order_pkey" \
  "$(names)" "its key, indexes, foreign key and sequence have the new table's names; the other table's keep theirs"
tl_assert_eq "Account" "$(tl_psql "$db" -c "SELECT confrelid::regclass FROM pg_constraint WHERE conname = 'Order_customerId_fkey'" | tr -d '"')" \
  "the foreign key from \"Order\" references the renamed table"
tl_assert_eq "$table_oid $before_file" "$(oid Account) $(relfile)" "the same table, not rewritten"
tl_assert_eq "100000 10000 14285" "$(tl_psql "$db" -c "SELECT count(*), count(*) FILTER (WHERE plan = 'pro'), count(\"referrerId\") FROM \"Customer\"" | tr '|' ' ')" \
  "the old name reads every row through the view"
tl_assert_eq "t t f" "$(tl_psql "$db" -c "SELECT has_table_privilege('$role', '\"Customer\"', 'INSERT'), has_table_privilege('$role', '\"Customer\"', 'UPDATE'),
  has_table_privilege('$role', '\"Customer\"', 'DELETE')" | tr '|' ' ')" "the view has the table's privileges"

# The old version's writes, as Prisma sends them, through the view.
tl_assert_eq "100001|free|t|t" "$(tl_psql "$db" -c "INSERT INTO \"public\".\"Customer\" (\"email\") VALUES ('old@x')
  RETURNING \"public\".\"Customer\".\"id\", \"public\".\"Customer\".\"plan\", \"public\".\"Customer\".\"createdAt\" IS NOT NULL, \"referrerId\" IS NULL")" \
  "an INSERT through the view: the key from the sequence, the table's defaults for what it leaves out, RETURNING"
tl_assert_eq "100001|pro" "$(tl_psql "$db" -c "INSERT INTO \"Customer\" (\"email\", \"plan\") VALUES ('old@x', 'basic')
  ON CONFLICT (\"email\") DO UPDATE SET \"plan\" = 'pro' RETURNING \"id\", \"plan\"")" "an upsert through the view (ON CONFLICT)"
tl_assert_eq "1" "$(tl_psql "$db" -c "WITH u AS (UPDATE \"Customer\" SET \"referrerId\" = 100001 WHERE \"id\" = 5 RETURNING 1) SELECT count(*) FROM u")" \
  "an UPDATE through the view"
tl_psql "$db" -c "INSERT INTO \"Order\"(\"customerId\", total) VALUES (100001, 7)"
tl_run tl_psql "$db" -c "DELETE FROM \"Customer\" WHERE id = 100001"
tl_assert_contains "$TL_ERR" 'violates foreign key constraint "Order_customerId_fkey"' "a DELETE through the view meets the foreign key of the table"
tl_assert_eq "t|free" "$(tl_psql "$db" -c "INSERT INTO \"Account\" (\"email\") VALUES ('new@x') RETURNING \"id\" > 100001, \"plan\"")" \
  "the new version writes the new name, the same sequence"
tl_assert_eq "2" "$(tl_psql "$db" -c "DELETE FROM \"Order\" WHERE total = 7; DELETE FROM \"Customer\" WHERE email IN ('old@x', 'new@x') RETURNING id" | wc -l)" \
  "DELETE … RETURNING through the view"
schema > "$work/expanded.sql"

# --- contract, after the window ---
spec 1s
"$MIGC" compile prisma/accounts.mig -o "$mig" >/dev/null
locks_match "$mig/$contract/migration.sql" "contract UP"
tl_wait_min_age "$db" "$expand" 1s
tl_apply_gated -d "$mig" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "the contract applies after the window"
[ "$TL_RC" = 0 ] || printf '%s\n' "$TL_ERR" | tail -5
tl_assert_eq "Account:r" "$(kinds)" "the view is gone, the table stays"
tl_assert_eq "$table_oid $before_file 100000" "$(oid Account) $(relfile) $(tl_psql "$db" -c 'SELECT count(*) FROM "Account"')" "the same table and rows"
schema7=$work/schema7.prisma
grep -v '^[[:space:]]*url[[:space:]]*=' prisma/schema.prisma > "$schema7"
tl_run tl_prisma7 "$mig" "$url" migrate diff --from-config-datasource --to-schema "$schema7" --script --exit-code
tl_assert_eq 0 "$TL_RC" "prisma migrate diff from the end state to schema.prisma is empty (Prisma's names for \"Account\")"
[ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -15

# --- rollback, step by step ---
locks_match "$mig/$contract/down.sql" "contract DOWN"
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes --steps 1
tl_assert_eq 0 "$TL_RC" "the contract rolls back"
tl_assert_eq "Account:r Customer:v" "$(kinds)" "the view is back"
schema > "$work/after_contract_down.sql"
tl_run diff "$work/expanded.sql" "$work/after_contract_down.sql"
tl_assert_eq 0 "$TL_RC" "pg_dump --schema-only equals the state after the expand (the view and its privileges)"
[ "$TL_RC" = 0 ] || printf '%s\n' "$TL_OUT" | head -20
locks_match "$mig/$expand/down.sql" "expand DOWN"
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --yes --steps 1
tl_assert_eq 0 "$TL_RC" "the expand rolls back"
tl_assert_eq "Customer:r" "$(kinds)" "the table has its old name again"
schema > "$work/after.sql"
tl_run diff "$work/before.sql" "$work/after.sql"
tl_assert_eq 0 "$TL_RC" "pg_dump --schema-only equals the state before apply (every name back)"
[ "$TL_RC" = 0 ] || printf '%s\n' "$TL_OUT" | head -20
tl_assert_eq "$table_oid $before_file 100000" "$(oid Customer) $(relfile) $(tl_psql "$db" -c 'SELECT count(*) FROM "Customer"')" "the same table and rows"

# --- the expand refuses a name its DOWN could not tell apart ---
db2=$(tl_newdb ops_rename_table_clash)
tl_psql "$db2" -f "$mig/20240101000000_baseline/migration.sql"
tl_psql "$db2" -c 'CREATE INDEX "Account_odd" ON "Customer"("createdAt")'
tl_run tl_psql "$db2" -f "$mig/$expand/migration.sql"
tl_assert_contains "$TL_ERR" '"Account_odd" of "Account" already begins with '"'"'Account_'"'"': its rollback could not tell it from a renamed one' \
  "an index already named after the new table is refused"
tl_assert_eq "Customer:r" "$(tl_psql "$db2" -c "SELECT string_agg(relname || ':' || relkind::text, ' ') FROM pg_class WHERE relname IN ('Customer', 'Account')")" \
  "and nothing changed"

# --- a table in a schema: every name qualified, the view in that schema ---
db3=$(tl_newdb ops_rename_table_schema)
tl_psql "$db3" -c 'CREATE SCHEMA app; CREATE TABLE app."Customer" (id serial, email text NOT NULL, CONSTRAINT "Customer_pkey" PRIMARY KEY (id));
  CREATE TABLE public."Customer" (id int); INSERT INTO app."Customer"(email) SELECT g::text FROM generate_series(1, 1000) g'
cat > "$work/app.mig" <<'EOF'
lifecycle app_account at 20250601090000 on "app"."Customer" {
  rename table to "Account";
}
EOF
appmig=$(tl_tmpdir)
"$MIGC" compile "$work/app.mig" -o "$appmig" >/dev/null
pg_dump --schema-only --no-owner --restrict-key=migplan -d "$db3" > "$work/app_before.sql"
tl_run tl_psql "$db3" -f "$appmig/20250601090000_app_account_expand/migration.sql"
tl_assert_eq 0 "$TL_RC" "a table in schema app: the expand runs (search_path public, which has its own \"Customer\")"
tl_assert_eq "app.Account:r app.Account_id_seq:S app.Account_pkey:i app.Customer:v public.Customer:r" \
  "$(tl_psql "$db3" -c "SELECT string_agg(relnamespace::regnamespace::text || '.' || relname || ':' || relkind::text, ' ' ORDER BY relnamespace::regnamespace::text, relname COLLATE \"C\")
    FROM pg_class WHERE relnamespace IN ('app'::regnamespace, 'public'::regnamespace) AND relname ~ '^(Customer|Account)'")" \
  "the table, its key and sequence renamed in app, the view there, public's table untouched"
tl_assert_eq 1001 "$(tl_psql "$db3" -c "INSERT INTO app.\"Customer\"(email) VALUES ('x') RETURNING id")" "an insert through app's view"
tl_psql "$db3" -c "DELETE FROM app.\"Account\" WHERE email = 'x'"
tl_run tl_psql "$db3" -f "$appmig/20250601090000_app_account_expand/down.sql"
tl_assert_eq 0 "$TL_RC" "its DOWN runs"
pg_dump --schema-only --no-owner --restrict-key=migplan -d "$db3" > "$work/app_after.sql"
tl_run diff "$work/app_before.sql" "$work/app_after.sql"
tl_assert_eq 0 "$TL_RC" "pg_dump --schema-only equals the state before"

tl_psql "$db" -c "DROP OWNED BY $role; DROP ROLE $role"

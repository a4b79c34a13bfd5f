#!/usr/bin/env bash
# Every example, compiled and run on a real PostgreSQL the way `prisma migrate
# deploy` runs a migration.sql (the whole file as one query), with the old
# application's writes between the steps. Then every DOWN in reverse must give
# back the baseline schema exactly.
source "$(dirname "$0")/../lib/testlib.sh"

EX=$MIGPLAN_SOURCE_DIR/examples

# Runs a file as Prisma does: one simple query.
# There is no ledger here, so the contracts' SQL guards skip their min_age (the
# runtime and Prisma tests check that it holds); the data gates still run.
run_file() { PGOPTIONS="-c migplan.skip_time_gates=on" psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "$(cat "$2")" >/dev/null; }
# A DOWN in parts (a contract's that refills a column in batches) runs part by
# part, each as one query, as docs/runtime.md tells a person to run it by hand.
run_parts() {
  local dir part
  dir=$(mktemp -d)
  tl_sql_parts "$2" "$dir"
  for part in "$dir"/*; do run_file "$1" "$part"; done
  rm -rf "$dir"
}
schema_dump() { pg_dump --schema-only --no-owner --restrict-key=migplan -d "$1"; }

# Per example: seed data, old-app writes, expected values captured just before
# contract, and a query that counts wrong rows after contract.
hooks_user_status() {
  SEED='INSERT INTO "User"(email, legacy_status) SELECT $$u$$||g||$$@x$$, CASE WHEN g%3=0 THEN NULL ELSE $$s$$||(g%5) END FROM generate_series(1,100000) g'
  OLDAPP='INSERT INTO "User"(email, legacy_status) VALUES (gen_random_uuid()::text, NULL), (gen_random_uuid()::text, $$banned$$);
          UPDATE "User" SET legacy_status = $$x$$||id WHERE id % 997 = 1; UPDATE "User" SET legacy_status = NULL WHERE id % 991 = 2'
  EXPECT='CREATE TABLE migplan_expected AS SELECT id, coalesce(legacy_status, $$active$$) AS v FROM "User"'
  CHECK='SELECT count(*) FROM "User" u FULL JOIN migplan_expected e USING (id) WHERE u.status IS DISTINCT FROM e.v'
  FINAL='SELECT string_agg(column_name||$$:$$||is_nullable, $$,$$ ORDER BY column_name) FROM information_schema.columns WHERE table_name = $$User$$'
  FINAL_WANT='email:NO,id:NO,status:NO'
}
hooks_rename_column() {
  SEED='INSERT INTO "Customer"(fullname) SELECT $$name $$||g FROM generate_series(1,100000) g'
  OLDAPP='INSERT INTO "Customer"(fullname) VALUES ($$old app$$); UPDATE "Customer" SET fullname = fullname||$$!$$ WHERE id % 997 = 1;
          INSERT INTO "Customer"(full_name) SELECT $$new app$$ WHERE EXISTS (SELECT 1 FROM information_schema.columns WHERE column_name = $$full_name$$)'
  EXPECT='CREATE TABLE migplan_expected AS SELECT id, fullname AS v FROM "Customer"'
  CHECK='SELECT count(*) FROM "Customer" u FULL JOIN migplan_expected e USING (id) WHERE u.full_name IS DISTINCT FROM e.v'
  FINAL='SELECT string_agg(column_name||$$:$$||is_nullable, $$,$$ ORDER BY column_name) FROM information_schema.columns WHERE table_name = $$Customer$$'
  FINAL_WANT='full_name:NO,id:NO'
}
hooks_change_type() {
  SEED='INSERT INTO "Order"(amount_cents) SELECT g * 7 FROM generate_series(1,100000) g'
  OLDAPP='INSERT INTO "Order"(amount_cents) VALUES (12345); UPDATE "Order" SET amount_cents = amount_cents + 1 WHERE id % 997 = 1'
  EXPECT='CREATE TABLE migplan_expected AS SELECT id, amount_cents / 100.0 AS v FROM "Order"'
  CHECK='SELECT count(*) FROM "Order" u FULL JOIN migplan_expected e USING (id) WHERE u.amount IS DISTINCT FROM e.v'
  FINAL='SELECT string_agg(column_name||$$:$$||data_type||$$:$$||is_nullable, $$,$$ ORDER BY column_name) FROM information_schema.columns WHERE table_name = $$Order$$'
  FINAL_WANT='amount:numeric:NO,id:bigint:NO'
}
hooks_post_constraints() {
  SEED='INSERT INTO "User"(email) SELECT $$u$$||g FROM generate_series(1,1000) g;
        INSERT INTO "Post"(title, slug, "authorId") SELECT $$t$$||g, $$s$$||g, CASE WHEN g%4=0 THEN NULL ELSE g%1000+1 END FROM generate_series(1,100000) g'
  OLDAPP='INSERT INTO "Post"(title, slug) VALUES ($$new$$, gen_random_uuid()::text)'
  EXPECT='CREATE TABLE migplan_expected AS SELECT 1'
  CHECK='SELECT count(*) FROM pg_constraint WHERE conrelid = $$"Post"$$::regclass AND NOT convalidated'
  FINAL='SELECT string_agg(conname||$$:$$||contype::text, $$,$$ ORDER BY conname) FROM pg_constraint WHERE conrelid = $$"Post"$$::regclass'
  FINAL_WANT='Post_authorId_fkey:f,Post_pkey:p,Post_slug_key:u,Post_title_not_blank:c'
}
hooks_hostile_names() {
  SEED='INSERT INTO app."we""ird"("old name") SELECT CASE WHEN g%3=0 THEN NULL WHEN g%3=1 THEN $$x$$ ELSE $$y$$ END FROM generate_series(1,20000) g'
  OLDAPP='INSERT INTO app."we""ird"("old name") VALUES (NULL), ($$x$$), ($$z;$$); UPDATE app."we""ird" SET "old name" = $$x$$ WHERE "ïd" % 97 = 1'
  EXPECT='CREATE TABLE migplan_expected AS SELECT "ïd" AS id, CASE WHEN "old name" IS NULL THEN $$a;b$$ WHEN "old name" = $$x$$ THEN $$it$$||chr(39)||$$s$$ ELSE $$O$$||chr(39)||$$Brien$$ END AS v FROM app."we""ird"'
  CHECK='SELECT count(*) FROM app."we""ird" u FULL JOIN migplan_expected e ON e.id = u."ïd" WHERE u."sélect" IS DISTINCT FROM e.v'
  FINAL='SELECT string_agg(column_name||$$:$$||coalesce(column_default, $$-$$), $$,$$ ORDER BY column_name) FROM information_schema.columns WHERE table_name = $$we"ird$$'
  FINAL_WANT="semi:'x;y'::text,sélect:'O''Brien'::text,ïd:nextval('app.\"we\"\"ird_ïd_seq\"'::regclass)"
}

hooks_prisma7_project() {
  SEED='INSERT INTO "User"(email) SELECT $$User.$$||g||$$@x$$ FROM generate_series(1,20000) g'
  OLDAPP='INSERT INTO "User"(email) VALUES (gen_random_uuid()::text||$$@y$$); UPDATE "User" SET email = $$Z$$||id||$$@w$$ WHERE id % 997 = 1'
  EXPECT='CREATE TABLE migplan_expected AS SELECT id, lower(split_part(email, $$@$$, 1)) AS v FROM "User"'
  CHECK='SELECT count(*) FROM "User" u FULL JOIN migplan_expected e USING (id) WHERE u.handle IS DISTINCT FROM e.v'
  FINAL='SELECT string_agg(column_name||$$:$$||is_nullable, $$,$$ ORDER BY column_name) FROM information_schema.columns WHERE table_name = $$User$$'
  FINAL_WANT='email:NO,handle:NO,id:NO'
}
hooks_member_roles() {
  SEED='INSERT INTO "Member"(email, role) SELECT $$m$$||g, CASE WHEN g%10=0 THEN $$ADMIN$$ ELSE $$USER$$ END::"Role" FROM generate_series(1,100000) g'
  OLDAPP='INSERT INTO "Member"(email) VALUES (gen_random_uuid()::text); UPDATE "Member" SET role = $$ADMIN$$ WHERE id % 997 = 1'
  EXPECT='CREATE TABLE migplan_expected AS SELECT id, $$MODERATOR$$ AS v FROM "Member"'
  CHECK='SELECT count(*) FROM "Member" u FULL JOIN migplan_expected e USING (id) WHERE u."reviewRole"::text IS DISTINCT FROM e.v'
  FINAL='SELECT string_agg(column_name||$$:$$||is_nullable, $$,$$ ORDER BY column_name) || $$ $$ || (SELECT string_agg(enumlabel, $$,$$ ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = $$"Role"$$::regtype) FROM information_schema.columns WHERE table_name = $$Member$$'
  FINAL_WANT='email:NO,id:NO,reviewRole:NO,role:NO USER,MODERATOR,ADMIN'
}

hooks_required_category() {
  # body says when the title was written NULL: such a row must read 'Untitled'.
  SEED='INSERT INTO "Post"(title, body) SELECT CASE WHEN g%4=0 THEN NULL ELSE $$t$$||g END, CASE WHEN g%4=0 THEN $$null-title$$ ELSE $$b$$ END FROM generate_series(1,100000) g'
  OLDAPP='INSERT INTO "Post"(title, body) VALUES (NULL, $$null-title$$), ($$t old$$, $$b$$); INSERT INTO "Post"(body) VALUES ($$null-title$$);
          UPDATE "Post" SET title = NULL, body = $$null-title$$ WHERE id % 997 = 1'
  EXPECT='CREATE TABLE migplan_expected AS SELECT id, CASE WHEN body = $$null-title$$ THEN $$Untitled$$ ELSE title END AS v FROM "Post"'
  CHECK='SELECT count(*) FROM "Post" u FULL JOIN migplan_expected e USING (id) WHERE u.title IS DISTINCT FROM e.v OR u."categoryId" IS DISTINCT FROM 1'
  FINAL='SELECT string_agg(column_name||$$:$$||is_nullable, $$,$$ ORDER BY column_name) FROM information_schema.columns WHERE table_name = $$Post$$'
  FINAL_WANT='body:NO,categoryId:NO,id:NO,title:NO'
}

hooks_order_currency() {
  # note says when the currency was written NULL: such a row must read EUR.
  SEED='INSERT INTO "Order"(note, currency, total) SELECT CASE WHEN g%3=0 THEN $$nullcur$$ ELSE $$n$$||g END, CASE WHEN g%3=0 THEN NULL ELSE $$USD$$ END, g FROM generate_series(1,100000) g'
  OLDAPP='INSERT INTO "Order"(note, total) VALUES ($$nullcur$$, 1.5); INSERT INTO "Order"(note, currency, total) VALUES ($$old$$, $$GBP$$, 2);
          UPDATE "Order" SET currency = NULL, note = $$nullcur$$ WHERE id % 997 = 1'
  EXPECT='CREATE TABLE migplan_expected AS SELECT id, CASE WHEN note = $$nullcur$$ THEN $$EUR$$ ELSE currency END AS v FROM "Order"'
  CHECK='SELECT count(*) FROM "Order" u FULL JOIN migplan_expected e USING (id) WHERE u.currency IS DISTINCT FROM e.v'
  FINAL='SELECT string_agg(column_name||$$:$$||data_type||$$:$$||is_nullable||$$:$$||coalesce(column_default, $$-$$), $$,$$ ORDER BY column_name) FROM information_schema.columns WHERE table_name = $$Order$$'
  FINAL_WANT="currency:character varying:NO:-,id:integer:NO:nextval('\"Order_id_seq\"'::regclass),note:text:YES:-,status:text:NO:'pending'::text,total:numeric:NO:-"
}

hooks_customer_accounts() {
  # The old version keeps using "Customer": the table, then the view over "Account".
  SEED='INSERT INTO "Customer"(email, name) SELECT $$c$$||g||$$@x$$, CASE WHEN g%3=0 THEN NULL ELSE $$n$$||g END FROM generate_series(1,100000) g;
        INSERT INTO "Order"("customerId", total) SELECT g, g / 100.0 FROM generate_series(1, 1000) g'
  OLDAPP='INSERT INTO "Customer"(email) VALUES (gen_random_uuid()::text); UPDATE "Customer" SET name = $$u$$||id WHERE id % 997 = 1;
          INSERT INTO "Order"("customerId", total) SELECT max(id), 9.50 FROM "Customer"'
  EXPECT='CREATE TABLE migplan_expected AS SELECT id, coalesce(name, email) AS v FROM "Customer"'
  CHECK='SELECT count(*) FROM "Account" u FULL JOIN migplan_expected e USING (id) WHERE coalesce(u.name, u.email) IS DISTINCT FROM e.v'
  FINAL='SELECT string_agg(relname||$$:$$||relkind::text, $$,$$ ORDER BY relname COLLATE "C") || $$ $$ || (SELECT confrelid::regclass::text FROM pg_constraint WHERE conname = $$Order_customerId_fkey$$)
         FROM pg_class WHERE relnamespace = $$public$$::regnamespace AND relname !~ $$^(_prisma|migplan)$$'
  FINAL_WANT='Account:r,Account_email_key:i,Account_id_seq:S,Account_pkey:i,Order:r,Order_customerId_idx:i,Order_id_seq:S,Order_pkey:i "Account"'
}

# prisma7_project keeps its migrations where its prisma.config.ts says
# (db/migrations): migc compile finds them there with no -o.
for name in user_status rename_column change_type post_constraints hostile_names prisma7_project required_category member_roles order_currency \
    customer_accounts; do
  echo "# example $name"
  hooks_$name
  work=$(tl_tmpdir)
  cp -r "$EX/$name/." "$work/"
  cd "$work"
  mig=$(tl_example_migrations .)
  mig=${mig#./}
  # The committed generated folders are what migc writes (golden output),
  # and compiling again changes nothing, byte for byte.
  rm -rf "$mig"/2025* "$mig/migplan.manifest.json"
  "$MIGC" compile prisma/*.mig >/dev/null
  tl_run diff -r "$EX/$name/$mig" "$mig"
  tl_assert_eq 0 "$TL_RC" "$name: committed output equals a fresh compile"
  cp -r "$mig" "$work/first"
  "$MIGC" compile prisma/*.mig >/dev/null
  tl_run diff -r "$work/first" "$mig"
  tl_assert_eq 0 "$TL_RC" "$name: compiling twice is byte-identical"

  # Every artifact hash in the manifest is sha256sum of the file; the chain
  # recomputes (jq as an independent JSON implementation).
  m=$mig/migplan.manifest.json
  bad=0
  while read -r path sha; do
    [ "$(sha256sum "$mig/$path" | cut -d' ' -f1)" = "$sha" ] || bad=$((bad + 1))
  done < <(jq -r '.steps[] | (.up, .down) | "\(.path) \(.sha256)"' "$m")
  tl_assert_eq 0 "$bad" "$name: every sha256 in the manifest matches sha256sum"
  prev=0000000000000000000000000000000000000000000000000000000000000000
  n=$(jq '.steps | length' "$m"); chain_ok=1
  for ((i = 0; i < n; i++)); do
    want=$( { printf '%s\n' "$prev"; jq -cjS ".steps[$i] | del(.chain)" "$m"; } | sha256sum | cut -d' ' -f1)
    got=$(jq -r ".steps[$i].chain" "$m")
    [ "$want" = "$got" ] || chain_ok=0
    prev=$got
  done
  tl_assert_eq 1 "$chain_ok" "$name: manifest chain recomputes"

  db=$(tl_newdb "$name")
  run_file "$db" "$mig/20240101000000_baseline/migration.sql"
  base=$(schema_dump "$db")
  tl_psql "$db" -c "$SEED"
  steps=$(jq -r '.steps[] | "\(.id) \(.phase)"' "$m")
  while read -r id phase; do
    [ "$phase" = contract ] && tl_psql "$db" -c "$OLDAPP" && tl_psql "$db" -c "$EXPECT"
    run_file "$db" "$mig/$id/migration.sql"
    [ "$phase" = contract ] || tl_psql "$db" -c "$OLDAPP"
  done <<< "$steps"
  tl_assert_eq 0 "$(tl_psql "$db" -c "$CHECK")" "$name: data right after contract under old-app writes"
  tl_assert_eq "$FINAL_WANT" "$(tl_psql "$db" -c "$FINAL")" "$name: final columns/constraints"
  left=$(tl_psql "$db" -c "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'migplan%') + (SELECT count(*) FROM pg_constraint WHERE conname LIKE 'migplan%') + (SELECT count(*) FROM pg_proc WHERE proname LIKE 'migplan%') + (SELECT count(*) FROM pg_index WHERE NOT indisvalid)")
  tl_assert_eq 0 "$left" "$name: no helper trigger, function, constraint or invalid index left"
  tl_psql "$db" -c "DROP TABLE migplan_expected"
  for id in $(jq -r '.steps[].id' "$m" | tac); do
    down=$mig/$id/down.sql
    if grep -qx -- '-- migplan: commit' "$down"; then
      # Run whole, as one query, a DOWN in parts fails at its refill's COMMIT
      # and leaves nothing behind: never half a rollback.
      before=$(schema_dump "$db")
      tl_run run_file "$db" "$down"
      tl_assert_eq 1 "$([ "$TL_RC" -ne 0 ] && echo 1 || echo 0)" "$name: $id: its DOWN in parts, run whole as one query, is refused"
      tl_assert_eq "$before" "$(schema_dump "$db")" "$name: $id: ... and leaves the schema as it was"
    fi
    run_parts "$db" "$down"
  done
  tl_run diff <(echo "$base") <(echo "$(schema_dump "$db")")
  tl_assert_eq 0 "$TL_RC" "$name: every DOWN in reverse restores the baseline schema (pg_dump identical)"
  [ "$TL_RC" = 0 ] || echo "$TL_OUT" | head -30
  cd /
done

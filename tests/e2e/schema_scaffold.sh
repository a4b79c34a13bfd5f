#!/usr/bin/env bash
# migc scaffold: from examples/user_status's baseline schema to its final one
# the skeleton, once its TODO is filled, compiles to the very artifacts of the
# hand-written spec; --from-git reads the old schema from a revision; a change
# touching every kind of item gives the golden skeleton, which (filled in)
# compiles and runs on PostgreSQL.
source "$(dirname "$0")/../lib/testlib.sh"

src=$MIGPLAN_SOURCE_DIR
tmp=$(tl_tmpdir)
cd "$tmp"
mkdir -p prisma
cp "$src/examples/user_status/prisma/schema.prisma" prisma/
tl_run "$MIGC" scaffold --from "$src/tests/schema/user_status_baseline/schema.prisma" \
  --to prisma/schema.prisma --id 20250101120000 -o prisma/user_status.mig
tl_assert_eq 0 "$TL_RC" "scaffold user_status"
tl_assert_contains "$TL_ERR" "wrote prisma/user_status.mig: 1 lifecycle, fill in its TODOs" "says what it wrote"
spec=$(cat prisma/user_status.mig)
tl_assert_contains "$spec" 'lifecycle user_status at 20250101120000 on "User" {' "lifecycle named after table and column"
tl_assert_contains "$spec" "  add status varchar(20) default 'active'" "the new required column"
tl_assert_contains "$spec" "  enforce not null status;" "enforced at contract"
tl_assert_contains "$spec" "  retire legacy_status varchar(20);" "the dropped column is retired"
tl_assert_contains "$spec" "legacy_status (varchar(20)) is dropped in this change: \`from legacy_status\`?" "hints the source"

# The TODO does not compile: nobody ships a guess.
tl_run "$MIGC" compile prisma/user_status.mig
tl_assert_eq 1 "$TL_RC" "TODO left: compile fails"
tl_assert_contains "$TL_ERR" "prisma/user_status.mig:11:14: error: unexpected identifier 'TODO'" "at the TODO"
tl_run test -e prisma/migrations
tl_assert_eq 1 "$TL_RC" "nothing written"

# Filled in as the hand-written spec does: the same artifacts, byte for byte.
sed -i "s/backfill TODO;/backfill from legacy_status map (null -> 'active') batch 10000;/" prisma/user_status.mig
tl_run "$MIGC" compile prisma/user_status.mig
tl_assert_eq 0 "$TL_RC" "filled-in spec compiles (and passes the schema check)"
for f in $(cd "$src/examples/user_status/prisma/migrations" && find . -type f ! -path './20240101000000_baseline/*' | sort); do
  tl_run cmp "prisma/migrations/$f" "$src/examples/user_status/prisma/migrations/$f"
  tl_assert_eq 0 "$TL_RC" "byte-identical: $f"
done

# --from-git: the old schema is the committed one.
repo=$tmp/repo
mkdir -p "$repo/prisma"
git -C "$repo" init -q
cp "$src/tests/schema/user_status_baseline/schema.prisma" "$repo/prisma/schema.prisma"
git -C "$repo" -c user.email=t@example.com -c user.name=t add prisma/schema.prisma
git -C "$repo" -c user.email=t@example.com -c user.name=t commit -qm baseline
cp "$src/examples/user_status/prisma/schema.prisma" "$repo/prisma/schema.prisma"
tl_run "$MIGC" scaffold --from-git HEAD --to "$repo/prisma/schema.prisma" --id 20250101120000
tl_assert_eq 0 "$TL_RC" "--from-git HEAD"
tl_assert_contains "$TL_OUT" "from $repo/prisma/schema.prisma at HEAD to" "names the revision"
tl_assert_eq "$(sed 1d prisma/user_status.mig | sed "s/backfill from legacy_status map (null -> 'active') batch 10000;/backfill TODO;/")" \
  "$(sed 1d <<<"$TL_OUT")" "same skeleton as --from"
tl_run "$MIGC" scaffold --from-git no-such-rev --to "$repo/prisma/schema.prisma"
tl_assert_eq 3 "$TL_RC" "unknown revision"
tl_assert_contains "$TL_ERR" "git show no-such-rev:./schema.prisma failed" "says so"

# Every kind of item: golden output.
tl_run "$MIGC" scaffold --from "$src/tests/schema/scaffold/before.prisma" --to "$src/tests/schema/scaffold/after.prisma" --id 20250601090000
tl_assert_eq 0 "$TL_RC" "scaffold the fixture"
tl_assert_eq "$(sed 1d "$src/tests/schema/scaffold/expected.mig")" "$(sed 1d <<<"$TL_OUT")" "golden skeleton"
printf '%s\n' "$TL_OUT" > all.mig
sed -i -e 's/backfill TODO;/backfill $$ now() $$;/' -e 's/TODO_new_column/score_big/' \
  -e 's/using TODO reverse TODO/using $$score::bigint$$ reverse $$score_big::integer$$/' all.mig
tl_run "$MIGC" compile all.mig -o all/migrations
tl_assert_eq 0 "$TL_RC" "filled-in skeleton compiles"
db=$(tl_newdb scaffold)
tl_psql "$db" -c 'CREATE TABLE "Customer" (id serial PRIMARY KEY, fullname text NOT NULL, email text NOT NULL,
  nick varchar(10));
  CREATE TABLE "Order" (id bigserial PRIMARY KEY, "customerId" integer NOT NULL, code text NOT NULL);
  CREATE TABLE "Invoice" (id serial PRIMARY KEY, score integer NOT NULL);
  INSERT INTO "Customer" (fullname, email) VALUES ($$Ada$$, $$a@x$$);
  INSERT INTO "Order" ("customerId", code) VALUES (1, $$c1$$);
  INSERT INTO "Invoice" (score) VALUES (7);'
ok=0
# No ledger here: the contracts' SQL guards skip their min_age (their own tests
# check it); the data gates run.
for f in $(ls -d all/migrations/2*/ | sort); do
  PGOPTIONS="-c migplan.skip_time_gates=on" tl_psql "$db" -f "$f/migration.sql" >/dev/null 2>&1 || { ok=1; echo "failed: $f" >&2; }
done
tl_assert_eq 0 "$ok" "every step runs on PostgreSQL"
tl_assert_eq "Ada" "$(tl_psql "$db" -c 'SELECT full_name FROM "Customer"')" "renamed"
tl_assert_eq "7" "$(tl_psql "$db" -c 'SELECT score_big FROM "Invoice"')" "retyped"
tl_assert_eq "1" "$(tl_psql "$db" -c "SELECT count(*) FROM \"Order\" WHERE placed_at IS NOT NULL")" "backfilled"
tl_assert_eq "1" "$(tl_psql "$db" -c "SELECT count(*) FROM pg_constraint WHERE conname = 'Order_customerId_fkey' AND convalidated")" "foreign key validated"

# Usage and refusals.
tl_run "$MIGC" scaffold --from "$src/tests/schema/scaffold/before.prisma" --to "$src/tests/schema/scaffold/after.prisma" -o all.mig
tl_assert_eq 3 "$TL_RC" "-o refuses an existing file"
tl_run "$MIGC" scaffold --from prisma/schema.prisma --from-git HEAD --to prisma/schema.prisma
tl_assert_eq 2 "$TL_RC" "--from and --from-git exclude each other"
# Without either, the old schema is the last commit's: here no repository.
tl_run env GIT_CEILING_DIRECTORIES="$tmp" "$MIGC" scaffold --to prisma/schema.prisma
tl_assert_eq 3 "$TL_RC" "no --from: --from-git HEAD, which fails outside a repository"
tl_assert_contains "$TL_ERR" "migc scaffold: git show HEAD:./schema.prisma failed" "and says git failed"
tl_run "$MIGC" scaffold --from prisma/schema.prisma --to prisma/schema.prisma --id 2025
tl_assert_eq 2 "$TL_RC" "bad id"
tl_run "$MIGC" scaffold --from prisma/schema.prisma --to prisma/schema.prisma
tl_assert_eq 0 "$TL_RC" "no change"
tl_assert_contains "$TL_ERR" "no change needs a lifecycle; nothing written" "says so"

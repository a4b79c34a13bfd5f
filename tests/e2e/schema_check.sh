#!/usr/bin/env bash
# migc check on every example, and the check migc compile runs by itself when
# a schema.prisma sits next to the migrations folder (nothing written when
# they disagree). No database needed.
source "$(dirname "$0")/../lib/testlib.sh"

# In each example's directory with no --schema: prisma/schema.prisma, or the
# schema its prisma.config.ts names (examples/prisma7_project: a folder).
for dir in "$MIGPLAN_SOURCE_DIR"/examples/*/; do
  name=$(basename "$dir")
  tl_run sh -c 'cd "$1" && exec "$2" check prisma/*.mig' sh "$dir" "$MIGC"
  tl_assert_eq 0 "$TL_RC" "$name: migc check is clean"
  tl_assert_contains "$TL_OUT" "agrees with it" "$name: says so"
done

tmp=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/prisma" "$tmp/"
cd "$tmp"
before=$(find prisma/migrations -type f -exec sha256sum {} + | sort)

# The team forgot the '?' removal: the spec enforces NOT NULL, the schema says optional.
sed -i 's/status String @default/status String? @default/' prisma/schema.prisma
rm prisma/migrations/migplan.manifest.json
tl_run "$MIGC" compile prisma/user_status.mig
tl_assert_eq 1 "$TL_RC" "compile refuses when schema.prisma disagrees"
tl_assert_contains "$TL_ERR" "prisma/user_status.mig:10:3: error: column \"status\" is NOT NULL after lifecycle 'user_status' but field User.status is optional in schema.prisma" "error at the spec"
tl_assert_contains "$TL_ERR" "prisma/schema.prisma:15:10: note: field User.status is declared optional here" "note at the schema"
tl_assert_contains "$TL_ERR" "1 error, nothing written" "counts the error"
tl_run test -e prisma/migrations/migplan.manifest.json
tl_assert_eq 1 "$TL_RC" "nothing written (the removed manifest stays removed)"

cp "$MIGPLAN_SOURCE_DIR/examples/user_status/prisma/schema.prisma" prisma/schema.prisma
tl_run "$MIGC" compile prisma/user_status.mig
tl_assert_eq 0 "$TL_RC" "compile passes once they agree"
after=$(find prisma/migrations -type f -exec sha256sum {} + | sort)
tl_assert_eq "$before" "$after" "and writes the same folder"

# A retired column still in the schema, through migc check with --json.
printf '  legacy_status String? @db.VarChar(20)\n}\n' > tail.txt
sed -i '$d' prisma/schema.prisma && cat tail.txt >> prisma/schema.prisma
tl_run "$MIGC" check --json --schema prisma/schema.prisma prisma/user_status.mig
tl_assert_eq 1 "$TL_RC" "retired column still in the schema"
tl_assert_contains "$TL_ERR" "error: column \"legacy_status\" is retired by lifecycle 'user_status' but field User.legacy_status still maps to it in schema.prisma" "names the retired column"
tl_assert_eq "false 1 1" "$(jq -r '"\(.ok) \(.errors) \(.models)"' <<<"$TL_OUT")" "--json summary"
tl_assert_eq "prisma/user_status.mig:11:10:error prisma/schema.prisma:16:3:note" \
  "$(jq -r '[.diagnostics[] | "\(.file):\(.line):\(.column):\(.severity)"] | join(" ")' <<<"$TL_OUT")" "--json diagnostics with both places"

# Syntax errors in the schema have places; bad usage and missing files have their exit codes.
printf 'model A {\n  id Int @id\n  name\n}\n' > broken.prisma
tl_run "$MIGC" check --schema broken.prisma
tl_assert_eq 1 "$TL_RC" "schema syntax error"
tl_assert_contains "$TL_ERR" "broken.prisma:4:1: error: expected a field type, found '}'" "with file:line:col"
tl_run "$MIGC" check --schema missing.prisma prisma/user_status.mig
tl_assert_eq 3 "$TL_RC" "missing schema file"
tl_assert_contains "$TL_ERR" "missing.prisma" "names it"
tl_run "$MIGC" check --bogus
tl_assert_eq 2 "$TL_RC" "unknown option"
tl_run "$MIGC" check --help
tl_assert_contains "$TL_OUT" "usage: migc check" "--help"

# Indexes, unique constraints and foreign keys: each one a spec builds has its
# counterpart in schema.prisma under the same name and on the same columns
# (tests/schema/constraints; prisma_constraint_names.sh checks the names
# against the real Prisma CLI). An index only the schema has is not required.
cfx=$MIGPLAN_SOURCE_DIR/tests/schema/constraints
mkdir -p "$tmp/cons" && cd "$tmp/cons" && cp "$cfx/constraints.mig" "$cfx/schema.prisma" .
tl_run "$MIGC" check --schema schema.prisma constraints.mig
tl_assert_eq 0 "$TL_RC" "every index, unique and foreign key of the fixture is in its schema (User_recent only there)"
sed -i 's/^  @@index(\[createdAt\])$//' schema.prisma
tl_run "$MIGC" check --schema schema.prisma constraints.mig
tl_assert_eq 1 "$TL_RC" "an index the spec builds but schema.prisma lacks"
tl_assert_contains "$TL_ERR" "constraints.mig:7:9: error: index \"User_created_at_idx\" on (\"created_at\") (lifecycle 'user_indexes') is not in schema.prisma: the next prisma migrate dev drops it" "error at the spec item"
tl_assert_contains "$TL_ERR" "schema.prisma:8:7: note: model User declares no index named \"User_created_at_idx\"" "note at the schema model"
cp "$cfx/schema.prisma" .
sed -i 's/@@index(\[authorId\])/@@index([authorId], map: "Post_by_author")/; s/@@unique(\[tenantId, email\])/@@unique([email, tenantId])/' schema.prisma
tl_run "$MIGC" check --json --schema schema.prisma constraints.mig
tl_assert_eq 1 "$TL_RC" "another map: name, and columns in another order"
tl_assert_contains "$TL_ERR" "constraints.mig:11:9: error: index \"Post_author_id_idx\" on (\"author_id\") (lifecycle 'post_links') is not in schema.prisma" "the renamed index"
tl_assert_contains "$TL_ERR" "schema.prisma:29:3: note: model Post's @@index on these columns has another name (add map: \"Post_author_id_idx\")" "points at the @@index with the other name"
tl_assert_contains "$TL_ERR" "constraints.mig:6:10: error: unique \"User_tenant_id_email_key\" on (\"tenant_id\", \"email\")" "the unique on (email, tenantId) is another one"
tl_assert_eq 2 "$(jq -r '.errors' <<<"$TL_OUT")" "two errors in --json"
cp "$cfx/schema.prisma" .
sed -i 's/references: \[id\], map: "Post_reviewer")/references: [id])/' schema.prisma
tl_run "$MIGC" check --schema schema.prisma constraints.mig
tl_assert_eq 1 "$TL_RC" "a foreign key whose map: is gone"
tl_assert_contains "$TL_ERR" "constraints.mig:13:15: error: foreign key \"Post_reviewer\" on (\"reviewer_id\") (lifecycle 'post_links') is not in schema.prisma" "the foreign key"
tl_assert_contains "$TL_ERR" "note: model Post's @relation on these columns has another name (add map: \"Post_reviewer\")" "its default name differs"
sed -i 's/@unique(map: "User_handle_uq")/@unique(map: "User_handle_uq")\n  handle2   String  @unique(map: "User_email_key")/; s/  email     String  @unique$/  email     String/' schema.prisma
tl_run "$MIGC" check --schema schema.prisma constraints.mig
tl_assert_contains "$TL_ERR" "constraints.mig:4:10: error: unique \"User_email_key\" is on (\"email\") after lifecycle 'user_indexes' but schema.prisma declares a unique on (\"handle2\") under that name" "same name, other columns"
# A column a later lifecycle retires takes its index with it: nothing required then.
cp "$cfx/constraints.mig" "$cfx/schema.prisma" .
sed -i '/createdAt/d' schema.prisma
tl_run "$MIGC" check --schema schema.prisma constraints.mig
tl_assert_eq 1 "$TL_RC" "without the retire, the indexed column is missing"
tl_assert_contains "$TL_ERR" "constraints.mig:7:35: error: column \"created_at\" (in index \"User_created_at_idx\" of lifecycle 'user_indexes') is not in schema.prisma" "the indexed column"
printf '\nlifecycle drop_created at 20250701090000 on "User" {\n  retire created_at timestamp(3);\n}\n' >> constraints.mig
tl_run "$MIGC" check --schema schema.prisma constraints.mig
tl_assert_eq 0 "$TL_RC" "retired later: neither the column nor its index is required"

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

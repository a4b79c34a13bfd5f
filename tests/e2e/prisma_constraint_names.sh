#!/usr/bin/env bash
# migc check's names for indexes, unique constraints and foreign keys are
# Prisma's: the real Prisma 6.19.3 CLI (tests/prisma) writes the script that
# creates tests/schema/constraints/schema.prisma, and every name it creates
# there is one migc check accepts for the fixture's specs, and the reverse.
# Its defaults (Table_columns_idx/_key/_fkey over @map'd columns, cut to 63
# bytes before the suffix) and map: names are both in the fixture.
source "$(dirname "$0")/../lib/testlib.sh"
cfx=$MIGPLAN_SOURCE_DIR/tests/schema/constraints
db=$(tl_newdb pcn); url=$(tl_url "$db"); mig=$(tl_tmpdir)
tl_run tl_prisma "$mig" "$url" migrate diff --from-empty --to-schema-datamodel "$cfx/schema.prisma" --script
tl_assert_eq 0 "$TL_RC" "prisma migrate diff --from-empty --to-schema-datamodel --script"
prisma_names=$(grep -oE '^CREATE (UNIQUE )?INDEX "[^"]+"|ADD CONSTRAINT "[^"]+" FOREIGN KEY' <<<"$TL_OUT" \
  | grep -oE '"[^"]+"' | tr -d '"' | grep -v '^User_recent$' | sort)
spec_names=$(grep -oE '^  (index|unique|foreign key) "[^"]+"' "$cfx/constraints.mig" | grep -oE '"[^"]+"' | tr -d '"' | sort)
tl_assert_eq 8 "$(wc -l <<<"$prisma_names")" "Prisma creates eight (User_recent, which no spec builds, left out)"
tl_assert_eq "$prisma_names" "$spec_names" "the spec builds exactly the names Prisma creates"
tl_assert_contains "$TL_OUT" 'CREATE INDEX "AVeryLongModelNameThatGoesOnAndOnForeverAndEver_anotherRath_idx"' "Prisma cuts a long default name to 63 bytes"
tl_run "$MIGC" check --schema "$cfx/schema.prisma" "$cfx/constraints.mig"
tl_assert_eq 0 "$TL_RC" "and migc check accepts every one of them"
# A name cut elsewhere (what Prisma does not create) is refused.
sed 's/_anotherRath_idx"/_anotherRa_idx"/' "$cfx/constraints.mig" > "$mig/off.mig"
tl_run "$MIGC" check --schema "$cfx/schema.prisma" "$mig/off.mig"
tl_assert_eq 1 "$TL_RC" "a long name cut two bytes shorter than Prisma's is refused"
tl_assert_contains "$TL_ERR" "off.mig:17:9: error: index \"AVeryLongModelNameThatGoesOnAndOnForeverAndEver_anotherRa_idx\" on (\"anotherRatherLongColumnNameForTheTest\") (lifecycle 'long_names') is not in schema.prisma" "at the spec"

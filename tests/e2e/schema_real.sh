#!/usr/bin/env bash
# A real-world schema.prisma (40+ models, from a public project, never
# committed here) is read without error. Point MIGPLAN_REAL_SCHEMA at it, e.g.
# documenso's packages/prisma/schema.prisma (51 models, 30 enums) or cal.com's.
source "$(dirname "$0")/../lib/testlib.sh"

if [ -z "${MIGPLAN_REAL_SCHEMA:-}" ]; then
  tl_pass "skipped: MIGPLAN_REAL_SCHEMA is not set"
  exit 0
fi
tl_run "$MIGC" check --json --schema "$MIGPLAN_REAL_SCHEMA"
tl_assert_eq 0 "$TL_RC" "read without error: $MIGPLAN_REAL_SCHEMA"
tl_assert_eq "" "$TL_ERR" "no diagnostics"
models=$(jq -r .models <<<"$TL_OUT")
tl_assert_eq "$(grep -c '^model ' "$MIGPLAN_REAL_SCHEMA")" "$models" "every model read ($models)"
tl_assert_eq "$(grep -c '^enum ' "$MIGPLAN_REAL_SCHEMA")" "$(jq -r .enums <<<"$TL_OUT")" "every enum read"
if [ "$models" -ge 40 ]; then tl_pass "40+ models"; else tl_fail "only $models models"; fi

# Scaffolding a schema against itself finds nothing to do.
tl_run "$MIGC" scaffold --from "$MIGPLAN_REAL_SCHEMA" --to "$MIGPLAN_REAL_SCHEMA"
tl_assert_eq 0 "$TL_RC" "scaffold against itself"
tl_assert_contains "$TL_ERR" "no change needs a lifecycle" "nothing to do"

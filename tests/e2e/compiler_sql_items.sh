#!/usr/bin/env bash
# Issue 15 item 6: the raw `sql` item tells the truth. Its locks come from
# the same analysis as every generated step's (header, manifest, explain),
# compile lints its UP and DOWN and reports each finding at the item's SQL in
# the spec (an error stops the compile, nothing written; a warning is
# printed), a finding that is intended is silenced in the spec with a
# migplan-disable comment and its reason, and an sql item runs where the spec
# shows it: before every other item (before the expand) or after all of them
# (after the contract), never in between.
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
cd "$work"

# 1. A volatile default in an sql item: a compile-time lint error at its SQL.
cat > uuid.mig <<'MIG'
lifecycle tokens at 20250301120000 on "User" {
  sql add_token
    up $$ ALTER TABLE "User" ADD COLUMN token uuid DEFAULT gen_random_uuid() $$
    down $$ ALTER TABLE "User" DROP COLUMN token $$;
}
MIG
tl_run "$MIGC" compile uuid.mig -o out
tl_assert_eq 1 "$TL_RC" "an sql item with a volatile default does not compile"
tl_assert_eq no "$([ -e out ] && echo yes || echo no)" "nothing is written"
tl_assert_contains "$TL_ERR" "uuid.mig:3:8: error: [adding-volatile-default] sql item 'add_token', UP (20250301120000_tokens_sql_add_token/migration.sql): column \"token\" of \"User\": a volatile default is evaluated for every row: the table is rewritten (gen_random_uuid())" \
  "the finding, at the item's UP SQL in the spec, with the rule and the file"
tl_assert_contains "$TL_ERR" "uuid.mig:4:10: warning: [drop-column] sql item 'add_token', DOWN" "its DOWN is linted too"

# 2. The same, silenced in the spec with a reason: it compiles, and the
# header, the manifest and explain all name the ACCESS EXCLUSIVE lock.
cat > uuid.mig <<'MIG'
lifecycle tokens at 20250301120000 on "User" {
  sql add_token
    up $$ -- migplan-disable adding-volatile-default: "User" holds 40 rows (admin accounts)
          ALTER TABLE "User" ADD COLUMN token uuid DEFAULT gen_random_uuid() $$
    down $$ /* migplan-disable drop-column: the column this step added */
            ALTER TABLE "User" DROP COLUMN token $$;
}
MIG
tl_run "$MIGC" compile uuid.mig -o out
tl_assert_eq 0 "$TL_RC" "silenced with a reason, it compiles ($TL_ERR)"
tl_assert_not_contains "$TL_ERR" "warning" "no finding is left"
step=out/20250301120000_tokens_sql_add_token
tl_assert_contains "$(cat "$step/migration.sql")" '-- locks: ACCESS EXCLUSIVE on "User" (held while every row is rewritten: blocks reads and writes)' \
  "the step header names the lock the analysis found"
tl_assert_eq 'ACCESS EXCLUSIVE null User' \
  "$(jq -r '.steps[0].locks[] | "\(.mode) \(.schema) \(.table)"' out/migplan.manifest.json)" "the manifest lists it"
tl_run "$MIGC" explain --json "$step/migration.sql"
tl_assert_eq 0 "$TL_RC" "explain runs"
tl_assert_contains "$(jq -r '[.. | .mode? // empty] | unique | join(",")' <<<"$TL_OUT")" "ACCESS EXCLUSIVE" "explain names it too"
tl_run "$MIGC" lint out
tl_assert_eq 0 "$TL_RC" "the folder lints clean: the spec's reasons travel to the files ($TL_OUT$TL_ERR)"
first_disable=$(grep -n -m1 '^-- migplan-disable adding-volatile-default: "User" holds 40 rows' "$step/migration.sql" | cut -d: -f1)
do_line=$(grep -n -m1 '^DO ' "$step/migration.sql" | cut -d: -f1)
tl_assert_eq yes "$([ -n "$first_disable" ] && [ "$first_disable" -lt "$do_line" ] && echo yes || echo no)" \
  "the disable comment opens the UP file, outside the DO block (line ${first_disable:-none}, DO at $do_line)"
tl_assert_eq 1 "$(grep -c '^-- migplan-disable drop-column: the column this step added' "$step/down.sql")" \
  "a C-style one becomes a line of the DOWN"

# 3. A DOWN that scans the table (SET NOT NULL) is flagged as the warning it is.
cat > nn.mig <<'MIG'
lifecycle relax at 20250301120000 on "User" {
  sql relax_email
    up $$ ALTER TABLE "User" ALTER COLUMN email DROP NOT NULL $$
    down $$ ALTER TABLE "User" ALTER COLUMN email SET NOT NULL $$;
}
MIG
tl_run "$MIGC" compile nn.mig -o nn
tl_assert_eq 0 "$TL_RC" "a warning does not stop the compile"
tl_assert_contains "$TL_ERR" "nn.mig:4:10: warning: [setting-not-null] sql item 'relax_email', DOWN" \
  "the DOWN's full-table scan is reported at the DOWN"

# 4. Order: an sql item written after a check runs after the contract; one
# written between two items is an error that says where it can go.
cat > order.mig <<'MIG'
lifecycle post at 20250301120000 on "Post" {
  sql before_all up $$ CREATE TABLE "Audit" (id int PRIMARY KEY) $$ down $$ DROP TABLE "Audit" $$;
  check "Post_title_len" $$ length(title) <= 200 $$;
  sql after_all up $$ COMMENT ON TABLE "Post" IS 'checked' $$ down $$ COMMENT ON TABLE "Post" IS NULL $$;
}
MIG
tl_run "$MIGC" compile order.mig -o order
tl_assert_eq 0 "$TL_RC" "sql items before and after the other items compile ($TL_ERR)"
tl_assert_eq "20250301120000_post_sql_before_all 20250301120001_post_expand 20250301120002_post_contract 20250301120003_post_sql_after_all" \
  "$(cd order && ls -d 2025* | tr '\n' ' ' | sed 's/ $//')" "they run where the spec shows them"
cat > middle.mig <<'MIG'
lifecycle post at 20250301120000 on "Post" {
  check "Post_title_len" $$ length(title) <= 200 $$;
  sql middle up $$ COMMENT ON TABLE "Post" IS 'x' $$ down $$ COMMENT ON TABLE "Post" IS NULL $$;
  index "Post_title_idx" on (title);
}
MIG
tl_run "$MIGC" compile middle.mig -o middle
tl_assert_eq 1 "$TL_RC" "an sql item between two items does not compile"
tl_assert_contains "$TL_ERR" "middle.mig:3:7: error: sql item 'middle' is written between other items" "located at the item"

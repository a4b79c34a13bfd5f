#!/usr/bin/env bash
# The other direction: migrun applies every example's committed folders and
# the real Prisma 7.10.1 CLI (tests/prisma7) reads its ledger as its own.
# Per example: the baseline, data, `migrun apply` up to its min_age gate
# (Prisma 7's `migrate status` then names the contract as the one migration
# not yet applied), the window passes (the ledger's clock moved back, as in
# compiler_prisma_interop.sh), `migrun apply` finishes; `prisma migrate status`
# says up to date and `prisma migrate deploy` applies nothing. Then `migrun
# rollback` of the last step: unlike 6.19 (tests/prisma/README.md), 7.x's
# `migrate status` counts the rolled-back row as not applied, as migrun does,
# and `migrate deploy` applies the step again as a new row (hostile_names'
# lossy reverse first stops both at the contract's consistency gate). Last,
# `prisma migrate diff` from the database to the example's schema.prisma is
# empty: every example's schema.prisma declares what its spec builds (migc check
# requires it; hostile_names' index too, under the name Prisma 7 gives it).
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/prisma7_examples.sh"


for name in user_status rename_column change_type post_constraints hostile_names prisma7_project; do
  src=$(tl_example_migrations "$MIGPLAN_SOURCE_DIR/examples/$name")
  manifest=$src/migplan.manifest.json
  n=$(( $(jq '.steps | length' "$manifest") + 1 ))
  last=$(jq -r '.steps[-1].id' "$manifest")
  db=$(tl_newdb "m7_$name"); url=$(tl_url "$db")
  tl_run "$MIGRUN" apply -d "$src" --database-url "$url" --to 20240101000000_baseline
  tl_assert_eq 0 "$TL_RC" "$name: migrun applies the baseline"
  p7_seed "$name" "$db"
  tl_run "$MIGRUN" apply -d "$src" --database-url "$url"
  gate=$(jq -r '[.steps[] | select(any(.gates[]?; .kind == "min_age"))][0] // empty | .id + " " + (.gates[] | select(.kind == "min_age") | .after)' "$manifest")
  if [ -n "$gate" ]; then
    read -r contract expand <<< "$gate"
    tl_assert_eq 6 "$TL_RC" "$name: migrun apply stops at the contract's min_age gate (exit 6)"
    tl_run tl_prisma7 "$src" "$url" migrate status
    tl_assert_eq 1 "$TL_RC" "$name: prisma 7 migrate status: a migration is pending (exit 1)"
    tl_assert_eq "$contract" "$(sed -n '/have not yet been applied:/,/^$/p' <<<"$TL_OUT" | sed '1d;/^$/d')" \
      "$name: and it is the contract, the one migrun has not applied"
    tl_psql "$db" -c "UPDATE _prisma_migrations SET finished_at = finished_at - interval '400 days',
                        started_at = started_at - interval '400 days' WHERE migration_name = '$expand'" > /dev/null
    tl_run "$MIGRUN" apply -d "$src" --database-url "$url"
  fi
  tl_assert_eq 0 "$TL_RC" "$name: migrun apply applies every folder"
  [ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -20

  tl_run tl_prisma7 "$src" "$url" migrate status
  tl_assert_eq 0 "$TL_RC" "$name: prisma 7 migrate status after migrun exits 0"
  tl_assert_contains "$TL_OUT" "$n migrations found in prisma/migrations" "$name: it reads all $n folders"
  tl_assert_contains "$TL_OUT" "Database schema is up to date!" "$name: and says the schema is up to date"
  tl_run tl_prisma7 "$src" "$url" migrate deploy
  tl_assert_eq 0 "$TL_RC" "$name: prisma 7 migrate deploy after migrun exits 0"
  tl_assert_contains "$TL_OUT" "No pending migrations to apply." "$name: and applies nothing"
  tl_assert_eq "$n" "$(p7_rows "$db")" "$name: no ledger row added ($n)"

  # A rolled-back row: migrun rollback of the last step (its down.sql).
  tl_run "$MIGRUN" rollback -d "$src" --database-url "$url" --steps 1 --yes
  tl_assert_eq 0 "$TL_RC" "$name: migrun rollback of $last"
  [ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -20
  if [ "$name" = user_status ]; then
    tl_run tl_prisma "$src" "$url" migrate status
    tl_assert_eq "0" "$TL_RC" "$name: prisma 6.19 migrate status after the rollback exits 0"
    tl_assert_contains "$TL_OUT" "Database schema is up to date!" "$name: 6.19 counts the rolled-back row as applied"
  fi
  tl_run tl_prisma7 "$src" "$url" migrate status
  tl_assert_eq 1 "$TL_RC" "$name: prisma 7 migrate status after the rollback exits 1 (6.19: 0, up to date)"
  tl_assert_eq "$last" "$(sed -n '/have not yet been applied:/,/^$/p' <<<"$TL_OUT" | sed '1d;/^$/d')" \
    "$name: it counts the rolled-back step as not applied, as migrun does"
  if [ "$name" = hostile_names ]; then
    # Its reverse map is lossy ('x' became 'it''s', which comes back as
    # 'it''s'), so after the rollback the contract's consistency gate fails:
    # migrun stops before it, Prisma 7 runs it and its SQL guard refuses.
    tl_run "$MIGRUN" apply -d "$src" --database-url "$url"
    tl_assert_eq 6 "$TL_RC" "$name: after the lossy rollback migrun apply stops at the consistency gate (exit 6)"
    tl_assert_contains "$TL_ERR" "consistency: 2500 rows" "$name: migrun counts the rows the reverse could not carry back"
    tl_run tl_prisma7 "$src" "$url" migrate deploy
    tl_assert_eq 1 "$TL_RC" "$name: prisma 7 migrate deploy refuses too (exit 1)"
    tl_assert_contains "$TL_ERR" "migplan gate consistency: 2500 rows" "$name: its SQL guard counts the same rows"
    # Set the old column right, as migrun's message says, and resolve.
    tl_psql "$db" -c "UPDATE app.\"we\"\"ird\" SET \"old name\" = 'x' WHERE \"old name\" = 'it''s'" > /dev/null
    tl_run tl_prisma7 "$src" "$url" migrate resolve --rolled-back "$last"
    tl_assert_eq 0 "$TL_RC" "$name: prisma 7 migrate resolve --rolled-back $last"
  fi
  tl_run tl_prisma7 "$src" "$url" migrate deploy
  tl_assert_eq 0 "$TL_RC" "$name: prisma 7 migrate deploy applies it again"
  [ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -20
  tl_assert_eq "1|1" "$(tl_psql "$db" -c "SELECT count(*) FILTER (WHERE rolled_back_at IS NOT NULL AND finished_at IS NOT NULL),
                                             count(*) FILTER (WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL AND applied_steps_count = 1)
                                      FROM _prisma_migrations WHERE migration_name = '$last'")" \
    "$name: as a new row; migrun's rolled-back row stays"
  tl_run "$MIGRUN" status -d "$src" --database-url "$url" --json
  tl_assert_eq "0 $n 0 0" "$TL_RC $(jq -r '"\(.applied) \(.pending) \(.failed)"' <<<"$TL_OUT")" \
    "$name: migrun status: up to date again, $n applied (exit 0)"

  # The end state is the example's schema.prisma, as Prisma 7 reads both (a
  # Prisma-7-style copy: 7.x refuses the datasource `url` line).
  schema=$(tl_tmpdir)/schema.prisma
  if [ "$name" = prisma7_project ]; then
    schema=$MIGPLAN_SOURCE_DIR/examples/$name/prisma/schema # a Prisma 7 schema folder, no url
  else
    grep -v '^[[:space:]]*url[[:space:]]*=' "$src/../schema.prisma" > "$schema"
  fi
  tl_run tl_prisma7 "$src" "$url" migrate diff --from-config-datasource --to-schema "$schema" --script --exit-code
  tl_assert_eq 0 "$TL_RC" "$name: prisma 7 migrate diff from migrun's end state to schema.prisma is empty"
  [ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -15
done

#!/usr/bin/env bash
# The real Prisma 7.10.1 CLI (tests/prisma7) deploys every example's committed
# folders, and migrun agrees with what it wrote. Per example: the baseline,
# data, then `prisma migrate deploy`; a contract with a min_age window refuses
# to run before it (its SQL guard, as under 6.19), `prisma migrate resolve
# --rolled-back` (7.x's own, which the stand-in runs; 6.19's needs the native
# engine) marks it, the window passes (the ledger's clock is moved back, as in
# compiler_prisma_interop.sh) and a second deploy finishes. Then `migrun
# status` says all applied with the files' checksums, `migrun apply` applies
# nothing, and the ledger rows and the schema are the ones migrun itself
# writes when it applies the same folders to a twin database.
#
# The stand-in runs each migration.sql as one query, as 6.19's engine does, not
# split into autocommit statements as 7.x's native engine does
# (tests/prisma7/README.md): this checks the CLI and the ledger, not 7.x's
# execution model.
source "$(dirname "$0")/../lib/testlib.sh"
source "$(dirname "$0")/../lib/prisma7_examples.sh"

wrong_rows() { # NAME DB: rows whose new column is not what the lifecycle maps them to
  case $1 in
    user_status) tl_psql "$2" -c "SELECT count(*) FROM \"User\" WHERE status <> CASE WHEN id%2=0 THEN 'active' ELSE 'gold' END" ;;
    rename_column) tl_psql "$2" -c "SELECT count(*) FROM \"Customer\" WHERE full_name <> 'n'||id" ;;
    change_type) tl_psql "$2" -c "SELECT count(*) FROM \"Order\" WHERE amount <> id / 100.0" ;;
    post_constraints) tl_psql "$2" -c "SELECT count(*) FROM pg_constraint WHERE conrelid = '\"Post\"'::regclass AND NOT convalidated" ;;
    hostile_names) tl_psql "$2" -c "SELECT count(*) FROM app.\"we\"\"ird\" WHERE \"sélect\" <> CASE WHEN \"ïd\"%2=0 THEN 'a;b' ELSE 'it''s' END" ;;
    prisma7_project) tl_psql "$2" -c "SELECT count(*) FROM \"User\" WHERE handle IS DISTINCT FROM lower(split_part(email, '@', 1))" ;;
  esac
}
age_expand() { # DB EXPAND: the window after EXPAND is over (400 days instead of waiting 3)
  tl_psql "$1" -c "UPDATE _prisma_migrations SET finished_at = finished_at - interval '400 days',
                     started_at = started_at - interval '400 days' WHERE migration_name = '$2'" > /dev/null
}

for name in user_status rename_column change_type post_constraints hostile_names prisma7_project; do
  src=$(tl_example_migrations "$MIGPLAN_SOURCE_DIR/examples/$name")
  manifest=$src/migplan.manifest.json
  work=$(tl_tmpdir)
  mkdir -p "$work/base"
  cp "$src/migration_lock.toml" "$work/base/"
  cp -r "$src/20240101000000_baseline" "$work/base/"
  n=$(( $(jq '.steps | length' "$manifest") + 1 ))

  # --- Prisma 7 deploys ---
  db=$(tl_newdb "p7_$name"); url=$(tl_url "$db")
  tl_run tl_prisma7 "$work/base" "$url" migrate deploy
  tl_assert_eq 0 "$TL_RC" "$name: prisma 7 migrate deploy applies the baseline"
  p7_seed "$name" "$db"
  tl_run tl_prisma7 "$src" "$url" migrate deploy
  gate=$(jq -r '[.steps[] | select(any(.gates[]?; .kind == "min_age"))][0] // empty | .id + " " + (.gates[] | select(.kind == "min_age") | .after)' "$manifest")
  if [ -n "$gate" ]; then
    read -r contract expand <<< "$gate"
    tl_assert_eq 1 "$TL_RC" "$name: prisma 7 migrate deploy stops at the contract (exit 1)"
    tl_assert_contains "$TL_OUT $TL_ERR" "migplan gate min_age: *${contract:14} may run from" "$name: the contract's SQL guard names the gate"
    tl_assert_contains "$TL_OUT $TL_ERR" "migration_name=\"$contract\"" "$name: Prisma 7 names the failed migration"
    retired=$(jq -r --arg id "$contract" '.steps[] | select(.id == $id) | .up.path' "$manifest")
    col=$(sed -n 's/^ALTER TABLE .* DROP COLUMN "\(.*\)";$/\1/p' "$src/$retired" | head -1 | sed 's/""/"/g')
    if [ -n "$col" ]; then
      tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM information_schema.columns WHERE column_name = '$col' AND table_schema IN ('public', 'app')")" \
        "$name: nothing of the contract ran (\"$col\" is still there)"
    else # a contract that retires nothing: its NOT NULL did not come
      tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM information_schema.columns WHERE is_nullable = 'NO' AND column_name <> 'id' AND table_name = 'User' AND column_name = 'handle'")" \
        "$name: nothing of the contract ran (\"handle\" still nullable)"
    fi
    tl_run "$MIGRUN" status -d "$src" --database-url "$url" --json
    tl_assert_eq "5 1 $contract failed" "$TL_RC $(jq -r --arg c "$contract" '"\(.failed) \(.steps[] | select(.id == $c) | "\(.id) \(.state)")"' <<<"$TL_OUT")" \
      "$name: migrun status reads Prisma 7's failed row as failed (exit 5)"
    tl_run tl_prisma7 "$src" "$url" migrate deploy
    tl_assert_contains "$TL_OUT $TL_ERR" "P3009" "$name: a second deploy refuses until the failed contract is resolved (P3009)"
    tl_run tl_prisma7 "$src" "$url" migrate resolve --rolled-back "$contract"
    tl_assert_eq 0 "$TL_RC" "$name: prisma 7 migrate resolve --rolled-back $contract"
    tl_assert_contains "$TL_OUT" "Migration $contract marked as rolled back." "$name: and says so"
    tl_run "$MIGRUN" status -d "$src" --database-url "$url" --json
    tl_assert_eq "3 0 1 rolled_back" "$TL_RC $(jq -r --arg c "$contract" '"\(.failed) \(.pending) \(.steps[] | select(.id == $c) | .state)"' <<<"$TL_OUT")" \
      "$name: migrun status: the resolved contract is rolled back, pending again (exit 3)"
    age_expand "$db" "$expand"
    tl_run tl_prisma7 "$src" "$url" migrate deploy
  fi
  tl_assert_eq 0 "$TL_RC" "$name: prisma 7 migrate deploy applies every generated folder"
  [ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -20
  tl_assert_eq "$n" "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")" \
    "$name: one finished ledger row per folder ($n)"
  tl_assert_eq 0 "$(wrong_rows "$name" "$db")" "$name: data and constraints right after prisma 7 migrate deploy (the backfill DO block ran)"

  # --- migrun reads what Prisma 7 wrote ---
  tl_run "$MIGRUN" status -d "$src" --database-url "$url" --json
  tl_assert_eq 0 "$TL_RC" "$name: migrun status after Prisma 7: up to date (exit 0)"
  tl_assert_eq "$n 0 0 0" "$(jq -r '"\(.applied) \(.pending) \(.failed) \(.diverged|length)"' <<<"$TL_OUT")" \
    "$name: migrun status --json: all $n applied, none pending, failed or diverged"
  want=$(cd "$src" && for d in 2*/; do echo "${d%/} $(sha256sum "$d/migration.sql" | cut -d' ' -f1)"; done)
  tl_assert_eq "$want" "$(jq -r '.steps[] | "\(.id) \(.checksum)"' <<<"$TL_OUT")" \
    "$name: migrun status shows every folder with the sha256 of its migration.sql"
  tl_assert_eq "$want" "$(tl_psql "$db" -F ' ' -c "SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY migration_name")" \
    "$name: and so does the ledger Prisma 7 wrote"
  tl_run "$MIGRUN" apply -d "$src" --database-url "$url"
  tl_assert_eq 0 "$TL_RC" "$name: migrun apply after Prisma 7"
  tl_assert_contains "$TL_OUT" "up to date: $n migrations applied" "$name: migrun apply applies nothing"

  # --- migrun writes the same on a twin ---
  twin=$(tl_newdb "m_$name"); turl=$(tl_url "$twin")
  "$MIGRUN" apply -d "$work/base" --database-url "$turl" > /dev/null
  p7_seed "$name" "$twin"
  tl_run "$MIGRUN" apply -d "$src" --database-url "$turl"
  if [ -n "$gate" ]; then
    tl_assert_eq 6 "$TL_RC" "$name: migrun apply stops at the min_age gate before the contract (exit 6)"
    age_expand "$twin" "$expand"
    tl_run "$MIGRUN" apply -d "$src" --database-url "$turl"
  fi
  tl_assert_eq 0 "$TL_RC" "$name: migrun applies the same folders to a twin database"
  [ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -20
  mine=$(p7_ledger "$twin"); theirs=$(p7_ledger "$db")
  tl_assert_eq "$n" "$(grep -c "|t|t|1|t|36$" <<<"$theirs")" "$name: Prisma 7's $n rows in force: finished, 1 step, no logs, a UUID"
  tl_assert_eq "$mine" "$theirs" "$name: and the same as migrun's (name, checksum, finished, steps, logs, id length)"
  mine=$(p7_dump "$twin"); theirs=$(p7_dump "$db")
  tl_assert_contains "$theirs" "CREATE TABLE" "$name: the schema dump has the tables"
  if [ "$mine" = "$theirs" ]; then tl_pass "$name: Prisma 7 and migrun built the same schema (pg_dump --schema-only)"
  else tl_fail "$name: the schemas built by Prisma 7 and migrun differ"; diff <(echo "$mine") <(echo "$theirs") | head -20; fi
done

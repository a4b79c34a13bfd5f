#!/usr/bin/env bash
# The real `prisma migrate deploy` (pinned in tests/prisma) accepts every
# generated folder as is: the baseline is applied, data goes in, then the
# lifecycle's folders (down.sql and the manifest beside them). A contract
# with a window refuses to run before it (its SQL guard); once the window is
# over, `prisma migrate resolve --rolled-back` and a second deploy finish it,
# and `prisma migrate status` then says the schema is up to date.
source "$(dirname "$0")/../lib/testlib.sh"

for name in user_status rename_column change_type post_constraints hostile_names required_category member_roles order_currency; do
  src=$MIGPLAN_SOURCE_DIR/examples/$name/prisma/migrations
  work=$(tl_tmpdir)
  mkdir -p "$work/base"
  cp "$src/migration_lock.toml" "$work/base/"
  cp -r "$src/20240101000000_baseline" "$work/base/"
  db=$(tl_newdb "prisma_$name")
  url=$(tl_url "$db")
  tl_run tl_prisma "$work/base" "$url" migrate deploy
  tl_assert_eq 0 "$TL_RC" "$name: prisma migrate deploy applies the baseline"
  case $name in
    user_status) tl_psql "$db" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%2=0 THEN NULL ELSE 'gold' END FROM generate_series(1,25000) g" ;;
    rename_column) tl_psql "$db" -c "INSERT INTO \"Customer\"(fullname) SELECT 'n'||g FROM generate_series(1,25000) g" ;;
    change_type) tl_psql "$db" -c "INSERT INTO \"Order\"(amount_cents) SELECT g FROM generate_series(1,25000) g" ;;
    post_constraints) tl_psql "$db" -c "INSERT INTO \"User\"(email) VALUES ('a'); INSERT INTO \"Post\"(title, slug, \"authorId\") SELECT 't'||g, 's'||g, 1 FROM generate_series(1,25000) g" ;;
    hostile_names) tl_psql "$db" -c "INSERT INTO app.\"we\"\"ird\"(\"old name\") SELECT CASE WHEN g%2=0 THEN NULL ELSE 'x' END FROM generate_series(1,25000) g" ;;
    order_currency) tl_psql "$db" -c "INSERT INTO \"Order\"(note, currency, total) SELECT 'n'||g, CASE WHEN g%2=0 THEN NULL ELSE 'USD' END, g FROM generate_series(1,25000) g" ;;
    required_category) tl_psql "$db" -c "INSERT INTO \"Post\"(title, body) SELECT CASE WHEN g%2=0 THEN NULL ELSE 't'||g END, 'b' FROM generate_series(1,25000) g" ;;
    member_roles) tl_psql "$db" -c "INSERT INTO \"Member\"(email) SELECT 'm'||g FROM generate_series(1,25000) g" ;;
  esac
  tl_run tl_prisma "$src" "$url" migrate deploy
  gate=$(jq -r '[.steps[] | select(any(.gates[]?; .kind == "min_age"))][0] // empty | .id + " " + (.gates[] | select(.kind == "min_age") | .after)' "$src/migplan.manifest.json")
  if [ -n "$gate" ]; then
    # Issue 14 case 6: plain `prisma migrate deploy` runs expand and backfill,
    # and the contract's own SQL refuses it before the window, changing nothing.
    read -r contract expand <<< "$gate"
    tl_assert_eq 1 "$TL_RC" "$name: prisma migrate deploy stops at the contract (exit 1)"
    tl_assert_contains "$TL_OUT $TL_ERR" "migplan gate min_age: *${contract:14} may run from" "$name: the contract's SQL guard names the gate and when it may run"
    tl_assert_contains "$TL_OUT $TL_ERR" "npx prisma migrate resolve --rolled-back" "$name: and how to recover"
    tl_assert_contains "$TL_OUT $TL_ERR" "migration_name=\"$contract\"" "$name: Prisma names the failed migration"
    retired=$(jq -r --arg id "$contract" '.steps[] | select(.id == $id) | .up.path' "$src/migplan.manifest.json")
    col=$(sed -n 's/^ALTER TABLE .* DROP COLUMN "\(.*\)";$/\1/p' "$src/$retired" | head -1 | sed 's/""/"/g')
    tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '$contract' AND finished_at IS NOT NULL")" \
      "$name: the contract did not finish"
    [ -z "$col" ] || tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM information_schema.columns WHERE column_name = '$col' AND table_schema IN ('public', 'app')")" \
      "$name: the retired column \"$col\" is still there"
    tl_run tl_prisma "$src" "$url" migrate deploy
    tl_assert_contains "$TL_OUT $TL_ERR" "P3009" "$name: a second deploy refuses until the failed contract is resolved (P3009)"
    # The window passes (the ledger's clock is moved back instead of waiting
    # days), the failed row is resolved (`migrun resolve --rolled-back` writes
    # what `prisma migrate resolve --rolled-back` does; the pinned CLI's resolve
    # needs the native engine, which is not available offline), and the real
    # `prisma migrate deploy` finishes the lifecycle.
    tl_psql "$db" -c "UPDATE _prisma_migrations SET finished_at = finished_at - interval '400 days', started_at = started_at - interval '400 days' WHERE migration_name = '$expand'" > /dev/null
    tl_run "$MIGRUN" resolve -d "$src" --database-url "$url" --rolled-back "$contract"
    tl_assert_eq 0 "$TL_RC" "$name: migrun resolve --rolled-back $contract"
    [ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -20
    tl_run tl_prisma "$src" "$url" migrate deploy
  fi
  tl_assert_eq 0 "$TL_RC" "$name: prisma migrate deploy applies every generated folder"
  [ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -20
  n=$(jq '.steps | length' "$src/migplan.manifest.json")
  tl_assert_eq "$((n + 1))" "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")" \
    "$name: one finished ledger row per folder"
  tl_run tl_prisma "$src" "$url" migrate status
  tl_assert_eq 0 "$TL_RC" "$name: prisma migrate status exits 0"
  tl_assert_contains "$TL_OUT" "Database schema is up to date" "$name: prisma migrate status says up to date"
  case $name in
    user_status) want=0; got=$(tl_psql "$db" -c "SELECT count(*) FROM \"User\" WHERE status <> CASE WHEN id%2=0 THEN 'active' ELSE 'gold' END") ;;
    rename_column) want=0; got=$(tl_psql "$db" -c "SELECT count(*) FROM \"Customer\" WHERE full_name <> 'n'||id") ;;
    change_type) want=0; got=$(tl_psql "$db" -c "SELECT count(*) FROM \"Order\" WHERE amount <> id / 100.0") ;;
    post_constraints) want=0; got=$(tl_psql "$db" -c "SELECT count(*) FROM pg_constraint WHERE conrelid = '\"Post\"'::regclass AND NOT convalidated") ;;
    hostile_names) want=0; got=$(tl_psql "$db" -c "SELECT count(*) FROM app.\"we\"\"ird\" WHERE \"sélect\" <> CASE WHEN \"ïd\"%2=0 THEN 'a;b' ELSE 'it''s' END") ;;
    order_currency) want=0; got=$(tl_psql "$db" -c "SELECT count(*) FROM \"Order\" WHERE currency <> CASE WHEN id%2=0 THEN 'EUR' ELSE 'USD' END") ;;
    required_category) want=0; got=$(tl_psql "$db" -c "SELECT count(*) FROM \"Post\" WHERE title <> CASE WHEN id%2=0 THEN 'Untitled' ELSE 't'||id END OR \"categoryId\" <> 1") ;;
    member_roles) want=25000; got=$(tl_psql "$db" -c "SELECT count(*) FROM \"Member\" WHERE \"reviewRole\" = 'MODERATOR'") ;;
  esac
  tl_assert_eq "$want" "$got" "$name: data right after prisma migrate deploy (backfill DO block ran)"
done

#!/usr/bin/env bash
# migrun on the compiled canonical example: the baseline, then expand and the
# native backfill; the contract waits for the 72h dual-write window; with the
# window shortened in the spec it goes through. Prisma then agrees the
# database is up to date.
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
cd "$work"
db=$(tl_newdb user_status_run)
url=$(tl_url "$db")
mig=prisma/migrations

tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --to 20240101000000_baseline
tl_assert_eq 0 "$TL_RC" "baseline applied"
tl_psql "$db" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 's'||(g%4) END FROM generate_series(1,50000) g"

tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"  # the lifecycle alone: 1 pending unit
tl_assert_eq 6 "$TL_RC" "apply stops at the contract's 72h gate (exit 6)"
tl_assert_contains "$TL_OUT$TL_ERR" "min_age" "the refusal names the min_age gate"
tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM information_schema.columns WHERE table_name='User' AND column_name='legacy_status'")" \
  "contract not applied: legacy_status still there"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM \"User\" WHERE status IS DISTINCT FROM coalesce(legacy_status, 'active')")" \
  "native backfill made every row consistent"

# The schema before contract (and before backfill: it changes data only).
before=$(pg_dump --schema-only --no-owner --restrict-key=migplan -d "$db")

# The old application writes during the window; the trigger keeps status right.
tl_psql "$db" -c "INSERT INTO \"User\"(email, legacy_status) VALUES ('late', NULL); UPDATE \"User\" SET legacy_status = 'vip' WHERE id % 1000 = 0"

sed -i 's/set window = 72h;/set window = 1s;/' prisma/user_status.mig
"$MIGC" compile prisma/user_status.mig -o "$mig" >/dev/null
# The 1s window since expand must have passed: wait on the ledger and the
# server's clock (what the gate reads), not on this script's.
tl_wait_min_age "$db" 20250101120000_user_status_expand 1s
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "with the window elapsed, contract applies"
[ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -5
tl_assert_eq "email:NO,id:NO,status:NO" "$(tl_psql "$db" -c "SELECT string_agg(column_name||':'||is_nullable, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name='User'")" \
  "status NOT NULL, legacy_status gone"
tl_assert_eq 50 "$(tl_psql "$db" -c "SELECT count(*) FROM \"User\" WHERE status = 'vip'")" "old-app writes in the window landed in status"
tl_run "$MIGRUN" status -d "$mig" --database-url "$url" --json
tl_assert_eq 0 "$(echo "$TL_OUT" | jq .pending)" "migrun status --json: 0 pending"
tl_run tl_prisma "$work/$mig" "$url" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date" "prisma migrate status agrees"
tl_run tl_prisma "$work/$mig" "$url" migrate deploy
tl_assert_contains "$TL_OUT" "No pending migrations to apply" "prisma migrate deploy applies nothing"

# Rollback of contract and backfill: the schema of before comes back. PostgreSQL
# appends a re-created column at the end of the table (it cannot reorder
# columns without rewriting and dropping every dependent index), so the dumps
# are compared with each CREATE TABLE's column lines in a canonical order, and
# the raw difference must be exactly that reordering.
canon() { awk '/^CREATE TABLE/ {t=1; print; next} t && /^\);/ {n=asort(c); for (i=1;i<=n;i++) print c[i]; delete c; t=0; print; next} t {sub(/,$/, ""); c[length(c)+1]=$0; next} {print}'; }
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --steps 2 --yes
tl_assert_eq 0 "$TL_RC" "rollback of contract and backfill"
[ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -5
tl_assert_contains "$TL_OUT$TL_ERR" "WARNING" "the DOWN's warning lines are shown"
after=$(pg_dump --schema-only --no-owner --restrict-key=migplan -d "$db")
tl_assert_eq "$(echo "$before" | canon)" "$(echo "$after" | canon)" "schema of before restored (pg_dump identical up to column order)"
other=$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | grep -v '^[<>]     [^ ]' || true)
tl_assert_eq "" "$other" "the raw dumps differ only in column lines"
tl_assert_eq 2 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE rolled_back_at IS NOT NULL")" "two ledger rows marked rolled back"
tl_run "$MIGRUN" status -d "$mig" --database-url "$url" --json
tl_assert_eq 2 "$(echo "$TL_OUT" | jq .pending)" "migrun status: the two steps are pending again"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "apply re-applies them"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM \"User\" WHERE status IS NULL")" "status right after re-apply"
tl_run tl_prisma "$work/$mig" "$url" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date" "prisma migrate status agrees after the rollback and re-apply"

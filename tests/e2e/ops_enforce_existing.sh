#!/usr/bin/env bash
# Issue 15 item 3: SET NOT NULL on a column the table already has, in one
# lifecycle: `enforce not null COL backfill VALUE`. On a 100k-row table with
# NULLs: expand (fill trigger + NOT VALID check), the batched backfill of the
# NULLs, the window, the contract (VALIDATE, SET NOT NULL through the
# validated check); the old version's NULL writes keep working during the
# window; each step's strongest lock is the one explain names (pg_locks);
# the compiled SQL lints clean; the rollback of every step gives back the
# schema exactly (pg_dump --schema-only).
source "$(dirname "$0")/../lib/testlib.sh"

work=$(tl_tmpdir)
cd "$work"
mkdir -p prisma/migrations/20240101000000_baseline
cat > prisma/migrations/20240101000000_baseline/migration.sql <<'SQL'
CREATE TABLE "Customer" ("id" SERIAL NOT NULL, "email" TEXT, "country" TEXT, "display_name" TEXT,
  CONSTRAINT "Customer_pkey" PRIMARY KEY ("id"));
SQL
cat > prisma/required.mig <<'MIG'
lifecycle customer_required at 20250401120000 on "Customer" {
  set window = 1s;
  enforce not null country backfill 'US' batch 5000;
  enforce not null display_name backfill $$ coalesce(email, 'customer ' || id) $$;
}
MIG
tl_run "$MIGC" compile prisma/required.mig -o prisma/migrations
tl_assert_eq 0 "$TL_RC" "the spec compiles ($TL_ERR)"
mig=prisma/migrations
expand=20250401120000_customer_required_expand
contract=20250401120003_customer_required_contract
tl_assert_eq "20240101000000_baseline $expand 20250401120001_customer_required_backfill_country 20250401120002_customer_required_backfill_display_name $contract" \
  "$(cd $mig && ls -d 2*/ | tr -d / | tr '\n' ' ' | sed 's/ $//')" "expand, a backfill per column, contract"
tl_run "$MIGC" lint "$mig"
tl_assert_eq 0 "$TL_RC" "the compiled SQL lints clean ($TL_OUT)"

db=$(tl_newdb enforce_existing)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --steps 1 >/dev/null
tl_psql "$db" -c "INSERT INTO \"Customer\"(email, country, display_name)
  SELECT CASE WHEN g % 5 = 0 THEN NULL ELSE 'c' || g || '@x.io' END,
         CASE WHEN g % 3 = 0 THEN NULL ELSE 'DE' END,
         CASE WHEN g % 2 = 0 THEN NULL ELSE 'name ' || g END
  FROM generate_series(1, 100000) g"
tl_psql "$db" -c 'VACUUM ANALYZE "Customer"'
dump() { pg_dump --schema-only --no-owner --restrict-key=migplan -d "$db" -T _prisma_migrations; }
before=$(dump)

# The strongest lock a step's UP holds on the table, from pg_locks inside a
# transaction that runs the file and rolls back (time gates skipped), against
# the strongest the step header names (the analyzer's, as explain has it).
held_by() {
  tl_psql "$db" -c "BEGIN; SET LOCAL migplan.skip_time_gates = on; $(cat "$mig/$1/migration.sql")
    SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = '\"Customer\"'::regclass
    ORDER BY array_position(ARRAY['AccessShareLock','RowShareLock','RowExclusiveLock','ShareUpdateExclusiveLock',
    'ShareLock','ShareRowExclusiveLock','ExclusiveLock','AccessExclusiveLock'], mode::text) DESC LIMIT 1; ROLLBACK;" | tail -1
}
declared() {
  "$MIGC" explain --format json "$mig/$1/migration.sql" | python3 -c '
import json, sys
order = ["ACCESS SHARE","ROW SHARE","ROW EXCLUSIVE","SHARE UPDATE EXCLUSIVE","SHARE","SHARE ROW EXCLUSIVE","EXCLUSIVE","ACCESS EXCLUSIVE"]
modes = [l["mode"] for s in json.load(sys.stdin)["files"][0]["statements"] for l in s["locks"]
         if l["relation"] in ("Customer", "public.Customer")]
m = max(modes, key=order.index) if modes else None
print("".join(w.capitalize() for w in m.split()) + "Lock" if m else "none")'
}
tl_assert_eq "AccessExclusiveLock" "$(held_by $expand)" "expand holds ACCESS EXCLUSIVE (the NOT VALID checks, briefly)"
tl_assert_eq "$(held_by $expand)" "$(declared $expand)" "explain of the expand names the lock PostgreSQL takes"

# --- expand: the old version's writes of NULL work and are filled ---
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --steps 1
tl_assert_eq 0 "$TL_RC" "expand applies ($TL_ERR)"
tl_run tl_psql "$db" -c "INSERT INTO \"Customer\"(email) VALUES ('old@x.io') RETURNING country || '|' || display_name"
tl_assert_eq 0 "$TL_RC" "the old version's insert without the columns goes through ($TL_ERR)"
tl_assert_eq "US|old@x.io" "$TL_OUT" "and gets the fill values"
tl_run tl_psql "$db" -c "UPDATE \"Customer\" SET country = NULL, display_name = NULL WHERE id = 11 RETURNING country || '|' || display_name"
tl_assert_eq "US|c11@x.io" "$TL_OUT" "the old version's explicit NULLs are filled, not refused"
tl_run tl_psql "$db" -c "UPDATE \"Customer\" SET email = 'e6@x.io' WHERE id = 6 RETURNING country || '|' || display_name"
tl_assert_eq "US|e6@x.io" "$TL_OUT" "an update of another column fills the NULLs of its row (the NOT VALID check holds)"
tl_assert_eq "DE|name 7" "$(tl_psql "$db" -c "SELECT country || '|' || display_name FROM \"Customer\" WHERE id = 7")" \
  "values already there are kept"

# --- backfills, then the contract after the window ---
for step in 20250401120001_customer_required_backfill_country 20250401120002_customer_required_backfill_display_name; do
  tl_run "$MIGRUN" apply -d "$mig" --database-url "$url" --steps 1
  tl_assert_eq 0 "$TL_RC" "$step applies"
done
tl_assert_eq "0 0" "$(tl_psql "$db" -c "SELECT count(*) FILTER (WHERE country IS NULL), count(*) FILTER (WHERE display_name IS NULL) FROM \"Customer\"" | tr '|' ' ')" \
  "no NULL is left"
tl_assert_eq 33335 "$(tl_psql "$db" -c "SELECT count(*) FROM \"Customer\" WHERE country = 'US'")" \
  "every NULL country got the constant: one row in three, plus the two rows the old version wrote NULL to"
tl_assert_eq "customer 20" "$(tl_psql "$db" -c "SELECT display_name FROM \"Customer\" WHERE id = 20")" "the expression filled the others"
tl_assert_eq "$(held_by $contract)" "$(declared $contract)" "explain of the contract names the lock PostgreSQL takes"
relfile=$(tl_psql "$db" -c "SELECT relfilenode FROM pg_class WHERE oid = '\"Customer\"'::regclass")
tl_wait_min_age "$db" "$expand" 1s
tl_apply_gated -d "$mig" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "the contract applies after the window ($TL_ERR)"
tl_assert_eq "country NO display_name NO" "$(tl_psql "$db" -c "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'Customer' AND column_name IN ('country', 'display_name') ORDER BY 1" | tr '|\n' '  ' | sed 's/ $//')" \
  "both columns are NOT NULL"
tl_assert_eq "0 0" "$(tl_psql "$db" -c "SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = '\"Customer\"'::regclass AND NOT tgisinternal), (SELECT count(*) FROM pg_constraint WHERE conrelid = '\"Customer\"'::regclass AND conname LIKE 'migplan_%')" | tr '|' ' ')" \
  "the fill trigger and the helper checks are gone"
tl_assert_eq "$relfile" "$(tl_psql "$db" -c "SELECT relfilenode FROM pg_class WHERE oid = '\"Customer\"'::regclass")" \
  "nothing rewrote the table"
tl_run tl_psql "$db" -c "INSERT INTO \"Customer\"(email, country, display_name) VALUES ('n@x.io', NULL, 'n')"
tl_assert_eq 1 "$TL_RC" "after the contract a NULL is refused"
tl_assert_contains "$TL_ERR" 'null value in column "country"' "by NOT NULL itself"

# --- rollback of every step: the schema as before ---
tl_run "$MIGRUN" rollback -d "$mig" --database-url "$url" --steps 4 --yes
tl_assert_eq 0 "$TL_RC" "the four steps roll back ($TL_ERR)"
tl_assert_eq "$before" "$(dump)" "pg_dump --schema-only is the same as before the lifecycle"
tl_assert_eq 33335 "$(tl_psql "$db" -c "SELECT count(*) FROM \"Customer\" WHERE country = 'US'")" \
  "the filled values stay (the DOWN says so: data only)"
tl_assert_contains "$(cat "$mig/20250401120001_customer_required_backfill_country/down.sql")" "the NULLs it filled keep their values" \
  "the backfill's DOWN says what does not come back"

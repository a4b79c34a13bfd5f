#!/usr/bin/env bash
# The server goes away under `migrun apply`:
#   - an immediate restart (`pg_ctl restart -m immediate`: crash and
#     recovery) during the backfill of user_status on 100k rows;
#   - pg_terminate_backend of migrun's connection during the backfill;
#   - pg_terminate_backend during the CREATE INDEX CONCURRENTLY of
#     post_constraints, which leaves an INVALID index and Prisma's unfinished
#     ledger row: apply refuses (5) as prisma migrate deploy would, the
#     operator resolves it as rolled back, apply drops the INVALID index and
#     builds it again.
# After each, re-running apply converges: data right, one finished ledger row
# per migration, no INVALID index. The restart needs its own PostgreSQL (the
# shared test server is used by tests running in parallel): one is started
# with tests/lib/pg.sh in a temporary directory and stopped at the end.
source "$(dirname "$0")/../lib/testlib.sh"

tl_private_pg
base=$TL_PG_BASE
bindir=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bindir/pg_ctl" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

newdb() { psql -X -q -d postgres -c "CREATE DATABASE \"$1\""; echo "$1"; }
url_of() { echo "postgresql://$PGUSER@127.0.0.1:$PGPORT/$1"; }

converge() { # URL DIR: apply until done (again while a 1 s min_age window is open)
  tl_apply_gated -d "$2" --database-url "$1" --allow-pending 10 --lock-wait 10m
  [ "$TL_RC" = 0 ] || { printf '%s\n' "$TL_OUT" "$TL_ERR" | tail -3; return 1; }
}

check_user_status() { # DB WHAT
  tl_assert_eq "$3" "$(tl_psql "$1" -c "SELECT status || ':' || count(*) FROM \"User\" GROUP BY status ORDER BY status" | tr '\n' ' ')" \
    "$2: data right"
  tl_assert_eq "4 4 4" "$(tl_psql "$1" -c "SELECT count(*) || ' ' || count(DISTINCT migration_name) || ' ' || count(*) FILTER (WHERE finished_at IS NOT NULL) FROM _prisma_migrations")" \
    "$2: exactly one finished ledger row per migration"
  tl_assert_eq "email id status" "$(tl_psql "$1" -c "SELECT string_agg(column_name, ' ' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'User'")" \
    "$2: schema right"
  tl_assert_eq 0 "$(tl_psql "$1" -c "SELECT count(*) FROM pg_index WHERE NOT indisvalid")" "$2: no INVALID index"
}

work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
sed -i 's/set window = 72h;/set window = 1s;/; s/batch 10000/batch 2000/' "$work/prisma/user_status.mig"
"$MIGC" compile "$work/prisma/user_status.mig" -o "$work/prisma/migrations" >/dev/null
mig=$work/prisma/migrations

prepare() { # DB
  "$MIGRUN" apply -d "$mig" --database-url "$(url_of "$1")" --to 20240101000000_baseline >/dev/null
  tl_psql "$1" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%3=0 THEN NULL ELSE 's'||(g%4) END FROM generate_series(1,100000) g"
  tl_psql "$1" -c "SELECT v || ':' || count(*) FROM (SELECT coalesce(legacy_status, 'active') AS v FROM \"User\") s GROUP BY v ORDER BY v" | tr '\n' ' '
}

# Where the backfill is cut: after a number of backfilled rows drawn from
# MIGPLAN_FAULT_SEED (default 7; of the ~66k rows it changes).
seed=${MIGPLAN_FAULT_SEED:-7}
RANDOM=$seed
echo "# seed $seed"

# SQL that returns once the backfill has committed at least ROWS rows,
# however slow the machine: the poll runs inside the server, so nothing that
# follows in the same query string waits on a client round trip (on a loaded
# machine a psql can take seconds, long enough for the backfill to end). It
# fails when the apply's session (the migration lock's holder) has gone, when
# the backfill is over already, or after 600 s. The backfill's --max-rate
# keeps >= 14k rows (>= 1.4 s) after any cut point.
backfilled_sql() { # ROWS
  cat <<SQL
DO \$\$
DECLARE
  deadline timestamptz := clock_timestamp() + interval '600 s';
  n bigint := 0;
  left_ bigint;
  seen bool := false;
  held bool;
BEGIN
  LOOP
    BEGIN  -- the columns exist once expand has run
      EXECUTE 'SELECT count(*) FROM "User" WHERE status = legacy_status' INTO n;
    EXCEPTION WHEN undefined_column THEN n := 0;
    END;
    EXIT WHEN n >= $1;
    held := EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369 AND granted
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database()));
    IF seen AND NOT held THEN RAISE EXCEPTION 'the apply ended after % backfilled rows, before $1', n; END IF;
    seen := seen OR held;
    IF clock_timestamp() > deadline THEN RAISE EXCEPTION 'only % of $1 rows backfilled after 600 s', n; END IF;
    PERFORM pg_sleep(0.05);
  END LOOP;
  EXECUTE 'SELECT count(*) FROM "User" WHERE status IS DISTINCT FROM coalesce(legacy_status, ''active'')' INTO left_;
  IF left_ = 0 THEN RAISE EXCEPTION 'the backfill was over before the cut'; END IF;
END
\$\$
SQL
}

# --- immediate restart during the backfill ---
db=$(newdb restart)
want=$(prepare "$db")
"$MIGRUN" apply -d "$mig" --database-url "$(url_of "$db")" --allow-pending 10 --max-rate 10000 >"$TL_TMP/a.out" 2>&1 &
pid=$!
cut=$((2000 + RANDOM % 50000)); echo "# cut after $cut backfilled rows"
tl_psql "$db" -c "$(backfilled_sql "$cut")" || { tl_fail "no cut inside the backfill"; cat "$TL_TMP/a.out"; exit 1; }
tl_as_owner "$bindir/pg_ctl" -D "$base/data" -m immediate -w -t 600 restart >/dev/null 2>&1 || true
rc=0; wait "$pid" || rc=$?
[ "$rc" != 0 ] && tl_pass "apply failed when the server crashed (exit $rc)" || tl_fail "apply finished despite the crash"
tl_wait_for "the restarted server accepts connections" pg_isready -q -h 127.0.0.1 -p "$PGPORT" || exit 1
partial=$(tl_psql "$db" -c "SELECT count(*) FROM \"User\" WHERE status = legacy_status")
echo "# after the crash: $partial rows backfilled"
converge "$(url_of "$db")" "$mig" && tl_pass "restart: apply converges" || tl_fail "restart: apply does not converge"
check_user_status "$db" restart "$want"

# --- pg_terminate_backend of migrun's connection during the backfill ---
db=$(newdb terminate)
want=$(prepare "$db")
"$MIGRUN" apply -d "$mig" --database-url "$(url_of "$db")" --allow-pending 10 --max-rate 10000 >"$TL_TMP/a.out" 2>&1 &
pid=$!
# The terminate is in the query string that waits: it follows the condition
# without a round trip.
cut=$((2000 + RANDOM % 50000)); echo "# cut after $cut backfilled rows"
killed=$(tl_psql "$db" -c "$(backfilled_sql "$cut");
  SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'migrun'") \
  || { tl_fail "no cut inside the backfill"; cat "$TL_TMP/a.out"; exit 1; }
rc=0; wait "$pid" || rc=$?
tl_assert_eq 1 "$killed" "migrun's connection terminated"
tl_assert_eq 1 "$rc" "apply reports the lost connection (exit 1)"
converge "$(url_of "$db")" "$mig" && tl_pass "terminate: apply converges" || tl_fail "terminate: apply does not converge"
check_user_status "$db" terminate "$want"

# --- pg_terminate_backend during CREATE INDEX CONCURRENTLY ---
pc=$work/pc
cp -r "$MIGPLAN_SOURCE_DIR/examples/post_constraints/." "$pc/" 2>/dev/null || { mkdir -p "$pc"; cp -r "$MIGPLAN_SOURCE_DIR/examples/post_constraints/." "$pc/"; }
pmig=$pc/prisma/migrations
# A long lock_timeout, so that the build waits for the open transaction below
# (with the default 500ms it would give up, and migrun would drop its INVALID
# index before retrying, before the terminate arrives) for as long as a loaded
# machine needs to see it wait and terminate it.
sed -i 's/^lifecycle post_constraints \(.*\) {$/lifecycle post_constraints \1 {\n  set lock_timeout = 10m;/' "$pc/prisma/post_constraints.mig"
grep -q 'set lock_timeout = 10m;' "$pc/prisma/post_constraints.mig"
"$MIGC" compile "$pc/prisma/post_constraints.mig" -o "$pmig" >/dev/null
db=$(newdb cic)
"$MIGRUN" apply -d "$pmig" --database-url "$(url_of "$db")" --steps 1 >/dev/null
tl_psql "$db" -c "INSERT INTO \"User\"(email) SELECT 'u'||g FROM generate_series(1,1000) g;
  INSERT INTO \"Post\"(title, slug, \"authorId\") SELECT 't'||g, 's'||g, 1 + g % 1000 FROM generate_series(1,20000) g"
idx_step=$(jq -r '.steps[1].id' "$pmig/migplan.manifest.json")
"$MIGRUN" apply -d "$pmig" --database-url "$(url_of "$db")" --allow-pending 10 --to "$(jq -r '.steps[0].id' "$pmig/migplan.manifest.json")" >/dev/null
# A transaction open on another table makes the build wait in its last phase,
# so the terminate surely lands inside it. The holder keeps its transaction
# open until it is terminated below, however long the build takes to get there.
tl_psql "$db" -c "BEGIN; SELECT count(*) FROM \"User\"; SELECT pg_sleep(3600); COMMIT" >/dev/null 2>&1 &
holder=$!
holding() { # the holder's transaction has its snapshot and its lock on "User"
  [ "$(tl_psql "$db" -c "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
        WHERE a.datname = '$db' AND a.query LIKE '%pg_sleep(3600)%' AND a.wait_event = 'PgSleep'
        AND l.database = a.datid AND l.relation = '\"User\"'::regclass AND l.granted AND a.pid <> pg_backend_pid()")" = 1 ]
}
tl_wait_for -p "$holder" "the holder's transaction is open" holding || exit 1
"$MIGRUN" apply -d "$pmig" --database-url "$(url_of "$db")" --allow-pending 10 --steps 1 >"$TL_TMP/a.out" 2>&1 &
pid=$!
build_waits() { # the CONCURRENTLY build waits on a lock (for the holder's transaction)
  [ "$(tl_psql "$db" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'migrun'
        AND query LIKE '%CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'")" = 1 ]
}
tl_wait_for -p "$pid" "the CREATE INDEX CONCURRENTLY waits for the open transaction" build_waits || { cat "$TL_TMP/a.out"; exit 1; }
tl_psql "$db" -c "SELECT pid, application_name, state, wait_event, left(regexp_replace(query, '\s+', ' ', 'g'), 60) FROM pg_stat_activity WHERE datname = '$db'" | sed 's/^/# sessions: /' >&2
tl_psql "$db" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'migrun'" >/dev/null
rc=0; wait "$pid" || rc=$?
tl_psql "$db" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND query LIKE '%pg_sleep(3600)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$holder" || true
tl_assert_eq 1 "$rc" "the index build was cut off (exit 1)"
tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM pg_index WHERE NOT indisvalid")" "it left an INVALID index"
sed 's/^/# apply: /' "$TL_TMP/a.out" >&2
tl_run "$MIGRUN" apply -d "$pmig" --database-url "$(url_of "$db")" --allow-pending 10
tl_assert_eq 5 "$TL_RC" "apply refuses the unfinished migration (5), like prisma migrate deploy (P3009)"
"$MIGRUN" resolve -d "$pmig" --database-url "$(url_of "$db")" --rolled-back "$idx_step" >/dev/null
converge "$(url_of "$db")" "$pmig" && tl_pass "index: apply converges after resolve" || tl_fail "index: no convergence"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM pg_index WHERE NOT indisvalid")" "index: no INVALID index left"
tl_assert_eq "5 5" "$(tl_psql "$db" -c "SELECT count(DISTINCT migration_name) || ' ' || count(*) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) FROM _prisma_migrations")" \
  "index: one finished ledger row per migration"

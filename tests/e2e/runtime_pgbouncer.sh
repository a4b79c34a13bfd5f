#!/usr/bin/env bash
# migrun through PgBouncer (issue 20 item 4), the Debian package started here
# on private ports in front of the test PostgreSQL and stopped by its pid:
#   - transaction pooling: refused before anything runs (exit 7, nothing
#     written), one line that says why and points to DIRECT_URL; the password
#     is never printed;
#   - ?pgbouncer=true (Prisma's flag for it): refused the same, not dropped;
#   - DIRECT_URL (Prisma's directUrl) is used before DATABASE_URL, so a
#     project whose DATABASE_URL is the pooler migrates through the server;
#   - session pooling keeps one server session per client: it works.
source "$(dirname "$0")/../lib/testlib.sh"

pgb=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
tl_assert_eq yes "$([ -x "$pgb" ] && echo yes || echo no)" "the pgbouncer package is installed (scripts/setup.sh)"
# pgbouncer refuses to run as root: it runs as the clusters' owner, so its
# files live where that user can read them (the test's own tmp is root's).
work=$(mktemp -d /tmp/migplan-pgbouncer.XXXXXX)
chmod 755 "$work"
db=$(tl_newdb pgbouncer)
user=$PGUSER

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start_pgbouncer() { # NAME MODE: prints the port once it accepts connections
  local name=$1 mode=$2 port dir=$work/$1
  mkdir -p "$dir"
  port=$(free_port)
  printf '"%s" ""\n' "$user" > "$dir/users.txt"
  cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PGPORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = $mode
default_pool_size = 4
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
  tl_as_owner "$pgb" -d "$dir/pgbouncer.ini"
  tl_wait_for "pgbouncer ($mode) to accept connections" \
    psql -X -q -h 127.0.0.1 -p "$port" -U "$user" -d "$db" -c 'SELECT 1' >/dev/null 2>&1
  echo "$port"
}
stop_all() {
  for p in "$work"/*/pgbouncer.pid; do if [ -f "$p" ]; then kill "$(cat "$p")" 2>/dev/null; fi; done
  rm -rf "$work"
}
trap 'rc=$?; stop_all; (exit $rc); _tl_finish' EXIT

tport=$(start_pgbouncer tx transaction)
sport=$(start_pgbouncer session session)

proj=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$proj/"
mig=$proj/prisma/migrations
pooled="postgresql://$user:Pooled99Secret@127.0.0.1:$tport/$db"

tl_run "$MIGRUN" apply -d "$mig" --database-url "$pooled" --to 20240101000000_baseline
tl_assert_eq 7 "$TL_RC" "through transaction pooling: refused (exit 7)"
tl_assert_contains "$TL_ERR" "connection pooler in transaction mode" "saying why"
tl_assert_contains "$TL_ERR" "DIRECT_URL" "and what to give instead"
tl_assert_not_contains "$TL_OUT$TL_ERR" "Pooled99Secret" "the password is not printed"
tl_assert_eq 0 "$(tl_psql "$db" -c "SELECT count(*) FROM pg_tables WHERE tablename = '_prisma_migrations'")" \
  "nothing was written (no ledger)"

tl_run "$MIGRUN" status -d "$mig" --database-url "postgresql://$user@127.0.0.1:$sport/$db?pgbouncer=true"
tl_assert_eq 7 "$TL_RC" "?pgbouncer=true: refused, not silently dropped"
tl_assert_contains "$TL_ERR" "pgbouncer=true" "naming the flag"

# DATABASE_URL is the pooler, DIRECT_URL the server: migrun takes DIRECT_URL.
tl_run env DATABASE_URL="$pooled" DIRECT_URL="$(tl_url "$db")" "$MIGRUN" apply -d "$mig" --to 20240101000000_baseline
tl_assert_eq 0 "$TL_RC" "DIRECT_URL is used before DATABASE_URL (exit 0)"
tl_assert_eq 1 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL")" \
  "the baseline is applied through the server"

tl_run "$MIGRUN" apply -d "$mig" --database-url "postgresql://$user@127.0.0.1:$sport/$db" --allow-pending 10 --steps 2
tl_assert_eq 0 "$TL_RC" "through session pooling: apply works"
tl_assert_eq 3 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL")" \
  "expand and backfill applied through session pooling"

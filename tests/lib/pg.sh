#!/usr/bin/env bash
# A throwaway PostgreSQL for tests and demos.
#
#   pg.sh start DIR   initdb a fresh cluster for DIR and start it on a free
#                     private port (127.0.0.1 + a unix socket), log in DIR/log
#   pg.sh stop DIR    stop it (SIGINT to the postmaster = fast shutdown)
#   pg.sh env DIR     print `export PGHOST=... PGPORT=... PGUSER=...` lines
#
# PostgreSQL refuses to run as root, so under uid 0 the cluster belongs to
# the `postgres` OS user and the server runs through runuser. When that user
# cannot reach DIR (a clone under /root, a mktemp -d dir) or DIR is too long
# for a unix socket path, the cluster lives in a /tmp directory instead and
# DIR only holds the env file, a pointer to it and a log symlink.
#
# Auth: the unix socket and the superuser over 127.0.0.1 are trusted; every
# other role over TCP needs its scram-sha-256 password, so tests can check
# what a wrong password does.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

pg_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir)
    [ -x "$d/postgres" ] && { echo "$d"; return; }
  fi
  # pg_config may come from libpq-dev without the server; take the newest server.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/postgres" ] && { echo "$d"; return; }
  done
  die "no PostgreSQL server binaries found (install postgresql: scripts/setup.sh)"
}

# Run a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

owner_name() {
  if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# Where the cluster of DIR lives: DIR itself, or the /tmp dir it points to.
cluster_of() {
  local dir=$1
  if [ -f "$dir/cluster" ]; then cat "$dir/cluster"; else echo "$dir"; fi
}

postmaster_pid() {
  local base=$1
  if [ -f "$base/data/postmaster.pid" ]; then head -1 "$base/data/postmaster.pid"; fi
}

port_is_free() {
  local port=$1
  # pg_isready exit 2 = nothing answered; the bash connect test catches any
  # other program that listens there.
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 && return 1
  [ "$?" -eq 2 ] || return 1
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 1; fi
  return 0
}

# wait_gone PID SECONDS: until process PID has ended, at most SECONDS.
wait_gone() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

cmd_stop() {
  local dir=$1 base pid
  [ -d "$dir" ] || return 0
  base=$(cluster_of "$dir")
  pid=$(postmaster_pid "$base")
  # A stale pid file (after a reboot) may name an unrelated process now.
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
     && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$base/data"; then
    # Fast shutdown; should it not end (a loaded machine is slow, so give it
    # long, within the pg/stop fixture's 120 s), an immediate one. The cluster
    # is only removed once it is gone.
    kill -INT "$pid"
    wait_gone "$pid" 80 || { kill -QUIT "$pid" 2>/dev/null || true; wait_gone "$pid" 20 || true; }
  fi
  # Keep DIR/log for post-mortems; drop a cluster that lived outside DIR.
  if [ "$base" != "$dir" ]; then
    if [ -f "$base/log" ]; then cp "$base/log" "$dir/log.last" 2>/dev/null || true; fi
    rm -rf "$base"
    rm -f "$dir/cluster" "$dir/log"
    [ -f "$dir/log.last" ] && mv "$dir/log.last" "$dir/log"
  fi
  rm -f "$dir/env"
}

cmd_start() {
  local dir=$1 base owner port sock
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  cmd_stop "$dir"
  rm -rf "$dir/data" "$dir/log" "$dir/env" "$dir/cluster"
  owner=$(owner_name)

  base=$dir
  # 107 bytes is the unix socket path limit; ".s.PGSQL.NNNNN" takes 15 of them.
  if [ ${#dir} -gt 88 ] || ! as_owner test -w "$dir" 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir" 2>/dev/null || true; fi
    if [ ${#dir} -gt 88 ] || ! as_owner test -w "$dir" 2>/dev/null; then
      base=$(mktemp -d /tmp/migplan-pg.XXXXXX)
      chmod 700 "$base"
      [ "$(id -u)" -eq 0 ] && chown postgres: "$base"
      echo "$base" > "$dir/cluster"
      ln -s "$base/log" "$dir/log"
    fi
  fi
  # initdb and postgres may chdir back to the cwd, which the owner may not reach.
  cd "$base"

  as_owner "$bindir/initdb" -D "$base/data" -U "$owner" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 -N >"$base/initdb.log" 2>&1 \
    || { cat "$base/initdb.log" >&2; die "initdb failed"; }

  as_owner tee "$base/data/pg_hba.conf" >/dev/null <<EOF
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       all                      trust
host    all       $owner    127.0.0.1/32   trust
host    all       all       127.0.0.1/32   scram-sha-256
EOF

  for _ in 1 2 3 4 5 6 7 8; do
    port=$((54000 + RANDOM % 1000))
    port_is_free "$port" || continue
    as_owner tee "$base/data/postgresql.auto.conf" >/dev/null <<EOF
# Test cluster: speed over durability, it is thrown away.
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$base'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
max_wal_senders = 0
wal_level = minimal
shared_buffers = 64MB
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
EOF
    as_owner rm -f "$base/log"
    # -w: pg_ctl waits until the server accepts connections, for a deadline
    # a loaded machine does not reach.
    if as_owner "$bindir/pg_ctl" -D "$base/data" -l "$base/log" -w -t 600 start >/dev/null 2>&1; then
      sock=$base
      {
        echo "export PGHOST='$sock'"
        echo "export PGPORT='$port'"
        echo "export PGUSER='$owner'"
        echo "export PGDATABASE='postgres'"
        echo "export MIGPLAN_PG_DIR='$dir'"
      } > "$dir/env"
      echo "pg.sh: PostgreSQL $("$bindir/postgres" -V | awk '{print $3}') on 127.0.0.1:$port (socket $sock, user $owner), log $dir/log"
      return 0
    fi
    # Lost a race for the port, or a real failure: the log tells which.
    grep -q 'could not bind\|Address already in use' "$base/log" 2>/dev/null || {
      tail -20 "$base/log" >&2 || true
      die "postgres did not start"
    }
  done
  die "no free port found in 54000-54999"
}

cmd_env() {
  local dir=$1
  [ -f "$dir/env" ] || die "no running test cluster in $dir (run: pg.sh start $dir)"
  cat "$dir/env"
}

case ${1:-} in -h|--help) usage; exit 0 ;; esac
[ $# -eq 2 ] || { usage >&2; exit 2; }
case $1 in
  start) bindir=$(pg_bindir); cmd_start "$2" ;;
  stop)  cmd_stop "$(cd "$2" 2>/dev/null && pwd || echo "$2")" ;;
  env)   cmd_env "$(cd "$2" 2>/dev/null && pwd || echo "$2")" ;;
  *) usage >&2; exit 2 ;;
esac

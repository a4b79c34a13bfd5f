#!/usr/bin/env bash
# Prisma's TLS parameters mean what Prisma means (issue 19 item 8), against a
# PostgreSQL of its own with a self-signed certificate (tests/lib/pg.sh, TLS
# switched on by reload, stopped at the end):
#   sslmode=require                  encrypted, the certificate not checked
#   sslaccept=strict                 refused: the certificate is self-signed
#   strict + sslcert=<its CA>        connects: chain and host name check out
#   strict + sslcert=<another CA>    refused
#   sslcert that cannot be read      refused, before connecting
#   sslidentity (PKCS12)             refused, its sslpassword never printed
# and libpq's require is TLS on this server.
source "$(dirname "$0")/../lib/testlib.sh"

tl_private_pg
base=$TL_PG_BASE

certs=$(tl_tmpdir)
mkcert() { # NAME: a self-signed certificate for localhost and 127.0.0.1 (its own CA)
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$certs/$1.key" -out "$certs/$1.crt" 2>/dev/null
}
mkcert server
mkcert other
cp "$certs/server.crt" "$certs/server.key" "$base/data/"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$base/data/server.crt" "$base/data/server.key"; fi
chmod 600 "$base/data/server.key"
psql -X -q -d postgres -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null
tls_on() { psql -X -q -d "host=127.0.0.1 port=$PGPORT user=$PGUSER dbname=postgres sslmode=require" -c 'SELECT 1' >/dev/null 2>&1; }
tl_wait_for "the server to accept TLS after the reload" tls_on

dir=$(tl_tmpdir)
mkdir -p "$dir/migrations/20240101000000_init"
echo 'CREATE TABLE t (id int);' > "$dir/migrations/20240101000000_init/migration.sql"
printf 'provider = "postgresql"\n' > "$dir/migrations/migration_lock.toml"
url="postgresql://$PGUSER@localhost:$PGPORT/postgres"

status() { tl_run "$MIGRUN" status -d "$dir/migrations" --database-url "$url?$1"; }

status "sslmode=require"
tl_assert_eq 3 "$TL_RC" "sslmode=require connects (one migration pending: exit 3)"

status "sslmode=require&sslaccept=strict"
tl_assert_eq 7 "$TL_RC" "strict refuses a self-signed certificate (as Prisma does)"
tl_assert_contains "$TL_ERR" "certificate" "and says it is the certificate"

status "sslmode=require&sslaccept=strict&sslcert=$certs/server.crt"
tl_assert_eq 3 "$TL_RC" "strict with the server's CA as sslcert connects"

status "sslmode=require&sslaccept=strict&sslcert=$certs/other.crt"
tl_assert_eq 7 "$TL_RC" "strict with another CA is refused"

status "sslmode=require&sslcert=$certs/missing.crt"
tl_assert_eq 7 "$TL_RC" "an sslcert that cannot be read is refused"
tl_assert_contains "$TL_ERR" "missing.crt cannot be read" "naming the file"

status "sslmode=require&sslidentity=$certs/id.p12&sslpassword=Pkcs12Secret99"
tl_assert_eq 7 "$TL_RC" "sslidentity is refused, not dropped"
tl_assert_contains "$TL_ERR" "PKCS12" "saying why"
tl_assert_not_contains "$TL_OUT$TL_ERR" "Pkcs12Secret99" "the PKCS12 password is never printed"

# The server's own view: a connection made with sslmode=require is encrypted.
tl_assert_eq t "$(psql -X -qAt -d "host=localhost port=$PGPORT user=$PGUSER dbname=postgres sslmode=require" \
  -c 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')" "libpq's require is TLS on this server"

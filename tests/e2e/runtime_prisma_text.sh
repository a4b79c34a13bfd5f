#!/usr/bin/env bash
# migration.sql files that are not valid UTF-8 (a Latin-1 comment, truncated
# or overlong sequences, a surrogate) and CRLF line ends: Prisma reads the
# file as a JavaScript string, so each ill-formed sequence becomes U+FFFD in
# the text it sends and checksums. migrun must compute the same checksum and
# send the same text, or each tool would see the other's rows as edited.
source "$(dirname "$0")/../lib/testlib.sh"

mig=$(tl_tmpdir)
put() { mkdir -p "$mig/$1"; printf -- "$2" > "$mig/$1/migration.sql"; }
put 20240101000000_latin1 '-- caf\xe9 cr\xe8me\nCREATE TABLE a (id int, note text DEFAULT '"'"'ol\xe9'"'"');\n'
put 20240102000000_broken '-- \xe2\x82 \xf0\x9f\x98\xff \xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80 ok: \xc3\xa9 \xe2\x82\xac\nCREATE TABLE b (id int);\n-- ends mid-sequence \xe2\x82'
put 20240103000000_crlf 'CREATE TABLE c (id int);\r\n-- \xc3\xa9t\xc3\xa9\r\n'

node_sum() { node -e 'const c=require("crypto"),fs=require("fs");console.log(c.createHash("sha256").update(fs.readFileSync(process.argv[1],"utf8")).digest("hex"))' "$1"; }
f1=$mig/20240101000000_latin1/migration.sql
if [ "$(node_sum "$f1")" != "$(sha256sum "$f1" | cut -c1-64)" ]; then
  tl_pass "Prisma's checksum of an invalid file is not the file's sha256 (the case is real)"
else tl_fail "the Latin-1 file checksums the same either way: the test checks nothing"; fi

db=$(tl_newdb text_migrun); url=$(tl_url "$db")
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "migrun applies the files"
[ "$TL_RC" = 0 ] || echo "$TL_ERR"
want=""; got=""
for d in 20240101000000_latin1 20240102000000_broken 20240103000000_crlf; do
  want="$want $(node_sum "$mig/$d/migration.sql")"
  got="$got $(tl_psql "$db" -c "SELECT checksum FROM _prisma_migrations WHERE migration_name = '$d'")"
done
tl_assert_eq "$want" "$got" "ledger checksums are the ones Node computes from the text Prisma reads"
tl_assert_contains "$(tl_psql "$db" -c "SELECT encode(convert_to(column_default, 'UTF8'), 'hex') FROM information_schema.columns WHERE table_name = 'a' AND column_name = 'note'")" \
  "6f6cefbfbd" "the Latin-1 byte reached PostgreSQL as U+FFFD ('ol' ef bf bd), as Prisma sends it"
tl_run tl_prisma "$mig" "$url" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma migrate status: up to date after migrun"
tl_run tl_prisma "$mig" "$url" migrate deploy
tl_assert_contains "$TL_OUT" "No pending migrations to apply." "prisma migrate deploy applies nothing"

db2=$(tl_newdb text_prisma); url2=$(tl_url "$db2")
tl_run tl_prisma "$mig" "$url2" migrate deploy
tl_assert_eq 0 "$TL_RC" "prisma migrate deploy applies the files"
tl_run "$MIGRUN" status -d "$mig" --database-url "$url2"
tl_assert_eq 0 "$TL_RC" "migrun status after Prisma: up to date, nothing diverged (exit 0)"
tl_run "$MIGRUN" apply -d "$mig" --database-url "$url2"
tl_assert_contains "$TL_OUT" "up to date: 3 migrations applied" "migrun apply after Prisma applies nothing"

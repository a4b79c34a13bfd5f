#!/usr/bin/env bash
# migrun orders step folders as the Prisma CLI does (JavaScript localeCompare,
# not bytewise): checked against Node's own sort on names where the two
# orders differ, and a name migrun cannot order like Prisma is refused.
source "$(dirname "$0")/../lib/testlib.sh"

mig=$(tl_tmpdir)
names=(20240101000000_a_b 20240101000000_a1 20240101000000_ab 20240101000000_aB 20240101000000_Ab
       2024010100000_short 20240101000000-dash 20240101000000.dot 20240101000000_A 20240101000000_b
       20240102000000_init 20231231235959_last_year)
for n in "${names[@]}"; do
  mkdir "$mig/$n"
  echo "SELECT 1;" > "$mig/$n/migration.sql"
done
expected=$(node -e 'console.log(process.argv.slice(1).sort((a, b) => a.localeCompare(b)).join(" "))' "${names[@]}")
bytewise=$(printf '%s\n' "${names[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
if [ "$expected" != "$bytewise" ]; then tl_pass "the names are ones where bytewise order is wrong"; else tl_fail "bytewise order agrees: the names test nothing"; fi

db=$(tl_newdb order); url=$(tl_url "$db")
tl_run "$MIGRUN" status -d "$mig" --database-url "$url" --json
tl_assert_eq 3 "$TL_RC" "status: all pending"
tl_assert_eq "$expected" "$(jq -r '[.steps[].id] | join(" ")' <<<"$TL_OUT")" "status lists them in localeCompare order"

tl_run "$MIGRUN" apply -d "$mig" --database-url "$url"
tl_assert_eq 0 "$TL_RC" "apply"
tl_assert_eq "$expected" "$(tl_psql "$db" -c "SELECT string_agg(migration_name, ' ' ORDER BY started_at, finished_at) FROM _prisma_migrations")" \
  "apply ran them in that order"
tl_run tl_prisma "$mig" "$url" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma migrate status agrees: nothing out of order"

mkdir "$mig/20240103000000_caf$(printf '\xc3\xa9')"
echo "SELECT 1;" > "$mig/20240103000000_caf$(printf '\xc3\xa9')/migration.sql"
tl_run "$MIGRUN" status -d "$mig" --database-url "$url"
tl_assert_eq 8 "$TL_RC" "a non-ASCII folder name is refused (exit 8)"
tl_assert_contains "$TL_ERR" "only printable ASCII names are supported" "with a clear reason"
tl_assert_eq 1 "$(wc -l <<<"$TL_ERR")" "in one line"

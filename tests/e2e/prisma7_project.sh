#!/usr/bin/env bash
# Issue 20 item 1: a Prisma 7 project (examples/prisma7_project: its
# prisma.config.ts names a schema folder of two files, whose datasource has no
# url, the migrations folder db/migrations and the URL env('DATABASE_URL'))
# works with no flag: migc compile, check and scaffold, migrun status and
# apply, run in the project's directory with DATABASE_URL set. A config value
# migplan cannot read without running the file is refused with its file, line
# and column and the flag to give instead (exit 2), and only where it is
# needed; flags win over the config.
source "$(dirname "$0")/../lib/testlib.sh"

ex=$MIGPLAN_SOURCE_DIR/examples/prisma7_project
p=$(tl_tmpdir)
cp -r "$ex/." "$p/"
cd "$p"
db=$(tl_newdb p7)
export DATABASE_URL
DATABASE_URL=$(tl_url "$db")
# A pooler URL in DIRECT_URL would win for a Prisma 6 project; the config names
# DATABASE_URL, as Prisma 7 reads it.
export DIRECT_URL=postgresql://nobody@127.0.0.1:$(tl_refused_port)/not_this_one
cfg=$(cat prisma.config.ts)

# --- migc compile: into db/migrations, checked against the schema folder
rm -rf db/migrations/2025* db/migrations/migplan.manifest.json
tl_run "$MIGC" compile prisma/user_handle.mig
tl_assert_eq 0 "$TL_RC" "migc compile with no flag: exit 0"
tl_assert_contains "$TL_OUT" "4 steps in db/migrations: 4 written" "into the config's migrations.path"
tl_run diff -r "$ex/db/migrations" db/migrations
tl_assert_eq 0 "$TL_RC" "the committed example is what it writes"
tl_run "$MIGC" compile prisma/user_handle.mig --check
tl_assert_eq 0 "$TL_RC" "compile --check with no flag"

tl_run "$MIGC" lint
tl_assert_eq 0 "$TL_RC" "migc lint with no path: exit 0"
tl_assert_contains "$TL_ERR" "migc lint: 5 files, 0 errors" "lints the config's folder"

# --- migc check: the two files read as one schema, notes in the right file
tl_run "$MIGC" check prisma/user_handle.mig
tl_assert_eq 0 "$TL_RC" "migc check with no flag: exit 0"
tl_assert_eq "prisma/schema: 1 model, 0 enums; 1 spec agrees with it" "$TL_OUT" "reads the schema folder"
cp prisma/schema/user.prisma "$TL_TMP/user.prisma"
sed -i 's/handle String @db/handle String? @db/' prisma/schema/user.prisma
tl_run "$MIGC" check prisma/user_handle.mig
tl_assert_eq 1 "$TL_RC" "a disagreeing schema file: exit 1"
tl_assert_contains "$TL_ERR" "prisma/user_handle.mig:10:3: error: column \"handle\" is NOT NULL after lifecycle 'user_handle' but field User.handle is optional" "the error at the spec"
tl_assert_contains "$TL_ERR" "prisma/schema/user.prisma:6:10: note: field User.handle is declared optional here" "the note in the schema folder's second file"
tl_run "$MIGC" compile prisma/user_handle.mig
tl_assert_eq 1 "$TL_RC" "compile checks the config's schema too: exit 1"
tl_assert_contains "$TL_ERR" "1 error, nothing written" "and writes nothing"
echo 'model Broken {' > prisma/schema/nested.prisma
mkdir -p prisma/schema/more && mv prisma/schema/nested.prisma prisma/schema/more/
tl_run "$MIGC" check
tl_assert_eq 1 "$TL_RC" "a syntax error in a nested file of the folder: exit 1"
tl_assert_contains "$TL_ERR" "prisma/schema/more/nested.prisma:2:1: error:" "named by its path (folders are read recursively)"
rm -r prisma/schema/more
cp "$TL_TMP/user.prisma" prisma/schema/user.prisma

# --- migc scaffold: the schema folder against its last commit
git init -q . && git config user.email t@example.com && git config user.name t
sed -e '/handle/d' "$TL_TMP/user.prisma" > prisma/schema/user.prisma
git add -A && git commit -q -m baseline
cp "$TL_TMP/user.prisma" prisma/schema/user.prisma
tl_run "$MIGC" scaffold --id 20250601090000
tl_assert_eq 0 "$TL_RC" "migc scaffold with no flag (but --id): exit 0"
tl_assert_contains "$TL_OUT" "# Scaffolded by \`migc scaffold\` from prisma/schema at HEAD to prisma/schema." "compares the folder with HEAD"
tl_assert_contains "$TL_OUT" 'lifecycle user_handle at 20250601090000 on "User" {' "a lifecycle for the new column"
tl_assert_contains "$TL_OUT" "  add handle varchar(40)" "the new required column"
tl_assert_contains "$TL_OUT" "  enforce not null handle;" "enforced at contract"

# --- migrun status and apply: the config's folder and URL (the database
# already runs the baseline: one change per deploy, the max_pending gate)
tl_run "$MIGRUN" status
tl_assert_eq 4 "$TL_RC" "migrun status with no flag: baseline and lifecycle pending, more than max_pending (exit 4)"
tl_assert_contains "$TL_OUT" "20250601090000_user_handle_expand" "lists the config's folder"
tl_run "$MIGRUN" apply --to 20240101000000_baseline
tl_assert_eq 0 "$TL_RC" "the baseline applied"
tl_psql "$db" -c "INSERT INTO \"User\"(email) SELECT 'u'||g||'@x' FROM generate_series(1,20) g"
tl_run "$MIGRUN" status
tl_assert_eq 3 "$TL_RC" "migrun status with no flag: the lifecycle pending (exit 3)"
tl_run "$MIGRUN" apply
tl_assert_eq 6 "$TL_RC" "migrun apply with no flag: up to the contract's min_age gate (exit 6)"
[ "$TL_RC" = 6 ] || echo "$TL_OUT $TL_ERR" | tail -5
tl_psql "$db" -c "INSERT INTO \"User\"(email) VALUES ('late@x')"
tl_psql "$db" -c "UPDATE _prisma_migrations SET finished_at = finished_at - interval '400 days' WHERE migration_name LIKE '%user_handle_expand'"
tl_run "$MIGRUN" apply
tl_assert_eq 0 "$TL_RC" "migrun apply once the window is over: exit 0"
[ "$TL_RC" = 0 ] || echo "$TL_OUT $TL_ERR" | tail -5
tl_assert_eq "NO late" "$(tl_psql "$db" -c "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'handle'") $(tl_psql "$db" -c "SELECT handle FROM \"User\" WHERE email = 'late@x'")" \
  "handle NOT NULL, filled for a row the old application inserted during the window"
tl_assert_eq 5 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")" \
  "five ledger rows: the baseline and four steps"
tl_run "$MIGRUN" status
tl_assert_eq 0 "$TL_RC" "migrun status: up to date"

# --- the URL: env('DATABASE_URL') unset, then a flag
tl_run env -u DATABASE_URL "$MIGRUN" status
tl_assert_eq 2 "$TL_RC" "DATABASE_URL unset: exit 2"
tl_assert_eq "migrun: error: prisma.config.ts:16:10: datasource.url is env('DATABASE_URL'), and DATABASE_URL is not set (Prisma's env() refuses it); give --database-url URL instead" \
  "$TL_ERR" "one line: the config's place, why, the flag"
tl_run env -u DATABASE_URL "$MIGRUN" verify
tl_assert_eq 0 "$TL_RC" "migrun verify needs no database, so no URL"
tl_run env -u DATABASE_URL "$MIGRUN" status --database-url "$(tl_url "$db")"
tl_assert_eq 0 "$TL_RC" "--database-url wins over the config"

# --- values migplan does not evaluate: refused where needed, flags stand in
sed -i 's|path: "db/migrations",|path: path.join("db", "migrations"),|' prisma.config.ts
tl_run "$MIGC" compile prisma/user_handle.mig
tl_assert_eq 2 "$TL_RC" "migrations.path = path.join(...): migc compile exit 2"
tl_assert_eq "migc compile: prisma.config.ts:13:11: migrations.path is a call of path.join(), which migplan does not evaluate (it reads the config without running it); give -o/--output DIR instead" \
  "$TL_ERR" "located, with the flag to give"
tl_run "$MIGRUN" status
tl_assert_eq 2 "$TL_RC" "migrun status exit 2"
tl_assert_contains "$TL_ERR" "prisma.config.ts:13:11: migrations.path is a call of path.join(), which migplan does not evaluate (it reads the config without running it); give -d/--dir DIR instead" "its flag is -d/--dir"
tl_run "$MIGRUN" status -d db/migrations
tl_assert_eq 0 "$TL_RC" "-d stands in for it"
tl_run "$MIGC" compile prisma/user_handle.mig -o db/migrations --check
tl_assert_eq 0 "$TL_RC" "-o stands in for it"
tl_run "$MIGC" check prisma/user_handle.mig
tl_assert_eq 0 "$TL_RC" "migc check does not need migrations.path"

printf '%s\n' "$cfg" | sed 's|schema: "prisma/schema",|schema: `${root}/schema`,|' > prisma.config.ts
tl_run "$MIGC" check prisma/user_handle.mig
tl_assert_eq 2 "$TL_RC" "schema = a template with \${}: migc check exit 2"
tl_assert_eq "migc check: prisma.config.ts:11:11: schema is a template literal with \${...}, which migplan does not evaluate (it reads the config without running it); give --schema FILE instead" \
  "$TL_ERR" "located, with --schema"
tl_run "$MIGC" check prisma/user_handle.mig --schema prisma/schema
tl_assert_eq 0 "$TL_RC" "--schema stands in for it"
tl_run "$MIGC" scaffold --from prisma/schema
tl_assert_eq 2 "$TL_RC" "scaffold: exit 2"
tl_assert_contains "$TL_ERR" "give --to FILE instead" "names --to"
tl_run "$MIGRUN" status
tl_assert_eq 0 "$TL_RC" "migrun does not need the schema (migrations.path is static)"

# No migrations.path: Prisma's default, "migrations" in the schema folder.
printf '%s\n' "$cfg" | sed '/migrations: {/,/},/d' > prisma.config.ts
tl_run "$MIGC" verify
tl_assert_eq 3 "$TL_RC" "no migrations.path: migc verify looks beside the schema (not there: exit 3)"
tl_assert_eq "migc verify: prisma/schema/migrations: no such directory" "$TL_ERR" "in the schema folder, as Prisma"

printf 'export default getConfig()\n' > prisma.config.ts
tl_run "$MIGRUN" status
tl_assert_eq 2 "$TL_RC" "a default export that is a call: exit 2"
tl_assert_contains "$TL_ERR" "prisma.config.ts:1:16: the default export is a call of getConfig(), not an object literal, defineConfig({...}) or a const naming one" "said at the export"
tl_run "$MIGRUN" status -d db/migrations --database-url "$(tl_url "$db")"
tl_assert_eq 0 "$TL_RC" "flags for every value: the config is not needed"

# --- where Prisma finds the config: .config/prisma.ts, paths from its folder; --config
rm prisma.config.ts
mkdir .config
printf '%s\n' "$cfg" | sed 's|"prisma/schema"|"../prisma/schema"|; s|"db/migrations"|"../db/migrations"|' > .config/prisma.ts
tl_run "$MIGC" check prisma/user_handle.mig
tl_assert_eq 0 "$TL_RC" ".config/prisma.ts is found, its paths relative to .config/"
tl_assert_contains "$TL_OUT" "prisma/schema: 1 model" "as Prisma resolves them"
tl_run "$MIGRUN" status
tl_assert_eq 0 "$TL_RC" "migrun too"
mkdir sub && mv .config/prisma.ts sub/custom.config.mts
tl_run "$MIGRUN" status
tl_assert_eq 8 "$TL_RC" "no config found: Prisma's default folder, prisma/migrations (not there: exit 8)"
tl_assert_contains "$TL_ERR" "prisma/migrations" "names it"
tl_run "$MIGRUN" status --config sub/custom.config.mts
tl_assert_eq 0 "$TL_RC" "--config FILE, its paths relative to FILE's folder"
tl_run "$MIGC" check --config missing.config.ts
tl_assert_eq 3 "$TL_RC" "--config naming no file: migc exit 3"
tl_run "$MIGC" check --config prisma/user_handle.mig
tl_assert_eq 2 "$TL_RC" "--config of another extension: exit 2"
tl_assert_contains "$TL_ERR" "Prisma reads a config file only as .js, .ts, .mjs, .cjs, .mts or .cts" "says which"

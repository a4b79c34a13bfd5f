#!/usr/bin/env bash
# Issue 19 item 6: `migc compile --check` passes only when the folder holds,
# byte for byte, what `migc compile` writes, and names each file that does
# not; a consistently rewritten manifest (another window, its chain
# recomputed) is caught like a hand-edited migration.sql. `migrun status`
# reports a pending step whose file no longer matches its manifest hash.
source "$(dirname "$0")/../lib/testlib.sh"

# Every committed example is what this compiler writes (so a change to the
# generated SQL cannot land without its examples).
for ex in "$MIGPLAN_SOURCE_DIR"/examples/*/; do
  rc=0; (cd "$ex" && "$MIGC" compile prisma/*.mig --check) > "$TL_TMP/check.out" 2>&1 || rc=$?
  tl_assert_eq 0 "$rc" "examples/$(basename "$ex") is up to date: $(grep -v '^ ' "$TL_TMP/check.out" | tail -2 | tr '\n' ' ')"
done

p=$(tl_tmpdir); cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$p/"; cd "$p"
mig=prisma/migrations
contract=20250101120002_user_status_contract
tl_run "$MIGC" compile prisma/user_status.mig --check
tl_assert_eq 0 "$TL_RC" "--check on the example as committed: exit 0"
tl_assert_contains "$TL_OUT" "0 files would change" "nothing would change"

printf -- '-- a hand edit\n' >> $mig/$contract/migration.sql
tl_run "$MIGC" compile prisma/user_status.mig --check
tl_assert_eq 1 "$TL_RC" "--check after a hand edit of a generated file: exit 1"
tl_assert_contains "$TL_ERR" "$mig/$contract/migration.sql differs from what \`migc compile\` writes" "names the file"
db=$(tl_newdb checkstatus); url=$(tl_url "$db")
tl_run "$MIGRUN" status -d $mig --database-url "$url"
tl_assert_eq 5 "$TL_RC" "migrun status: the edited pending step is diverged (exit 5)"
tl_assert_contains "$TL_OUT$TL_ERR" "pending, but its migration.sql differs from the manifest's hash" "says why"
"$MIGC" compile prisma/user_status.mig > /dev/null

# A manifest rewritten consistently: compiled from a spec with a 1s window,
# copied over; its chain verifies, but it is not what this spec compiles to.
q=$(tl_tmpdir); cp -r "$p/." "$q/"
sed -i 's/set window = 72h;/set window = 1s;/' "$q/prisma/user_status.mig"
(cd "$q" && "$MIGC" compile prisma/user_status.mig > /dev/null)
cp "$q/$mig/migplan.manifest.json" $mig/migplan.manifest.json
cp "$q/$mig/$contract/migration.sql" $mig/$contract/migration.sql
tl_run "$MIGRUN" verify -d $mig
tl_assert_eq 0 "$TL_RC" "the rewritten folder verifies on its own (its chain is consistent)"
tl_run "$MIGC" compile prisma/user_status.mig --check
tl_assert_eq 1 "$TL_RC" "--check: exit 1"
tl_assert_contains "$TL_ERR" "$mig/migplan.manifest.json differs" "names the manifest"
tl_assert_contains "$TL_ERR" "$mig/$contract/migration.sql differs" "and the contract"

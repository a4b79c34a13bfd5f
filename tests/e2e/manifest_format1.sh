#!/usr/bin/env bash
# Issue 13: a manifest committed in format 1 (locks as one dotted "relation"
# string) keeps working after the format became 2. The fixture
# tests/fixtures/manifest-format1 is what migc wrote before the change; it
# verifies (migrun and migc), and status, apply, post-checks, rehearse and
# rollback behave exactly as with its format-2 recompile, whose folders
# differ only in the manifest. `migc compile --check` says why the format-1
# manifest is stale. A format-1 relation that cannot be split, and format 3,
# are refused.
source "$(dirname "$0")/../lib/testlib.sh"

fix=$MIGPLAN_SOURCE_DIR/tests/fixtures/manifest-format1
one=$(tl_tmpdir); cp -r "$fix/." "$one/"
two=$(tl_tmpdir); cp -r "$fix/." "$two/"
m1=$one/prisma/migrations
m2=$two/prisma/migrations
tl_assert_eq 1 "$(jq .format "$m1/migplan.manifest.json")" "the fixture is format 1"
tl_assert_eq "Post" "$(jq -r '.steps[0].locks[0].relation' "$m1/migplan.manifest.json")" "with dotted relations"

# --- offline: both binaries read it ---
tl_run "$MIGRUN" verify -d "$m1"
tl_assert_eq 0 "$TL_RC" "migrun verify: a format-1 manifest verifies (exit 0)"
tl_assert_contains "$TL_OUT" "verified: 8 generated steps, hashes and chain match" "hashes and the format-1 chain"
tl_run "$MIGC" verify -d "$m1"
tl_assert_eq 0 "$TL_RC" "migc verify: a format-1 manifest agrees with its folder"

# --- --check names the format; compile rewrites the manifest and the step
# files that changed since the fixture was written: the -- locks: lines of
# six DOWNs, which the lock analyzer now computes (docs/locks.md, "The locks
# a generated step declares"); every transactional step's UP and DOWN, now
# one DO block (issue 20, item 2: atomic under Prisma 7's engine too); and the
# contract's DOWN that refills a retired column, now in parts (issue 19, item
# 13). The other files, backfills' and indexes' UP and DOWN, stay byte-identical ---
(cd "$one" && tl_run "$MIGC" compile --check prisma/*.mig
 tl_assert_eq 1 "$TL_RC" "--check on a format-1 manifest: exit 1 (its bytes differ)"
 tl_assert_contains "$TL_OUT" "12 files would change" "the manifest, and the transactional steps' UPs and DOWNs, and two index DOWNs"
 tl_assert_contains "$TL_ERR" "prisma/migrations/migplan.manifest.json differs from what \`migc compile\` writes: it is in manifest format 1, and migc now writes format 2" \
   "and it says the format changed"
 tl_assert_contains "$TL_ERR" "migrun still reads it, and \`migc compile\` rewrites it" "and what to do")
(cd "$two" && tl_run "$MIGC" compile prisma/*.mig
 tl_assert_eq 0 "$TL_RC" "compile over the format-1 manifest: exit 0"
 tl_assert_contains "$TL_OUT" "7 written, 1 unchanged" "every step but the backfill was written"
 tl_assert_contains "$TL_OUT" "rewrote migplan.manifest.json in manifest format 2 (it was format 1)" "says the manifest was")
tl_assert_eq 2 "$(jq .format "$m2/migplan.manifest.json")" "the recompile is format 2"
same_files=0 wrapped=0 other=""
parts=20250501090003_hostile_contract/down.sql
while read -r id tx; do
  for f in migration.sql down.sql; do
    if [ "$tx" = false ]; then
      # not transactional: the same, but for a DOWN's -- locks: lines
      d=$(diff <(grep -v '^-- locks:' "$m1/$id/$f") <(grep -v '^-- locks:' "$m2/$id/$f"))
      [ -z "$d" ] && same_files=$((same_files + 1)) || other+="$id/$f "
    elif grep -q '^DO \$migplan[0-9]*\$$' "$m2/$id/$f" && ! grep -q 'SET LOCAL' "$m2/$id/$f" \
         && grep -q '^SET LOCAL lock_timeout' "$m1/$id/$f"; then
      wrapped=$((wrapped + 1))
    else
      other+="$id/$f "
    fi
  done
done < <(jq -r '.steps[] | "\(.id) \(.transactional)"' "$m2/migplan.manifest.json")
tl_assert_eq "8 8 " "$same_files $wrapped $other" \
  "backfill and index files the same (8); every transactional UP and DOWN one DO block instead of SET LOCAL (8)"
tl_assert_eq "0 1" "$(grep -c '^-- migplan: commit$' "$m1/$parts") $(grep -c '^-- migplan: commit$' "$m2/$parts")" \
  "the contract's DOWN: one part as the fixture has it, two parts recompiled"
tl_assert_eq '{"mode":"ACCESS EXCLUSIVE","schema":"app","table":"we\"ird"}' \
  "$(jq -c '.steps[] | select(.id == "20250501090000_hostile_expand") | .locks[0]' "$m2/migplan.manifest.json")" \
  "format 2: app.we\"ird as schema and table"
tl_assert_eq '{"mode":"SHARE ROW EXCLUSIVE","schema":null,"table":"User"}' \
  "$(jq -c '.steps[0].locks[] | select(.table == "User")' "$m2/migplan.manifest.json")" \
  "format 2: no schema given is null (the foreign key's referenced table)"
tl_run "$MIGRUN" verify -d "$m2"
tl_assert_eq 0 "$TL_RC" "the format-2 recompile verifies"

# Timings, timestamps, scratch names and temporary paths aside, the two
# formats must give the same output.
same() {
  sed -E -e 's/[0-9]+ ms/N ms/g; s/[0-9.]+ ?s\b/Ns/g; s/in about [0-9a-z ]+/in about T/g' \
    -e 's/20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:.]+\+[0-9]{2}/TS/g; s/[0-9.]+ rows\/s/R rows\/s/g' \
    -e 's/migrun_rehearse_[0-9_]+/SCRATCH/g' -e "s#$one#DIR#g; s#$two#DIR#g"
}

# --- status and apply against PostgreSQL ---
db1=$(tl_newdb f1apply); url1=$(tl_url "$db1")
db2=$(tl_newdb f2apply); url2=$(tl_url "$db2")
tl_run "$MIGRUN" status -d "$m1" --database-url "$url1" --json
tl_assert_eq 4 "$TL_RC" "status on the format-1 folder: more pending units than max_pending (exit 4)"
tl_assert_eq "9 3" "$(jq -r '"\(.pending) \(.pending_units)"' <<<"$TL_OUT")" "9 pending migrations, 3 units"
tl_run "$MIGRUN" apply -d "$m1" --database-url "$url1" --allow-pending 10
a1_rc=$TL_RC a1=$(same <<<"$TL_OUT$TL_ERR")
tl_run "$MIGRUN" apply -d "$m2" --database-url "$url2" --allow-pending 10
a2_rc=$TL_RC a2=$(same <<<"$TL_OUT$TL_ERR")
tl_assert_eq 6 "$a1_rc" "apply (format 1): every step up to the contract's 3d window (exit 6)"
tl_assert_eq "$a2_rc" "$a1_rc" "apply (format 2): the same exit"
tl_assert_eq "$a2" "$a1" "apply: the same output for both formats"
tl_assert_contains "$a1" 'post-check 20250401090000_post_constraints_expand: analyzed "Post", "User"' \
  "post-check: both tables of the foreign key's locks analyzed (no schema: the current one)"
tl_assert_contains "$a1" 'post-check 20250501090000_hostile_expand: analyzed app."we""ird"' \
  "post-check: the schema-qualified lock found and analyzed"
tl_assert_eq 8 "$(tl_psql "$db1" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL")" \
  "8 migrations applied from the format-1 folder"
tl_run "$MIGRUN" status -d "$m1" --database-url "$url1"
s1=$(same <<<"$TL_OUT") s1_rc=$TL_RC
tl_run "$MIGRUN" status -d "$m2" --database-url "$url2"
tl_assert_eq "$(same <<<"$TL_OUT")" "$s1" "status after apply: the same for both formats"
tl_assert_eq "$TL_RC" "$s1_rc" "with the same exit"
tl_run "$MIGRUN" rollback -d "$m1" --database-url "$url1" --steps 1 --yes
tl_assert_eq 0 "$TL_RC" "rollback of the format-1 folder's last step: exit 0"
tl_assert_contains "$TL_OUT$TL_ERR" "20250501090002_hostile_index_we_ird_s__lect_idx" "the index step was rolled back"

# --- rehearse: declared and observed locks, and --with-data's tables ---
r1=$(tl_newdb f1reh); r2=$(tl_newdb f2reh)
tl_run "$MIGRUN" rehearse -d "$m1" --database-url "$(tl_url "$r1")" --with-data 20 --json
tl_assert_eq 0 "$TL_RC" "rehearse (format 1): exit 0"
j1=$(jq -S -c 'del(.scratch) | .steps |= map(del(.up_ms, .down_ms, .up_again_ms))' <<<"$TL_OUT") e1=$(same <<<"$TL_ERR")
tl_run "$MIGRUN" rehearse -d "$m2" --database-url "$(tl_url "$r2")" --with-data 20 --json
tl_assert_eq 0 "$TL_RC" "rehearse (format 2): exit 0"
j2=$(jq -S -c 'del(.scratch) | .steps |= map(del(.up_ms, .down_ms, .up_again_ms))' <<<"$TL_OUT")
tl_assert_eq "$j2" "$j1" "rehearse --json: the same locks, diffs and post-checks for both formats"
# The two contract DOWNs run differently (one transaction / parts): their
# lines aside, the progress is the same.
# A batch's longest hold is a measured time, like rows/s.
notparts() { grep -v -e 'rows/s' -e '_hostile_contract: DOWN part' -e '_hostile_contract: filling' -e '_hostile_contract: refilled' \
  -e ' batches, the longest held its row locks ' || true; }
tl_assert_eq "$(same <<<"$TL_ERR" | notparts)" "$(notparts <<<"$e1")" "rehearse's progress lines: the same"
tl_assert_contains "$(same <<<"$TL_ERR")" "20250501090003_hostile_contract: DOWN part 1 of 2" "the recompiled contract's DOWN runs in parts"
tl_assert_eq 'SHARE UPDATE EXCLUSIVE on Post' \
  "$(jq -r '.steps[] | select(.name == "20250401090001_post_constraints_index_post_authorid_idx") | .locks' <<<"$j1")" \
  "declared lock of an unqualified table, as before: Post"
tl_assert_eq 'ROW EXCLUSIVE on app.we"ird' \
  "$(jq -r '.steps[] | select(.name == "20250501090001_hostile_backfill_s__lect") | .locks' <<<"$j1")" \
  "declared lock of a qualified table, as before: app.we\"ird"
tl_assert_contains "$e1" '--with-data: "User" filled with 20 rows' "--with-data fills the unqualified lock's table"
tl_assert_contains "$e1" '--with-data: app."we""ird" filled with 20 rows' "and the qualified one's"

# --- refused: a format-1 relation that cannot be split, and format 3 ---
bad=$(tl_tmpdir); cp -r "$fix/." "$bad/"
jq '(.steps[] | select(.id == "20250501090000_hostile_expand") | .locks[0].relation) = "app.we.ird"' \
  "$bad/prisma/migrations/migplan.manifest.json" > "$bad/m.tmp"
mv "$bad/m.tmp" "$bad/prisma/migrations/migplan.manifest.json"
tl_run "$MIGRUN" verify -d "$bad/prisma/migrations"
tl_assert_eq 8 "$TL_RC" "a format-1 relation with two dots: verify fails (exit 8)"
tl_assert_contains "$TL_ERR" 'format-1 lock relation "app.we.ird" is ambiguous (more than one dot); recompile' \
  "says it is ambiguous and to recompile"
jq '.format = 3' "$m2/migplan.manifest.json" > "$bad/m.tmp" && mv "$bad/m.tmp" "$m2/migplan.manifest.json"
tl_run "$MIGRUN" verify -d "$m2"
tl_assert_eq 8 "$TL_RC" "format 3: verify fails (exit 8)"
tl_assert_contains "$TL_ERR" "unsupported manifest format (expected 2, or 1 as written before)" "says which formats it reads"

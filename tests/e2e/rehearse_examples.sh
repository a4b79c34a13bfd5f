#!/usr/bin/env bash
# migrun rehearse: every example's pending steps go UP, DOWN, UP on a scratch
# database with empty diffs (also with synthetic data, and after part of the
# history is applied on the target); a DOWN broken on purpose gives exit 9 and
# a diff naming the column it leaves behind.
#
# The broken DOWN is made the way a person would: edit down.sql, then put its
# new sha256 into the manifest and recompute the hash chain with the recipe of
# docs/manifest.md (Python's json.dumps with sorted keys). No test-only flag
# skips the hash checks: the binary under test is the one that ships.
source "$(dirname "$0")/../lib/testlib.sh"

for ex in "$MIGPLAN_SOURCE_DIR"/examples/*/; do
  name=$(basename "$ex")
  db=$(tl_newdb "reh_$name")
  # in the example's directory with no -d: its migrations folder is Prisma's
  # default, or the one its prisma.config.ts names
  url=$(tl_url "$db")
  tl_run sh -c 'cd "$1" && exec "$2" rehearse --database-url "$3" --json' sh "$ex" "$MIGRUN" "$url"
  tl_assert_eq 0 "$TL_RC" "$name: rehearse exit 0"
  [ "$TL_RC" = 0 ] || echo "$TL_ERR" | tail -5
  tl_assert_eq "0 true" "$(echo "$TL_OUT" | jq -r '"\(.differences) \(.dropped)"')" "$name: no difference, scratch dropped"
  tl_assert_eq 0 "$(echo "$TL_OUT" | jq '[.steps[] | select(.down_diff != "" or .up_diff != "")] | length')" \
    "$name: every diff empty"
done

# With data and part of the history applied on the target.
work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
mig=$work/prisma/migrations
db=$(tl_newdb reh_partial)
url=$(tl_url "$db")
"$MIGRUN" apply -d "$mig" --database-url "$url" --to 20250101120000_user_status_expand --allow-pending 10 >/dev/null
tl_run "$MIGRUN" rehearse -d "$mig" --database-url "$url" --with-data 5000 --json
tl_assert_eq 0 "$TL_RC" "with-data rehearsal after a partial apply: exit 0"
tl_assert_eq "2 2 5000" "$(echo "$TL_OUT" | jq -r '"\(.replayed) \(.steps | length) \(.rows_filled)"')" \
  "2 migrations replayed, 2 pending rehearsed, 5000 rows"
tl_assert_contains "$TL_ERR" "rows updated" "the backfill did real work"
tl_assert_contains "$TL_ERR" "min_age gate skipped in rehearsal" "the time gate is skipped, and said so"
tl_assert_eq "ACCESS EXCLUSIVE on \"User\", ACCESS SHARE on \"User\", SHARE UPDATE EXCLUSIVE on \"User\"" \
  "$(echo "$TL_OUT" | jq -r '.steps[1].locks')" "the contract's observed locks"
tl_assert_eq 2 "$(tl_psql "$db" -c "SELECT count(*) FROM _prisma_migrations")" "the target was only read"

# A named scratch database is used, not dropped, and must be empty.
scratch=$(tl_newdb reh_scratch)
tl_run "$MIGRUN" rehearse -d "$mig" --database-url "$url" --scratch-url "$(tl_url "$scratch")"
tl_assert_eq 0 "$TL_RC" "--scratch-url rehearsal"
tl_run "$MIGRUN" rehearse -d "$mig" --database-url "$url" --scratch-url "$(tl_url "$scratch")"
tl_assert_eq 2 "$TL_RC" "a scratch database that is not empty: exit 2"
tl_assert_contains "$TL_ERR" "is not empty" "and it says why"

# A broken DOWN: the expand's DOWN no longer drops the column.
down=$mig/20250101120000_user_status_expand/down.sql
sed -i 's/ALTER TABLE "User" DROP COLUMN "status";/ALTER TABLE "User" ALTER COLUMN "status" DROP DEFAULT;/' "$down"
python3 - "$mig/migplan.manifest.json" "$down" <<'PY'
import hashlib, json, sys
path, down = sys.argv[1], sys.argv[2]
m = json.load(open(path, encoding="utf-8"))
sha = hashlib.sha256(open(down, "rb").read()).hexdigest()
prev = "0" * 64
for s in m["steps"]:
    if s["down"]["path"] == "20250101120000_user_status_expand/down.sql":
        s["down"]["sha256"] = sha
    body = {k: v for k, v in s.items() if k != "chain"}
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    s["chain"] = prev = hashlib.sha256((prev + "\n" + canon).encode()).hexdigest()
open(path, "w", encoding="utf-8").write(json.dumps(m, indent=2, ensure_ascii=False) + "\n")
PY
tl_run "$MIGRUN" verify -d "$mig"
tl_assert_eq 0 "$TL_RC" "the edited manifest verifies"
db2=$(tl_newdb reh_broken)
tl_run "$MIGRUN" rehearse -d "$mig" --database-url "$(tl_url "$db2")"
tl_assert_eq 9 "$TL_RC" "broken DOWN: exit 9"
tl_assert_contains "$TL_OUT" "DOWN of 20250101120000_user_status_expand did not restore the schema" "the diff names the step"
tl_assert_contains "$TL_OUT" "+ column public.\"User\".status: character varying(20)" "and the column left behind"
tl_assert_contains "$TL_OUT" "1 difference" "exactly one difference"

tl_run "$MIGRUN" rehearse -d "$mig" --with-data 0
tl_assert_eq 2 "$TL_RC" "--with-data 0 is a usage error"

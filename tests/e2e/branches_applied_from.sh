#!/usr/bin/env bash
# `migc rebase --applied-from` with a real ledger: `migrun status --json` of a
# database that applied branch a's lifecycle pins it, so the other branch's
# lifecycle moves instead and that database needs no reconciliation. Also the
# command-line contract of verify, rebase and resolve --rebase (exit codes,
# nothing written on errors).
source "$(dirname "$0")/../lib/testlib.sh"
mig=prisma/migrations

apply_all() { # DIR URL: migrun apply, again while a 1s dual-write window is open
  tl_apply_gated -d "$1" --database-url "$2" --allow-pending 20
}
project() { # DIR [SPEC NAME TEXT]: user_status (1s window) plus one lifecycle, compiled
  mkdir -p "$1" && cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/prisma" "$1/"
  sed -i 's/set window = 72h;/set window = 1s;/' "$1/prisma/user_status.mig"
  rm "$1/prisma/schema.prisma"  # the schema cross-check is another test's business
  [ $# -gt 1 ] && printf '%s\n' "$3" > "$1/prisma/$2"
  (cd "$1" && "$MIGC" compile prisma/*.mig -o $mig >/dev/null)
}
NICK='lifecycle nick at 20250301100000 on "User" {
  set window = 1s;
  add nickname varchar(40) default '"'anon'"' backfill from email batch 100;
  enforce not null nickname;
}'
BIO='lifecycle bio at 20250301100001 on "User" {
  add bio text;
  index "User_bio_idx" on (bio);
}'

w=$(tl_tmpdir)
project "$w/a" nick.mig "$NICK"
project "$w/b" bio.mig "$BIO"
staging=$(tl_newdb staging); surl=$(tl_url "$staging")
apply_all "$w/a/$mig" "$surl"
tl_assert_eq 0 "$TL_RC" "staging applied branch a"

# The merge, b's manifest taken; the staging ledger says what is applied.
cp -r "$w/b" "$w/m" && cp -r "$w/a/$mig"/2025030110000* "$w/m/$mig/" && cp "$w/a/prisma/nick.mig" "$w/m/prisma/"
cd "$w/m"
"$MIGRUN" status -d $mig --database-url "$surl" --json > "$w/staging.json" || true
tl_run "$MIGC" rebase -d $mig --applied-from "$w/staging.json"
tl_assert_eq 0 "$TL_RC" "rebase --applied-from staging.json"
tl_assert_contains "$TL_OUT" "pinned: 2 lifecycles (the --applied-from ledgers)" "pinned by the ledger"
tl_assert_contains "$TL_OUT" "moved lifecycle bio (prisma/bio.mig): at 20250301100001 -> 20250301100003" "bio moves, nick stays"
tl_run "$MIGC" verify -d $mig
tl_assert_eq 0 "$TL_RC" "verify passes"
tl_run "$MIGRUN" resolve --rebase -d $mig --database-url "$surl" --json
tl_assert_eq 0 "$TL_RC" "resolve --rebase --json"
tl_assert_eq 0 "$(jq '.renamed | length' <<<"$TL_OUT")" "staging: nothing to rename"
apply_all $mig "$surl"
tl_assert_eq 0 "$TL_RC" "staging applies bio after nick"
tl_run "$MIGRUN" status -d $mig --database-url "$surl"
tl_assert_eq 0 "$TL_RC" "staging up to date"
tl_assert_not_contains "$TL_OUT" "out of the folder's order" "in folder order"
tl_run tl_prisma "$w/m/$mig" "$surl" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma agrees"

# --- command-line contract ---
tl_run "$MIGC" verify --help
tl_assert_eq 0 "$TL_RC" "verify --help"
tl_assert_contains "$TL_OUT" "Exit: 0 consistent, 1 inconsistent" "verify documents its exit codes"
tl_run "$MIGC" rebase --help
tl_assert_contains "$TL_OUT" "--applied-from FILE" "rebase --help"
tl_run "$MIGC" verify -d "$w/none"
tl_assert_eq 3 "$TL_RC" "verify on a missing folder: exit 3"
tl_run "$MIGC" verify --bogus
tl_assert_eq 2 "$TL_RC" "verify with a bad flag: exit 2"
tl_run "$MIGC" rebase --force --applied-from x.json -d $mig
tl_assert_eq 2 "$TL_RC" "--force with --applied-from: exit 2"
tl_run "$MIGRUN" resolve --rebase --applied x -d $mig --database-url "$surl"
tl_assert_eq 2 "$TL_RC" "resolve --rebase with --applied: exit 2"

# A spec error: exit 1, nothing written.
before=$(find prisma -type f | sort | xargs sha256sum)
sed -i 's/add bio text;/add bio txet;/' prisma/bio.mig
tl_run "$MIGC" rebase -d $mig
tl_assert_eq 1 "$TL_RC" "spec error: exit 1"
tl_assert_contains "$TL_ERR" "prisma/bio.mig:2:" "the diagnostic points into the spec"
tl_assert_contains "$TL_ERR" "nothing written" "says nothing was written"
sed -i 's/add bio txet;/add bio text;/' prisma/bio.mig
tl_assert_eq "$before" "$(find prisma -type f | sort | xargs sha256sum)" "the folder is untouched"
# A spec the steps name but that is gone: exit 3.
mv prisma/bio.mig "$w/bio.mig"
tl_run "$MIGC" rebase -d $mig
tl_assert_eq 3 "$TL_RC" "missing spec: exit 3"
tl_assert_contains "$TL_ERR" "prisma/bio.mig" "names the missing spec"
mv "$w/bio.mig" prisma/bio.mig
# A manifest git left conflict markers in, with an unreadable side.
printf '<<<<<<< HEAD\n{\n=======\n{"format": 1, "steps": []}\n>>>>>>> x\n' > "$w/m/$mig/migplan.manifest.json"
tl_run "$MIGC" verify -d $mig --json
tl_assert_eq 1 "$TL_RC" "conflicted manifest: exit 1"
tl_assert_eq "conflict_markers manifest_unreadable" "$(jq -r '[.findings[0:2][] | .kind] | join(" ")' <<<"$TL_OUT")" \
  "conflict and the unreadable side reported"

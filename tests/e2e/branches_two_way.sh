#!/usr/bin/env bash
# Two branches each add a lifecycle to the user_status project and compile it;
# git merges the folders but not the manifest. `migc verify` names both
# branches' steps, `migc rebase` re-chains deterministically (the same result
# from the conflicted manifest and from the side a developer takes), and a
# staging database that applied branch a's steps under their old ids is
# reconciled by `migrun resolve --rebase`; migrun and the real Prisma CLI then
# both say it is up to date. docs/branches.md.
source "$(dirname "$0")/../lib/testlib.sh"
export GIT_AUTHOR_NAME=dev GIT_AUTHOR_EMAIL=dev@example.com GIT_COMMITTER_NAME=dev GIT_COMMITTER_EMAIL=dev@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME=$(tl_tmpdir)
mig=prisma/migrations

apply_all() { # DIR URL: migrun apply, waiting out the 1s dual-write windows
  tl_apply_gated -d "$1" --database-url "$2" --allow-pending 20
}
export_branch() { # REV: that commit's prisma/ in a new directory, echoed
  local d; d=$(tl_tmpdir)
  git archive "$1" prisma | tar -x -C "$d"
  echo "$d/prisma/migrations"
}
ledger() { # DB: name|checksum|started_at|finished_at by started_at
  tl_psql "$1" -c "SELECT migration_name||'|'||checksum||'|'||started_at||'|'||finished_at FROM _prisma_migrations ORDER BY started_at, migration_name"
}

repo=$(tl_tmpdir); cd "$repo"
git init -q -b main .
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/prisma" prisma
sed -i 's/set window = 72h;/set window = 1s;/' prisma/user_status.mig
"$MIGC" compile prisma/*.mig -o $mig >/dev/null
git add -A && git commit -qm "base: user_status"

# --- branch a: User.nickname, backfilled from email (3 steps) ---
git checkout -qb a
sed -i 's/^  email  String @unique/  nickname String @default("anon") @db.VarChar(40)\n&/' prisma/schema.prisma
cat > prisma/nick.mig <<'EOF'
lifecycle nick at 20250301100000 on "User" {
  set window = 1s;
  add nickname varchar(40) default 'anon' backfill from email batch 100;
  enforce not null nickname;
}
EOF
"$MIGC" compile prisma/*.mig -o $mig >/dev/null
git add -A && git commit -qm "a: nickname"

# --- branch b, from main: User.bio and an index, one second later ---
git checkout -q main && git checkout -qb b
sed -i 's/^  status String @default("active") @db.VarChar(20)/&\n  bio    String?\n\n  @@index([bio])/' prisma/schema.prisma
cat > prisma/bio.mig <<'EOF'
lifecycle bio at 20250301100001 on "User" {
  add bio text;
  index "User_bio_idx" on (bio);
}
EOF
"$MIGC" compile prisma/*.mig -o $mig >/dev/null
git add -A && git commit -qm "b: bio"
tl_assert_eq "20250301100000_nick_expand 20250301100001_nick_backfill_nickname 20250301100002_nick_contract" \
  "$(git ls-tree --name-only a $mig/ | grep nick | xargs -n1 basename | tr '\n' ' ' | sed 's/ $//')" "branch a's step ids"

# --- databases: staging deployed branch a, then branch b; prod has main ---
staging=$(tl_newdb staging); surl=$(tl_url "$staging")
apply_all "$(export_branch a)" "$surl"
tl_assert_eq 0 "$TL_RC" "staging: branch a applied by migrun (old ids)"
tl_run tl_prisma "$(export_branch b)" "$surl" migrate deploy
tl_assert_eq 0 "$TL_RC" "staging: branch b deployed after it (prisma ignores a's rows)"
prod=$(tl_newdb prod); purl=$(tl_url "$prod")
apply_all "$(export_branch main)" "$purl"
tl_assert_eq 0 "$TL_RC" "prod: main applied"
tamper=$(tl_newdb tamper); turl=$(tl_url "$tamper")
apply_all "$(export_branch a)" "$turl"

# --- the merge: b first (fast-forward), then a: the manifest conflicts ---
git checkout -q main && git merge -q b
tl_run git merge -q a -m "merge a"
tl_assert_eq "$mig/migplan.manifest.json" "$(git diff --name-only --diff-filter=U)" "git: only the manifest conflicts"
tl_run "$MIGC" verify -d $mig
tl_assert_eq 1 "$TL_RC" "verify on the conflicted manifest: exit 1"
tl_assert_contains "$TL_ERR" "conflict_markers: migplan.manifest.json has git conflict markers (HEAD vs a)" "names the conflict"
tl_assert_contains "$TL_ERR" "  HEAD: lifecycle bio (prisma/bio.mig): 20250301100001_bio_expand, 20250301100002_bio_index_user_bio_idx" \
  "names HEAD's steps"
tl_assert_contains "$TL_ERR" "  a: lifecycle nick (prisma/nick.mig): 20250301100000_nick_expand, 20250301100001_nick_backfill_nickname, 20250301100002_nick_contract" \
  "names branch a's steps"
tl_run "$MIGC" verify -d $mig --json
tl_assert_eq "true|HEAD|a|nick,bio" "$(jq -r '[.conflicted, .sides.ours, .sides.theirs, ([.groups[] | select(.involved) | .lifecycle] | join(","))] | join("|")' <<<"$TL_OUT")" \
  "verify --json: sides and the lifecycles concerned"

# Rebase straight on the conflicted manifest, in a copy: the reference result.
ref=$(tl_tmpdir); cp -r prisma "$ref/"
(cd "$ref" && "$MIGC" rebase -d $mig >/dev/null)
tl_assert_eq 0 "$?" "rebase over the conflict markers"

# The developer takes a side (HEAD's, i.e. b's manifest) as one does.
git checkout -q --ours $mig/migplan.manifest.json
tl_run "$MIGC" verify -d $mig
tl_assert_eq 1 "$TL_RC" "verify after taking a side: still exit 1"
tl_assert_contains "$TL_ERR" "unlisted_step: 20250301100000_nick_expand was generated (lifecycle nick, prisma/nick.mig) but the manifest does not list it" \
  "names a's steps the manifest does not list"
tl_assert_contains "$TL_ERR" "interleave: lifecycles nick (20250301100000_nick_expand .. 20250301100002_nick_contract) and bio (20250301100001_bio_expand .. 20250301100002_bio_index_user_bio_idx)" \
  "names the collision"
tl_assert_contains "$TL_ERR" "  not in the manifest: lifecycle nick (prisma/nick.mig): 20250301100000_nick_expand" "groups a's steps"
tl_assert_contains "$TL_ERR" "  in the manifest: lifecycle bio (prisma/bio.mig): 20250301100001_bio_expand" "groups b's steps"
before=$(find prisma -type f | sort | xargs sha256sum)
tl_run "$MIGC" rebase -d $mig --dry-run
tl_assert_eq 0 "$TL_RC" "rebase --dry-run"
tl_assert_contains "$TL_OUT" "would move lifecycle nick (prisma/nick.mig): at 20250301100000 -> 20250301100003" "dry run says what moves"
tl_assert_eq "$before" "$(find prisma -type f | sort | xargs sha256sum)" "dry run wrote nothing"
tl_run "$MIGC" rebase -d $mig
tl_assert_eq 0 "$TL_RC" "rebase"
tl_assert_contains "$TL_OUT" "  20250301100000_nick_expand -> 20250301100003_nick_expand" "rebase names the renamed steps"
tl_assert_eq "lifecycle nick at 20250301100003 on \"User\" {" "$(head -1 prisma/nick.mig)" "the spec's id was edited in place"
tl_run "$MIGC" verify -d $mig
tl_assert_eq 0 "$TL_RC" "verify passes after rebase"
tl_assert_eq "" "$(diff -r prisma "$ref/prisma")" "same result as rebasing the conflicted manifest (deterministic)"
tl_run "$MIGC" rebase -d $mig --json
tl_assert_eq "0 0" "$(jq -r '"\(.renamed | length) \(.removed | length)"' <<<"$TL_OUT")" "a second rebase changes nothing"
tl_run "$MIGC" compile prisma/*.mig -o $mig
tl_assert_contains "$TL_OUT" "8 steps in prisma/migrations: 0 written, 8 unchanged" "compile agrees with the rebased folder"
git add -A && git commit -qm "merge a" && tl_pass "merge committed"
tl_assert_eq "20250301100001_bio_expand 20250301100002_bio_index_user_bio_idx 20250301100003_nick_expand 20250301100004_nick_backfill_nickname 20250301100005_nick_contract" \
  "$(ls $mig | grep '^2025030' | tr '\n' ' ' | sed 's/ $//')" "folder order: b's steps, then a's moved after them"

# --- staging applied a's steps under their old ids ---
tl_run "$MIGRUN" status -d $mig --database-url "$surl"
tl_assert_eq 5 "$TL_RC" "staging before reconciliation: diverged"
tl_assert_contains "$TL_OUT" "20250301100000_nick_expand  -- in the database's ledger but not in the migrations folder" "old id reported"
old=$(ledger "$staging")
tl_run "$MIGRUN" resolve --rebase -d $mig --database-url "$surl"
tl_assert_eq 0 "$TL_RC" "resolve --rebase"
tl_assert_contains "$TL_OUT" "20250301100001_nick_backfill_nickname renamed 20250301100004_nick_backfill_nickname" "rows renamed"
new=$(ledger "$staging")
want=$(sed -e 's/^20250301100000_nick_expand|[0-9a-f]*|/20250301100003_nick_expand|X|/' \
           -e 's/^20250301100001_nick_backfill_nickname|[0-9a-f]*|/20250301100004_nick_backfill_nickname|X|/' \
           -e 's/^20250301100002_nick_contract|[0-9a-f]*|/20250301100005_nick_contract|X|/' <<<"$old")
tl_assert_eq "$want" "$(sed -E 's/^(2025030110000[345]_nick_[a-z_]*)\|[0-9a-f]*\|/\1|X|/' <<<"$new")" \
  "only names and checksums changed; started_at and finished_at kept"
tl_assert_eq "$(sha256sum $mig/20250301100003_nick_expand/migration.sql | cut -d' ' -f1)" \
  "$(tl_psql "$staging" -c "SELECT checksum FROM _prisma_migrations WHERE migration_name = '20250301100003_nick_expand'")" \
  "the new checksum is the renamed file's"
tl_run "$MIGRUN" status -d $mig --database-url "$surl"
tl_assert_eq 0 "$TL_RC" "migrun status: up to date"
tl_assert_contains "$TL_OUT" "20250301100001_bio_expand [expand]" "bio listed"
tl_assert_contains "$TL_OUT" "applied out of the folder's order: after 20250301100003_nick_expand, which follows it in the folder" \
  "status reports the out-of-order application"
tl_assert_contains "$TL_OUT" "9 applied, 0 pending, 0 failed, 0 diverged; 2 applied out of the folder's order" "the summary counts them"
tl_run "$MIGRUN" status -d $mig --database-url "$surl" --json
tl_assert_eq "0 2" "$(jq -r '"\(.pending) \(.out_of_order)"' <<<"$TL_OUT")" "status --json: 0 pending, both of b's steps ran out of order"
tl_run tl_prisma "$repo/$mig" "$surl" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prisma migrate status: up to date"
tl_run "$MIGRUN" resolve --rebase -d $mig --database-url "$surl"
tl_assert_contains "$TL_OUT" "nothing to do" "a second resolve --rebase has nothing to do"

# --- prod had none of the renamed steps: nothing to reconcile, apply goes on ---
tl_run "$MIGRUN" resolve --rebase -d $mig --database-url "$purl"
tl_assert_eq 0 "$TL_RC" "prod: resolve --rebase exit 0"
tl_assert_contains "$TL_OUT" "nothing to do" "prod: nothing to do"
apply_all $mig "$purl"
tl_assert_eq 0 "$TL_RC" "prod: the merged history applies"
tl_run "$MIGRUN" status -d $mig --database-url "$purl"
tl_assert_eq 0 "$TL_RC" "prod: up to date"
tl_assert_not_contains "$TL_OUT" "out of the folder's order" "prod ran everything in folder order"
tl_run tl_prisma "$repo/$mig" "$purl" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date!" "prod: prisma agrees"

# --- a database whose old step ran other SQL: refused, nothing changed ---
tl_psql "$tamper" -c "UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = '20250301100002_nick_contract'"
old=$(ledger "$tamper")
tl_run "$MIGRUN" resolve --rebase -d $mig --database-url "$turl"
tl_assert_eq 5 "$TL_RC" "resolve --rebase refuses when the SQL differs (exit 5)"
tl_assert_contains "$TL_ERR" "20250301100002_nick_contract was applied with other SQL than 20250301100005_nick_contract has" "names the step"
tl_assert_eq "$old" "$(ledger "$tamper")" "no row renamed (one transaction)"

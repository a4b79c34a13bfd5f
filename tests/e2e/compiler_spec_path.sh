#!/usr/bin/env bash
# The bytes migc writes depend on the spec's content and the migrations
# folder only: not on the working directory or on how the spec's path is
# typed (issue #14, case 7). Every spelling must give the committed output of
# examples/user_status, whose files name the spec "prisma/user_status.mig".
source "$(dirname "$0")/../lib/testlib.sh"
ex=$MIGPLAN_SOURCE_DIR/examples/user_status

# fresh NAME: a copy of the example without its generated folders
fresh() {
  local d
  d=$(tl_tmpdir)/$1
  cp -r "$ex" "$d"
  rm -rf "$d"/prisma/migrations/2025*_user_status_* "$d/prisma/migrations/migplan.manifest.json"
  echo "$d"
}
same_as_committed() { # DIR MSG
  if out=$(diff -r "$ex/prisma/migrations" "$1/prisma/migrations" 2>&1); then tl_pass "$2"; else tl_fail "$2"; echo "$out" | head -20; fi
}

d=$(fresh plain); (cd "$d" && "$MIGC" compile prisma/user_status.mig > /dev/null)
same_as_committed "$d" "migc compile prisma/x.mig writes the committed bytes"
d=$(fresh dot); (cd "$d" && "$MIGC" compile ./prisma/user_status.mig > /dev/null)
same_as_committed "$d" "migc compile ./prisma/x.mig writes the same bytes"
d=$(fresh inside); (cd "$d/prisma" && "$MIGC" compile user_status.mig -o migrations > /dev/null)
same_as_committed "$d" "cd prisma && migc compile x.mig -o migrations writes the same bytes"
d=$(fresh absolute); (cd / && "$MIGC" compile "$d/prisma/user_status.mig" -o "$d/prisma/migrations" > /dev/null)
same_as_committed "$d" "absolute paths from another directory write the same bytes"
d=$(fresh odd); (cd "$d" && "$MIGC" compile prisma/../prisma/user_status.mig -o ./prisma//migrations/ > /dev/null)
same_as_committed "$d" "a path through .. and a folder with slashes write the same bytes"
tl_assert_eq '-- migplan: generated from prisma/user_status.mig; edit the spec and run `migc compile`, not this file.' \
  "$(head -1 "$d"/prisma/migrations/*_user_status_expand/migration.sql)" "the spec is named relative to the project"

# A spec outside the project is named by its file name alone.
d=$(fresh outside); o=$(tl_tmpdir); cp "$ex/prisma/user_status.mig" "$o/"
(cd "$d" && "$MIGC" compile "$o/user_status.mig" > /dev/null)
tl_assert_contains "$(head -1 "$d"/prisma/migrations/*_user_status_expand/migration.sql)" "generated from user_status.mig;" \
  "a spec outside the project is named by its file name"

# migc verify and a dry-run rebase find the spec by its recorded name from
# any working directory.
d=$(fresh rebase); (cd / && "$MIGC" compile "$d/prisma/user_status.mig" -o "$d/prisma/migrations" > /dev/null)
tl_run bash -c "cd / && '$MIGC' verify -d '$d/prisma/migrations'"
tl_assert_eq 0 "$TL_RC" "migc verify from / passes"
tl_run bash -c "cd / && '$MIGC' rebase -d '$d/prisma/migrations' --dry-run"
tl_assert_eq 0 "$TL_RC" "migc rebase --dry-run from / finds the spec by its recorded name"
same_as_committed "$d" "and the folder is unchanged"

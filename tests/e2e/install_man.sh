#!/usr/bin/env bash
# `cmake --install` into a temporary prefix gives both binaries and a man
# page each (issue 22 item 2): `man migc` and `man migrun` render with the
# prefix on MANPATH, and every option each command's --help lists, which its
# option table prints, is on the page.
source "$(dirname "$0")/../lib/testlib.sh"

prefix=$(tl_tmpdir)
tl_run cmake --install "$MIGPLAN_BUILD_DIR" --prefix "$prefix"
tl_assert_eq 0 "$TL_RC" "cmake --install into a temporary prefix"
for bin in migc migrun; do
  tl_assert_eq "$("$MIGPLAN_BUILD_DIR/$bin" --version)" "$("$prefix/bin/$bin" --version)" "installed $bin runs (--version)"
  tl_run env MANPATH="$prefix/share/man" MANWIDTH=200 man "$bin"
  tl_assert_eq 0 "$TL_RC" "man $bin renders"
  page=$(printf '%s\n' "$TL_OUT" | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
  tl_assert_contains "$page" "NAME" "man $bin: a NAME section"
  missing=""
  for cmd in $("$MIGPLAN_BUILD_DIR/$bin" --help | awk '/^  [a-z]/ {print $1}'); do
    [[ "$page" == *"$cmd"* ]] || missing+=" $cmd"
    for opt in $("$MIGPLAN_BUILD_DIR/$bin" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
      [[ "$page" == *"$opt"* ]] || missing+=" $cmd:$opt"
    done
  done
  tl_assert_eq "" "$missing" "man $bin: every command and every option of its --help"
done

#!/usr/bin/env bash
# The layer check (tests/lib/layers.py) on src/ itself, and on small trees
# that each break one rule, to show it catches what it claims to.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
check="python3 $here/layers.py"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); }

if out=$($check "$here/../../src"); then ok "src/ keeps the layer rules"; else bad "src/ keeps the layer rules"; echo "$out"; fi

# tree NAME FILE=CONTENT...: a src tree with util/ok.h and the given files
tree() {
  local d=$tmp/$1; shift
  mkdir -p "$d/util"; echo '/* ok */' > "$d/util/ok.h"
  for spec in "$@"; do
    mkdir -p "$d/$(dirname "${spec%%=*}")"
    printf '%b' "${spec#*=}" > "$d/${spec%%=*}"
  done
  echo "$d"
}
# expect_breach WHAT NEEDLE TREE: the check fails and names the breach
expect_breach() {
  local out rc=0
  out=$($check "$3") || rc=$?
  if [ "$rc" = 1 ] && [[ $out == *"$2"* ]]; then ok "catches $1"; else bad "catches $1 (exit $rc)"; echo "$out"; fi
}

expect_breach "runtime/ reaching the .mig front end" 'runtime/ may not include grammar/' \
  "$(tree rt 'runtime/step.c=#include "grammar/ast.h"\n' 'grammar/ast.h=\n')"
expect_breach "fleet/ reaching the compiler" 'fleet/ may not include compiler/' \
  "$(tree fl 'fleet/f.c=#include "compiler/plan.h"\n' 'compiler/plan.h=\n')"
expect_breach "runtime/ reaching ops/" 'runtime/ may not include ops/' \
  "$(tree ro 'runtime/a.c=#include "ops/add.h"\n' 'ops/add.h=\n')"
expect_breach "runtime/ reaching the schema reader" 'runtime/ may not include schema/' \
  "$(tree rs 'runtime/a.c=#include "schema/prisma_schema.h"\n' 'schema/prisma_schema.h=\n')"
expect_breach "sql/ reaching .mig" 'sql/ may not include grammar/' \
  "$(tree sq 'sql/lint.c=#include "grammar/ast.h"\n' 'grammar/ast.h=\n')"
expect_breach "a library reaching cli/" 'migdir/ may not include cli/migrun/' \
  "$(tree cl 'migdir/m.c=#include "cli/migrun/cli.h"\n' 'cli/migrun/cli.h=\n')"
expect_breach "an include that names no layer" 'is not path-qualified' \
  "$(tree pq 'util/a.c=#include "ok.h"\n')"
expect_breach "two headers including each other" 'include cycle: util/a.h -> util/b.h -> util/a.h' \
  "$(tree cy 'util/a.h=#include "util/b.h"\n' 'util/b.h=#include "util/a.h"\n')"
expect_breach "a .c that does not say what it is" 'util/a.c:1: does not open with a comment' \
  "$(tree fl1 'util/a.c=int x;\n')"
long="/* f */\nint f(void)\n{\n$(for _ in $(seq 1 85); do printf '\\tx();\\n'; done)}\n"
expect_breach "a function over 80 lines" 'function f is 87 lines' "$(tree ln "util/a.c=$long")"
short="/* f */\nint f(void)\n{\n$(for _ in $(seq 1 78); do printf '\\tx();\\n'; done)}\n"
if $check "$(tree sh "util/a.c=$short")" > /dev/null; then ok "an 80-line function passes"; else bad "an 80-line function passes"; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

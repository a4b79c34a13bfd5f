#!/usr/bin/env bash
# Apply migplan's two fixes to the installed @prisma/adapter-pg@7, idempotently.
#
#  1. executeScript splits a migration.sql on every ';' (inside literals and $$
#     bodies too) and runs the pieces one by one in autocommit. The patched
#     adapter sends the whole file as one simple query, which is what the
#     6.19 native engine does and what migplan's folders are written for.
#     This is NOT what the 7.x native engine does (it splits with a real SQL
#     parser and runs each statement in autocommit; README.md): the harness
#     runs Prisma 7's CLI with 6.19's execution model, on purpose and said so.
#  2. PostgreSQL's internal "char" type (oid 18: pg_constraint.contype and
#     other catalog columns) is not mapped, so `migrate diff` against a live
#     database dies with "Column type 'char' could not be deserialized". Mapped
#     as text, it dies later: the describer reads contype as a char and panics
#     on the first CHECK constraint ("Getting constraint_type ... as char
#     failed", sql-schema-describer/src/postgres.rs; prisma/orm#29635 is the
#     same panic on PostgreSQL 18's NOT NULL rows). The native engine reads
#     oid 18 as a char, so fieldToColumnType maps it to Character, as the
#     native engine's row would carry it. (7.x maps `name`, oid 19, itself:
#     tests/prisma/patch.sh needs that one for 6.19, this file does not.)
#
# Usage: patch.sh [--check]   (--check: exit 1 when a patch is missing)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dist=$here/node_modules/@prisma/adapter-pg/dist
check=0
[ "${1:-}" = --check ] && check=1

if [ ! -f "$dist/index.js" ] || [ ! -f "$dist/index.mjs" ]; then
  echo "patch.sh: $dist not found; run scripts/setup.sh (npm ci in tests/prisma7) first" >&2
  exit 2
fi

# node does the edit: exact anchors, and a write through a temporary file +
# rename so a reader (a test running the CLI) never sees half a file.
MIGPLAN_CHECK=$check node - "$dist/index.js" "$dist/index.mjs" <<'JS'
const fs = require('fs');
const check = process.env.MIGPLAN_CHECK === '1';
const splitRe = /  async executeScript\(script\) \{\n    const statements = script\.split\(";"\)[\s\S]*?\n  \}\n/;
const scriptPatch =
  '  async executeScript(script) {\n' +
  '    // migplan: whole script as one query, like the 6.19 native schema engine\n' +
  '    try {\n' +
  '      await this.client.query(script);\n' +
  '    } catch (error) {\n' +
  '      this.onError(error);\n' +
  '    }\n' +
  '  }\n';
const oidAnchor = '    case ScalarColumnType.BPCHAR:\n';
const oidMark = 'migplan: PostgreSQL "char" as Character';
// An earlier version of this file put oid 18 in the text branch: take it out.
const oidOld = '    case 18: // migplan: PostgreSQL "char"\n';
// index.js names the enum import_driver_adapter_utils.ColumnTypeEnum, index.mjs
// ColumnTypeEnum: use the file's own spelling, read off its text branch.
const oidPatch = (text) => {
  const m = /return ([\w.]*ColumnTypeEnum)\.Text;/.exec(text);
  return m && `    case 18: // ${oidMark}\n      return ${m[1]}.Character;\n` + oidAnchor;
};
let missing = 0;
for (const file of process.argv.slice(2)) {
  const before = fs.readFileSync(file, 'utf8');
  let text = before;
  if (!text.includes('migplan: whole script as one query')) {
    if (!splitRe.test(text)) { console.error(`patch.sh: executeScript anchor not found in ${file}`); process.exit(3); }
    text = text.replace(splitRe, scriptPatch);
  }
  if (!text.includes(oidMark)) {
    text = text.replace(oidOld, '');
    const patch = oidPatch(text);
    if (!text.includes(oidAnchor) || !patch) { console.error(`patch.sh: oid anchor not found in ${file}`); process.exit(3); }
    text = text.replace(oidAnchor, patch);
  }
  if (text === before) continue;
  if (check) { console.error(`patch.sh: ${file} is not patched`); missing++; continue; }
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
process.exit(missing ? 1 : 0);
JS

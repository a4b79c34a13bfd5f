#!/usr/bin/env bash
# Apply migplan's two fixes to the installed @prisma/adapter-pg, idempotently.
#
#  1. prisma/orm#27403: the adapter does not map PostgreSQL's `name` type
#     (oid 19), so every migrate command dies with "Column type 'name' could not
#     be deserialized". oid 19 joins the text branch of fieldToColumnType.
#  2. executeScript splits a migration.sql on every ';' (inside literals and $$
#     bodies too) and runs the pieces in autocommit. The native engine that
#     users run sends the whole file as one simple query; the tests must see
#     what users see, so the patched adapter does the same.
#
# Usage: patch.sh [--check]   (--check: exit 1 when a patch is missing)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dist=$here/node_modules/@prisma/adapter-pg/dist
check=0
[ "${1:-}" = --check ] && check=1

if [ ! -f "$dist/index.js" ] || [ ! -f "$dist/index.mjs" ]; then
  echo "patch.sh: $dist not found; run scripts/setup.sh (npm ci in tests/prisma) first" >&2
  exit 2
fi

# node does the edit: exact anchors, no regex surprises, and a write through a
# temporary file + rename so a reader never sees half a file.
MIGPLAN_CHECK=$check node - "$dist/index.js" "$dist/index.mjs" <<'JS'
const fs = require('fs');
const check = process.env.MIGPLAN_CHECK === '1';
const oidAnchor = '    case ScalarColumnType.BPCHAR:\n';
const oidPatch = '    case 19: // migplan: PostgreSQL `name` (prisma/orm#27403)\n' + oidAnchor;
const splitRe = /  async executeScript\(script\) \{\n    const statements = script\.split\(";"\)[\s\S]*?\n  \}\n/;
const scriptPatch =
  '  async executeScript(script) {\n' +
  '    // migplan: whole script as one query, like the native schema engine\n' +
  '    try {\n' +
  '      await this.client.query(script);\n' +
  '    } catch (error) {\n' +
  '      this.onError(error);\n' +
  '    }\n' +
  '  }\n';
let missing = 0;
for (const file of process.argv.slice(2)) {
  const before = fs.readFileSync(file, 'utf8');
  let text = before;
  if (!text.includes('migplan: PostgreSQL `name`')) {
    if (!text.includes(oidAnchor)) { console.error(`patch.sh: oid anchor not found in ${file}`); process.exit(3); }
    text = text.replace(oidAnchor, oidPatch);
  }
  if (!text.includes('migplan: whole script as one query')) {
    if (!splitRe.test(text)) { console.error(`patch.sh: executeScript anchor not found in ${file}`); process.exit(3); }
    text = text.replace(splitRe, scriptPatch);
  }
  if (text === before) continue;
  if (check) { console.error(`patch.sh: ${file} is not patched`); missing++; continue; }
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
process.exit(missing ? 1 : 0);
JS

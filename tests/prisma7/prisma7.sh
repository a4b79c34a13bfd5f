#!/usr/bin/env bash
# The real, pinned Prisma 7 CLI, offline, against any migrations folder:
#
#   prisma7.sh MIGRATIONS_DIR DATABASE_URL migrate status|deploy|resolve|diff ...
#
# Prisma 7 always spawns a native schema-engine binary (which it would
# download); PRISMA_SCHEMA_ENGINE_BINARY points it at schema-engine.mjs, which
# speaks the same protocol over Prisma's own wasm engine (README.md). The CLI
# needs a Prisma-7-style project: a schema.prisma without `url` and a
# prisma.config.ts with `datasource.url` and `migrations.path`. Both are
# written in a temporary directory, so the folder under test is never written
# to. Paths and the URL reach the config through the environment: no quoting.
# Relative paths in ARGS (e.g. `migrate diff --from-schema OLD.prisma`) are
# resolved from the CLI's working directory, that temporary one: pass
# absolute paths.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ $# -lt 3 ]; then
  echo "usage: prisma7.sh MIGRATIONS_DIR DATABASE_URL prisma-args..." >&2
  exit 2
fi
[ -d "$1" ] || { echo "prisma7.sh: no such migrations folder: $1" >&2; exit 2; }
mig=$(cd "$1" && pwd)
url=$2
shift 2

if [ ! -x "$here/node_modules/.bin/prisma" ]; then
  echo "prisma7.sh: $here/node_modules is missing; run scripts/setup.sh first" >&2
  exit 2
fi
"$here/patch.sh" --check 2>/dev/null || "$here/patch.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/migplan-prisma7.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/prisma"
cat > "$work/prisma/schema.prisma" <<'SCHEMA'
// Prisma 7: no url here; the CLI reads it from prisma.config.ts.
datasource db {
  provider = "postgresql"
}
SCHEMA
cat > "$work/prisma.config.ts" <<'CONFIG'
import { defineConfig, env } from 'prisma/config'

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: env('MIGPLAN_PRISMA_MIGRATIONS') },
  datasource: { url: env('DATABASE_URL') },
})
CONFIG
ln -s "$here/node_modules" "$work/node_modules"
cd "$work"
export DATABASE_URL=$url
export MIGPLAN_PRISMA_MIGRATIONS=$mig
export PRISMA_SCHEMA_ENGINE_BINARY=$here/schema-engine.mjs
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
# No exec: the EXIT trap must still remove the temporary project.
set +e
./node_modules/.bin/prisma "$@"
rc=$?
exit $rc

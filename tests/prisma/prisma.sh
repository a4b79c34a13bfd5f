#!/usr/bin/env bash
# The real, pinned Prisma CLI, offline, against any migrations folder:
#
#   prisma.sh MIGRATIONS_DIR DATABASE_URL migrate status|deploy ...
#
# The CLI runs its WebAssembly schema engine through @prisma/adapter-pg (no
# native engine download). It needs a schema.prisma and a prisma.config.ts;
# both are generated in a temporary project so the migrations folder under
# test is never touched. Paths reach the config through the environment, so
# no quoting of odd characters is needed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ $# -lt 3 ]; then
  echo "usage: prisma.sh MIGRATIONS_DIR DATABASE_URL prisma-args..." >&2
  exit 2
fi
[ -d "$1" ] || { echo "prisma.sh: no such migrations folder: $1" >&2; exit 2; }
mig=$(cd "$1" && pwd)
url=$2
shift 2

if [ ! -x "$here/node_modules/.bin/prisma" ]; then
  echo "prisma.sh: $here/node_modules is missing; run scripts/setup.sh first" >&2
  exit 2
fi
"$here/patch.sh" --check 2>/dev/null || "$here/patch.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/migplan-prisma.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/prisma"
cat > "$work/prisma/schema.prisma" <<'EOF'
// engineType "client" + the preview features keep the CLI on the adapter
// path; without url = env(...) it looks for a native query engine again.
generator client {
  provider        = "prisma-client-js"
  engineType      = "client"
  previewFeatures = ["driverAdapters", "queryCompiler"]
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
EOF
cat > "$work/prisma.config.ts" <<'EOF'
import { defineConfig } from 'prisma/config'
import { PrismaPg } from '@prisma/adapter-pg'

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: process.env.MIGPLAN_PRISMA_SCHEMA!,
  migrations: { path: process.env.MIGPLAN_PRISMA_MIGRATIONS! },
  async adapter() {
    // allowExitOnIdle: idle pooled connections do not keep the CLI alive (see exit-fast.cjs).
    // ?schema= as under the native engine: home of _prisma_migrations and the search_path
    // (the adapter reads neither from the URL).
    const schema = new URL(process.env.DATABASE_URL!).searchParams.get('schema') ?? undefined
    const search = schema ? { options: `-c search_path="${schema.replace(/"/g, '""')}"` } : {}
    return new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true, ...search },
                        schema ? { schema } : undefined)
  },
})
EOF
ln -s "$here/node_modules" "$work/node_modules"
cd "$work"
export DATABASE_URL=$url
export MIGPLAN_PRISMA_SCHEMA=$work/prisma/schema.prisma
export MIGPLAN_PRISMA_MIGRATIONS=$mig
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1 PRISMA_DISABLE_WARNINGS=1
# exit-fast.cjs: see there; saves 10 s per deploy.
export NODE_OPTIONS="--require $here/exit-fast.cjs${NODE_OPTIONS:+ $NODE_OPTIONS}"
# No exec: the EXIT trap must still remove the temporary project.
set +e
./node_modules/.bin/prisma "$@"
rc=$?
exit $rc

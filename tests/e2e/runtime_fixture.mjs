// Hand-written migration folders for the runtime's end-to-end tests (the
// runtime must not depend on the compiler). Not a test itself.
//
//   node runtime_fixture.mjs user-status DIR [--min-age 2s] (durations in their shortest exact form, as manifest_save writes them: 3d, not 72h) [--max-pending N] [--batch N]
//       a plain Prisma baseline ("User" with legacy_status) and the three
//       generated steps of the User.status lifecycle (expand, backfill,
//       contract) with their migplan.manifest.json
//   node runtime_fixture.mjs manifest DIR < steps.json
//       (re)writes DIR/migplan.manifest.json for the given step objects,
//       filling in up/down sha256 and the hash chain (docs/manifest.md)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sha = (data) => createHash('sha256').update(data).digest('hex');

// Compact JSON with sorted keys: jansson's JSON_COMPACT | JSON_SORT_KEYS.
function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object')
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  return JSON.stringify(v);
}

function writeManifest(dir, steps) {
  let prev = '0'.repeat(64);
  const out = steps.map((s) => {
    const step = {
      id: s.id, lifecycle: s.lifecycle, spec: s.spec ?? 'test.mig', phase: s.phase,
      up: { path: `${s.id}/migration.sql`, sha256: sha(readFileSync(join(dir, s.id, 'migration.sql'))) },
      down: { path: `${s.id}/down.sql`, sha256: sha(readFileSync(join(dir, s.id, 'down.sql'))) },
      transactional: s.transactional ?? true,
      lock_timeout: s.lock_timeout ?? null, statement_timeout: s.statement_timeout ?? null,
      watchdog: s.watchdog ?? null,
      locks: s.locks ?? [], gates: s.gates ?? [],
    };
    if (s.backfill) step.backfill = s.backfill;
    step.chain = prev = sha(prev + '\n' + canonical(step));
    return step;
  });
  writeFileSync(join(dir, 'migplan.manifest.json'),
    JSON.stringify({ format: 2, generator: 'runtime_fixture', steps: out }, null, 2) + '\n');
}

function put(dir, id, up, down) {
  mkdirSync(join(dir, id), { recursive: true });
  writeFileSync(join(dir, id, 'migration.sql'), up);
  if (down !== undefined) writeFileSync(join(dir, id, 'down.sql'), down);
}

const VALUE = `CASE WHEN "legacy_status" IS NULL THEN 'active' ELSE "legacy_status" END`;

function userStatus(dir, opts) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  put(dir, '20240101000000_init',
    `CREATE TABLE "User" (\n  "id" SERIAL PRIMARY KEY,\n  "email" TEXT NOT NULL,\n  "legacy_status" VARCHAR(20)\n);\n`);
  const expand = '20240201000000_user_status_expand';
  put(dir, expand,
    `SET lock_timeout = '500ms';\n` +
    `ALTER TABLE "User" ADD COLUMN "status" VARCHAR(20);\n` +
    `CREATE FUNCTION "user_status_sync"() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n` +
    `  NEW."status" := ${VALUE.replaceAll('"legacy_status"', 'NEW."legacy_status"')};\n  RETURN NEW;\nEND;\n$$;\n` +
    `CREATE TRIGGER "user_status_sync" BEFORE INSERT OR UPDATE ON "User"\n` +
    `  FOR EACH ROW EXECUTE FUNCTION "user_status_sync"();\n`,
    `-- WARNING: drops column "User"."status" and its data\nSET lock_timeout = '500ms';\n` +
    `DROP TRIGGER "user_status_sync" ON "User";\nDROP FUNCTION "user_status_sync"();\n` +
    `ALTER TABLE "User" DROP COLUMN "status";\n`);
  const backfill = '20240201000001_user_status_backfill_status';
  // What prisma migrate deploy runs: one DO statement committing per batch.
  put(dir, backfill,
    `DO $migplan$\nDECLARE\n  n bigint;\nBEGIN\n  LOOP\n` +
    `    UPDATE "User" SET "status" = (${VALUE}) WHERE "id" IN (\n` +
    `      SELECT "id" FROM "User" WHERE "status" IS DISTINCT FROM (${VALUE}) ORDER BY "id" LIMIT ${opts.batch});\n` +
    `    GET DIAGNOSTICS n = ROW_COUNT;\n    EXIT WHEN n = 0;\n    COMMIT;\n  END LOOP;\nEND\n$migplan$;\n`,
    `-- the backfill changes no schema: nothing to undo (the expand's DOWN drops the column)\n`);
  const contract = '20240201000002_user_status_contract';
  put(dir, contract,
    `SET lock_timeout = '500ms';\n` +
    `DROP TRIGGER "user_status_sync" ON "User";\nDROP FUNCTION "user_status_sync"();\n` +
    `ALTER TABLE "User" ALTER COLUMN "status" SET DEFAULT 'active', ALTER COLUMN "status" SET NOT NULL;\n`,
    `-- WARNING: writes to "User"."legacy_status" are no longer mirrored until this DOWN has run\n` +
    `SET lock_timeout = '500ms';\n` +
    `ALTER TABLE "User" ALTER COLUMN "status" DROP NOT NULL, ALTER COLUMN "status" DROP DEFAULT;\n` +
    `CREATE FUNCTION "user_status_sync"() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n` +
    `  NEW."status" := ${VALUE.replaceAll('"legacy_status"', 'NEW."legacy_status"')};\n  RETURN NEW;\nEND;\n$$;\n` +
    `CREATE TRIGGER "user_status_sync" BEFORE INSERT OR UPDATE ON "User"\n` +
    `  FOR EACH ROW EXECUTE FUNCTION "user_status_sync"();\n`);
  const lock = [{ mode: 'ACCESS EXCLUSIVE', schema: 'public', table: 'User' }];
  const mp = { kind: 'max_pending', value: opts.maxPending };
  writeManifest(dir, [
    { id: expand, lifecycle: 'user_status', phase: 'expand', lock_timeout: '500ms', locks: lock, gates: [mp] },
    { id: backfill, lifecycle: 'user_status', phase: 'backfill', transactional: false, lock_timeout: '500ms',
      locks: [{ mode: 'ROW EXCLUSIVE', schema: 'public', table: 'User' }], gates: [],
      backfill: { schema: 'public', table: 'User', key: 'id', column: 'status', value: VALUE, batch: opts.batch } },
    { id: contract, lifecycle: 'user_status', phase: 'contract', lock_timeout: '500ms', locks: lock, gates: [
      mp,
      { kind: 'min_age', after: expand, duration: opts.minAge },
      { kind: 'no_nulls', schema: 'public', table: 'User', column: 'status' },
      { kind: 'consistency', schema: 'public', table: 'User', column: 'status', expected: VALUE, key: 'id' },
    ] },
  ]);
}

const [cmd, dir, ...rest] = process.argv.slice(2);
const opt = (name, dflt) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : dflt; };
if (cmd === 'user-status') {
  userStatus(dir, { minAge: opt('--min-age', '3d'), maxPending: Number(opt('--max-pending', '4')),
                    batch: Number(opt('--batch', '1000')) });
} else if (cmd === 'manifest') {
  writeManifest(dir, JSON.parse(readFileSync(0, 'utf8')));
} else {
  console.error('usage: runtime_fixture.mjs user-status DIR [--min-age D] [--max-pending N] [--batch N] | manifest DIR');
  process.exit(2);
}

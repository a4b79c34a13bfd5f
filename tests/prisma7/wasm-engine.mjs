// wasm-engine.mjs - Prisma's own WebAssembly schema engine, bound to PostgreSQL
// through @prisma/adapter-pg, for schema-engine.mjs (the stand-in for the
// native binary that the Prisma 7 CLI spawns).
//
// The `prisma` package ships the engine compiled to WebAssembly
// (prisma/build/schema_engine_bg.wasm, the same engine commit as the native
// binary of that CLI version) but the 7.x CLI no longer uses it. Loading it
// takes the wasm-bindgen glue, which is not in `prisma` itself: it comes from
// @prisma/schema-engine-wasm (pinned in package.json; the exact version that
// matches the CLI is not published, this one's imports match its wasm).
// The engine does every query through a driver adapter, the way Prisma 6.19's
// `engine: 'js'` path drove it.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// The engine's panic hook writes its message here (the CLI installs the same
// object, packages/internals/src/wasm.ts); schema-engine.mjs reads it back.
globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
  message: '',
  get() { return this.message; },
  set_message(m) { this.message = `RuntimeError: ${m}`; },
};

let engineClass;

// The SchemaEngine class of the wasm module, instantiated once per process.
// engineClass.version is the glue's version string.
export async function schemaEngineClass() {
  if (engineClass) return engineClass;
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'schema_engine_bg.wasm');
  const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  engineClass = glue.SchemaEngine;
  engineClass.version = glue.version();
  return engineClass;
}

// A migration-aware driver adapter factory for URL, as SchemaEngine.new wants it.
// trace(text), when given, sees every script the engine runs.
export async function adapterFactory(url, trace) {
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const { parse } = require('pg-connection-string');

  // `?schema=` as the native engine reads it: where _prisma_migrations lives
  // (the adapter's `schema` option) and the session's search_path. pg itself
  // does not know the parameter, so it leaves the URL.
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');

  // Discrete pool fields, not a connectionString: the adapter opens a shadow
  // database as new Pool({ ...config, database }), and pg lets a
  // connectionString win over `database`, so the "shadow" pool would talk to
  // the main database. allowExitOnIdle: an idle pooled connection must not
  // keep the process alive once the CLI closes our stdin.
  const pool = { ...parse(u.toString()), allowExitOnIdle: true };
  for (const k of Object.keys(pool)) if (pool[k] == null) delete pool[k];
  if (schema) pool.options = `-c search_path="${schema.replace(/"/g, '""')}"`;
  const options = schema ? { schema } : undefined;
  const factory = new PrismaPg(pool, options);

  // The shadow database (`migrate diff --from-migrations`, `migrate dev`):
  // the adapter's own connectToShadowDb drops the temporary database while its
  // pool still holds a connection ("is being accessed by other users") and so
  // leaks it. Same steps here, in an order that works: close, then drop.
  factory.connectToShadowDb = async () => {
    const main = await factory.connect();
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg({ ...pool, database }, options).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      try { await main.executeScript(`DROP DATABASE "${database}"`); } finally { await main.dispose(); }
    };
    return shadow;
  };

  if (trace) {
    for (const method of ['connect', 'connectToShadowDb']) {
      const open = factory[method].bind(factory);
      factory[method] = async (...args) => {
        const conn = await open(...args);
        const run = conn.executeScript.bind(conn);
        conn.executeScript = async (script) => { trace(`executeScript (${method}): ${JSON.stringify(script)}`); return run(script); };
        return conn;
      };
    }
  }
  return bindMigrationAwareSqlAdapterFactory(factory);
}

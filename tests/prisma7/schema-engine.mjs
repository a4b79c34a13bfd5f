#!/usr/bin/env node
// schema-engine.mjs - a stand-in for Prisma's native `schema-engine` binary,
// so that the real Prisma 7 CLI runs its migrate commands offline.
//
// Prisma 7 removed the wasm/driver-adapter path for migrate that 6.19 had and
// always spawns the native binary, which it downloads at run time (no network
// here, and no linux-x64 binary on npm or in Debian). prisma7.sh points the
// CLI at this file with PRISMA_SCHEMA_ENGINE_BINARY. It answers the binary's
// command line and protocol as prisma/build/cli.js drives it (class
// SchemaEngineCLI; canConnectToDatabase and createDatabase) and does the work
// with Prisma's own wasm engine (wasm-engine.mjs). It runs no SQL of its own
// but in `cli` mode (the connection check and CREATE DATABASE).
//
//   schema-engine.mjs --version
//   schema-engine.mjs --datasource JSON cli can-connect-to-database|create-database
//   schema-engine.mjs [--datamodels FILE]... --datasource JSON [...]
//       JSON-RPC 2.0, one message per line: requests on stdin, replies on stdout;
//       log lines (the native engine's tracing JSON) on stderr
//
// MIGPLAN_SE_LOG=FILE appends every request, reply and executed script to FILE.
import fs from 'node:fs';
import readline from 'node:readline';
import { schemaEngineClass, adapterFactory } from './wasm-engine.mjs';

const argv = process.argv.slice(2);
const option = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const options = (name) => argv.flatMap((a, i) => (a === name ? [argv[i + 1]] : []));
const log = process.env.MIGPLAN_SE_LOG
  ? (line) => fs.appendFileSync(process.env.MIGPLAN_SE_LOG, line + '\n')
  : null;
const url = option('--datasource') ? JSON.parse(option('--datasource')).url : undefined;

// A crash (an exception nothing caught, a rejected promise, a pg client's
// 'error' event) would exit 1 with Node's stack on stderr, which the CLI does
// not read: it then reports "Error in Schema engine: " and nothing else. Say
// what it was, as an ERROR line the CLI shows, and keep it in the log.
for (const ev of ['uncaughtException', 'unhandledRejection']) {
  process.on(ev, (e) => {
    const panic = e?.name === 'RuntimeError' ? globalThis.PRISMA_WASM_PANIC_REGISTRY?.get() : '';
    const message = `migplan wasm stand-in crashed (${ev}): ${panic ? panic + '\n' : ''}${e?.stack ?? e}`;
    log?.(message);
    stderrLog('ERROR', { is_panic: false, message });
    process.exit(1);
  });
}

if (argv.includes('--version')) {
  const SchemaEngine = await schemaEngineClass();
  process.stdout.write(`schema-engine-cli ${SchemaEngine.version} (migplan wasm stand-in)\n`);
  process.exit(0);
}
const cli = argv.indexOf('cli');
if (cli >= 0) process.exit(await cliCommand(argv[cli + 1]));
await serveRpc();

// One log line on stderr in the native engine's shape: the CLI keeps
// fields.message, and takes the ERROR line's fields (error_code) as the failure.
function stderrLog(level, fields) {
  process.stderr.write(JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target: 'schema_engine::logger' }) + '\n');
}

function fail(code, message) {
  stderrLog('ERROR', { is_panic: false, error_code: code, message });
  return 1;
}

// `cli` mode: exit 0, or exit 1 with an ERROR log line carrying Prisma's error
// code, with the native engine's texts for the errors a test can meet.
async function cliCommand(command) {
  // The CLI skips the first stderr line in this mode.
  stderrLog('INFO', { message: `Starting schema engine CLI (migplan wasm stand-in): ${command}` });
  if (!url) return fail('P1012', 'No datasource url was given.');
  const pg = (await import('pg')).default;
  const u = new URL(url);
  u.searchParams.delete('schema');
  const host = u.hostname || 'localhost';
  const port = u.port || '5432';
  const database = decodeURIComponent(u.pathname.slice(1)) || 'postgres';
  const prismaError = (e) => {
    if (e.code === '3D000') return ['P1003', `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`];
    if (e.code === '28P01' || e.code === '28000') {
      return ['P1000', `Authentication failed against database server, the provided database credentials for \`${decodeURIComponent(u.username)}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at the configured address.`];
    }
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(e.code)) {
      return ['P1001', `Can't reach database server at \`${host}:${port}\`\n\nPlease make sure your database server is running at \`${host}:${port}\`.`];
    }
    return ['P1001', String(e.message)];
  };
  const connect = async (target) => {
    const client = new pg.Client({ connectionString: target.toString() });
    try { await client.connect(); return client; } catch (e) { await client.end().catch(() => {}); throw e; }
  };

  if (command === 'can-connect-to-database') {
    try { const c = await connect(u); await c.query('SELECT 1'); await c.end(); return 0; } catch (e) { return fail(...prismaError(e)); }
  }
  if (command === 'create-database') {
    // As the native engine: from the `postgres` database, else `template1`;
    // a database that already exists is not an error.
    for (const admin of ['postgres', 'template1']) {
      const a = new URL(u);
      a.pathname = '/' + admin;
      let client;
      try { client = await connect(a); } catch (e) { if (e.code === '3D000') continue; return fail(...prismaError(e)); }
      try {
        await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      } catch (e) {
        if (e.code !== '42P04') { await client.end(); return fail('P1009', String(e.message)); }
      }
      await client.end();
      process.stdout.write(`Database '${database}' was successfully created.\n`);
      return 0;
    }
    return fail('P1001', 'Prisma could not connect to a default database (`postgres` or `template1`), it cannot create the specified database.');
  }
  return fail('P1012', `migplan wasm stand-in: unsupported cli command ${command}`);
}

// JSON-RPC mode: each request becomes the wasm engine's method of the same
// name, one at a time in arrival order (the native engine's are serialised too).
async function serveRpc() {
  const SchemaEngine = await schemaEngineClass();
  const datamodels = options('--datamodels').map((file) => [file, fs.readFileSync(file, 'utf8')]);
  // Built once, on the first request: a failure becomes that request's error.
  let engine;
  const ready = (async () => {
    if (!url) throw new Error('migplan wasm stand-in: no datasource url (set datasource.url in prisma.config.ts)');
    const adapter = await adapterFactory(url, log);
    engine = await SchemaEngine.new({ datamodels: datamodels.length ? datamodels : undefined }, (m) => log?.(`engine: ${m}`), adapter);
  })();
  ready.catch(() => {}); // seen by the first request

  const send = (message) => {
    const line = JSON.stringify(message);
    log?.(`> ${line}`);
    process.stdout.write(line + '\n');
  };
  // The native name of a method, where the wasm engine's differs.
  const wasmName = { getDatabaseVersion: 'version' };
  // The native engine prints `migrate diff` output through a `print` request
  // to the CLI; ids of our own requests stay clear of the CLI's.
  let printId = 1e9;

  const handle = async ({ id, method, params }) => {
    try {
      await ready;
      const name = wasmName[method] ?? method;
      if (typeof engine[name] !== 'function') throw new Error(`migplan wasm stand-in: the wasm schema engine has no method ${method}`);
      let result = await engine[name](params ?? (name === 'version' ? null : {}));
      if (method === 'diff' && result && 'stdout' in result) {
        const { stdout, ...rest } = result;
        // The CLI writes content + "\n".
        if (stdout) send({ jsonrpc: '2.0', id: printId++, method: 'print', params: { content: stdout.replace(/\n$/, '') } });
        result = rest;
      }
      send({ jsonrpc: '2.0', id, result: result ?? null });
    } catch (e) {
      send({ jsonrpc: '2.0', id, error: rpcError(e) });
    }
  };

  let queue = Promise.resolve();
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on('line', (line) => {
    let message;
    try { message = JSON.parse(line); } catch { return; }
    if (!message.method) return; // the CLI's answer to a `print`
    log?.(`< ${line}`);
    queue = queue.then(() => handle(message));
  });
  // The CLI stops the engine by closing its stdin.
  input.on('close', () => {
    queue.then(() => {
      try { engine?.free(); } catch { /* already gone */ }
      process.exit(0);
    });
  });
}

// An error reply as the CLI reads it: data.is_panic, data.message and, for a
// known Prisma error, data.error_code (then shown as "Error: CODE").
function rpcError(e) {
  const envelope = { code: 4466, message: 'An error happened. Check the data field for details.' };
  const message = String(e?.message ?? e);
  if (e?.name === 'RuntimeError') {
    const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY.get() || message;
    return { ...envelope, data: { is_panic: true, message: panic, error: { message: panic }, backtrace: e.stack } };
  }
  if (typeof e?.code === 'string') {
    return { ...envelope, data: { is_panic: false, message, meta: e.meta ?? null, error_code: e.code } };
  }
  return { ...envelope, data: { is_panic: false, message } };
}

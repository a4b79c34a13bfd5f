// Two-versions load driver (issue 14's proof harness).
//
//   node tests/twoversions/driver.mjs FORM.mjs --url URL --work DIR
//        [--rows N] [--writes N] [--seed N] [--json FILE]
//
// For one lifecycle form (tests/twoversions/forms/*.mjs, see docs/twoversions.md)
// it builds a Prisma project (the form's baseline + its .mig spec), compiles it
// with $MIGC, and then drives the whole lifecycle with $MIGRUN one step at a
// time (`apply --steps 1`), then back (`rollback --steps 1 --yes` per step),
// while the OLD application version (writes only the columns it knows) and the
// NEW one (writes the new columns) run their inserts and updates concurrently,
// each on its own connection. Every write that succeeds goes into a model of
// what it must leave in each representation (the form's forward and reverse
// maps); after every phase the table is read back and compared, row by row,
// with the model as each version sees it. Every application statement's error
// is recorded; a step refused by a gate is a failure (no hand fixes).
//
// Output: a human log on stderr and one JSON object on stdout:
//   {"form", "ok", "first": "PHASE:CHECK" | null, "failures": [{check, detail}]}
// Checks (in the order they are taken after each phase):
//   step      the migrun step (or its DOWN) exited non-zero (gate refused, error)
//   early     a contract that retires a column ran before its window (min_age)
//   schema    the columns after the step are not those the lifecycle implies
//   old_app / new_app   a statement of that application version failed
//   rows      a row is missing or unexpected (lost or phantom writes)
//   old_view / new_view a row's value, as that version reads it, differs from
//             the model (a lost or overwritten write)
// Nothing here waits on a clock: the window is waited for as a condition on
// the ledger row (`now() - finished_at >= window`), apps run until the step has
// exited and a bounded number of writes are done.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { VOL } from './lib.mjs';
const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.resolve(here, '../..');
const require = createRequire(path.join(srcDir, 'tests/prisma/package.json'));
const pg = require('pg');
// Every value travels as text: the model compares text as each version reads it.
for (const oid of Object.values(pg.types.builtins)) pg.types.setTypeParser(oid, (v) => v);

// ---------- arguments ----------
const argv = process.argv.slice(2);
const opt = { rows: 2000, writes: 40, seed: 1 };
let formFile = null;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--url') opt.url = argv[++i];
  else if (a === '--work') opt.work = argv[++i];
  else if (a === '--rows') opt.rows = Number(argv[++i]);
  else if (a === '--writes') opt.writes = Number(argv[++i]);
  else if (a === '--seed') opt.seed = Number(argv[++i]);
  else if (a === '--json') opt.json = argv[++i];
  else if (a === '--mutate') opt.mutate = argv[++i];
  else if (!formFile) formFile = a;
  else { console.error(`driver: unexpected argument ${a}`); process.exit(2); }
}
if (!formFile || !opt.url || !opt.work) {
  console.error('usage: driver.mjs FORM.mjs --url URL --work DIR [--rows N] [--writes N] [--seed N]');
  process.exit(2);
}
const MIGC = process.env.MIGC || path.join(srcDir, 'build/migc');
const MIGRUN = process.env.MIGRUN || path.join(srcDir, 'build/migrun');
const form = (await import(pathToFileURL(path.resolve(formFile)).href)).default;
const log = (...a) => console.error(`[${form.name}]`, ...a);
// Self-test of the harness: --mutate forward|reverse makes the model's map
// wrong (text values get a '!'), which the view checks must catch.
if (opt.mutate) {
  const f = form[opt.mutate];
  if (typeof f !== 'function') { console.error(`driver: --mutate: the form has no ${opt.mutate}`); process.exit(2); }
  form[opt.mutate] = (v, op) => Object.fromEntries(Object.entries(f(v, op)).map(([k, x]) => [k, typeof x === 'string' ? x + '!' : x]));
}

// ---------- deterministic randomness ----------
function rng(seedStr) {
  let h = 1779033703 ^ seedStr.length;
  for (let i = 0; i < seedStr.length; i++) { h = Math.imul(h ^ seedStr.charCodeAt(i), 3432918353); h = (h << 13) | (h >>> 19); }
  let s = h >>> 0;
  const next = () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    word: (len = 6) => { let w = ''; for (let i = 0; i < len; i++) w += 'abcdefghijklmnopqrstuvwxyz'[Math.floor(next() * 26)]; return w; },
  };
}

// ---------- form ----------
const qi = (n) => '"' + n.replace(/"/g, '""') + '"';
const table = form.schema ? `${qi(form.schema)}.${qi(form.table)}` : qi(form.table);
// A form that renames its table (rename table): the new version writes the
// new name, which exists from the expand on; the old version writes the old
// name throughout (a view during the window). Both read the table itself.
const newTable = form.newTable ? (form.schema ? `${qi(form.schema)}.${qi(form.newTable)}` : qi(form.newTable)) : null;
const key = form.key || 'id';
const oldCols = form.old.cols;
const newCols = form.new.cols;
const retired = oldCols.filter((c) => !newCols.includes(c));   // gone at contract
const added = newCols.filter((c) => !oldCols.includes(c));     // created at expand
const sources = form.sources || retired;                        // old-side columns the new ones derive from
const derived = form.derived || added;                          // new-side columns derived from the old ones
const windowShort = form.windowShort || '1s';
const windowLong = '1h';

function specText(windowValue) {
  let spec;
  if (form.example) spec = fs.readFileSync(path.join(srcDir, 'examples', form.example, 'prisma', `${form.example}.mig`), 'utf8');
  else spec = form.spec;
  if (spec.includes('{{window}}')) return spec.replaceAll('{{window}}', windowValue);
  if (/\bset\s+window\s*=?\s*[^;]+;/.test(spec)) return spec.replace(/\bset\s+window\s*=?\s*[^;]+;/g, `set window = ${windowValue};`);
  return spec.replace(/\{/, `{\n  set window = ${windowValue};`);
}
function baselineText() {
  if (form.example) return fs.readFileSync(path.join(srcDir, 'examples', form.example, 'prisma/migrations/20240101000000_baseline/migration.sql'), 'utf8');
  return form.baseline;
}

// ---------- processes ----------
function run(cmd, args, cwd) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, env: process.env });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve({ code, out, err }));
  });
}
const work = path.resolve(opt.work);
const migDir = path.join(work, 'prisma/migrations');
const specRel = `prisma/${form.name}.mig`;
async function compile(windowValue) {
  fs.writeFileSync(path.join(work, specRel), specText(windowValue));
  return run(MIGC, ['compile', specRel, '-o', 'prisma/migrations'], work);
}
const migrun = (...args) => run(MIGRUN, [...args, '-d', migDir, '--database-url', opt.url], work);

// ---------- model ----------
// model.get(id) = { vals: {col: text|null|VOL}, pending, last }
const model = new Map();
const failures = [];
const fail = (check, detail) => { failures.push({ check, detail }); log(`FAIL ${check}: ${detail}`); };
// filled: a form's `fill` holds (a lifecycle that fills an existing column's NULLs from expand on).
const state = { hasNew: added.length === 0 && !newTable, hasOld: true, contract: false, filled: false };

function applyWrite(version, op, row, set, sch) {
  const vals = op === 'insert' ? { ...set } : { ...row.vals, ...set };
  const touched = Object.keys(set);
  if (version === 'old' && sch.hasNew && (op === 'insert' || touched.some((c) => sources.includes(c)))) {
    Object.assign(vals, form.forward(vals, op));
  }
  if (version === 'old' && form.fill && sch.filled) Object.assign(vals, form.fill(vals, { pending: !!row.pending }));
  if (version === 'new' && sch.hasOld && (op === 'insert' || touched.some((c) => derived.includes(c))) && form.reverse) {
    Object.assign(vals, form.reverse(vals, op));
  }
  return vals;
}

// ---------- applications ----------
// Text output that does not depend on the server's settings.
const SESSION = '-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=1';
class App {
  constructor(version) { this.version = version; this.errors = []; this.writes = 0; }
  async connect() { this.client = new pg.Client({ connectionString: opt.url, application_name: `twoversions ${this.version}`, options: SESSION }); await this.client.connect(); }
  async close() { await this.client.end(); }
  // One write: an insert, an update of this version's own columns, or an
  // update of a column both versions share (touches neither side).
  async write(r, ownRows, phase, ctx, forceInsert = false) {
    const spec = this.version === 'old' ? form.old : form.new;
    const kind = forceInsert ? 0 : r.next();
    let st, op, id = null;
    if (kind < 0.4 || ownRows.length === 0) { op = 'insert'; st = spec.insert(r, phase); }
    else {
      id = ownRows[r.int(ownRows.length)];
      op = 'update';
      st = (kind < 0.8 || !spec.unrelated) ? spec.update(r, phase, model.get(id).vals) : spec.unrelated(r, phase, model.get(id).vals);
    }
    const cols = Object.keys(st.set);
    const target = this.version === 'new' && newTable ? newTable : table;
    let sql, params;
    if (op === 'insert') {
      sql = `INSERT INTO ${target} (${cols.map(qi).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${qi(key)}::text AS k`;
      params = cols.map((c) => st.set[c]);
    } else if (st.sql) {
      // A statement whose effect is not a plain assignment (`score = score + 1`):
      // $KEY is the row's key; st.set names what it assigns, for the model.
      params = [...(st.params || [])];
      sql = st.sql.replaceAll('$KEY', `$${params.length + 1}`).replaceAll('$TABLE', target);
      params.push(id);
    } else {
      sql = `UPDATE ${target} SET ${cols.map((c, i) => `${qi(c)} = $${i + 1}`).join(', ')} WHERE ${qi(key)} = $${cols.length + 1}`;
      params = [...cols.map((c) => st.set[c]), id];
    }
    this.writes++;
    // Which schema the write met: before the step, after it, or unknown (during).
    const when = ctx.ended ? 'after' : ctx.started ? 'during' : 'before';
    try {
      const res = await this.client.query(sql, params);
      if (op === 'insert') id = res.rows[0].k;
      const row = model.get(id) || { vals: {} };
      const sch = when === 'after' ? ctx.after : ctx.before;
      model.set(id, {
        vals: applyWrite(this.version, op, row, st.set, sch),
        pending: (when === 'during' && ctx.ambiguous) || (op === 'update' && !!row.pending),
        last: `${this.version} ${op} ${when} ${phase}`,
        born: op === 'insert' ? `${when} ${phase}` : row.born,
      });
    } catch (e) {
      this.errors.push({ phase, when, sql, params, error: e.message });
    }
  }
  // min/2 writes before the step starts, writes while it runs (at most
  // min*5: the load must not starve the step on a small machine), then min/2
  // writes after it has ended.
  async runUntil(phase, ctx, min) {
    const r = rng(`${form.name}/${opt.seed}/${phase}/${this.version}`);
    // Rows each version may update in this phase: disjoint (so the model knows
    // the order of the writes to a row), and swapped from phase to phase (so
    // both versions write the same rows over the lifecycle).
    const parity = (phaseCount + (this.version === 'old' ? 0 : 1)) % 2;
    const ownRows = [...model.keys()].filter((k, i) => i % 2 === parity);
    const half = Math.max(1, Math.floor(min / 2));
    let n = 0;
    for (let i = 0; i < half; i++, n++) await this.write(r, ownRows, phase, ctx);
    this.halfway?.();
    for (let i = 0; !ctx.ended && i < min * 5; i++, n++) await this.write(r, ownRows, phase, ctx);
    await ctx.done;
    for (let i = 0; i < half; i++, n++) await this.write(r, ownRows, phase, ctx);
    return n;
  }
}

// ---------- checks ----------
async function columnsPresent(client, rel = table) {
  const res = await client.query(`SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`, [rel]);
  return new Set(res.rows.map((r) => r.attname));
}
async function check(client, phase, apps, expectNew, expectOld) {
  // A renamed table: its rows are read under the new name once that exists.
  const renamed = !newTable || (await client.query(`SELECT (to_regclass($1) IS NOT NULL)::text AS ok`, [newTable])).rows[0].ok === 'true';
  const rel = newTable && renamed ? newTable : table;
  const present = await columnsPresent(client, rel);
  const hasNew = added.every((c) => present.has(c)) && renamed;
  const hasOld = retired.every((c) => present.has(c));
  if (hasNew !== expectNew || hasOld !== expectOld) {
    fail(`${phase}:schema`, `new columns ${added.join(',') || '-'} present: ${hasNew} (expected ${expectNew}); retired ${retired.join(',') || '-'} present: ${hasOld} (expected ${expectOld})`);
  }
  state.hasNew = hasNew; state.hasOld = hasOld;
  for (const app of apps) {
    const errs = app.errors.filter((e) => e.phase === phase);
    if (errs.length) {
      const first = errs[0];
      fail(`${phase}:${app.version}_app`, `${errs.length} ${app.version}-version statement(s) failed; first: ${first.error} [${first.sql} ${JSON.stringify(first.params)}]`);
    }
  }
  const cols = [...new Set([...oldCols, ...newCols])].filter((c) => present.has(c));
  const res = await client.query(`SELECT ${qi(key)}::text AS k${cols.map((c) => `, ${qi(c)}::text AS ${qi('c_' + c)}`).join('')} FROM ${rel}`);
  const seen = new Map(res.rows.map((r) => [r.k, r]));
  const missing = [...model.keys()].filter((k) => !seen.has(k));
  const extra = [...seen.keys()].filter((k) => !model.has(k));
  if (missing.length || extra.length) fail(`${phase}:rows`, `${missing.length} rows lost (${missing.slice(0, 5).join(',')}), ${extra.length} unexpected (${extra.slice(0, 5).join(',')})`);
  for (const [view, vcols, live] of [['old_view', oldCols, hasOld], ['new_view', newCols, hasNew]]) {
    if (!live) continue;
    const bad = [];
    for (const [k, m] of model) {
      const r = seen.get(k);
      // a fill form's backfill changes what both versions read
      if (!r || ((view === 'new_view' || form.fill) && m.pending)) continue;
      for (const c of vcols) {
        if (!present.has(c)) continue;
        const want = m.vals[c] === undefined ? null : m.vals[c];
        const got = r['c_' + c];
        if (want === VOL) {
          if (got === null) bad.push({ k, c, want: '(a computed value)', got, m });
          else m.vals[c] = { pinned: got };
        } else if (want && want.pinned !== undefined) {
          if (got !== want.pinned) bad.push({ k, c, want: want.pinned, got, m });
        } else if (got !== want) bad.push({ k, c, want, got, m });
      }
    }
    if (bad.length) {
      const show = bad.slice(0, 5).map((b) => `${key}=${b.k} ${b.c}: expected ${JSON.stringify(b.want)}, got ${JSON.stringify(b.got)} (last write: ${b.m.last})`).join('; ');
      fail(`${phase}:${view}`, `${bad.length} value(s) differ: ${show}`);
      // Adopt what the database holds, so later phases test their own writes.
      for (const b of bad) b.m.vals[b.c] = (b.m.vals[b.c] === VOL || b.m.vals[b.c]?.pinned !== undefined) ? { pinned: b.got } : b.got;
    }
  }
}

// ---------- phases ----------
// One phase: the apps given write concurrently with `action` (a migrun step,
// or waiting for the window); `after` is the schema the action leaves.
let phaseCount = 0;
async function phase(name, { runOld, runNew, action, after, ambiguous = false, min = opt.writes }) {
  phaseCount++;
  const apps = [];
  if (runOld) apps.push(oldApp);
  if (runNew) apps.push(newApp);
  const ctx = { started: false, ended: false, before: { ...state }, after: { ...state, ...after }, ambiguous };
  const halfways = apps.map((a) => new Promise((res) => { a.halfway = res; }));
  let result = null;
  ctx.done = (async () => {
    await Promise.all(halfways);
    ctx.started = true;
    result = action ? await action() : null;
    ctx.ended = true;
  })();
  const counts = await Promise.all(apps.map((a) => a.runUntil(name, ctx, min)));
  await ctx.done;
  for (const a of apps) a.halfway = null;
  log(`${name}: ${apps.map((a, i) => `${a.version} ${counts[i]} writes`).join(', ') || 'no application writes'}${result && result.code !== undefined ? `, step exit ${result.code}` : ''}`);
  return { result, apps };
}

function durationMs(d) {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(d);
  if (!m) throw new Error(`duration ${d}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 }[m[2]];
}

const oldApp = new App('old');
const newApp = new App('new');
let admin;

const tail = (r, n = 3) => (r.out + r.err).trim().split('\n').filter((l) => l.trim()).slice(-n).join(' | ');

async function main() {
  fs.mkdirSync(path.join(migDir, '20240101000000_baseline'), { recursive: true });
  fs.writeFileSync(path.join(migDir, '20240101000000_baseline/migration.sql'), baselineText());
  fs.writeFileSync(path.join(migDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  let c = await compile(windowLong);
  if (c.code !== 0) {
    if (form.refusalOk && form.refusalOk.test(c.err + c.out)) { log('spec refused with a located error, as the form allows'); return; }
    fail('compile:refused', (c.err + c.out).trim().split('\n').slice(0, 3).join(' | '));
    return;
  }
  const manifest = () => JSON.parse(fs.readFileSync(path.join(migDir, 'migplan.manifest.json'), 'utf8'));
  let steps = manifest().steps;
  const stepFile = (id) => fs.readFileSync(path.join(migDir, id, 'migration.sql'), 'utf8');
  admin = new pg.Client({ connectionString: opt.url, application_name: 'twoversions check', options: SESSION });
  await admin.connect();
  const r = await migrun('apply', '--steps', '1');
  if (r.code !== 0) { fail('baseline:step', tail(r)); return; }
  if (form.setup) await admin.query(form.setup);
  await oldApp.connect();
  await newApp.connect();

  // Seed: the old version's inserts, many rows per statement (the keys come
  // back in VALUES order, as PostgreSQL inserts them), in one transaction.
  {
    const r0 = rng(`${form.name}/${opt.seed}/seed`);
    await oldApp.client.query('BEGIN');
    for (let done = 0; done < opt.rows;) {
      const chunk = [];
      for (; chunk.length < 500 && done < opt.rows; done++) chunk.push(form.old.insert(r0, 'seed').set);
      const cols = Object.keys(chunk[0]);
      if (chunk.some((v) => Object.keys(v).join('\0') !== cols.join('\0'))) throw new Error('seed: old.insert must name the same columns every time');
      const params = chunk.flatMap((v) => cols.map((c) => v[c]));
      const values = chunk.map((_, i) => `(${cols.map((_, j) => `$${i * cols.length + j + 1}`).join(', ')})`).join(', ');
      try {
        const res = await oldApp.client.query(`INSERT INTO ${table} (${cols.map(qi).join(', ')}) VALUES ${values} RETURNING ${qi(key)}::text AS k`, params);
        res.rows.forEach((row, i) => model.set(row.k, { vals: { ...chunk[i] }, pending: false, last: 'old insert before seed', born: 'before seed' }));
      } catch (e) { fail('seed:old_app', e.message); return; }
    }
    await oldApp.client.query('COMMIT');
  }
  state.hasNew = added.length === 0 ? !newTable : (await columnsPresent(admin)).has(added[0]);
  await check(admin, 'seed', [], state.hasNew, true);

  // A step's name in checks: its phase, numbered when the phase repeats
  // (backfill, backfill2, ...); its rollback is rollback_ + that name.
  const labels = new Map();
  const label = (s) => {
    if (!labels.has(s.id)) {
      const n = [...labels.values()].filter((v) => v.replace(/\d+$/, '') === s.phase).length;
      labels.set(s.id, n ? `${s.phase}${n + 1}` : s.phase);
    }
    return labels.get(s.id);
  };
  const lastBackfill = steps.filter((x) => x.phase === 'backfill').at(-1)?.id;
  const applied = [];
  for (let si = 0; si < steps.length; si++) {
    const s = steps[si];
    if (s.id === '20240101000000_baseline' || s.phase === undefined) continue;
    const name = label(s);
    const windowGate = s.phase === 'contract' && s.gates.some((g) => g.kind === 'min_age');
    if (s.phase === 'contract' && (retired.length || windowGate)) {
      // The old version may still run (and read the retired columns): the
      // contract must wait for its window.
      const early = await migrun('apply', '--steps', '1');
      if (early.code === 0) {
        fail('contract:early', `the contract applied ${applied.length ? `right after ${applied.at(-1).id}` : 'as the first step'}, before any window (no min_age gate held it)`);
        applied.push(s);
        state.contract = true;
        await check(admin, name, [], state.hasNew, false);
        continue;
      }
      if (early.code !== 6 || !/min_age/.test(early.out + early.err)) {
        fail('contract:early', `expected the min_age gate to refuse it (exit 6), got exit ${early.code}: ${tail(early)}`);
        if (early.code !== 6) break;
      }
      // The window passes: the spec is recompiled with a short window (which must
      // not change a step already applied) and its condition is waited for.
      const before = applied.map((a) => stepFile(a.id));
      c = await compile(windowShort);
      if (c.code !== 0) { fail('window:recompile', tail(c)); break; }
      steps = manifest().steps;
      if (applied.some((a, i) => stepFile(a.id) !== before[i])) { fail('window:recompile', 'a shorter window changed an applied step'); break; }
      const gate = steps.find((x) => x.id === s.id).gates.find((g) => g.kind === 'min_age');
      // A window the recompile did not shorten would be waited for forever.
      if (gate && durationMs(gate.duration) > durationMs(windowShort)) { fail('window:recompile', `the recompiled spec's window is ${gate.duration}, not ${windowShort}`); break; }
      const w = await phase('window', {
        runOld: true, runNew: state.hasNew,
        action: async () => {
          if (!gate) return null;
          for (;;) {
            const q = await admin.query(`SELECT coalesce(bool_or(now() - finished_at >= $1::interval), false)::text AS ok FROM _prisma_migrations WHERE migration_name = $2 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`, [`${durationMs(gate.duration)} milliseconds`, gate.after]);
            if (q.rows[0].ok === 'true') return null;
            await new Promise((res) => setTimeout(res, 50));
          }
        },
      });
      await check(admin, 'window', w.apps, state.hasNew, state.hasOld);
    }
    const after = {};
    if (s.phase === 'expand' && (added.length || newTable)) after.hasNew = true;
    if (s.phase === 'expand' && form.fill) after.filled = true;
    if (s.phase === 'contract') { after.contract = true; if (retired.length) after.hasOld = false; }
    const { result, apps } = await phase(name, {
      runOld: !state.contract && !after.contract,
      runNew: state.hasNew && after.hasNew !== false,
      ambiguous: s.phase === 'expand',
      after,
      // The watchdog stays on; more retries keep a loaded machine from turning
      // a lock wait into a failed step (this harness checks data, not locks).
      action: () => migrun('apply', '--steps', '1', '--watchdog-retries', '10'),
    });
    if (result.code !== 0) {
      fail(`${name}:step`, `migrun apply exit ${result.code}: ${tail(result)}`);
      await check(admin, name, apps, state.hasNew, state.hasOld);
      break;
    }
    applied.push(s);
    Object.assign(state, after);
    if (s.phase === 'expand' && added.length) {
      // Rows written before expand committed get their new columns now (the
      // catalog default) and from the backfill: not checked until it is done.
      for (const m of model.values()) {
        if (m.born !== `after ${name}`) {
          Object.assign(m.vals, form.forward(m.vals, 'existing'));
          m.pending = m.pending || !!lastBackfill;
        }
      }
    }
    if (s.phase === 'expand' && form.fill) {
      // Rows there when expand committed keep their NULLs until the backfill.
      for (const m of model.values()) if (m.born !== `after ${name}`) m.pending = !!lastBackfill;
    }
    if (s.id === lastBackfill) {
      for (const m of model.values()) {
        if (form.fill && m.pending) Object.assign(m.vals, form.fill(m.vals, { pending: false }));
        m.pending = false;
      }
    }
    await check(admin, name, apps, state.hasNew, state.hasOld);
  }

  // Rollback, newest first, one step at a time.
  for (const s of [...applied].reverse()) {
    const name = `rollback_${label(s)}`;
    // A DOWN that must refuse while rows hold what it removes (an added enum
    // value): it is run once, must fail with the form's message and change
    // nothing; then the team's fix of those rows runs, and the rollback.
    const pre = form.beforeRollback?.[label(s)];
    if (pre) {
      const refused = await migrun('rollback', '--steps', '1', '--yes');
      if (refused.code === 0) { fail(`${name}:refusal`, 'the DOWN ran although rows still use what it removes'); break; }
      if (!pre.refusal.test(refused.out + refused.err)) fail(`${name}:refusal`, `expected ${pre.refusal}, got exit ${refused.code}: ${tail(refused)}`);
      log(`${name}: refused while rows use what it removes (exit ${refused.code}); then: ${pre.sql}`);
      await check(admin, `${name}_refused`, [], state.hasNew, state.hasOld);
      await admin.query(pre.sql);
      for (const m of model.values()) Object.assign(m.vals, pre.model(m.vals));
      await check(admin, `${name}_fixed`, [], state.hasNew, state.hasOld);
    }
    const after = {};
    if (s.phase === 'expand' && (added.length || newTable)) after.hasNew = false;
    if (s.phase === 'expand' && form.fill) after.filled = false;
    if (s.phase === 'contract') { after.contract = false; if (retired.length) after.hasOld = true; }
    const { result, apps } = await phase(name, {
      runOld: !state.contract && after.contract !== true,
      runNew: state.hasNew && after.hasNew !== false,
      after,
      // a fill form's write racing the DOWN that drops its trigger: filled or not
      ambiguous: s.phase === 'expand' && !!form.fill,
      action: () => migrun('rollback', '--steps', '1', '--yes'),
    });
    if (result.code !== 0) {
      fail(`${name}:step`, `migrun rollback exit ${result.code}: ${tail(result)}`);
      await check(admin, name, apps, state.hasNew, state.hasOld);
      break;
    }
    Object.assign(state, after);
    if (s.phase === 'contract' && retired.length) {
      // The DOWN re-creates the retired columns from the new ones.
      for (const m of model.values()) Object.assign(m.vals, (form.restore || form.reverse)(m.vals, 'restore'));
    }
    await check(admin, name, apps, state.hasNew, state.hasOld);
  }
}

let crashed = null;
try { await main(); } catch (e) { crashed = e; fail('harness:error', e.stack || String(e)); }
for (const c of [oldApp.client, newApp.client, admin]) { try { await c?.end(); } catch { /* closed */ } }
const out = { form: form.name, ok: failures.length === 0, first: failures[0]?.check || null, failures };
const text = JSON.stringify(out);
if (opt.json) fs.writeFileSync(opt.json, text + '\n');
console.log(text);
process.exit(crashed ? 3 : 0);

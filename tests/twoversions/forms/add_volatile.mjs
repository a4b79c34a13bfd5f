// Issue 14 case 3: add from a volatile expression. Each row's ext_id is
// computed once (by the backfill, or for the old version's inserts by the
// trigger) and never again: an update of score leaves it alone.
import { uniq, uuid, VOL } from '../lib.mjs';
const bump = (v) => ({ sql: 'UPDATE $TABLE SET score = score + 1 WHERE id = $KEY', set: { score: String(Number(v.score) + 1) } });
export default {
  name: 'add_volatile',
  baseline: `CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "score" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle user_ext_id at 20250601090000 on "User" {
  set window = {{window}};
  add ext_id uuid backfill $$ gen_random_uuid() $$ not null;
}
`,
  table: 'User',
  old: {
    cols: ['email', 'score'],
    insert: (r) => ({ set: { email: uniq('old'), score: String(r.int(100)) } }),
    update: (r, phase, v) => bump(v),
  },
  new: {
    cols: ['email', 'score', 'ext_id'],
    insert: (r) => ({ set: { email: uniq('new'), score: String(r.int(100)), ext_id: uuid(r) } }),
    update: (r, phase, v) => bump(v),
  },
  sources: [],
  derived: [],
  forward: (v, op) => (op === 'update' ? {} : { ext_id: VOL }),
  reverse: () => ({}),
};

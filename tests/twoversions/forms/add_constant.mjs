// add with a constant backfill and a default: the old version never names
// "tier" (its inserts get the default), the new one writes it.
import { uniq } from '../lib.mjs';
export default {
  name: 'add_constant',
  baseline: `CREATE TABLE "Account" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "Account_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle account_tier at 20250601090000 on "Account" {
  set window = {{window}};
  add tier text default 'free' backfill 'free' not null;
}
`,
  table: 'Account',
  old: {
    cols: ['email'],
    insert: () => ({ set: { email: uniq('old') } }),
    update: () => ({ set: { email: uniq('old-upd') } }),
  },
  new: {
    cols: ['email', 'tier'],
    insert: (r) => ({ set: { email: uniq('new'), tier: r.pick(['free', 'pro', 'team']) } }),
    update: (r) => ({ set: { tier: r.pick(['free', 'pro', 'team']) } }),
    unrelated: () => ({ set: { email: uniq('new-upd') } }),
  },
  sources: [],
  derived: [],
  forward: (v, op) => (op === 'update' ? {} : { tier: 'free' }),
  reverse: () => ({}),
};

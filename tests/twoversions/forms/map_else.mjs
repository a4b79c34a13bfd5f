// A map with several entries and `else`, replacing its source column: migc
// inverts what it can ('alpha' -> 'a', 'beta' -> 'b'); the rest comes back as
// the new value. The new version writes only values that map to themselves
// again ('none' would come back as 'none', which maps to 'other').
import { uniq } from '../lib.mjs';
const plans = [null, 'a', 'b', 'c', 'zz'];
const fwd = (p) => (p === null ? 'none' : p === 'a' ? 'alpha' : p === 'b' ? 'beta' : 'other');
export default {
  name: 'map_else',
  baseline: `CREATE TABLE "Account" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "plan" TEXT, CONSTRAINT "Account_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle account_tier at 20250601090000 on "Account" {
  set window = {{window}};
  add tier text backfill from plan map (null -> 'none', 'a' -> 'alpha', 'b' -> 'beta', else -> 'other') not null;
  retire plan text;
}
`,
  table: 'Account',
  old: {
    cols: ['email', 'plan'],
    insert: (r) => ({ set: { email: uniq('old'), plan: r.pick(plans) } }),
    update: (r) => ({ set: { plan: r.pick(plans) } }),
    unrelated: () => ({ set: { email: uniq('old-upd') } }),
  },
  new: {
    cols: ['email', 'tier'],
    insert: (r) => ({ set: { email: uniq('new'), tier: r.pick(['alpha', 'beta', 'other']) } }),
    update: (r) => ({ set: { tier: r.pick(['alpha', 'beta', 'other']) } }),
    unrelated: () => ({ set: { email: uniq('new-upd') } }),
  },
  forward: (v) => ({ tier: fwd(v.plan) }),
  reverse: (v) => ({ plan: v.tier === 'alpha' ? 'a' : v.tier === 'beta' ? 'b' : v.tier }),
};

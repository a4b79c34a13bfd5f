// add from a deterministic SQL expression over a column both versions keep:
// the old version writes email, the new one writes email and email_lower
// (dual write, consistently).
import { uniq } from '../lib.mjs';
const mixed = (p) => uniq(p).replace(/[a-z]/, (c) => c.toUpperCase()) + '@Example.COM';
export default {
  name: 'add_expression',
  baseline: `CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle user_email_lower at 20250601090000 on "User" {
  set window = {{window}};
  add email_lower text backfill $$ lower(email) $$ not null;
}
`,
  table: 'User',
  old: {
    cols: ['email'],
    insert: () => ({ set: { email: mixed('old') } }),
    update: () => ({ set: { email: mixed('oldupd') } }),
  },
  new: {
    cols: ['email', 'email_lower'],
    insert: () => { const e = mixed('new'); return { set: { email: e, email_lower: e.toLowerCase() } }; },
    update: () => { const e = mixed('newupd'); return { set: { email: e, email_lower: e.toLowerCase() } }; },
  },
  sources: ['email'],
  derived: [],
  forward: (v) => ({ email_lower: v.email.toLowerCase() }),
  reverse: () => ({}),
};

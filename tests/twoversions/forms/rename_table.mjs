// rename table: "Customer" becomes "Account" at expand, a view keeps the old
// name for the old version until the contract drops it. The old version reads
// and writes "Customer" (the table, then the view), the new version "Account",
// from the expand on. Both write the same columns of the same rows (that an
// insert through the view gets the table's defaults, e2e/ops_rename_table
// checks).
import { uniq } from '../lib.mjs';
export default {
  name: 'rename_table',
  baseline: `CREATE TABLE "Customer" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "plan" TEXT NOT NULL DEFAULT 'free', "note" TEXT, CONSTRAINT "Customer_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "Customer_email_key" ON "Customer"("email");
`,
  spec: `lifecycle customer_account at 20250601090000 on "Customer" {
  set window = {{window}};
  rename table to "Account";
}
`,
  table: 'Customer',
  newTable: 'Account',
  old: {
    cols: ['email', 'note', 'plan'],
    insert: (r) => ({ set: { email: uniq('old'), note: `o ${r.word(6)}`, plan: r.pick(['free', 'basic']) } }),
    update: (r) => ({ set: { note: `ou ${r.word(6)}`, plan: r.pick(['free', 'basic']) } }),
    unrelated: (r) => ({ set: { email: uniq('old-upd') } }),
  },
  new: {
    cols: ['email', 'note', 'plan'],
    insert: (r) => ({ set: { email: uniq('new'), note: `n ${r.word(6)}`, plan: r.pick(['free', 'pro']) } }),
    update: (r) => ({ set: { note: `nu ${r.word(6)}`, plan: r.pick(['free', 'pro']) } }),
    unrelated: (r) => ({ set: { email: uniq('new-upd') } }),
  },
  sources: [],
  derived: [],
  forward: () => ({}),
  reverse: () => ({}),
};

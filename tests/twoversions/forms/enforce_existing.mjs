// enforce not null on columns the table already has (issue 15 item 3): the
// old version's schema has them nullable and writes NULL (by leaving them out
// or explicitly); the new one's has them required and never writes NULL.
// From expand on the fill trigger gives the old version's NULLs the fill
// value (`fill` below), so neither version's statement fails at the NOT
// VALID check; the backfill fills the rows already there; after the window
// the contract sets NOT NULL, and the old version no longer runs.
import { uniq, VOL } from '../lib.mjs';
const maybe = (r, v) => (r.int(3) === 0 ? null : v);
export default {
  name: 'enforce_existing',
  baseline: `CREATE TABLE "Customer" ("id" SERIAL NOT NULL, "email" TEXT, "country" TEXT, "display_name" TEXT, CONSTRAINT "Customer_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle customer_required at 20250601090000 on "Customer" {
  set window = {{window}};
  enforce not null country backfill 'US' batch 500;
  enforce not null display_name backfill $$ coalesce(email, 'anonymous') $$;
}
`,
  table: 'Customer',
  old: {
    cols: ['email', 'country', 'display_name'],
    insert: (r) => ({ set: { email: maybe(r, uniq('old-')), country: maybe(r, r.pick(['DE', 'FR'])), display_name: maybe(r, `o ${r.word(5)}`) } }),
    update: (r) => ({ set: { country: maybe(r, r.pick(['DE', 'FR', 'IT'])), display_name: maybe(r, `o ${r.word(5)}`) } }),
    unrelated: (r) => ({ set: { email: maybe(r, uniq('old-upd-')) } }),
  },
  new: {
    cols: ['email', 'country', 'display_name'],
    insert: (r) => ({ set: { email: uniq('new-'), country: r.pick(['US', 'NL']), display_name: `n ${r.word(5)}` } }),
    update: (r) => ({ set: { country: r.pick(['US', 'NL', 'BE']), display_name: `n ${r.word(5)}` } }),
  },
  sources: [],
  derived: [],
  forward: () => ({}),
  reverse: () => ({}),
  // An old write to a row the backfill has not reached yet races with it: the
  // trigger computes display_name from the email at the write, the backfill
  // from the email it read, whichever came first; either is right, so such a
  // value is any non-NULL one, pinned once read (VOL). The constant is exact.
  fill: (v, { pending }) => ({
    country: v.country ?? 'US',
    display_name: v.display_name ?? (pending ? VOL : v.email ?? 'anonymous'),
  }),
};

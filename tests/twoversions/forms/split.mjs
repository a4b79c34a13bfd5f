// Issue 14 cases 1 and 4: split fullname into first_name and last_name, with
// a reverse that joins them; the new version writes first_name/last_name
// (one or both), the old version fullname.
import { twoWords, cap } from '../lib.mjs';
export default {
  name: 'split',
  baseline: `CREATE TABLE "Person" ("id" SERIAL NOT NULL, "fullname" TEXT, CONSTRAINT "Person_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle person_split at 20250601090000 on "Person" {
  set window = {{window}};
  add first_name text backfill $$ split_part(fullname, ' ', 1) $$
    reverse $$ first_name || ' ' || last_name $$;
  add last_name text backfill $$ split_part(fullname, ' ', 2) $$;
  retire fullname text;
}
`,
  table: 'Person',
  old: {
    cols: ['fullname'],
    insert: (r) => ({ set: { fullname: twoWords(r) } }),
    update: (r) => ({ set: { fullname: twoWords(r) } }),
  },
  new: {
    cols: ['first_name', 'last_name'],
    insert: (r) => ({ set: { first_name: cap(r.word(4)), last_name: cap(r.word(6)) } }),
    update: (r) => (r.int(2) ? { set: { first_name: cap(r.word(4)) } } : { set: { first_name: cap(r.word(4)), last_name: cap(r.word(6)) } }),
  },
  forward: (v) => ({ first_name: v.fullname.split(' ')[0], last_name: v.fullname.split(' ')[1] }),
  reverse: (v) => ({ fullname: `${v.first_name} ${v.last_name}` }),
};

// enforce not null on two columns backfilled from expressions: the checks come
// in an enforce step after both backfills.
const code = (r) => `${r.word(3).toUpperCase()}-${r.word(2)}${r.int(1000)}`;
export default {
  name: 'enforce_two_backfills',
  baseline: `CREATE TABLE "Item" ("id" SERIAL NOT NULL, "code" TEXT NOT NULL, CONSTRAINT "Item_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle item_code at 20250601090000 on "Item" {
  set window = {{window}};
  add code_lower text backfill $$ lower(code) $$;
  add code_len integer backfill $$ length(code) $$;
  enforce not null code_lower;
  enforce not null code_len;
}
`,
  table: 'Item',
  old: {
    cols: ['code'],
    insert: (r) => ({ set: { code: code(r) } }),
    update: (r) => ({ set: { code: code(r) } }),
  },
  new: {
    cols: ['code', 'code_lower', 'code_len'],
    insert: (r) => { const c = code(r); return { set: { code: c, code_lower: c.toLowerCase(), code_len: String(c.length) } }; },
    update: (r) => { const c = code(r); return { set: { code: c, code_lower: c.toLowerCase(), code_len: String(c.length) } }; },
  },
  sources: ['code'],
  derived: [],
  forward: (v) => ({ code_lower: v.code.toLowerCase(), code_len: String(v.code.length) }),
  reverse: () => ({}),
};

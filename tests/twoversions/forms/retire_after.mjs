// Issue 14 case 5: a standalone retire with its own window. The new version
// no longer names body; the contract must wait for the window. What a
// rollback of the contract cannot bring back (body's values) comes back NULL.
export default {
  name: 'retire_after',
  baseline: `CREATE TABLE "Note" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, "body" TEXT, CONSTRAINT "Note_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle note_body at 20250601090000 on "Note" {
  retire body text after {{window}};
}
`,
  table: 'Note',
  old: {
    cols: ['title', 'body'],
    insert: (r) => ({ set: { title: `old ${r.word()}`, body: r.pick([null, `b ${r.word()}`]) } }),
    update: (r) => ({ set: { body: `b upd ${r.word()}` } }),
    unrelated: (r) => ({ set: { title: `old upd ${r.word()}` } }),
  },
  new: {
    cols: ['title'],
    insert: (r) => ({ set: { title: `new ${r.word()}` } }),
    update: (r) => ({ set: { title: `new upd ${r.word()}` } }),
  },
  sources: [],
  derived: [],
  forward: () => ({}),
  reverse: () => ({}),
  restore: () => ({ body: null }),
};

// Issue 14 case 2: a new required column without a default ("the everyday new
// required foreign key column"). The old version's inserts must keep working
// after expand (filled from the backfill source), or migc must refuse the
// spec with a located error.
export default {
  name: 'add_required_no_default',
  baseline: `CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle post_tag at 20250601090000 on "Post" {
  set window = {{window}};
  add "tagId" integer backfill 1 not null;
}
`,
  refusalOk: /^prisma\/[^:\n]+\.mig:\d+:\d+: error:/m,
  table: 'Post',
  old: {
    cols: ['title'],
    insert: (r) => ({ set: { title: `old ${r.word()}` } }),
    update: (r) => ({ set: { title: `old upd ${r.word()}` } }),
  },
  new: {
    cols: ['title', 'tagId'],
    insert: (r) => ({ set: { title: `new ${r.word()}`, tagId: String(1 + r.int(9)) } }),
    update: (r) => ({ set: { tagId: String(1 + r.int(9)) } }),
    unrelated: (r) => ({ set: { title: `new upd ${r.word()}` } }),
  },
  sources: [],
  derived: [],
  forward: (v, op) => (op === 'update' ? {} : { tagId: '1' }),
  reverse: () => ({}),
};

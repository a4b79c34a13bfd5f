// index (partial) / unique (index only) / foreign key / check on an existing
// table: both versions write the same columns, always valid values; nothing
// either writes may fail or change through the steps and their rollbacks.
import { uniq } from '../lib.mjs';
const parent = (r) => String(1 + r.int(20));
const body = (r) => `c ${r.word(1 + r.int(30))}`;
const deleted = (r) => (r.int(4) === 0 ? '2025-01-01 00:00:00+00' : null);
export default {
  name: 'constraints',
  baseline: `CREATE TABLE "Parent" ("id" SERIAL NOT NULL, CONSTRAINT "Parent_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Comment" ("id" SERIAL NOT NULL, "parentId" INTEGER NOT NULL, "ref" TEXT NOT NULL, "body" TEXT NOT NULL, "deleted_at" TIMESTAMPTZ, CONSTRAINT "Comment_pkey" PRIMARY KEY ("id"));
`,
  spec: `lifecycle comment_constraints at 20250601090000 on "Comment" {
  set window = {{window}};
  index "Comment_parentId_live_idx" on ("parentId") where $$ deleted_at IS NULL $$;
  unique "Comment_ref_key" on (ref);
  foreign key "Comment_parentId_fkey" ("parentId") references "Parent" ("id") on delete cascade;
  check "Comment_body_len" $$ length(body) <= 200 $$;
}
`,
  setup: 'INSERT INTO "Parent" SELECT g FROM generate_series(1, 20) g',
  table: 'Comment',
  old: {
    cols: ['parentId', 'ref', 'body', 'deleted_at'],
    insert: (r) => ({ set: { parentId: parent(r), ref: uniq('old-'), body: body(r), deleted_at: deleted(r) } }),
    update: (r) => ({ set: { body: body(r), deleted_at: deleted(r) } }),
  },
  new: {
    cols: ['parentId', 'ref', 'body', 'deleted_at'],
    insert: (r) => ({ set: { parentId: parent(r), ref: uniq('new-'), body: body(r), deleted_at: deleted(r) } }),
    update: (r) => ({ set: { parentId: parent(r), ref: uniq('new-upd-') } }),
  },
  forward: () => ({}),
  reverse: () => ({}),
};

// examples/post_constraints: an index, a foreign key (on delete set null), a
// unique constraint and a check on "Post"; no column changes, so both
// versions read and write the same columns, always with valid values.
import { uniq } from '../lib.mjs';
const author = (r) => (r.int(5) === 0 ? null : String(1 + r.int(50)));
export default {
  name: 'ex_post_constraints',
  example: 'post_constraints',
  table: 'Post',
  setup: `INSERT INTO "User"(email) SELECT 'u' || g FROM generate_series(1, 50) g`,
  old: {
    cols: ['title', 'slug', 'authorId'],
    insert: (r) => ({ set: { title: `old ${r.word()}`, slug: uniq('old-'), authorId: author(r) } }),
    update: (r) => ({ set: { title: `old upd ${r.word()}`, authorId: author(r) } }),
  },
  new: {
    cols: ['title', 'slug', 'authorId'],
    insert: (r) => ({ set: { title: `new ${r.word()}`, slug: uniq('new-'), authorId: author(r) } }),
    update: (r) => ({ set: { slug: uniq('new-upd-'), authorId: author(r) } }),
  },
  forward: () => ({}),
  reverse: () => ({}),
};

// examples/rename_column: Customer.fullname -> full_name text not null.
export default {
  name: 'ex_rename_column',
  example: 'rename_column',
  table: 'Customer',
  old: {
    cols: ['fullname'],
    insert: (r) => ({ set: { fullname: `old ${r.word()}` } }),
    update: (r) => ({ set: { fullname: `old upd ${r.word()}` } }),
  },
  new: {
    cols: ['full_name'],
    insert: (r) => ({ set: { full_name: `new ${r.word()}` } }),
    update: (r) => ({ set: { full_name: `new upd ${r.word()}` } }),
  },
  forward: (v) => ({ full_name: v.fullname }),
  reverse: (v) => ({ fullname: v.full_name }),
};

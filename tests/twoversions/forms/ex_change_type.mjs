// examples/change_type: Order.amount_cents integer -> amount numeric(12,2),
// using amount_cents / 100.0, reverse (amount * 100)::integer.
const dollars = (c) => (c / 100).toFixed(2);
export default {
  name: 'ex_change_type',
  example: 'change_type',
  table: 'Order',
  old: {
    cols: ['amount_cents'],
    insert: (r) => ({ set: { amount_cents: String(r.int(1000000)) } }),
    update: (r) => ({ set: { amount_cents: String(r.int(1000000)) } }),
  },
  new: {
    cols: ['amount'],
    insert: (r) => ({ set: { amount: dollars(r.int(1000000)) } }),
    update: (r) => ({ set: { amount: dollars(r.int(1000000)) } }),
  },
  forward: (v) => ({ amount: v.amount_cents === null ? null : dollars(Number(v.amount_cents)) }),
  reverse: (v) => ({ amount_cents: v.amount === null ? null : String(Math.round(Number(v.amount) * 100)) }),
};

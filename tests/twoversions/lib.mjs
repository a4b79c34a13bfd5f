// Helpers for tests/twoversions/forms/*.mjs.
let n = 0;
// A value unique within the run (unique columns: emails, slugs).
export const uniq = (prefix) => `${prefix}${++n}`;
// A name of two words, as the split form's old column holds.
export const twoWords = (r) => `${cap(r.word(5))} ${cap(r.word(7))}`;
export const cap = (w) => w[0].toUpperCase() + w.slice(1);
// The expected value of a column the database computes once (a volatile
// backfill, e.g. gen_random_uuid()): any non-NULL value, pinned when first
// read, which must never change afterwards unless a version writes it.
export const VOL = Object.freeze({ volatile: true });
// A random uuid from the run's deterministic generator.
export const uuid = (r) => {
  let h = '';
  for (let i = 0; i < 32; i++) h += '0123456789abcdef'[r.int(16)];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
};

// Helpers for tests/twoversions/forms/*.mjs.
let n = 0;
// A value unique within the run (unique columns: emails, slugs).
export const uniq = (prefix) => `${prefix}${++n}`;
// A name of two words, as the split form's old column holds.
export const twoWords = (r) => `${cap(r.word(5))} ${cap(r.word(7))}`;
export const cap = (w) => w[0].toUpperCase() + w.slice(1);

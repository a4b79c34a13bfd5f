// examples/hostile_names: "app"."we""ird", key "ïd"; "sélect" replaces
// "old name" (map (null -> 'a;b', 'x' -> E'it\'s', else -> 'O''Brien'),
// reverse map ('a;b' -> null)); "semi" is a plain new column, default 'x;y'.
// The new version writes only "sélect" values the spec's reverse carries back
// to an "old name" that maps to them again ('a;b' -> NULL, 'O''Brien' -> itself).
const oldNames = [null, 'x', 'y', "O'Brien", 'q;r'];
const sel = (o) => (o === null ? 'a;b' : o === 'x' ? "it's" : "O'Brien");
export default {
  name: 'ex_hostile_names',
  example: 'hostile_names',
  schema: 'app',
  table: 'we"ird',
  key: 'ïd',
  old: {
    cols: ['old name'],
    insert: (r) => ({ set: { 'old name': r.pick(oldNames) } }),
    update: (r) => ({ set: { 'old name': r.pick(oldNames) } }),
  },
  new: {
    cols: ['sélect', 'semi'],
    insert: (r) => ({ set: { 'sélect': r.pick(['a;b', "O'Brien"]), semi: r.pick(['x;y', 'p;q', "it's"]) } }),
    update: (r) => ({ set: { 'sélect': r.pick(['a;b', "O'Brien"]) } }),
    unrelated: (r) => ({ set: { semi: r.pick(['x;y', 'p;q']) } }),
  },
  derived: ['sélect'],
  forward: (v, op) => (op === 'update' ? { 'sélect': sel(v['old name']) } : { 'sélect': sel(v['old name']), semi: 'x;y' }),
  reverse: (v) => ({ 'old name': v['sélect'] === 'a;b' ? null : v['sélect'] }),
};

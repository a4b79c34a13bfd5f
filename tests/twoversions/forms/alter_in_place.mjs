// alter: columns changed in place in the expand (varchar(20) to varchar(50),
// numeric(10,2) to numeric(12,2), NOT NULL dropped, a comment). No column is
// added or retired, so both versions read and write the same columns, from
// the start. What each version may write: the old one short names (up to 10
// characters) and amounts that fit numeric(10,2); the new one longer names,
// up to 20 characters, never NULL, and the same amounts. The new version may
// not use what the widening allows (a name over 20 characters, a NULL name, an
// amount over 8 integer digits) while the lifecycle can still be rolled back:
// the DOWN narrows the column again and sets NOT NULL, and fails on such a row
// (its -- WARNING: lines say so; e2e/ops_alter_in_place shows the failure).
export default {
  name: 'alter_in_place',
  baseline: `CREATE TABLE "Person" ("id" SERIAL NOT NULL, "name" VARCHAR(20) NOT NULL, "amount" NUMERIC(10,2), CONSTRAINT "Person_pkey" PRIMARY KEY ("id"));\n`,
  spec: `lifecycle person_widen at 20250601090000 on "Person" {
  set window = {{window}};
  alter name as varchar(20) not null to varchar(50) null comment 'display name';
  alter amount as numeric(10,2) to numeric(12,2);
}
`,
  table: 'Person',
  old: {
    cols: ['name', 'amount'],
    insert: (r) => ({ set: { name: `o ${r.word(6)}`, amount: `${r.int(100000)}.25` } }),
    update: (r) => ({ set: { name: `ou ${r.word(6)}` } }),
    unrelated: (r) => ({ set: { amount: `${r.int(100000)}.50` } }),
  },
  new: {
    cols: ['name', 'amount'],
    insert: (r) => ({ set: { name: `new ${r.word(16)}`, amount: `${r.int(99999999)}.75` } }),
    update: (r) => ({ set: { name: `new upd ${r.word(12)}` } }),
    unrelated: (r) => ({ set: { amount: `${r.int(99999999)}.10` } }),
  },
  sources: [],
  derived: [],
  forward: () => ({}),
  reverse: () => ({}),
};

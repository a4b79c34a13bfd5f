// enum add value, with a column added in the same lifecycle: the value's step
// commits before the expand. The new version writes the new value only where
// no old version runs (contract and its rollback): an old Prisma client
// cannot read a value its schema lacks, so a team ships the writer of
// 'moderator' once every old instance is gone. Its rows keep the value after
// the contract's rollback, so the value's DOWN must refuse (beforeRollback:
// the harness checks the refusal changes nothing), then the team moves those
// rows to another value and the rollback re-creates the type without it.
import { uniq } from '../lib.mjs';
const oldRoles = ['user', 'admin'];
const newRoles = (phase) => (/^(rollback_)?contract$/.test(phase) ? ['user', 'admin', 'moderator'] : oldRoles);
export default {
  name: 'enum_add_value',
  baseline: `CREATE TYPE "Role" AS ENUM ('user', 'admin');
CREATE TABLE "Member" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "role" "Role" NOT NULL DEFAULT 'user', CONSTRAINT "Member_pkey" PRIMARY KEY ("id"));
`,
  spec: `lifecycle member_moderator at 20250601090000 on "Member" {
  set window = {{window}};
  enum "Role" add value 'moderator' after 'user';
  add "invitedBy" text backfill 'self' not null;
}
`,
  table: 'Member',
  old: {
    cols: ['email', 'role'],
    insert: (r) => ({ set: { email: uniq('old'), role: r.pick(oldRoles) } }),
    update: (r) => ({ set: { role: r.pick(oldRoles) } }),
  },
  new: {
    cols: ['email', 'role', 'invitedBy'],
    insert: (r, phase) => ({ set: { email: uniq('new'), role: r.pick(newRoles(phase)), invitedBy: r.pick(['self', 'admin']) } }),
    update: (r, phase) => ({ set: { role: r.pick(newRoles(phase)), invitedBy: r.pick(['self', 'admin']) } }),
    unrelated: () => ({ set: { email: uniq('new-upd') } }),
  },
  sources: [],
  derived: [],
  forward: (v, op) => (op === 'update' ? {} : { invitedBy: 'self' }),
  reverse: () => ({}),
  beforeRollback: {
    enum: {
      refusal: /cannot remove value 'moderator' from type "Role": rows of "Member" use it in column role/,
      sql: `UPDATE "Member" SET role = 'user' WHERE role = 'moderator'`,
      model: (v) => (v.role === 'moderator' ? { role: 'user' } : {}),
    },
  },
};

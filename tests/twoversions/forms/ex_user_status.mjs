// examples/user_status: status (new) replaces legacy_status (old),
// map (null -> 'active'); the DOWN refills legacy_status = status.
import { uniq } from '../lib.mjs';
const legacy = [null, 'active', 'banned', 'vip', 's1'];
const statuses = ['inactive', 'admin', 'active', 'banned'];
export default {
  name: 'ex_user_status',
  example: 'user_status',
  table: 'User',
  old: {
    cols: ['email', 'legacy_status'],
    insert: (r) => ({ set: { email: uniq('old'), legacy_status: r.pick(legacy) } }),
    update: (r) => ({ set: { legacy_status: r.pick(legacy) } }),
    unrelated: () => ({ set: { email: uniq('old-upd') } }),
  },
  new: {
    cols: ['email', 'status'],
    insert: (r) => ({ set: { email: uniq('new'), status: r.pick(statuses) } }),
    update: (r) => ({ set: { status: r.pick(statuses) } }),
    unrelated: () => ({ set: { email: uniq('new-upd') } }),
  },
  forward: (v) => ({ status: v.legacy_status === null ? 'active' : v.legacy_status }),
  // Inferred by migc for its DOWN: 'active' stays 'active' (a NULL cannot come back).
  reverse: (v) => ({ legacy_status: v.status }),
};

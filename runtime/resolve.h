/* `migrun resolve`: manual ledger reconciliation with the Prisma CLI's
 * semantics (`prisma migrate resolve`):
 *   --rolled-back ID  the migration must be failed; its failed rows get
 *                     rolled_back_at = now() (deploy then runs it again).
 *   --applied ID      the migration must be in the folder and not applied;
 *                     failed rows are marked rolled back, then a finished
 *                     row is inserted (started_at = finished_at = now(),
 *                     checksum of its migration.sql) without running it. */
#ifndef MIGPLAN_RESOLVE_H
#define MIGPLAN_RESOLVE_H

#include "conn.h"
#include "folder.h"

/* MP_ESTATE when the migration is not in the state the command needs. */
int resolve_applied(rt_conn *c, const mig_folder *f, const char *id, mp_error *err);
int resolve_rolled_back(rt_conn *c, const mig_folder *f, const char *id, mp_error *err);

#endif

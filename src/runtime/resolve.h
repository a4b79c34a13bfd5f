/* `migrun resolve`: manual ledger reconciliation with the Prisma CLI's
 * semantics (`prisma migrate resolve`):
 *   --rolled-back ID  the migration must be failed; its failed rows get
 *                     rolled_back_at = now() (deploy then runs it again).
 *   --applied ID      the migration must be in the folder and not applied;
 *                     failed rows are marked rolled back, then a finished
 *                     row is inserted (started_at = finished_at = now(),
 *                     checksum of its migration.sql) without running it.
 *   --rebase          after `migc rebase` renamed steps: ledger rows applied
 *                     under a step's old id are renamed to the new one (see
 *                     resolve_rebase); docs/branches.md. */
#ifndef MIGPLAN_RESOLVE_H
#define MIGPLAN_RESOLVE_H

#include "runtime/conn.h"
#include "migdir/folder.h"

/* MP_ESTATE when the migration is not in the state the command needs. */
int resolve_applied(rt_conn *c, const mig_folder *f, const char *id, mp_error *err);
int resolve_rolled_back(rt_conn *c, const mig_folder *f, const char *id, mp_error *err);

typedef struct {
	char *from, *to;   /* migration_name before and after */
	char *started_at;  /* kept, as finished_at */
} resolve_renamed;

/* A finished row whose migration_name is not in the folder but whose name,
 * after its 14-digit timestamp, is that of a generated step not applied here,
 * was applied under the step's old id. Its checksum must equal the sha256 of
 * the step's migration.sql with the old id put back in the header line
 * ("-- lifecycle ..., step <id>: ..."), i.e. the SQL is identical; then the
 * row gets the new name and checksum, all rows in one transaction, started_at
 * and finished_at untouched. Any row whose SQL differs (or that matches a step
 * applied already) makes it MP_ESTATE with nothing changed. *out lists the
 * renames (possibly none). */
int resolve_rebase(rt_conn *c, const mig_folder *f, resolve_renamed **out, size_t *n, mp_error *err);
void resolve_renamed_free(resolve_renamed *r, size_t n);
/* The migration.sql text a step had under old_id, from its text under
 * new_id; NULL when the header line naming new_id is not there. */
char *resolve_old_text(const char *text, const char *new_id, const char *old_id);

#endif

#include "resolve.h"
#include "ledger.h"

#include <string.h>

static int mark_failed_rolled_back(rt_conn *c, const ledger *l, const char *id, int *marked, mp_error *err)
{
	*marked = 0;
	for (size_t i = 0; i < l->n; i++) {
		const ledger_row *r = &l->rows[i];
		if (strcmp(r->migration_name, id) != 0 || r->finished_at || r->rolled_back_at)
			continue;
		int rc = ledger_mark_rolled_back(c, r->id, err);
		if (rc != MP_OK)
			return rc;
		(*marked)++;
	}
	return MP_OK;
}

int resolve_rolled_back(rt_conn *c, const mig_folder *f, const char *id, mp_error *err)
{
	(void)f;
	ledger l;
	int rc = ledger_read(c, &l, err);
	if (rc != MP_OK)
		return rc;
	int marked = 0;
	rc = conn_exec(c, "BEGIN", err);
	if (rc == MP_OK)
		rc = mark_failed_rolled_back(c, &l, id, &marked, err);
	if (rc == MP_OK && marked == 0)
		rc = mp_error_set(err, MP_ESTATE,
		                  "%s is not in a failed state: only a failed migration can be marked rolled back", id);
	mp_error ignore;
	if (rc == MP_OK)
		rc = conn_exec(c, "COMMIT", err);
	else
		conn_exec(c, "ROLLBACK", &ignore);
	ledger_free(&l);
	return rc;
}

int resolve_applied(rt_conn *c, const mig_folder *f, const char *id, mp_error *err)
{
	long i = folder_index(f, id);
	if (i < 0)
		return mp_error_set(err, MP_ESTATE, "%s: no such migration in %s", id, f->dir);
	int rc = ledger_ensure(c, err);
	ledger l;
	if (rc != MP_OK || (rc = ledger_read(c, &l, err)) != MP_OK)
		return rc;
	if (ledger_find_applied(&l, id)) {
		ledger_free(&l);
		return mp_error_set(err, MP_ESTATE, "%s is already recorded as applied in the database", id);
	}
	int marked = 0;
	rc = conn_exec(c, "BEGIN", err);
	if (rc == MP_OK)
		rc = mark_failed_rolled_back(c, &l, id, &marked, err);
	if (rc == MP_OK)
		rc = ledger_insert_finished(c, id, f->migs[i].checksum, NULL, 0, err);
	mp_error ignore;
	if (rc == MP_OK)
		rc = conn_exec(c, "COMMIT", err);
	else
		conn_exec(c, "ROLLBACK", &ignore);
	ledger_free(&l);
	return rc;
}

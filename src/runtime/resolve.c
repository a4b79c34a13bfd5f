/* `migrun resolve`: marking failed migrations rolled back or applied, and --rebase. */
#include "runtime/resolve.h"
#include "util/buf.h"
#include "runtime/ledger.h"
#include "util/quote.h"
#include "util/sha256.h"

#include <stdlib.h>
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
	rc = conn_end_tx(c, rc, err);
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
		rc = ledger_insert_marked_applied(c, id, f->migs[i].checksum, err);
	rc = conn_end_tx(c, rc, err);
	ledger_free(&l);
	return rc;
}

/* ---- --rebase ---- */

static bool has_stamp(const char *name)
{
	return strlen(name) > 15 && strspn(name, "0123456789") == 14 && name[14] == '_';
}

char *resolve_old_text(const char *text, const char *new_id, const char *old_id)
{
	if (strlen(new_id) != strlen(old_id))
		return NULL;
	/* Only the second line carries the id: "-- lifecycle L on T, step ID: ..." */
	const char *nl = strchr(text, '\n');
	if (!nl || strncmp(nl + 1, "-- lifecycle ", 13) != 0)
		return NULL;
	const char *end = strchr(nl + 1, '\n');
	mp_buf needle = MP_BUF_INIT;
	buf_printf(&needle, ", step %s: ", new_id);
	const char *hit = NULL;
	for (const char *p = strstr(nl + 1, needle.ptr); p && (!end || p < end); p = strstr(p + 1, needle.ptr))
		hit = p;
	buf_free(&needle);
	if (!hit)
		return NULL;
	char *old = xstrdup(text);
	memcpy(old + (hit - text) + 7, old_id, strlen(old_id));
	return old;
}

void resolve_renamed_free(resolve_renamed *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].from);
		free(r[i].to);
		free(r[i].started_at);
	}
	free(r);
}

typedef struct {
	const ledger_row *row;
	const folder_mig *mig;
} rebase_match;

/* The generated, not applied folder step whose name is row's after the stamp. */
static int match_row(const mig_folder *f, const ledger *l, const ledger_row *row, const folder_mig **out,
                     mp_error *err)
{
	*out = NULL;
	for (size_t i = 0; i < f->n; i++) {
		const folder_mig *m = &f->migs[i];
		if (!m->step || !has_stamp(m->name) || strcmp(m->name + 14, row->migration_name + 14) != 0)
			continue;
		if (ledger_find_applied(l, m->name))
			return mp_error_set(err, MP_ESTATE,
			                    "%s is applied under its old name and %s under the new one: resolve by hand",
			                    row->migration_name, m->name);
		*out = m;
	}
	return MP_OK;
}

static int check_same_sql(const mig_folder *f, const ledger_row *row, const folder_mig *m, mp_error *err)
{
	char *text = NULL;
	mp_buf rel = MP_BUF_INIT;
	buf_printf(&rel, "%s/migration.sql", m->name);
	int rc = folder_read(f, rel.ptr, &text, err);
	buf_free(&rel);
	if (rc != MP_OK)
		return rc;
	char *old = resolve_old_text(text, m->name, row->migration_name);
	char sum[SHA256_HEX_LEN + 1] = "";
	if (old)
		sha256_hex(old, strlen(old), sum);
	if (!old || strcmp(sum, row->checksum) != 0)
		rc = mp_error_set(err, MP_ESTATE,
		                  "%s was applied with other SQL than %s has (checksum %.12s, the renamed step's is %.12s): "
		                  "not renaming; the database needs a human",
		                  row->migration_name, m->name, row->checksum, old ? sum : "(no header)");
	free(old);
	free(text);
	return rc;
}

static int rename_rows(rt_conn *c, const rebase_match *v, size_t n, mp_error *err)
{
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "UPDATE ");
	sql_quote_qualified(&sql, c->schema, LEDGER_TABLE);
	buf_puts(&sql, " SET migration_name = $1, checksum = $2 WHERE id = $3 AND migration_name = $4 AND checksum = $5"
	               " AND finished_at IS NOT NULL AND rolled_back_at IS NULL");
	int rc = conn_exec(c, "BEGIN", err);
	for (size_t i = 0; rc == MP_OK && i < n; i++) {
		const char *p[5] = {v[i].mig->name, v[i].mig->checksum, v[i].row->id, v[i].row->migration_name,
		                    v[i].row->checksum};
		PGresult *res = NULL;
		rc = conn_query(c, sql.ptr, 5, p, &res, err);
		if (rc == MP_OK && strcmp(PQcmdTuples(res), "1") != 0)
			rc = mp_error_set(err, MP_ESTATE, "the ledger row of %s changed meanwhile; nothing renamed",
			                  v[i].row->migration_name);
		PQclear(res);
	}
	rc = conn_end_tx(c, rc, err);
	buf_free(&sql);
	return rc;
}

int resolve_rebase(rt_conn *c, const mig_folder *f, resolve_renamed **out, size_t *n, mp_error *err)
{
	*out = NULL;
	*n = 0;
	ledger l;
	int rc = ledger_read(c, &l, err);
	if (rc != MP_OK)
		return rc;
	rebase_match *v = xcalloc(l.n + 1, sizeof *v);
	size_t nv = 0;
	for (size_t i = 0; rc == MP_OK && i < l.n; i++) {
		const ledger_row *r = &l.rows[i];
		if (!r->finished_at || r->rolled_back_at || folder_index(f, r->migration_name) >= 0 ||
		    !has_stamp(r->migration_name))
			continue;
		const folder_mig *m = NULL;
		rc = match_row(f, &l, r, &m, err);
		if (rc != MP_OK || !m)
			continue;
		for (size_t j = 0; j < nv; j++)
			if (v[j].mig == m)
				rc = mp_error_set(err, MP_ESTATE, "%s and %s were both applied and would both become %s",
				                  v[j].row->migration_name, r->migration_name, m->name);
		if (rc == MP_OK)
			rc = check_same_sql(f, r, m, err);
		if (rc == MP_OK)
			v[nv++] = (rebase_match){r, m};
	}
	if (rc == MP_OK && nv)
		rc = rename_rows(c, v, nv, err);
	if (rc == MP_OK && nv) {
		*out = xcalloc(nv, sizeof **out);
		for (size_t i = 0; i < nv; i++) {
			(*out)[i].from = xstrdup(v[i].row->migration_name);
			(*out)[i].to = xstrdup(v[i].mig->name);
			(*out)[i].started_at = xstrdup(v[i].row->started_at ? v[i].row->started_at : "");
		}
		*n = nv;
	}
	free(v);
	ledger_free(&l);
	return rc;
}

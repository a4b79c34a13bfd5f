/* _prisma_migrations: read, created and written exactly as the Prisma CLI does. */
#include "runtime/ledger.h"
#include "util/buf.h"
#include "util/quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void table_name(mp_buf *b, const rt_conn *c)
{
	sql_quote_qualified(b, c->schema, LEDGER_TABLE);
}

static char *dup_or_null(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

int ledger_read(rt_conn *c, ledger *out, mp_error *err)
{
	memset(out, 0, sizeof *out);
	mp_buf q = MP_BUF_INIT;
	table_name(&q, c);
	const char *p[1] = {q.ptr};
	char *found = NULL;
	int rc = conn_query_value(c,
	                          "SELECT coalesce((SELECT relkind::text FROM pg_catalog.pg_class "
	                          "WHERE oid = pg_catalog.to_regclass($1)), '')",
	                          1, p, &found, err);
	out->exists = rc == MP_OK && found && *found;
	/* Written through, a view (or anything but a table) would not be the
	 * ledger Prisma reads: Prisma refuses it (P3005), and so do we. */
	if (out->exists && strcmp(found, "r") != 0 && strcmp(found, "p") != 0)
		rc = mp_error_set(err, MP_ESTATE, "%s is not a table (relkind '%s'): refusing to read or write it as the ledger",
		                  q.ptr, found);
	free(found);
	if (rc != MP_OK || !out->exists) {
		buf_free(&q);
		return rc;
	}
	mp_buf sql = MP_BUF_INIT;
	buf_printf(&sql,
	           "SELECT id, checksum, migration_name, logs, started_at::text, finished_at::text, "
	           "rolled_back_at::text, applied_steps_count FROM %s ORDER BY started_at, id",
	           q.ptr);
	PGresult *res;
	rc = conn_query(c, sql.ptr, 0, NULL, &res, err);
	buf_free(&sql);
	buf_free(&q);
	if (rc != MP_OK)
		return rc;
	out->n = (size_t)PQntuples(res);
	out->rows = xcalloc(out->n ? out->n : 1, sizeof *out->rows);
	for (int i = 0; i < (int)out->n; i++) {
		ledger_row *r = &out->rows[i];
		r->id = dup_or_null(res, i, 0);
		r->checksum = dup_or_null(res, i, 1);
		r->migration_name = dup_or_null(res, i, 2);
		r->logs = dup_or_null(res, i, 3);
		r->started_at = dup_or_null(res, i, 4);
		r->finished_at = dup_or_null(res, i, 5);
		r->rolled_back_at = dup_or_null(res, i, 6);
		r->applied_steps_count = atoi(PQgetvalue(res, i, 7));
		if (!r->id || !r->checksum || !r->migration_name)
			rc = mp_error_set(err, MP_ESTATE,
			                  "ledger row %d (by started_at) has no %s: the ledger is damaged; restore it from the "
			                  "pre-deploy snapshot",
			                  i + 1, !r->id ? "id" : !r->migration_name ? "migration_name" : "checksum");
	}
	PQclear(res);
	if (rc != MP_OK)
		ledger_free(out);
	return rc;
}

void ledger_free(ledger *l)
{
	for (size_t i = 0; i < l->n; i++) {
		ledger_row *r = &l->rows[i];
		free(r->id);
		free(r->checksum);
		free(r->migration_name);
		free(r->logs);
		free(r->started_at);
		free(r->finished_at);
		free(r->rolled_back_at);
	}
	free(l->rows);
	memset(l, 0, sizeof *l);
}

int ledger_ensure(rt_conn *c, mp_error *err)
{
	const char *p[1] = {c->schema};
	char *has = NULL;
	int rc = conn_query_value(c, "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1", 1, p,
	                          &has, err);
	if (rc != MP_OK)
		return rc;
	mp_buf sql = MP_BUF_INIT;
	if (has && strcmp(has, "0") == 0) {
		buf_puts(&sql, "CREATE SCHEMA IF NOT EXISTS ");
		sql_quote_ident(&sql, c->schema);
		buf_puts(&sql, ";\n");
	}
	free(has);
	/* Byte for byte the table the Prisma CLI creates (observed with 6.19). */
	buf_puts(&sql, "CREATE TABLE IF NOT EXISTS ");
	table_name(&sql, c);
	buf_puts(&sql, " (\n"
	               "    \"id\"                    VARCHAR(36) PRIMARY KEY NOT NULL,\n"
	               "    \"checksum\"              VARCHAR(64) NOT NULL,\n"
	               "    \"finished_at\"           TIMESTAMPTZ,\n"
	               "    \"migration_name\"        VARCHAR(255) NOT NULL,\n"
	               "    \"logs\"                  TEXT,\n"
	               "    \"rolled_back_at\"        TIMESTAMPTZ,\n"
	               "    \"started_at\"            TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
	               "    \"applied_steps_count\"   INTEGER NOT NULL DEFAULT 0\n"
	               ")");
	rc = conn_exec(c, sql.ptr, err);
	buf_free(&sql);
	return rc;
}

int ledger_insert_started(rt_conn *c, const char *name, const char *checksum, char **id, mp_error *err)
{
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "INSERT INTO ");
	table_name(&sql, c);
	buf_puts(&sql, " (id, checksum, migration_name, started_at, applied_steps_count) "
	               "VALUES (gen_random_uuid()::text, $1, $2, clock_timestamp(), 0) RETURNING id");
	const char *p[2] = {checksum, name};
	int rc = conn_query_value(c, sql.ptr, 2, p, id, err);
	buf_free(&sql);
	return rc;
}

int ledger_insert_finished(rt_conn *c, const char *name, const char *checksum, const char *started_at,
                           int applied_steps, mp_error *err)
{
	char steps[16];
	snprintf(steps, sizeof steps, "%d", applied_steps);
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "INSERT INTO ");
	table_name(&sql, c);
	/* now() is the transaction's start, which is when a transactional step
	 * started; clock_timestamp() is when it finished. */
	buf_puts(&sql, " (id, checksum, migration_name, started_at, finished_at, applied_steps_count) "
	               "VALUES (gen_random_uuid()::text, $1, $2, coalesce($3::timestamptz, now()), "
	               "clock_timestamp(), $4::integer)");
	const char *p[4] = {checksum, name, started_at, steps};
	PGresult *res;
	int rc = conn_query(c, sql.ptr, 4, p, &res, err);
	PQclear(res);
	buf_free(&sql);
	return rc;
}

int ledger_insert_marked_applied(rt_conn *c, const char *name, const char *checksum, mp_error *err)
{
	/* As the schema engine's mark_migration_applied_impl writes it: logs ''
	 * (not NULL), started_at and finished_at the same instant, no step
	 * counted. Seen from the real Prisma 7.10.1 CLI (e2e/prisma7_resolve). */
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "INSERT INTO ");
	table_name(&sql, c);
	buf_puts(&sql, " (id, checksum, logs, started_at, finished_at, migration_name, applied_steps_count) "
	               "VALUES (gen_random_uuid()::text, $1, '', now(), now(), $2, 0)");
	const char *p[2] = {checksum, name};
	PGresult *res;
	int rc = conn_query(c, sql.ptr, 2, p, &res, err);
	PQclear(res);
	buf_free(&sql);
	return rc;
}

static int update_row(rt_conn *c, const char *set, const char *id, const char *arg, mp_error *err)
{
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "UPDATE ");
	table_name(&sql, c);
	buf_printf(&sql, " SET %s WHERE id = $1", set);
	const char *p[2] = {id, arg};
	PGresult *res;
	int rc = conn_query(c, sql.ptr, arg ? 2 : 1, p, &res, err);
	PQclear(res);
	buf_free(&sql);
	return rc;
}

int ledger_finish(rt_conn *c, const char *id, mp_error *err)
{
	return update_row(c, "finished_at = clock_timestamp(), applied_steps_count = applied_steps_count + 1",
	                  id, NULL, err);
}

int ledger_fail(rt_conn *c, const char *id, const char *logs, mp_error *err)
{
	return update_row(c, "logs = $2", id, logs, err);
}

int ledger_mark_rolled_back(rt_conn *c, const char *id, mp_error *err)
{
	return update_row(c, "rolled_back_at = clock_timestamp()", id, NULL, err);
}

int ledger_mark_rollback_progress(rt_conn *c, const char *id, size_t done, size_t parts, mp_error *err)
{
	char logs[96];
	snprintf(logs, sizeof logs, LEDGER_ROLLBACK_MARK "%zu of %zu parts done", done, parts);
	return update_row(c, "logs = $2", id, logs, err);
}

int ledger_mark_rolled_back_parts(rt_conn *c, const char *id, mp_error *err)
{
	return update_row(c, "rolled_back_at = clock_timestamp(), logs = NULL", id, NULL, err);
}

long ledger_rollback_parts_done(const ledger_row *r)
{
	size_t n = strlen(LEDGER_ROLLBACK_MARK);
	if (!r->logs || strncmp(r->logs, LEDGER_ROLLBACK_MARK, n) != 0)
		return -1;
	char *end = NULL;
	long done = strtol(r->logs + n, &end, 10);
	return end != r->logs + n && done > 0 && strncmp(end, " of ", 4) == 0 ? done : -1;
}

const ledger_row *ledger_find_applied(const ledger *l, const char *name)
{
	for (size_t i = l->n; i-- > 0;) {
		const ledger_row *r = &l->rows[i];
		if (strcmp(r->migration_name, name) == 0 && r->finished_at && !r->rolled_back_at)
			return r;
	}
	return NULL;
}

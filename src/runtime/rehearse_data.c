/* --with-data of `migrun rehearse`: synthetic rows so that backfills,
 * VALIDATE and index builds of the rehearsal do real work. Every value is a
 * function of the row number g, so a column that must be unique is (numbers,
 * strings, uuids and timestamps all differ per g); nullable columns get NULL
 * in every seventh row so that backfills have NULLs to map; a NOT NULL
 * foreign key points at an existing row of its parent, which is filled
 * first; columns with a default, identity or generation expression keep it. */
#include "runtime/rehearse.h"
#include "runtime/catalog.h"
#include "util/buf.h"
#include "util/quote.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	char *rel;       /* regclass text, quoted */
	char **parents;  /* regclass texts of NOT NULL foreign keys' tables */
	size_t nparents;
	bool filled;
} fill_table;

static const char columns_sql[] =
	"SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory, t.typname, a.attnotnull, "
	"  (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> ''), "
	"  CASE WHEN t.typcategory = 'S' AND a.atttypmod > 4 THEN a.atttypmod - 4 ELSE 0 END, "
	"  fk.confrelid::regclass::text, fa.attname "
	"FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
	"LEFT JOIN LATERAL (SELECT k.confrelid, k.confkey[1] AS refnum FROM pg_constraint k "
	"  WHERE k.conrelid = a.attrelid AND k.contype = 'f' AND k.conkey = ARRAY[a.attnum] LIMIT 1) fk ON true "
	"LEFT JOIN pg_attribute fa ON fa.attrelid = fk.confrelid AND fa.attnum = fk.refnum "
	"WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

/* The other tables a table's NOT NULL foreign keys point at. */
static const char parents_sql[] =
	"SELECT DISTINCT k.confrelid::regclass::text FROM pg_constraint k JOIN pg_attribute a "
	"ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) WHERE k.contype = 'f' "
	"AND k.conrelid = $1::regclass AND k.confrelid <> k.conrelid AND a.attnotnull";

/* A value for row g of a column of this type, or false when there is no
 * generic one. */
static bool value_expr(mp_buf *b, const char *type, char cat, const char *typname, long maxlen)
{
	if (!strcmp(typname, "uuid"))
		buf_puts(b, "md5(g::text)::uuid");
	else if (!strcmp(typname, "json") || !strcmp(typname, "jsonb"))
		buf_printf(b, "jsonb_build_object('n', g)::%s", type);
	else if (!strcmp(typname, "bytea"))
		buf_puts(b, "decode(md5(g::text), 'hex')");
	else if (!strcmp(typname, "bool"))
		buf_puts(b, "(g % 2 = 0)");
	else if (!strcmp(typname, "int2"))
		buf_puts(b, "(g % 32000)::smallint");
	else if (cat == 'N')
		buf_printf(b, "g::%s", type);
	else if (cat == 'S' && maxlen > 0)
		buf_printf(b, "left('v' || g || '_' || md5(g::text), %ld)::%s", maxlen, type);
	else if (cat == 'S')
		buf_printf(b, "('v' || g || '_' || md5(g::text))::%s", type);
	else if (cat == 'D')
		buf_printf(b, "(timestamp '2020-01-01' + g * interval '1 second')::%s", type);
	else if (cat == 'T')
		buf_printf(b, "(g * interval '1 second')::%s", type);
	else if (cat == 'E')
		buf_printf(b, "(enum_range(NULL::%s))[1 + g %% array_length(enum_range(NULL::%s), 1)]", type, type);
	else if (cat == 'A')
		buf_printf(b, "'{}'::%s", type);
	else
		return false;
	return true;
}

/* Parent keys numbered 1..n in a temporary table, for the lookup of row g. */
static int parent_keys(rt_conn *c, const char *parent, const char *col, int seq, mp_buf *expr, mp_error *err)
{
	mp_buf sql = MP_BUF_INIT;
	buf_printf(&sql, "DROP TABLE IF EXISTS pg_temp.migrun_fk_%d; CREATE TEMP TABLE migrun_fk_%d AS "
	                 "SELECT row_number() OVER () AS rn, k FROM (SELECT DISTINCT ",
	           seq, seq);
	sql_quote_ident(&sql, col);
	buf_printf(&sql, " AS k FROM %s) s; ALTER TABLE migrun_fk_%d ADD PRIMARY KEY (rn)", parent, seq);
	int rc = conn_exec(c, sql.ptr, err);
	buf_free(&sql);
	char *n = NULL;
	if (rc == MP_OK) {
		mp_buf q = MP_BUF_INIT;
		buf_printf(&q, "SELECT count(*) FROM migrun_fk_%d", seq);
		rc = conn_query_value(c, q.ptr, 0, NULL, &n, err);
		buf_free(&q);
	}
	if (rc == MP_OK && (!n || !strcmp(n, "0")))
		rc = mp_error_set(err, MP_EDB, "--with-data: %s has no rows for a NOT NULL foreign key to point at", parent);
	if (rc == MP_OK)
		buf_printf(expr, "(SELECT k FROM migrun_fk_%d WHERE rn = 1 + (g - 1) %% %s)", seq, n);
	free(n);
	return rc;
}

static int fill_one(rt_conn *c, const char *rel, long rows, long long *filled, mp_error *err)
{
	const char *p[1] = {rel};
	PGresult *res = NULL;
	int rc = conn_query(c, columns_sql, 1, p, &res, err);
	if (rc != MP_OK)
		return rc;
	mp_buf cols = MP_BUF_INIT, vals = MP_BUF_INIT;
	static int seq;
	for (int i = 0; rc == MP_OK && i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0), *type = PQgetvalue(res, i, 1);
		bool notnull = PQgetvalue(res, i, 4)[0] == 't', defaulted = PQgetvalue(res, i, 5)[0] == 't';
		bool fk = !PQgetisnull(res, i, 7);
		if (defaulted || (fk && !notnull))
			continue;
		mp_buf e = MP_BUF_INIT;
		if (fk) {
			rc = parent_keys(c, PQgetvalue(res, i, 7), PQgetvalue(res, i, 8), ++seq, &e, err);
		} else if (!value_expr(&e, type, PQgetvalue(res, i, 2)[0], PQgetvalue(res, i, 3),
		                       atol(PQgetvalue(res, i, 6)))) {
			if (notnull)
				rc = mp_error_set(err, MP_EINVAL, "--with-data: no synthetic value for %s.%s of type %s", rel,
				                  name, type);
			buf_free(&e);
			continue;
		}
		if (rc == MP_OK) {
			buf_puts(&cols, cols.len ? ", " : "");
			sql_quote_ident(&cols, name);
			if (notnull)
				buf_printf(&vals, "%s%s", vals.len ? ", " : "", e.ptr);
			else
				buf_printf(&vals, "%sCASE WHEN g %% 7 = 0 THEN NULL ELSE %s END", vals.len ? ", " : "", e.ptr);
		}
		buf_free(&e);
	}
	PQclear(res);
	if (rc == MP_OK && cols.len) {
		mp_buf sql = MP_BUF_INIT;
		buf_printf(&sql, "INSERT INTO %s (%s) SELECT %s FROM generate_series(1, %ld) g; ANALYZE %s", rel, cols.ptr,
		           vals.ptr, rows, rel);
		rc = conn_exec(c, sql.ptr, err);
		buf_free(&sql);
		if (rc == MP_OK)
			*filled += rows;
	}
	buf_free(&cols);
	buf_free(&vals);
	return rc;
}

static size_t add_table(fill_table **t, size_t *n, const char *rel)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*t)[i].rel, rel))
			return i;
	fill_table *v = *t;
	MP_VEC_PUSH(v, *n)->rel = xstrdup(rel);
	*t = v;
	return *n - 1;
}

/* The tables to fill: those named that exist now (absent ones the steps
 * create), and the parents of their NOT NULL foreign keys (the list grows
 * while it is walked). */
static int collect_tables(rt_conn *c, const mf_lock *const *tables, size_t ntables, fill_table **t, size_t *n,
                          mp_error *err)
{
	int rc = MP_OK;
	for (size_t i = 0; rc == MP_OK && i < ntables; i++) {
		char *rel = NULL;
		rc = catalog_find_table(c, tables[i]->schema, tables[i]->table, false, &rel, err);
		if (rc == MP_OK && rel)
			add_table(t, n, rel);
		free(rel);
	}
	for (size_t i = 0; rc == MP_OK && i < *n; i++) {
		const char *p[1] = {(*t)[i].rel};
		PGresult *res = NULL;
		rc = conn_query(c, parents_sql, 1, p, &res, err);
		for (int j = 0; rc == MP_OK && j < PQntuples(res); j++) {
			size_t pi = add_table(t, n, PQgetvalue(res, j, 0));
			*MP_VEC_PUSH((*t)[i].parents, (*t)[i].nparents) = xstrdup((*t)[pi].rel);
		}
		PQclear(res);
	}
	return rc;
}

static bool parents_filled(const fill_table *t, size_t n, const fill_table *child)
{
	for (size_t k = 0; k < child->nparents; k++)
		for (size_t j = 0; j < n; j++)
			if (!strcmp(t[j].rel, child->parents[k]) && !t[j].filled)
				return false;
	return true;
}

/* Parents first; a cycle of NOT NULL foreign keys cannot be filled. */
static int fill_in_order(rt_conn *c, fill_table *t, size_t n, long rows, const rt_report *r, long long *filled,
                         mp_error *err)
{
	int rc = MP_OK;
	for (size_t done = 0; rc == MP_OK && done < n;) {
		size_t before = done;
		for (size_t i = 0; rc == MP_OK && i < n; i++) {
			if (t[i].filled || !parents_filled(t, n, &t[i]))
				continue;
			long long got = 0;
			rc = fill_one(c, t[i].rel, rows, &got, err);
			if (rc == MP_OK)
				report_line(r, "--with-data: %s filled with %lld rows", t[i].rel, got);
			*filled += got;
			t[i].filled = true;
			done++;
		}
		if (rc == MP_OK && done == before)
			rc = mp_error_set(err, MP_EINVAL, "--with-data: NOT NULL foreign keys form a cycle; cannot fill %s",
			                  t[0].rel);
	}
	return rc;
}

int rehearse_fill(rt_conn *c, const mf_lock *const *tables, size_t ntables, long rows, const rt_report *r,
                  long long *filled, mp_error *err)
{
	*filled = 0;
	fill_table *t = NULL;
	size_t n = 0;
	int rc = collect_tables(c, tables, ntables, &t, &n, err);
	if (rc == MP_OK)
		rc = fill_in_order(c, t, n, rows, r, filled, err);
	for (size_t i = 0; i < n; i++) {
		free(t[i].rel);
		for (size_t k = 0; k < t[i].nparents; k++)
			free(t[i].parents[k]);
		free(t[i].parents);
	}
	free(t);
	return rc;
}

/* The fleet's targets: adding them (from the file or a query), the names
 * and lock domains derived from their URLs, and the waves they fall in. */
#include "fleet/fleet.h"
#include "util/buf.h"
#include "runtime/conn.h"
#include "util/vec.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *with_schema(const char *url, const char *schema)
{
	mp_buf b = MP_BUF_INIT;
	buf_puts(&b, url);
	buf_putc(&b, strchr(url, '?') ? '&' : '?');
	buf_puts(&b, "schema=");
	for (const char *c = schema; *c; c++)
		if (isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.')
			buf_putc(&b, *c);
		else
			buf_printf(&b, "%%%02X", (unsigned char)*c);
	return buf_detach(&b);
}

int fleet_add_target(fleet_spec *f, const char *name, const char *url, const char *schema, int line,
                     mp_error *err)
{
	if (!name || !*name)
		return mp_error_set(err, MP_EINVAL, "%s: a target without a name", f->path);
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->targets[i].name, name))
			return mp_error_set(err, MP_EINVAL, "%s: target %s is listed twice%s", f->path, name,
			                    line ? "" : " (a query returned a name already in use)");
	if (schema && *schema && strncmp(url, "postgres", 8) != 0)
		return mp_error_set(err, MP_EINVAL, "%s: target %s: schema needs a postgresql:// URL", f->path, name);
	fleet_target *t = MP_VEC_PUSH(f->targets, f->n);
	t->name = xstrdup(name);
	t->url = schema && *schema ? with_schema(url, schema) : xstrdup(url);
	t->lock_domain = fleet_lock_domain(t->url);
	t->line = line;
	return MP_OK;
}

/* user@host[:port]/dbname[?service=S], from what libpq would connect with:
 * the same database however its URL is spelled, and never its password. */
char *fleet_lock_domain(const char *url)
{
	conn_url u;
	conn_url_parse(url, &u);
	const char *want[] = {"user", "host", "port", "dbname", "service"};
	char *val[5] = {0};
	PQconninfoOption *opts = PQconninfoParse(u.conninfo, NULL);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		for (int i = 0; i < 5; i++)
			if (strcmp(o->keyword, want[i]) == 0 && o->val && *o->val)
				val[i] = xstrdup(o->val);
	PQconninfoFree(opts);
	conn_url_free(&u);
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s@%s", val[0] ? val[0] : "", val[1] ? val[1] : "");
	if (val[2])
		buf_printf(&b, ":%s", val[2]);
	buf_printf(&b, "/%s", val[3] ? val[3] : "");
	if (val[4])
		buf_printf(&b, "?service=%s", val[4]);
	for (int i = 0; i < 5; i++)
		free(val[i]);
	return buf_detach(&b);
}

char *fleet_name_from_url(const char *url)
{
	conn_url u;
	conn_url_parse(url, &u);
	char *db = NULL;
	PQconninfoOption *opts = PQconninfoParse(u.conninfo, NULL);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "dbname") && o->val && *o->val)
			db = xstrdup(o->val);
	PQconninfoFree(opts);
	mp_buf b = MP_BUF_INIT;
	buf_puts(&b, db ? db : "default");
	if (u.schema && *u.schema)
		buf_printf(&b, "/%s", u.schema);
	free(db);
	conn_url_free(&u);
	return buf_detach(&b);
}

static int add_from_row(fleet_spec *f, const fleet_query *q, PGresult *res, int row, mp_error *err)
{
	int nf = PQnfields(res);
	int url_col = PQfnumber(res, "url"), name_col = PQfnumber(res, "name"), schema_col = PQfnumber(res, "schema");
	if (url_col < 0)
		url_col = 0;
	if (PQgetisnull(res, row, url_col))
		return mp_error_set(err, MP_EINVAL, "%s: query %s: row %d has a NULL url", f->path, q->name, row + 1);
	const char *url = PQgetvalue(res, row, url_col);
	const char *schema = schema_col >= 0 && !PQgetisnull(res, row, schema_col) ? PQgetvalue(res, row, schema_col)
	                                                                            : NULL;
	char *name = name_col >= 0 && !PQgetisnull(res, row, name_col) ? xstrdup(PQgetvalue(res, row, name_col)) : NULL;
	if (!name) {
		char *tmp = schema && *schema ? with_schema(url, schema) : xstrdup(url);
		name = fleet_name_from_url(tmp);
		free(tmp);
	}
	int rc = fleet_add_target(f, name, url, schema, 0, err);
	free(name);
	if (rc != MP_OK)
		return rc;
	fleet_target *t = &f->targets[f->n - 1];
	for (int c = 0; c < nf; c++) {
		if (c == url_col || c == name_col || c == schema_col || PQgetisnull(res, row, c))
			continue;
		fleet_label *l = MP_VEC_PUSH(t->labels, t->nlabels);
		l->key = xstrdup(PQfname(res, c));
		l->value = xstrdup(PQgetvalue(res, row, c));
	}
	return MP_OK;
}

int fleet_resolve_queries(fleet_spec *f, mp_error *err)
{
	for (size_t i = 0; i < f->nqueries; i++) {
		const fleet_query *q = &f->queries[i];
		rt_conn *c = NULL;
		int rc = conn_open(&c, q->control_url, err);
		if (rc != MP_OK) {
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err->msg);
			return mp_error_set(err, rc, "%s: query %s: control database: %s", f->path, q->name, msg);
		}
		PGresult *res = NULL;
		rc = conn_query(c, q->sql, 0, NULL, &res, err);
		if (rc == MP_OK && PQnfields(res) < 1)
			rc = mp_error_set(err, MP_EINVAL, "%s: query %s returns no column", f->path, q->name);
		for (int r = 0; rc == MP_OK && r < PQntuples(res); r++)
			rc = add_from_row(f, q, res, r, err);
		if (rc == MP_EDB) {
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err->msg);
			mp_error_set(err, rc, "%s: query %s: %s", f->path, q->name, msg);
		}
		PQclear(res);
		conn_close(c);
		if (rc != MP_OK)
			return rc;
	}
	if (f->n == 0)
		return mp_error_set(err, MP_EINVAL, "%s: the fleet is empty (the queries listed no target)", f->path);
	return MP_OK;
}

/* ---- waves ---- */

int fleet_wave_ends(size_t n, long canary, const int *percent, size_t npercent, size_t *ends)
{
	int w = 0;
	size_t done = 0;
	if (canary > 0 && n > 0) {
		done = (size_t)canary < n ? (size_t)canary : n;
		ends[w++] = done;
	}
	for (size_t i = 0; i < npercent && done < n; i++) {
		/* ceil: 10% of 5 targets is one target, not none */
		size_t upto = (n * (size_t)percent[i] + 99) / 100;
		if (upto > n)
			upto = n;
		if (upto > done) {
			ends[w++] = upto;
			done = upto;
		}
	}
	if (done < n)
		ends[w++] = n;
	return w;
}

void fleet_plan_waves(fleet_spec *f)
{
	size_t ends[FLEET_MAX_PERCENT + 2];
	f->nwaves = fleet_wave_ends(f->n, f->canary, f->percent, f->npercent, ends);
	size_t start = 0;
	for (int w = 0; w < f->nwaves; w++) {
		for (size_t i = start; i < ends[w]; i++)
			f->targets[i].wave = w + 1;
		start = ends[w];
	}
}

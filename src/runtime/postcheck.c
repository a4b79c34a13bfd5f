/* Checks after a step: ANALYZE of its tables, index validity, the sample query's plan. */
#include "runtime/postcheck.h"
#include "util/buf.h"
#include "runtime/catalog.h"
#include "util/quote.h"
#include "util/vec.h"
#include "runtime/sqltext.h"

#include <stdlib.h>
#include <string.h>

static int analyze_tables(rt_conn *c, const mf_step *s, mp_buf *done, mp_error *err)
{
	int rc = MP_OK;
	for (size_t i = 0; rc == MP_OK && i < s->nlocks; i++) {
		const mf_lock *l = &s->locks[i];
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen |= mf_same_relation(s->locks[j].schema, s->locks[j].table, l->schema, l->table);
		char *rel = NULL;
		if (seen || (rc = catalog_find_table(c, l->schema, l->table, true, &rel, err)) != MP_OK || !rel)
			continue;
		mp_buf sql = MP_BUF_INIT;
		buf_printf(&sql, "ANALYZE %s", rel);
		rc = conn_exec(c, sql.ptr, err);
		buf_free(&sql);
		if (rc == MP_OK)
			buf_printf(done, "%s%s", done->len ? ", " : "", rel);
		free(rel);
	}
	return rc;
}

/* EXPLAIN's JSON names every index it scans as "Index Name": "<name>". */
static int plan_uses(rt_conn *c, const char *query, const char *index, bool no_seqscan, bool *uses, mp_error *err)
{
	*uses = false;
	mp_buf sql = MP_BUF_INIT;
	buf_printf(&sql, "EXPLAIN (FORMAT JSON) %s", query);
	int rc = conn_exec(c, no_seqscan ? "BEGIN; SET LOCAL enable_seqscan = off" : "SELECT 1", err);
	char *plan = NULL;
	if (rc == MP_OK)
		rc = conn_query_value(c, sql.ptr, 0, NULL, &plan, err);
	if (no_seqscan) {
		mp_error ignore;
		conn_exec(c, "ROLLBACK", &ignore);
	}
	if (rc == MP_OK && plan) {
		json_t *quoted = json_string(index);
		char *needle = json_dumps(quoted, JSON_ENCODE_ANY);
		mp_buf want = MP_BUF_INIT;
		buf_printf(&want, "\"Index Name\": %s", needle);
		*uses = strstr(plan, want.ptr) != NULL;
		buf_free(&want);
		free(needle);
		json_decref(quoted);
	}
	free(plan);
	buf_free(&sql);
	return rc;
}

static int check_index(rt_conn *c, const mig_folder *f, const mf_step *s, postcheck_item *it, mp_error *err)
{
	char *sql = NULL, *schema = NULL;
	int rc = folder_read(f, s->up.path, &sql, err);
	if (rc != MP_OK)
		return rc;
	bool found = sqltext_created_index(sql, &it->index, &schema);
	free(sql);
	if (!found) {
		free(schema);
		return MP_OK;
	}
	const char *p[2] = {it->index, schema};
	char *valid = NULL;
	rc = conn_query_value(c,
	                      "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
	                      "JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE ic.relname = $1 "
	                      "AND n.nspname = coalesce($2, current_schema())",
	                      2, p, &valid, err);
	free(schema);
	if (rc != MP_OK)
		return rc;
	it->index_valid = valid ? !strcmp(valid, "true") : -1;
	free(valid);
	if (it->index_valid != 1) {
		it->problem = xstrdup(it->index_valid == 0 ? "index is INVALID" : "index not found after the step");
		return MP_OK;
	}
	if (!s->sample_query)
		return MP_OK;
	bool uses = false;
	rc = plan_uses(c, s->sample_query, it->index, false, &uses, err);
	if (rc == MP_OK && !uses) {
		rc = plan_uses(c, s->sample_query, it->index, true, &uses, err);
		it->plan = xstrdup(uses ? "usable" : "not used");
		if (rc == MP_OK && !uses)
			it->problem = xstrdup("the sample query's plan does not use the index, even with enable_seqscan off");
	} else if (rc == MP_OK) {
		it->plan = xstrdup("used");
	}
	return rc;
}

int postcheck_step(rt_conn *c, const mig_folder *f, const folder_mig *m, postcheck_report *rep, mp_error *err)
{
	if (!m->step)
		return MP_OK;
	postcheck_item *it = MP_VEC_PUSH(rep->items, rep->n);
	it->step = xstrdup(m->name);
	it->index_valid = -1;
	mp_buf done = MP_BUF_INIT;
	buf_puts(&done, "");
	int rc = analyze_tables(c, m->step, &done, err);
	it->analyzed = buf_detach(&done);
	if (rc == MP_OK && !strcmp(m->step->phase, "index"))
		rc = check_index(c, f, m->step, it, err);
	if (it->problem)
		rep->problems++;
	return rc;
}

int postcheck_applied_since(rt_conn *c, const mig_folder *f, const ledger *before, postcheck_report *rep,
                            mp_error *err)
{
	ledger now;
	int rc = ledger_read(c, &now, err);
	if (rc != MP_OK)
		return rc;
	for (size_t i = 0; rc == MP_OK && i < f->n; i++) {
		const char *name = f->migs[i].name;
		if (ledger_find_applied(&now, name) && !(before && ledger_find_applied(before, name)))
			rc = postcheck_step(c, f, &f->migs[i], rep, err);
	}
	ledger_free(&now);
	return rc;
}

void postcheck_report_lines(const postcheck_report *rep, const rt_report *r)
{
	for (size_t i = 0; i < rep->n; i++) {
		const postcheck_item *it = &rep->items[i];
		mp_buf b = MP_BUF_INIT;
		buf_printf(&b, "post-check %s: analyzed %s", it->step, *it->analyzed ? it->analyzed : "nothing");
		if (it->index)
			buf_printf(&b, "; index %s %s", it->index,
			           it->index_valid == 1 ? "valid" : it->index_valid == 0 ? "INVALID" : "missing");
		if (it->plan)
			buf_printf(&b, "; sample query: index %s", it->plan);
		if (it->problem)
			buf_printf(&b, "; PROBLEM: %s", it->problem);
		report_line(r, "%s", b.ptr);
		buf_free(&b);
	}
}

json_t *postcheck_report_json(const postcheck_report *rep)
{
	json_t *a = json_array();
	for (size_t i = 0; i < rep->n; i++) {
		const postcheck_item *it = &rep->items[i];
		json_t *valid = it->index_valid < 0 ? json_null() : json_boolean(it->index_valid);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s?, s:o, s:s?, s:s?}", "step", it->step, "analyzed",
		                                   it->analyzed, "index", it->index, "index_valid", valid, "sample_plan",
		                                   it->plan, "problem", it->problem));
	}
	return a;
}

void postcheck_report_free(postcheck_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		free(rep->items[i].step);
		free(rep->items[i].analyzed);
		free(rep->items[i].index);
		free(rep->items[i].plan);
		free(rep->items[i].problem);
	}
	free(rep->items);
	memset(rep, 0, sizeof *rep);
}

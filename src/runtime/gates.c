/* The gates a step must pass before it runs: max_pending, min_age, no_nulls, consistency. */
#include "runtime/gates.h"
#include "util/buf.h"
#include "util/duration.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

static bool same_lifecycle(const mf_step *a, const mf_step *b)
{
	return a->lifecycle && b->lifecycle && strcmp(a->lifecycle, b->lifecycle) == 0 &&
	       (a->spec == b->spec || (a->spec && b->spec && strcmp(a->spec, b->spec) == 0));
}

size_t gates_pending_units(const mig_folder *f, const bool *pending)
{
	size_t units = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (!pending[i])
			continue;
		const mf_step *s = f->migs[i].step;
		bool counted = false;
		for (size_t j = 0; s && !counted && j < i; j++)
			counted = pending[j] && f->migs[j].step && same_lifecycle(f->migs[j].step, s);
		units += !counted;
	}
	return units;
}

long gates_max_pending_refusal(const mig_folder *f, const bool *pending, long stop, long steps, int allow_pending,
                               size_t *units, int *limit)
{
	size_t n = gates_pending_units(f, pending);
	long done = 0;
	for (size_t i = 0; i < f->n && (long)i <= stop; i++) {
		const mf_step *s = f->migs[i].step;
		if (!pending[i])
			continue;
		if (steps > 0 && done++ >= steps)
			break;
		for (size_t g = 0; s && g < s->ngates; g++)
			if (s->gates[g].kind == GATE_MAX_PENDING && (long long)n > s->gates[g].value &&
			    (long long)n > allow_pending) {
				*units = n;
				*limit = s->gates[g].value;
				return (long)i;
			}
	}
	return -1;
}

static int check_max_pending(const mf_gate *g, const gate_ctx *ctx, bool *passed, mp_error *err)
{
	int limit = g->value;
	if (ctx->allow_pending > limit)
		limit = ctx->allow_pending;
	*passed = (long long)ctx->pending <= limit;
	/* Applying fewer (--steps/--to) does not help: the gate counts what is
	 * pending in the folder, so the way out is separate deploys. */
	if (!*passed)
		mp_error_set(err, MP_EGATE,
		             "max_pending: %zu units are pending (each plain migration is one, each lifecycle's "
		             "steps together one), at most %d allowed; ship one change per deploy, or "
		             "override with --allow-pending %zu (logged)",
		             ctx->pending, g->value, ctx->pending);
	return MP_OK;
}

static int check_min_age(rt_conn *c, const mf_gate *g, const ledger *l, bool *passed, mp_error *err)
{
	char d[32];
	duration_format(g->duration_ms, d);
	const ledger_row *r = ledger_find_applied(l, g->after);
	if (!r) {
		*passed = false;
		mp_error_set(err, MP_EGATE, "min_age: %s is not applied yet; %s must pass after it finishes", g->after, d);
		return MP_OK;
	}
	char ms[32];
	snprintf(ms, sizeof ms, "%lld", g->duration_ms);
	const char *p[2] = {r->finished_at, ms};
	PGresult *res;
	int rc = conn_query(c,
	                    "SELECT $1::timestamptz + $2::bigint * interval '1 millisecond' <= now(), "
	                    "($1::timestamptz + $2::bigint * interval '1 millisecond')::text, "
	                    "ceil(extract(epoch FROM $1::timestamptz + $2::bigint * interval '1 millisecond' "
	                    "- now()))::bigint",
	                    2, p, &res, err);
	if (rc != MP_OK)
		return rc;
	*passed = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	if (!*passed) {
		long long left = atoll(PQgetvalue(res, 0, 2));
		char in[32];
		duration_format(left > 0 ? left * 1000 : 1000, in);
		mp_error_set(err, MP_EGATE, "min_age: %s must pass after %s finished (at %s); may pass at %s (in about %s)",
		             d, g->after, r->finished_at, PQgetvalue(res, 0, 1), in);
	}
	PQclear(res);
	return MP_OK;
}

static int count_where(rt_conn *c, const mf_gate *g, const char *cond, long long *n, mp_error *err)
{
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "SELECT count(*) FROM ");
	sql_quote_qualified(&sql, g->schema, g->table);
	buf_printf(&sql, " WHERE %s", cond);
	char *v = NULL;
	int rc = conn_query_value(c, sql.ptr, 0, NULL, &v, err);
	*n = v ? atoll(v) : 0;
	free(v);
	buf_free(&sql);
	return rc;
}

static int check_no_nulls(rt_conn *c, const mf_gate *g, bool *passed, mp_error *err)
{
	mp_buf cond = MP_BUF_INIT;
	sql_quote_ident(&cond, g->column);
	buf_puts(&cond, " IS NULL");
	long long n = 0;
	int rc = count_where(c, g, cond.ptr, &n, err);
	buf_free(&cond);
	*passed = rc == MP_OK && n == 0;
	if (rc == MP_OK && n)
		mp_error_set(err, MP_EGATE, "no_nulls: %lld rows of %s.%s still have %s NULL (run the backfill first)", n,
		             g->schema ? g->schema : c->schema, g->table, g->column);
	return rc;
}

static int check_consistency(rt_conn *c, const mf_gate *g, bool *passed, mp_error *err)
{
	mp_buf cond = MP_BUF_INIT;
	sql_quote_ident(&cond, g->column);
	buf_printf(&cond, " IS DISTINCT FROM (%s)", g->expected);
	long long n = 0;
	int rc = count_where(c, g, cond.ptr, &n, err);
	*passed = rc == MP_OK && n == 0;
	if (rc == MP_OK && n) {
		mp_buf sql = MP_BUF_INIT;
		buf_puts(&sql, "SELECT string_agg(k, ', ') FROM (SELECT ");
		sql_quote_ident(&sql, g->key);
		buf_puts(&sql, "::text AS k FROM ");
		sql_quote_qualified(&sql, g->schema, g->table);
		buf_printf(&sql, " WHERE %s ORDER BY ", cond.ptr);
		sql_quote_ident(&sql, g->key);
		buf_puts(&sql, " LIMIT 5) s");
		char *keys = NULL;
		rc = conn_query_value(c, sql.ptr, 0, NULL, &keys, err);
		if (rc == MP_OK)
			mp_error_set(err, MP_EGATE,
			             "consistency: %lld rows of %s.%s have %s different from (%s); first %s: %s. The sync "
			             "trigger keeps every write of either application version consistent, so these rows were "
			             "written around it (by hand, with triggers disabled, or by a write its reverse cannot carry "
			             "back): set %s (or the old column) right for them, then apply again",
			             n, g->schema ? g->schema : c->schema, g->table, g->column, g->expected, g->key,
			             keys ? keys : "?", g->column);
		free(keys);
		buf_free(&sql);
	}
	buf_free(&cond);
	return rc;
}

int gate_check(rt_conn *c, const mf_gate *g, const ledger *l, const gate_ctx *ctx, bool *passed,
               mp_error *err)
{
	*passed = false;
	switch (g->kind) {
	case GATE_MAX_PENDING:
		return check_max_pending(g, ctx, passed, err);
	case GATE_MIN_AGE:
		return check_min_age(c, g, l, passed, err);
	case GATE_NO_NULLS:
		return check_no_nulls(c, g, passed, err);
	case GATE_CONSISTENCY:
		return check_consistency(c, g, passed, err);
	}
	return mp_error_set(err, MP_EINVAL, "unknown gate");
}

int gates_check_step(rt_conn *c, const mf_step *s, const ledger *l, const gate_ctx *ctx, mf_gate_kind *failed,
                     mp_error *err)
{
	for (size_t i = 0; i < s->ngates; i++) {
		bool ok = false;
		int rc = gate_check(c, &s->gates[i], l, ctx, &ok, err);
		if (rc != MP_OK)
			return rc;
		if (!ok) {
			*failed = s->gates[i].kind;
			return MP_EGATE;
		}
	}
	return MP_OK;
}

/* Autovacuum workers holding a lock a step needs, cancelled as PostgreSQL would after deadlock_timeout. */
#include "runtime/autovac.h"
#include "util/buf.h"
#include "util/quote.h"

#include <stdlib.h>

/* Only a superuser may cancel a worker (PostgreSQL 15): a refusal is said,
 * and the step goes on to wait as it would have. */
static void cancel_one(rt_conn *c, const char *pid, const char *activity, const char *rel, const rt_report *r,
                       const char *name)
{
	const char *p[1] = {pid};
	char *ok = NULL;
	mp_error e = {0};
	if (conn_query_value(c, "SELECT pg_cancel_backend($1::int)", 1, p, &ok, &e) == MP_OK && ok && *ok == 't')
		report_line(r, "%s: cancelled autovacuum (pid %s, \"%s\") holding a lock on %s, as PostgreSQL would once "
		               "the step had waited deadlock_timeout; it runs again later",
		            name, pid, activity, rel);
	else
		report_line(r, "%s: autovacuum (pid %s, \"%s\") holds a lock on %s and could not be cancelled (%s)", name,
		            pid, activity, rel, e.msg[0] ? e.msg : "it had ended");
	free(ok);
}

int autovac_yield(rt_conn *c, const mf_step *s, const rt_report *r, const char *name, mp_error *err)
{
	for (size_t i = 0; s && i < s->nlocks; i++) {
		bool seen = false; /* a table locked in two modes is looked at once */
		for (size_t j = 0; j < i && !seen; j++)
			seen = mf_same_relation(s->locks[j].schema, s->locks[j].table, s->locks[i].schema, s->locks[i].table);
		if (seen)
			continue;
		mp_buf rel = MP_BUF_INIT;
		sql_quote_qualified(&rel, s->locks[i].schema, s->locks[i].table);
		const char *p[1] = {buf_cstr(&rel)};
		PGresult *res = NULL;
		int rc = conn_query(c,
		                    "SELECT DISTINCT a.pid::text, a.query FROM pg_locks l "
		                    "JOIN pg_stat_activity a ON a.pid = l.pid "
		                    "WHERE a.backend_type = 'autovacuum worker' AND l.locktype = 'relation' "
		                    "AND l.relation = to_regclass($1) AND l.granted "
		                    "AND a.query NOT LIKE '%to prevent wraparound%'",
		                    1, p, &res, err);
		for (int k = 0; rc == MP_OK && k < PQntuples(res); k++)
			cancel_one(c, PQgetvalue(res, k, 0), PQgetvalue(res, k, 1), buf_cstr(&rel), r, name);
		PQclear(res);
		buf_free(&rel);
		if (rc != MP_OK)
			return rc;
	}
	return MP_OK;
}

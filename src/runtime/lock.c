/* Prisma's migration advisory lock: taken (saying who holds it) and released. */
#include "runtime/lock.h"

#include <stdlib.h>
#include <string.h>

#define KEY_TEXT "72707369"

int lock_acquire(rt_conn *c, long long wait_ms, const rt_report *r, mp_error *err)
{
	char *got = NULL;
	int rc = conn_query_value(c, "SELECT pg_try_advisory_lock(" KEY_TEXT ")", 0, NULL, &got, err);
	bool ok = got && strcmp(got, "t") == 0;
	free(got);
	if (rc != MP_OK || ok)
		return rc;
	char *who = NULL;
	rc = conn_query_value(c,
	                      "SELECT string_agg(format('pid %s (%s)', l.pid, coalesce(nullif(a.application_name, ''), "
	                      "'unknown client')), ', ') FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
	                      "WHERE l.locktype = 'advisory' AND l.objid = " KEY_TEXT " AND l.granted",
	                      0, NULL, &who, err);
	if (rc != MP_OK)
		return rc;
	report_line(r, "waiting for the migration lock (pg_advisory_lock(" KEY_TEXT ")) held by %s",
	            who ? who : "another session");
	free(who);
	char t[32];
	snprintf(t, sizeof t, "%lld", wait_ms);
	const char *p[1] = {t};
	PGresult *res;
	/* statement_timeout bounds the wait; it is reset right after. */
	rc = conn_query(c, "SELECT set_config('statement_timeout', $1, false)", 1, p, &res, err);
	PQclear(res);
	if (rc == MP_OK)
		rc = conn_exec(c, "SELECT pg_advisory_lock(" KEY_TEXT ")", err);
	if (rc != MP_OK && strcmp(c->sqlstate, "57014") == 0)
		rc = mp_error_set(err, MP_EDB, "gave up waiting for the migration lock after %lld ms", wait_ms);
	mp_error ignore;
	conn_exec(c, "RESET statement_timeout", &ignore);
	return rc;
}

int lock_release(rt_conn *c, mp_error *err)
{
	return conn_exec(c, "SELECT pg_advisory_unlock(" KEY_TEXT ")", err);
}

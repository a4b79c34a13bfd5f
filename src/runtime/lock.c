/* Prisma's migration advisory lock: taken (saying who holds it) and released. */
#include "runtime/lock.h"
#include "util/clock.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define KEY_TEXT "72707369"

static int try_lock(rt_conn *c, bool *ok, mp_error *err)
{
	char *got = NULL;
	int rc = conn_query_value(c, "SELECT pg_try_advisory_lock(" KEY_TEXT ")", 0, NULL, &got, err);
	*ok = got && strcmp(got, "t") == 0;
	free(got);
	return rc;
}

/* Polls pg_try_advisory_lock instead of blocking in pg_advisory_lock: a
 * session blocked there keeps a statement (and its snapshot) open, and the
 * holder's CREATE INDEX CONCURRENTLY waits for every such snapshot to end, so
 * two runners on a history with a concurrent build deadlock (Prisma's own
 * blocking wait shares the flaw). Between polls this session has nothing
 * open. wait_ms 0: wait as long as it takes. */
int lock_acquire(rt_conn *c, long long wait_ms, const rt_report *r, mp_error *err)
{
	bool ok = false;
	int rc = try_lock(c, &ok, err);
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
	long long t0 = mp_clock_ms(), pause = 50;
	for (;;) {
		long long waited = mp_clock_ms() - t0;
		if (wait_ms > 0 && waited >= wait_ms)
			return mp_error_set(err, MP_EDB, "gave up waiting for the migration lock after %lld ms", wait_ms);
		long long left = wait_ms > 0 ? wait_ms - waited : pause;
		mp_sleep_ms(pause < left ? pause : left);
		if ((rc = try_lock(c, &ok, err)) != MP_OK || ok)
			return rc;
		if (pause < 500)
			pause *= 2;
	}
}

int lock_release(rt_conn *c, mp_error *err)
{
	return conn_exec(c, "SELECT pg_advisory_unlock(" KEY_TEXT ")", err);
}

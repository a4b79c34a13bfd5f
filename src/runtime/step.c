#include "runtime/step.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "runtime/ledger.h"
#include "util/quote.h"
#include "runtime/sqltext.h"
#include "runtime/watchdog.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void step_sleep_ms(long long ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void step_timeouts_sql(mp_buf *b, bool local, long long lock_ms, long long stmt_ms)
{
	const char *set = local ? "SET LOCAL" : "SET";
	if (lock_ms > 0)
		buf_printf(b, "%s lock_timeout = '%lldms'; ", set, lock_ms);
	else
		buf_printf(b, "%s lock_timeout TO DEFAULT; ", set);
	if (stmt_ms > 0)
		buf_printf(b, "%s statement_timeout = '%lldms'; ", set, stmt_ms);
	else
		buf_printf(b, "%s statement_timeout TO DEFAULT; ", set);
}

int step_drop_invalid_index(rt_conn *c, const char *name, const char *schema, bool *dropped, mp_error *err)
{
	*dropped = false;
	const char *p[2] = {name, schema};
	char *qualified = NULL;
	int rc = conn_query_value(c,
	                          "SELECT format('%I.%I', n.nspname, ic.relname) FROM pg_index i "
	                          "JOIN pg_class ic ON ic.oid = i.indexrelid "
	                          "JOIN pg_namespace n ON n.oid = ic.relnamespace "
	                          "WHERE ic.relname = $1 AND NOT i.indisvalid "
	                          "AND n.nspname = coalesce($2, current_schema())",
	                          2, p, &qualified, err);
	if (rc != MP_OK || !qualified)
		return rc;
	mp_buf sql = MP_BUF_INIT;
	buf_printf(&sql, "DROP INDEX CONCURRENTLY IF EXISTS %s", qualified);
	rc = conn_exec(c, sql.ptr, err);
	buf_free(&sql);
	free(qualified);
	*dropped = rc == MP_OK;
	return rc;
}

/* err->msg prefixed with the step's name (copied first: the message is
 * both source and destination). */
static int wrap_error(mp_error *err, int rc, const char *name, const char *what)
{
	char msg[sizeof err->msg];
	snprintf(msg, sizeof msg, "%s", err->msg);
	return mp_error_set(err, rc, "%s%s%s", name, what, msg);
}

/* Prisma's record of a failure: a started row whose logs hold the error. */
static void record_failure(rt_conn *c, const folder_mig *m, const char *existing_id, const char *logs)
{
	mp_error ignore;
	char *id = existing_id ? xstrdup(existing_id) : NULL;
	if (!id && ledger_insert_started(c, m->name, m->checksum, &id, &ignore) != MP_OK)
		return;
	ledger_fail(c, id, logs, &ignore);
	free(id);
}

static void pause_before_retry(const step_opts *o, int attempt, const rt_report *r, const char *name,
                               const char *why)
{
	long long pause = o->retry_pause_ms << attempt;
	report_line(r, "%s: %s; retrying in %lld ms (attempt %d of %d)", name, why, pause, attempt + 2,
	            o->lock_retries + 1);
	step_sleep_ms(pause);
}

static int run_in_transaction(rt_conn *c, const folder_mig *m, const char *sql, long long lock_ms,
                              long long stmt_ms, const step_opts *o, const rt_report *r, mp_error *err)
{
	mp_buf prelude = MP_BUF_INIT;
	buf_puts(&prelude, o->dry_run ? "SAVEPOINT migrun_step; " : "BEGIN; ");
	step_timeouts_sql(&prelude, true, lock_ms, stmt_ms);
	mp_error ignore;
	int rc = MP_OK;
	for (int attempt = 0;; attempt++) {
		long long t0 = now_ms();
		rc = conn_exec(c, prelude.ptr, err);
		if (rc == MP_OK)
			rc = conn_exec(c, sql, err);
		if (rc == MP_OK)
			rc = ledger_insert_finished(c, m->name, m->checksum, NULL, 1, err);
		if (rc == MP_OK)
			rc = conn_exec(c, o->dry_run ? "RELEASE SAVEPOINT migrun_step" : "COMMIT", err);
		if (rc == MP_OK) {
			report_line(r, "%s %s (%lld ms)", o->dry_run ? "rehearsed" : "applied", m->name, now_ms() - t0);
			break;
		}
		bool wd = watchdog_cancelled(o->wd, err);
		bool retry = conn_error_retryable(c) || wd;
		char *logs = xstrdup(c->last_error ? c->last_error : err->msg);
		conn_exec(c, o->dry_run ? "ROLLBACK TO SAVEPOINT migrun_step; RELEASE SAVEPOINT migrun_step"
		                        : "ROLLBACK",
		          &ignore);
		if (o->dry_run) {
			wrap_error(err, rc, m->name,
			           retry ? ": would wait for a lock longer than its lock_timeout: " : ": would fail: ");
			free(logs);
			break;
		}
		if (retry && (wd ? !watchdog_gave_up(o->wd) : attempt < o->lock_retries)) {
			pause_before_retry(o, attempt, r, m->name, err->msg);
			free(logs);
			continue;
		}
		/* The watchdog's give-up rolled everything back: no failed row, a
		 * later apply simply tries again. */
		if (!wd)
			record_failure(c, m, NULL, logs);
		free(logs);
		wrap_error(err, rc, m->name, " failed: ");
		break;
	}
	buf_free(&prelude);
	return rc;
}

static int run_outside(rt_conn *c, const folder_mig *m, const char *sql, long long lock_ms, long long stmt_ms,
                       const step_opts *o, const rt_report *r, mp_error *err)
{
	char *index = NULL, *schema = NULL;
	sqltext_created_index(sql, &index, &schema);
	char *id = NULL;
	int rc = MP_OK;
	bool dropped = false;
	if (index) {
		rc = step_drop_invalid_index(c, index, schema, &dropped, err);
		if (rc == MP_OK && dropped)
			report_line(r, "%s: dropped INVALID index %s left by an earlier failed build", m->name, index);
	}
	if (rc == MP_OK)
		rc = ledger_insert_started(c, m->name, m->checksum, &id, err);
	mp_buf set = MP_BUF_INIT, reset = MP_BUF_INIT;
	step_timeouts_sql(&set, false, lock_ms, stmt_ms);
	step_timeouts_sql(&reset, false, 0, 0);
	mp_error ignore;
	for (int attempt = 0; rc == MP_OK; attempt++) {
		long long t0 = now_ms();
		rc = conn_exec(c, set.ptr, err);
		if (rc == MP_OK)
			rc = conn_exec(c, sql, err);
		bool wd = rc != MP_OK && watchdog_cancelled(o->wd, err);
		bool retry = rc != MP_OK && (conn_error_retryable(c) || wd);
		char *logs = rc != MP_OK ? xstrdup(c->last_error ? c->last_error : err->msg) : NULL;
		conn_exec(c, reset.ptr, &ignore);
		if (rc == MP_OK) {
			rc = ledger_finish(c, id, err);
			if (rc == MP_OK)
				report_line(r, "applied %s (%lld ms, outside a transaction)", m->name, now_ms() - t0);
			break;
		}
		if (retry && (wd ? !watchdog_gave_up(o->wd) : attempt < o->lock_retries)) {
			if (index)
				step_drop_invalid_index(c, index, schema, &dropped, &ignore);
			pause_before_retry(o, attempt, r, m->name, err->msg);
			free(logs);
			rc = MP_OK;
			continue;
		}
		record_failure(c, m, id, logs);
		free(logs);
		wrap_error(err, rc, m->name, " failed: ");
	}
	buf_free(&set);
	buf_free(&reset);
	free(id);
	free(index);
	free(schema);
	return rc;
}

int step_apply(rt_conn *c, const mig_folder *f, const folder_mig *m, const step_opts *o, const rt_report *r,
               bool *rehearsed, mp_error *err)
{
	*rehearsed = true;
	char *sql = NULL;
	int rc = folder_read_sql(m, &sql, err); /* the text Prisma would send */
	if (rc != MP_OK)
		return rc;
	const mf_step *s = m->step;
	bool in_tx = s ? s->transactional && !sqltext_concurrently(sql) : sqltext_wrappable(sql);
	long long lock_ms = s ? s->lock_timeout_ms : 0, stmt_ms = s ? s->statement_timeout_ms : 0;
	if (in_tx) {
		rc = run_in_transaction(c, m, sql, lock_ms, stmt_ms, o, r, err);
	} else if (o->dry_run) {
		*rehearsed = false;
		report_line(r, "%s runs outside a transaction block%s: not rehearsed", m->name,
		            sqltext_concurrently(sql) ? " (CONCURRENTLY)" : "");
	} else {
		rc = run_outside(c, m, sql, lock_ms, stmt_ms, o, r, err);
	}
	(void)f;
	free(sql);
	return rc;
}

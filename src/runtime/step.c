/* Running one pending migration and writing its ledger row as Prisma would. */
#include "runtime/step.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "runtime/autovac.h"
#include "runtime/ledger.h"
#include "runtime/retry.h"
#include "util/quote.h"
#include "runtime/sqltext.h"
#include "runtime/watchdog.h"

#include <stdlib.h>
#include <string.h>

/* Drops an INVALID index called name (in schema, or the search_path when
 * NULL) left by a failed CREATE INDEX CONCURRENTLY; *dropped says if any. */
static int drop_invalid_index(rt_conn *c, const char *name, const char *schema, bool *dropped, mp_error *err)
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

/* One step's attempts, in a transaction or outside one. */
typedef struct {
	rt_conn *c;
	const folder_mig *m;
	const char *sql;
	const step_opts *o;
	const rt_report *r;
	const char *prelude;  /* BEGIN or SAVEPOINT and SET LOCAL; outside: SET */
	const char *reset;    /* outside: the timeouts set back */
	char *index, *schema; /* outside: the index a CONCURRENTLY build creates */
	char *id;             /* outside: the started ledger row */
	char *logs;           /* the last failed statement's full error, for the ledger */
	bool passing;         /* it failed for a passing reason (lock, watchdog) */
	bool wd;              /* the lock watchdog had cancelled it */
} step_run;

/* After a failed statement (before anything else runs on c): whether the
 * watchdog cancelled it (err then says so), the error kept for the ledger,
 * and whether to try again: after a cancel, until the watchdog gives up;
 * after a lock_timeout, while the policy allows. */
static retry_verdict judge_failure(step_run *s, mp_error *err)
{
	s->wd = watchdog_cancelled(s->o->wd, err);
	bool lock = conn_error_retryable(s->c);
	s->passing = lock || s->wd;
	free(s->logs);
	s->logs = xstrdup(s->c->last_error ? s->c->last_error : err->msg);
	if (s->wd)
		return watchdog_gave_up(s->o->wd) ? RETRY_NO : RETRY_ALWAYS;
	return lock ? RETRY_POLICY : RETRY_NO;
}

static void before_retry(void *ctx, int n, long long pause_ms, const mp_error *err)
{
	step_run *s = ctx;
	bool dropped;
	mp_error ignore;
	if (s->index)
		drop_invalid_index(s->c, s->index, s->schema, &dropped, &ignore);
	/* the watchdog's cancels retry beyond the lock_timeout policy */
	if (n + 2 <= s->o->retry.retries + 1)
		report_line(s->r, "%s: %s; retrying in %lld ms (attempt %d of %d)", s->m->name, err->msg, pause_ms, n + 2,
		            s->o->retry.retries + 1);
	else
		report_line(s->r, "%s: %s; retrying in %lld ms (attempt %d)", s->m->name, err->msg, pause_ms, n + 2);
}

static int attempt_in_transaction(void *ctx, int n, retry_verdict *verdict, mp_error *err)
{
	step_run *s = ctx;
	bool dry = s->o->dry_run;
	(void)n;
	long long t0 = mp_clock_ms();
	int rc = dry ? MP_OK : autovac_yield(s->c, s->m->step, s->r, s->m->name, err);
	if (rc == MP_OK)
		rc = conn_exec(s->c, s->prelude, err);
	if (rc == MP_OK)
		rc = conn_exec(s->c, s->sql, err);
	if (rc == MP_OK)
		rc = ledger_insert_finished(s->c, s->m->name, s->m->checksum, NULL, 1, err);
	if (rc == MP_OK)
		rc = conn_exec(s->c, dry ? "RELEASE SAVEPOINT migrun_step" : "COMMIT", err);
	if (rc == MP_OK) {
		report_line(s->r, "%s %s (%lld ms)", dry ? "rehearsed" : "applied", s->m->name, mp_clock_ms() - t0);
		return MP_OK;
	}
	*verdict = judge_failure(s, err);
	mp_error ignore;
	conn_exec(s->c, dry ? "ROLLBACK TO SAVEPOINT migrun_step; RELEASE SAVEPOINT migrun_step" : "ROLLBACK", &ignore);
	if (dry) {
		*verdict = RETRY_NO;
		wrap_error(err, rc, s->m->name,
		           s->passing ? ": would wait for a lock longer than its lock_timeout: " : ": would fail: ");
	}
	return rc;
}

static int run_in_transaction(step_run *s, long long lock_ms, long long stmt_ms, mp_error *err)
{
	mp_buf prelude = MP_BUF_INIT;
	buf_puts(&prelude, s->o->dry_run ? "SAVEPOINT migrun_step; " : "BEGIN; ");
	conn_timeouts_sql(&prelude, true, lock_ms, stmt_ms);
	s->prelude = prelude.ptr;
	retry_ops ops = {attempt_in_transaction, before_retry, s};
	int rc = retry_run(&s->o->retry, &ops, err);
	if (rc != MP_OK && !s->o->dry_run) {
		/* A lock that never came (lock_timeout, or the watchdog's give-up)
		 * rolled everything back: no failed row, whichever of the two won
		 * the race, and a later apply simply tries again. */
		if (!s->passing)
			record_failure(s->c, s->m, NULL, s->logs);
		wrap_error(err, rc, s->m->name, " failed: ");
	}
	buf_free(&prelude);
	return rc;
}

static int attempt_outside(void *ctx, int n, retry_verdict *verdict, mp_error *err)
{
	step_run *s = ctx;
	(void)n;
	long long t0 = mp_clock_ms();
	int rc = autovac_yield(s->c, s->m->step, s->r, s->m->name, err);
	if (rc == MP_OK)
		rc = conn_exec(s->c, s->prelude, err);
	if (rc == MP_OK)
		rc = conn_exec(s->c, s->sql, err);
	if (rc != MP_OK)
		*verdict = judge_failure(s, err);
	mp_error ignore;
	conn_exec(s->c, s->reset, &ignore);
	if (rc != MP_OK)
		return rc;
	free(s->logs); /* the file ran: a failure from here on is not its own */
	s->logs = NULL;
	rc = ledger_finish(s->c, s->id, err);
	if (rc == MP_OK)
		report_line(s->r, "applied %s (%lld ms, outside a transaction)", s->m->name, mp_clock_ms() - t0);
	return rc;
}

static int run_outside(step_run *s, long long lock_ms, long long stmt_ms, mp_error *err)
{
	sqltext_created_index(s->sql, &s->index, &s->schema);
	int rc = MP_OK;
	bool dropped = false;
	if (s->index) {
		rc = drop_invalid_index(s->c, s->index, s->schema, &dropped, err);
		if (rc == MP_OK && dropped)
			report_line(s->r, "%s: dropped INVALID index %s left by an earlier failed build", s->m->name,
			            s->index);
	}
	if (rc == MP_OK)
		rc = ledger_insert_started(s->c, s->m->name, s->m->checksum, &s->id, err);
	mp_buf set = MP_BUF_INIT, reset = MP_BUF_INIT;
	conn_timeouts_sql(&set, false, lock_ms, stmt_ms);
	conn_timeouts_sql(&reset, false, 0, 0);
	s->prelude = set.ptr;
	s->reset = reset.ptr;
	retry_ops ops = {attempt_outside, before_retry, s};
	if (rc == MP_OK)
		rc = retry_run(&s->o->retry, &ops, err);
	if (rc != MP_OK && s->logs) {
		record_failure(s->c, s->m, s->id, s->logs);
		wrap_error(err, rc, s->m->name, " failed: ");
	}
	buf_free(&set);
	buf_free(&reset);
	return rc;
}

int step_apply(rt_conn *c, const folder_mig *m, const step_opts *o, const rt_report *r,
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
	step_run run = {.c = c, .m = m, .sql = sql, .o = o, .r = r};
	if (in_tx) {
		rc = run_in_transaction(&run, lock_ms, stmt_ms, err);
	} else if (o->dry_run) {
		*rehearsed = false;
		report_line(r, "%s runs outside a transaction block%s: not rehearsed", m->name,
		            sqltext_concurrently(sql) ? " (CONCURRENTLY)" : "");
	} else {
		rc = run_outside(&run, lock_ms, stmt_ms, err);
	}
	free(run.logs);
	free(run.id);
	free(run.index);
	free(run.schema);
	free(sql);
	return rc;
}

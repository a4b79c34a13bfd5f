/* A backfill step run natively: key-ordered batches, each its own transaction, throttled. */
#include "runtime/backfill.h"
#include "runtime/batchsize.h"
#include "util/buf.h"
#include "util/clock.h"
#include "runtime/ledger.h"
#include "runtime/retry.h"
#include "util/quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rows a batch writes: those still NULL, or (older manifests) every
 * row not equal to the value. */
static void distinct_cond(mp_buf *b, const mf_backfill *bf)
{
	sql_quote_ident(b, bf->column);
	if (bf->only_null)
		buf_puts(b, " IS NULL");
	else
		buf_printf(b, " IS DISTINCT FROM (%s)", bf->value);
}

void backfill_batch_sql(mp_buf *b, const mf_backfill *bf, const char *key_type, bool first)
{
	/* The batch's keys get their own column name so that the value
	 * expression's unqualified columns can only mean the table's. */
	buf_puts(b, "WITH b(\"migrun_key\") AS (SELECT ");
	sql_quote_ident(b, bf->key);
	buf_puts(b, " FROM ");
	sql_quote_qualified(b, bf->schema, bf->table);
	buf_puts(b, " WHERE ");
	if (!first) {
		sql_quote_ident(b, bf->key);
		buf_printf(b, " > $3::%s AND ", key_type);
	}
	sql_quote_ident(b, bf->key);
	buf_printf(b, " <= $1::%s AND ", key_type);
	distinct_cond(b, bf);
	buf_puts(b, " ORDER BY ");
	sql_quote_ident(b, bf->key);
	/* $2: the sizer's rows for this batch (runtime/batchsize.h) */
	buf_puts(b, " LIMIT $2::bigint), u AS (UPDATE ");
	sql_quote_qualified(b, bf->schema, bf->table);
	buf_puts(b, " SET ");
	sql_quote_ident(b, bf->column);
	buf_printf(b, " = (%s) FROM b WHERE ", bf->value);
	sql_quote_qualified(b, NULL, bf->table);
	buf_putc(b, '.');
	sql_quote_ident(b, bf->key);
	buf_puts(b, " = b.\"migrun_key\" AND ");
	sql_quote_qualified(b, NULL, bf->table);
	buf_putc(b, '.');
	distinct_cond(b, bf);
	buf_puts(b, " RETURNING 1) SELECT (SELECT max(\"migrun_key\")::text FROM b), (SELECT count(*) FROM u)");
}

static int key_type(rt_conn *c, const mf_backfill *bf, char **type, mp_error *err)
{
	mp_buf rel = MP_BUF_INIT;
	sql_quote_qualified(&rel, bf->schema, bf->table);
	const char *p[2] = {rel.ptr, bf->key};
	int rc = conn_query_value(c,
	                          "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
	                          "WHERE a.attrelid = $1::regclass AND a.attname = $2 AND NOT a.attisdropped",
	                          2, p, type, err);
	if (rc == MP_OK && !*type)
		rc = mp_error_set(err, MP_EINVAL, "backfill: table %s has no column %s", rel.ptr, bf->key);
	buf_free(&rel);
	return rc;
}

int backfill_count_remaining(rt_conn *c, const mf_backfill *bf, long long *n, mp_error *err)
{
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "SELECT count(*) FROM ");
	sql_quote_qualified(&sql, bf->schema, bf->table);
	buf_puts(&sql, " WHERE ");
	distinct_cond(&sql, bf);
	char *v = NULL;
	int rc = conn_query_value(c, sql.ptr, 0, NULL, &v, err);
	*n = v ? atoll(v) : 0;
	free(v);
	buf_free(&sql);
	return rc;
}

/* Pauses while a streaming replica replays more than max_lag behind. */
static int wait_for_replicas(rt_conn *c, const backfill_opts *o, const rt_report *r, const char *name,
                             mp_error *err)
{
	if (o->max_replica_lag_ms <= 0)
		return MP_OK;
	bool said = false;
	for (;;) {
		char *lag = NULL;
		int rc = conn_query_value(c,
		                          "SELECT coalesce(max(extract(epoch FROM replay_lag) * 1000), 0)::bigint "
		                          "FROM pg_stat_replication",
		                          0, NULL, &lag, err);
		long long ms = lag ? atoll(lag) : 0;
		free(lag);
		if (rc != MP_OK || ms <= o->max_replica_lag_ms)
			return rc;
		if (!said)
			report_line(r, "%s: paused, a replica is %lld ms behind (limit %lld ms)", name, ms,
			            o->max_replica_lag_ms);
		said = true;
		mp_sleep_ms(1000);
	}
}

/* One batch, its own transaction. */
typedef struct {
	rt_conn *c;
	const char *sql, *prelude;
	const char *const *p;
	int np;
	const rt_report *r;
	const char *name;
	char *last;    /* the batch's largest key, NULL after the last batch */
	long long n;   /* rows it updated */
	long long took_us; /* from its statement to its COMMIT: how long it held row locks */
} batch_run;

static int attempt_batch(void *ctx, int n, retry_verdict *verdict, mp_error *err)
{
	batch_run *b = ctx;
	(void)n;
	PGresult *res = NULL;
	int rc = conn_exec(b->c, b->prelude, err);
	long long t0 = mp_clock_us();
	if (rc == MP_OK)
		rc = conn_query(b->c, b->sql, b->np, b->p, &res, err);
	if (rc == MP_OK) {
		b->last = PQgetisnull(res, 0, 0) ? NULL : xstrdup(PQgetvalue(res, 0, 0));
		b->n = atoll(PQgetvalue(res, 0, 1));
		PQclear(res);
		rc = conn_exec(b->c, "COMMIT", err);
		b->took_us = mp_clock_us() - t0;
		if (rc == MP_OK)
			return MP_OK;
		free(b->last);
		b->last = NULL;
	}
	*verdict = conn_error_retryable(b->c) ? RETRY_POLICY : RETRY_NO;
	mp_error ignore;
	conn_exec(b->c, "ROLLBACK", &ignore);
	return rc;
}

static void before_batch_retry(void *ctx, int n, long long pause_ms, const mp_error *err)
{
	const batch_run *b = ctx;
	(void)n;
	report_line(b->r, "%s: batch hit %s; retrying in %lld ms", b->name, err->msg, pause_ms);
}

/* One batch in its own transaction; lock timeouts are retried. */
static int run_batch(batch_run *b, const backfill_opts *o, mp_error *err)
{
	retry_policy policy = retry_doubling(o->lock_retries, o->retry_pause_ms);
	retry_ops ops = {attempt_batch, before_batch_retry, b};
	return retry_run(&policy, &ops, err);
}

/* The largest key when it starts; NULL (and MP_OK) for an empty table. */
static int max_key(rt_conn *c, const mf_backfill *bf, char **max, mp_error *err)
{
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "SELECT max(");
	sql_quote_ident(&sql, bf->key);
	buf_puts(&sql, ")::text FROM ");
	sql_quote_qualified(&sql, bf->schema, bf->table);
	int rc = conn_query_value(c, sql.ptr, 0, NULL, max, err);
	buf_free(&sql);
	return rc;
}

/* Pauses to keep the rows per second under max_rate. */
static void throttle(const backfill_opts *o, long long updated, double elapsed)
{
	if (o->max_rate <= 0)
		return;
	double ahead = updated / o->max_rate - elapsed;
	if (ahead > 0)
		mp_sleep_ms((long long)(ahead * 1000));
}

long long backfill_budget_ms(const mf_backfill *bf, const backfill_opts *o)
{
	if (o->batch_time_ms >= 0)
		return o->batch_time_ms;
	return bf->batch_time_ms > 0 ? bf->batch_time_ms : BATCH_TIME_DEFAULT_MS;
}

void backfill_describe_batches(mp_buf *b, const mf_backfill *bf, const backfill_opts *o)
{
	long long budget = backfill_budget_ms(bf, o);
	if (budget > 0)
		buf_printf(b, "batches of up to %ld rows, each sized to hold its row locks under %lld ms", bf->batch, budget);
	else
		buf_printf(b, "batches of %ld", bf->batch);
}

/* The batches from the first key to max, each sized by z. */
static int run_batches(rt_conn *c, const char *name, const char *const sql[2], const char *prelude,
                       const char *max, long long total, batch_sizer *z, const backfill_opts *o,
                       const rt_report *r, long long *updated, mp_error *err)
{
	char *last = NULL, limit[24];
	long long t0 = mp_clock_ms();
	int rc = MP_OK;
	for (;;) {
		rc = wait_for_replicas(c, o, r, name, err);
		if (rc != MP_OK)
			break;
		snprintf(limit, sizeof limit, "%ld", z->size);
		const char *p[3] = {max, limit, last};
		batch_run b = {c, sql[last != NULL], prelude, p, last ? 3 : 2, r, name, NULL, 0, 0};
		rc = run_batch(&b, o, err);
		if (rc != MP_OK)
			break;
		*updated += b.n;
		free(last);
		last = b.last;
		batch_sizer_observe(z, b.took_us, last != NULL);
		double el = (double)(mp_clock_ms() - t0) / 1000;
		report_progress(r, name, *updated, total > *updated ? total : *updated, el > 0 ? *updated / el : 0);
		if (!last)
			break;
		throttle(o, *updated, el);
	}
	free(last);
	return rc;
}

int backfill_batches(rt_conn *c, const char *name, const mf_backfill *bf, long long lock_timeout_ms,
                     long long statement_timeout_ms, const backfill_opts *o, const rt_report *r,
                     long long *updated, mp_error *err)
{
	*updated = 0;
	char *type = NULL, *max = NULL;
	long long total = 0;
	int rc = key_type(c, bf, &type, err);
	if (rc == MP_OK)
		rc = max_key(c, bf, &max, err);
	if (rc == MP_OK)
		rc = backfill_count_remaining(c, bf, &total, err);
	if (rc == MP_OK && max) {
		mp_buf first = MP_BUF_INIT, next = MP_BUF_INIT, prelude = MP_BUF_INIT, how = MP_BUF_INIT;
		backfill_describe_batches(&how, bf, o);
		report_line(r, "%s: filling %s.%s.%s: %lld rows to update, %s", name, bf->schema ? bf->schema : c->schema,
		            bf->table, bf->column, total, buf_cstr(&how));
		buf_free(&how);
		backfill_batch_sql(&first, bf, type, true);
		backfill_batch_sql(&next, bf, type, false);
		/* migplan.backfill tells the sync trigger that this write is the
		 * mapped value itself, with nothing to carry back */
		buf_puts(&prelude, "BEGIN; SET LOCAL migplan.backfill = 'on'; ");
		conn_timeouts_sql(&prelude, true, lock_timeout_ms, statement_timeout_ms);
		batch_sizer z;
		batch_sizer_init(&z, bf->batch, backfill_budget_ms(bf, o));
		const char *sql[2] = {first.ptr, next.ptr};
		rc = run_batches(c, name, sql, prelude.ptr, max, total, &z, o, r, updated, err);
		if (rc == MP_OK)
			report_line(r, "%s: %lld batches, the longest held its row locks %.1f ms", name, z.batches,
			            (double)z.longest_us / 1000);
		buf_free(&first);
		buf_free(&next);
		buf_free(&prelude);
	}
	free(type);
	free(max);
	return rc;
}

int backfill_run(rt_conn *c, const folder_mig *m, const backfill_opts *o, const rt_report *r,
                 long long *updated, mp_error *err)
{
	const mf_step *s = m->step;
	char *started = NULL;
	long long t0 = mp_clock_ms();
	int rc = conn_query_value(c, "SELECT now()::text", 0, NULL, &started, err);
	if (rc == MP_OK)
		rc = backfill_batches(c, m->name, s->backfill, s->lock_timeout_ms, s->statement_timeout_ms, o, r, updated,
		                      err);
	if (rc == MP_OK)
		rc = ledger_insert_finished(c, m->name, m->checksum, started, 1, err);
	if (rc == MP_OK)
		report_line(r, "applied %s (%lld rows updated in %.1f s)", m->name, *updated,
		            (double)(mp_clock_ms() - t0) / 1000);
	free(started);
	return rc;
}

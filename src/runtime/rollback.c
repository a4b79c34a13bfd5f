/* `migrun rollback`: the manifest's DOWN files of the last applied steps, newest first. */
#include "runtime/rollback.h"
#include "runtime/apply.h"
#include "runtime/autovac.h"
#include "runtime/backfill.h"
#include "runtime/watchdog.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "runtime/retry.h"
#include "runtime/sqltext.h"
#include "migdir/mark.h"

#include <stdlib.h>
#include <string.h>

void rollback_plan_free(rollback_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].down);
		free(p->items[i].parts);
		for (size_t j = 0; j < p->items[i].nwarnings; j++)
			free(p->items[i].warnings[j]);
		free(p->items[i].warnings);
	}
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* A DOWN's parts must be what the manifest says they are: one, or the
 * schema, one per refill and at most two after them; and a rollback the
 * ledger says is under way must have a part left. */
static int check_parts(const rollback_item *it, mp_error *err)
{
	const mf_step *s = it->m->step;
	size_t want = 1 + s->ndown_refills;
	if (it->nparts < want || it->nparts > want + (s->ndown_refills ? 2 : 0))
		return mp_error_set(err, MP_EVERIFY,
		                    "%s: %s has %zu parts (\"" MIGDIR_COMMIT_MARK "\" lines) but the manifest lists %zu "
		                    "refills for it; compile again with migc",
		                    it->m->name, s->down.path, it->nparts, s->ndown_refills);
	if (it->done >= it->nparts)
		return mp_error_set(err, MP_ESTATE,
		                    "%s: the ledger says %zu parts of its rollback are done, but its DOWN has %zu; "
		                    "see docs/runtime.md, Rollback in parts",
		                    it->m->name, it->done, it->nparts);
	return MP_OK;
}

static int add_item(const mig_folder *f, const folder_mig *m, const ledger_row *row, rollback_plan *p,
                    mp_error *err)
{
	if (!m->step)
		return mp_error_set(err, MP_ESTATE,
		                    "%s is a plain Prisma migration: the manifest has no DOWN for it, so migrun cannot "
		                    "roll it back",
		                    m->name);
	char *down = NULL;
	size_t len = 0;
	char *path = fs_join(f->dir, m->step->down.path);
	int rc = fs_read_file(path, &down, &len, err);
	free(path);
	if (rc != MP_OK)
		return rc;
	char hash[SHA256_HEX_LEN + 1];
	sha256_hex(down, len, hash);
	if (strcmp(hash, m->step->down.sha256) != 0) {
		free(down);
		return mp_error_set(err, MP_EVERIFY, "%s: %s changed since it was generated (sha256 differs from the manifest)",
		                    m->name, m->step->down.path);
	}
	rollback_item *it = &p->items[p->n++];
	it->m = m;
	it->row_id = row->id;
	it->down = down;
	sqltext_parts(down, &it->parts, &it->nparts);
	sqltext_warnings(down, &it->warnings, &it->nwarnings);
	long done = ledger_rollback_parts_done(row);
	it->done = done > 0 ? (size_t)done : 0;
	return check_parts(it, err);
}

int rollback_prepare(const mig_folder *f, const ledger *l, long steps, const char *to, rollback_plan *out,
                     mp_error *err)
{
	memset(out, 0, sizeof *out);
	int rc = apply_check_ledger(f, l, true, err);
	if (rc != MP_OK)
		return rc;
	long keep = -1;
	if (to) {
		keep = folder_index(f, to);
		if (keep < 0)
			return mp_error_set(err, MP_EINVAL, "--to %s: no such migration in %s", to, f->dir);
		if (!ledger_find_applied(l, to))
			return mp_error_set(err, MP_EINVAL, "--to %s: that migration is not applied", to);
	}
	out->items = xcalloc(f->n + 1, sizeof *out->items);
	for (size_t i = f->n; rc == MP_OK && i-- > 0;) {
		if ((long)i <= keep || (!to && (long)out->n >= steps))
			break;
		const ledger_row *row = ledger_find_applied(l, f->migs[i].name);
		if (row)
			rc = add_item(f, &f->migs[i], row, out, err);
	}
	if (rc != MP_OK)
		rollback_plan_free(out);
	return rc;
}

/* One DOWN part's attempts, in a transaction when it can run in one. */
typedef struct {
	rt_conn *c;
	const rollback_item *it;
	const char *sql;      /* the part's text (NUL-terminated copy) */
	size_t part;          /* 0-based, of it->nparts */
	bool in_tx;
	const char *pre, *reset;
	const rollback_opts *o;
	const rt_report *r;
} down_run;

/* The ledger's share of a part, in the part's own transaction: the
 * progress of a DOWN in parts, rolled_back_at after the last one. */
static int mark_part(down_run *d, mp_error *err)
{
	size_t nparts = d->it->nparts;
	if (d->part + 1 < nparts)
		return ledger_mark_rollback_progress(d->c, d->it->row_id, d->part + 1, nparts, err);
	return nparts > 1 ? ledger_mark_rolled_back_parts(d->c, d->it->row_id, err)
	                     : ledger_mark_rolled_back(d->c, d->it->row_id, err);
}

static int attempt_down(void *ctx, int n, retry_verdict *verdict, mp_error *err)
{
	down_run *d = ctx;
	(void)n;
	mp_error ignore;
	int rc = autovac_yield(d->c, d->it->m->step, d->r, d->it->m->name, err);
	if (rc == MP_OK)
		rc = conn_exec(d->c, d->pre, err);
	if (rc == MP_OK)
		rc = conn_exec(d->c, d->sql, err);
	if (rc == MP_OK && !d->in_tx)
		conn_exec(d->c, d->reset, &ignore);
	if (rc == MP_OK)
		rc = mark_part(d, err);
	if (rc == MP_OK && d->in_tx)
		rc = conn_exec(d->c, "COMMIT", err);
	if (rc == MP_OK)
		return MP_OK;
	/* as step.c: the watchdog's cancels retry until it gives up, lock
	 * timeouts as the policy allows */
	bool cancelled = watchdog_cancelled(d->o->wd, err);
	if (cancelled)
		*verdict = watchdog_gave_up(d->o->wd) ? RETRY_NO : RETRY_ALWAYS;
	else
		*verdict = conn_error_retryable(d->c) ? RETRY_POLICY : RETRY_NO;
	conn_exec(d->c, d->in_tx ? "ROLLBACK" : d->reset, &ignore);
	return rc;
}

static void before_down_retry(void *ctx, int n, long long pause_ms, const mp_error *err)
{
	const down_run *d = ctx;
	(void)n;
	report_line(d->r, "%s: %s; retrying in %lld ms", d->it->m->name, err->msg, pause_ms);
}

/* One part that runs as SQL, retried, with the lock watchdog armed. */
static int run_sql_part(rt_conn *c, const rollback_item *it, const char *sql, size_t part, const rollback_opts *o,
                        const rt_report *r, mp_error *err)
{
	const mf_step *s = it->m->step;
	bool in_tx = !sqltext_concurrently(sql) && sqltext_wrappable(sql);
	mp_buf pre = MP_BUF_INIT, reset = MP_BUF_INIT;
	if (in_tx)
		buf_puts(&pre, "BEGIN; ");
	conn_timeouts_sql(&pre, in_tx, s->lock_timeout_ms, s->statement_timeout_ms);
	conn_timeouts_sql(&reset, false, 0, 0);
	down_run d = {c, it, sql, part, in_tx, pre.ptr, reset.ptr, o, r};
	retry_policy policy = retry_doubling(o->lock_retries, o->retry_pause_ms);
	retry_ops ops = {attempt_down, before_down_retry, &d};
	watchdog_arm(o->wd, it->m->name, s->watchdog_ms);
	int rc = retry_run(&policy, &ops, err);
	watchdog_disarm(o->wd);
	buf_free(&pre);
	buf_free(&reset);
	return rc;
}

/* A refill part: the manifest's batches, natively (its DO block is what a
 * person runs by hand), then the progress mark. Rows are written only
 * where still NULL, so a resumed refill picks up where it stopped. */
static int run_refill_part(rt_conn *c, const rollback_item *it, size_t part, const rollback_opts *o,
                           const rt_report *r, mp_error *err)
{
	const mf_step *s = it->m->step;
	long long n = 0;
	int rc = backfill_batches(c, it->m->name, &s->down_refills[part - 1], s->lock_timeout_ms,
	                          s->statement_timeout_ms, &o->refill, r, &n, err);
	if (rc == MP_OK)
		report_line(r, "%s: refilled %lld rows", it->m->name, n);
	if (rc == MP_OK && part + 1 < it->nparts)
		rc = ledger_mark_rollback_progress(c, it->row_id, part + 1, it->nparts, err);
	else if (rc == MP_OK)
		rc = ledger_mark_rolled_back_parts(c, it->row_id, err);
	return rc;
}

static int run_down(rt_conn *c, const rollback_item *it, const rollback_opts *o, const rt_report *r, mp_error *err)
{
	if (it->done)
		report_line(r, "%s: its rollback stopped after part %zu of %zu; going on from part %zu", it->m->name,
		            it->done, it->nparts, it->done + 1);
	int rc = MP_OK;
	for (size_t i = it->done; rc == MP_OK && i < it->nparts; i++) {
		if (i >= 1 && i <= it->m->step->ndown_refills) {
			rc = run_refill_part(c, it, i, o, r, err);
			continue;
		}
		size_t end = i + 1 < it->nparts ? it->parts[i + 1] : strlen(it->down);
		char *sql = xstrndup(it->down + it->parts[i], end - it->parts[i]);
		if (it->nparts > 1)
			report_line(r, "%s: DOWN part %zu of %zu", it->m->name, i + 1, it->nparts);
		rc = run_sql_part(c, it, sql, i, o, r, err);
		free(sql);
	}
	return rc;
}

void rollback_opts_init(rollback_opts *o)
{
	memset(o, 0, sizeof *o);
	o->lock_retries = 3;
	o->retry_pause_ms = 500;
	o->refill.max_replica_lag_ms = 10000;
	o->refill.lock_retries = 5;
	o->refill.retry_pause_ms = 200;
	o->refill.batch_time_ms = -1;
}

int rollback_execute(rt_conn *c, const rollback_plan *p, const rollback_opts *o, const rt_report *r, int *done,
                     mp_error *err)
{
	*done = 0;
	for (size_t i = 0; i < p->n; i++) {
		int rc = run_down(c, &p->items[i], o, r, err);
		if (rc != MP_OK) {
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err->msg);
			return mp_error_set(err, rc, "rolling back %s failed: %s", p->items[i].m->name, msg);
		}
		report_line(r, "rolled back %s", p->items[i].m->name);
		(*done)++;
	}
	return MP_OK;
}

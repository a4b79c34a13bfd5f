/* `migrun rollback`: the manifest's DOWN files of the last applied steps, newest first. */
#include "runtime/rollback.h"
#include "runtime/apply.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "runtime/retry.h"
#include "runtime/sqltext.h"

#include <stdlib.h>
#include <string.h>

void rollback_plan_free(rollback_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].down);
		for (size_t j = 0; j < p->items[i].nwarnings; j++)
			free(p->items[i].warnings[j]);
		free(p->items[i].warnings);
	}
	free(p->items);
	memset(p, 0, sizeof *p);
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
	sqltext_warnings(down, &it->warnings, &it->nwarnings);
	return MP_OK;
}

int rollback_prepare(const mig_folder *f, const ledger *l, long steps, const char *to, rollback_plan *out,
                     mp_error *err)
{
	memset(out, 0, sizeof *out);
	int rc = apply_check_ledger(f, l, err);
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

/* One DOWN, in a transaction when it can run in one. */
typedef struct {
	rt_conn *c;
	const rollback_item *it;
	bool in_tx;
	const char *pre, *reset;
	const rt_report *r;
} down_run;

static int attempt_down(void *ctx, int n, retry_verdict *verdict, mp_error *err)
{
	down_run *d = ctx;
	(void)n;
	mp_error ignore;
	int rc = conn_exec(d->c, d->pre, err);
	if (rc == MP_OK)
		rc = conn_exec(d->c, d->it->down, err);
	if (rc == MP_OK && !d->in_tx)
		conn_exec(d->c, d->reset, &ignore);
	if (rc == MP_OK)
		rc = ledger_mark_rolled_back(d->c, d->it->row_id, err);
	if (rc == MP_OK && d->in_tx)
		rc = conn_exec(d->c, "COMMIT", err);
	if (rc == MP_OK)
		return MP_OK;
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

static int run_down(rt_conn *c, const rollback_item *it, const retry_policy *policy, const rt_report *r,
                    mp_error *err)
{
	const mf_step *s = it->m->step;
	bool in_tx = !sqltext_concurrently(it->down) && sqltext_wrappable(it->down);
	mp_buf pre = MP_BUF_INIT, reset = MP_BUF_INIT;
	if (in_tx)
		buf_puts(&pre, "BEGIN; ");
	conn_timeouts_sql(&pre, in_tx, s->lock_timeout_ms, s->statement_timeout_ms);
	conn_timeouts_sql(&reset, false, 0, 0);
	down_run d = {c, it, in_tx, pre.ptr, reset.ptr, r};
	retry_ops ops = {attempt_down, before_down_retry, &d};
	int rc = retry_run(policy, &ops, err);
	buf_free(&pre);
	buf_free(&reset);
	return rc;
}

int rollback_execute(rt_conn *c, const rollback_plan *p, int lock_retries, long long retry_pause_ms,
                     const rt_report *r, int *done, mp_error *err)
{
	*done = 0;
	retry_policy policy = retry_doubling(lock_retries, retry_pause_ms);
	for (size_t i = 0; i < p->n; i++) {
		int rc = run_down(c, &p->items[i], &policy, r, err);
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

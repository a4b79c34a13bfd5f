#include "runtime/rollback.h"
#include "runtime/apply.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "runtime/sqltext.h"
#include "runtime/status.h"
#include "runtime/step.h"

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
	status_report st;
	status_compute(f, l, &st);
	int rc = apply_check_state(&st, err);
	status_report_free(&st);
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

static int run_down(rt_conn *c, const rollback_item *it, int lock_retries, long long pause_ms, const rt_report *r,
                    mp_error *err)
{
	const mf_step *s = it->m->step;
	bool in_tx = !sqltext_concurrently(it->down) && sqltext_wrappable(it->down);
	mp_buf pre = MP_BUF_INIT, reset = MP_BUF_INIT;
	if (in_tx)
		buf_puts(&pre, "BEGIN; ");
	step_timeouts_sql(&pre, in_tx, s->lock_timeout_ms, s->statement_timeout_ms);
	step_timeouts_sql(&reset, false, 0, 0);
	mp_error ignore;
	int rc = MP_OK;
	for (int attempt = 0;; attempt++) {
		rc = conn_exec(c, pre.ptr, err);
		if (rc == MP_OK)
			rc = conn_exec(c, it->down, err);
		if (rc == MP_OK && !in_tx)
			conn_exec(c, reset.ptr, &ignore);
		if (rc == MP_OK)
			rc = ledger_mark_rolled_back(c, it->row_id, err);
		if (rc == MP_OK && in_tx)
			rc = conn_exec(c, "COMMIT", err);
		if (rc == MP_OK)
			break;
		bool retry = conn_error_retryable(c);
		conn_exec(c, in_tx ? "ROLLBACK" : reset.ptr, &ignore);
		if (!retry || attempt >= lock_retries)
			break;
		report_line(r, "%s: %s; retrying in %lld ms", it->m->name, err->msg, pause_ms << attempt);
		step_sleep_ms(pause_ms << attempt);
	}
	buf_free(&pre);
	buf_free(&reset);
	return rc;
}

int rollback_execute(rt_conn *c, const rollback_plan *p, int lock_retries, long long retry_pause_ms,
                     const rt_report *r, int *done, mp_error *err)
{
	*done = 0;
	for (size_t i = 0; i < p->n; i++) {
		int rc = run_down(c, &p->items[i], lock_retries, retry_pause_ms, r, err);
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

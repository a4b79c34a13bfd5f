/* `migrun status --fleet`: every target's ledger read in parallel and judged. */
#include "fleet/fleet_status.h"
#include "util/buf.h"
#include "runtime/conn.h"
#include "fleet/fleet_exec.h"
#include "runtime/ledger.h"
#include "runtime/status.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	const fleet_spec *f;
	const mig_folder *mf;
	fleet_status_row *rows;
} status_ctx;

void fleet_status_row_free(fleet_status_row *r)
{
	free(r->error);
	free(r->last_step);
	free(r->problem);
	free(r->window_lifecycle);
	memset(r, 0, sizeof *r);
}

static const char *phase_of(const mig_folder *mf, const char *name)
{
	long i = folder_index(mf, name);
	return i >= 0 && mf->migs[i].step ? mf->migs[i].step->phase : NULL;
}

/* The oldest lifecycle whose expand is applied but whose contract (when
 * the manifest has one) is not: old and new columns are both live. */
static void open_window(rt_conn *c, const mig_folder *mf, const status_report *st, fleet_status_row *row)
{
	const mf_manifest *m = mf->manifest;
	for (size_t i = 0; m && i < m->nsteps; i++) {
		const mf_step *exp = &m->steps[i];
		if (strcmp(exp->phase, "expand") != 0)
			continue;
		const status_entry *e = NULL, *contract = NULL;
		for (size_t k = 0; k < st->n; k++) {
			const char *ph = st->e[k].index >= 0 ? phase_of(mf, st->e[k].name) : NULL;
			const mf_step *s = st->e[k].index >= 0 ? mf->migs[st->e[k].index].step : NULL;
			if (!strcmp(st->e[k].name, exp->id))
				e = &st->e[k];
			else if (s && ph && !strcmp(ph, "contract") && !strcmp(s->lifecycle, exp->lifecycle))
				contract = &st->e[k];
		}
		if (!e || e->state != MS_APPLIED || !e->row->finished_at || (contract && contract->state == MS_APPLIED))
			continue;
		const char *p[1] = {e->row->finished_at};
		char *v = NULL;
		mp_error err;
		if (conn_query_value(c, "SELECT greatest(0, extract(epoch FROM now() - $1::timestamptz))::bigint", 1, p, &v,
		                     &err) == MP_OK && v) {
			long long age = atoll(v);
			if (!row->window_lifecycle || age > row->window_age_s) {
				free(row->window_lifecycle);
				row->window_lifecycle = xstrdup(exp->lifecycle);
				row->window_age_s = age;
			}
		}
		free(v);
	}
}

static bool job(void *vctx, size_t i)
{
	status_ctx *ctx = vctx;
	fleet_status_row *row = &ctx->rows[i];
	mp_error err = {0, ""};
	rt_conn *c = NULL;
	ledger l;
	memset(&l, 0, sizeof l);
	row->rc = conn_open(&c, ctx->f->targets[i].url, &err);
	if (row->rc == MP_OK)
		row->rc = ledger_read(c, &l, &err);
	if (row->rc != MP_OK) {
		row->error = xstrdup(err.msg);
		conn_close(c);
		return false;
	}
	row->ledger_exists = l.exists;
	status_report st;
	status_compute(ctx->mf, &l, &st);
	row->applied = st.applied;
	row->pending = st.pending;
	row->failed = st.failed;
	row->diverged = st.diverged;
	for (size_t k = 0; k < st.n; k++) {
		const status_entry *e = &st.e[k];
		if (e->state == MS_APPLIED && e->index >= 0) {
			free(row->last_step);
			row->last_step = xstrdup(e->name);
		}
		if ((e->state == MS_FAILED || e->state == MS_DIVERGED) && !row->problem) {
			mp_buf b = MP_BUF_INIT;
			buf_printf(&b, "%s %s: %s", status_state_name(e->state), e->name, e->reason ? e->reason : "");
			row->problem = buf_detach(&b);
		}
	}
	open_window(c, ctx->mf, &st, row);
	status_report_free(&st);
	ledger_free(&l);
	conn_close(c);
	return false;
}

void fleet_status_read(const fleet_spec *f, const mig_folder *mf, long parallel, fleet_status_row *rows)
{
	memset(rows, 0, f->n * sizeof *rows);
	size_t *idx = xcalloc(f->n ? f->n : 1, sizeof *idx);
	for (size_t i = 0; i < f->n; i++)
		idx[i] = i;
	status_ctx ctx = {f, mf, rows};
	fleet_exec(f, idx, f->n, parallel, false, job, &ctx);
	free(idx);
}

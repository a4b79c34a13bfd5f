#include "apply.h"
#include "buf.h"
#include "gates.h"
#include "ledger.h"
#include "lock.h"
#include "status.h"
#include "step.h"
#include "verify.h"

#include <stdlib.h>
#include <string.h>

void apply_opts_init(apply_opts *o)
{
	memset(o, 0, sizeof *o);
	o->allow_pending = -1;
	o->lock_retries = 3;
	o->retry_pause_ms = 500;
	o->backfill.max_replica_lag_ms = 10000;
	o->backfill.lock_retries = 5;
	o->backfill.retry_pause_ms = 200;
}

void apply_result_free(apply_result *res)
{
	free(res->stopped_at);
	memset(res, 0, sizeof *res);
}

int apply_check_state(const status_report *st, mp_error *err)
{
	for (size_t i = 0; i < st->n; i++) {
		const status_entry *e = &st->e[i];
		if (e->state == MS_FAILED)
			return mp_error_set(err, MP_ESTATE,
			                    "%s failed earlier (%s); fix it, then `migrun resolve --rolled-back %s` or "
			                    "`--applied %s`",
			                    e->name, e->reason, e->name, e->name);
		if (e->state == MS_DIVERGED)
			return mp_error_set(err, MP_ESTATE, "diverged: %s: %s", e->name, e->reason);
	}
	return MP_OK;
}

static int gate_step(rt_conn *c, const folder_mig *m, const ledger *l, size_t pending, const apply_opts *o,
                     const rt_report *r, apply_result *res, mp_error *err)
{
	if (!m->step)
		return MP_OK;
	gate_ctx ctx = {pending, o->allow_pending};
	int rc = gates_check_step(c, m->step, l, &ctx, &res->gate, err);
	if (rc == MP_EGATE) {
		res->gate_failed = true;
		res->stopped_at = xstrdup(m->name);
	} else if (rc == MP_OK && o->allow_pending >= 0) {
		for (size_t i = 0; i < m->step->ngates; i++)
			if (m->step->gates[i].kind == GATE_MAX_PENDING && (long long)pending > m->step->gates[i].value)
				report_line(r, "override: --allow-pending %d lets %zu pending pass the max_pending %d gate of %s",
				            o->allow_pending, pending, m->step->gates[i].value, m->name);
	}
	return rc;
}

static int run_one(rt_conn *c, const mig_folder *f, const folder_mig *m, const apply_opts *o, const rt_report *r,
                   bool *go_on, mp_error *err)
{
	*go_on = true;
	if (m->step && m->step->backfill) {
		if (o->dry_run) {
			long long n = 0;
			int rc = backfill_count_remaining(c, m->step->backfill, &n, err);
			if (rc == MP_OK)
				report_line(r, "%s: backfill would update %lld rows in batches of %ld; not rehearsed", m->name, n,
				            m->step->backfill->batch);
			*go_on = false;
			return rc;
		}
		long long n;
		return backfill_run(c, m, &o->backfill, r, &n, err);
	}
	step_opts so = {o->lock_retries, o->retry_pause_ms, o->dry_run};
	bool rehearsed = true;
	int rc = step_apply(c, f, m, &so, r, &rehearsed, err);
	*go_on = rehearsed;
	return rc;
}

/* Every max_pending gate of the steps this run would reach, checked up
 * front: the pending count at step k is known (it drops by one per step). */
static int preflight_pending(const mig_folder *f, const ledger *l, size_t pending, long stop, const apply_opts *o,
                             apply_result *res, mp_error *err)
{
	size_t left = pending;
	long done = 0;
	for (size_t i = 0; i < f->n && (long)i <= stop; i++) {
		const folder_mig *m = &f->migs[i];
		if (ledger_find_applied(l, m->name))
			continue;
		if (o->steps > 0 && done >= o->steps)
			break;
		for (size_t g = 0; m->step && g < m->step->ngates; g++) {
			const mf_gate *gate = &m->step->gates[g];
			if (gate->kind != GATE_MAX_PENDING)
				continue;
			gate_ctx ctx = {left, o->allow_pending};
			bool ok = false;
			gate_check(NULL, gate, l, &ctx, &ok, err);
			if (!ok) {
				res->gate_failed = true;
				res->gate = GATE_MAX_PENDING;
				res->stopped_at = xstrdup(m->name);
				return MP_EGATE;
			}
		}
		done++;
		left--;
	}
	return MP_OK;
}

static int apply_locked(rt_conn *c, const mig_folder *f, const apply_opts *o, const rt_report *r,
                        apply_result *res, mp_error *err)
{
	ledger l;
	int rc = ledger_read(c, &l, err);
	if (rc != MP_OK)
		return rc;
	status_report st;
	status_compute(f, &l, &st);
	rc = apply_check_state(&st, err);
	long stop = (long)f->n - 1;
	if (rc == MP_OK && o->to) {
		stop = folder_index(f, o->to);
		if (stop < 0)
			rc = mp_error_set(err, MP_EINVAL, "--to %s: no such migration in %s", o->to, f->dir);
	}
	size_t pending = st.pending, applied = st.applied;
	status_report_free(&st);
	if (rc == MP_OK)
		rc = preflight_pending(f, &l, pending, stop, o, res, err);
	if (rc == MP_OK && pending == 0)
		report_line(r, "up to date: %zu migrations applied", applied);
	bool began = false;
	if (rc == MP_OK && pending && o->dry_run)
		began = (rc = conn_exec(c, "BEGIN", err)) == MP_OK;
	if (rc == MP_OK && pending && !l.exists)
		rc = ledger_ensure(c, err);
	for (size_t i = 0; rc == MP_OK && i < f->n && (long)i <= stop; i++) {
		const folder_mig *m = &f->migs[i];
		if (ledger_find_applied(&l, m->name))
			continue;
		if (o->steps > 0 && res->applied >= o->steps)
			break;
		rc = gate_step(c, m, &l, pending, o, r, res, err);
		if (rc != MP_OK)
			break;
		bool go_on = true;
		rc = run_one(c, f, m, o, r, &go_on, err);
		if (rc != MP_OK || !go_on)
			break;
		res->applied++;
		pending--;
		/* Gates of later steps read the ledger (min_age): read it again. */
		ledger_free(&l);
		rc = ledger_read(c, &l, err);
	}
	if (began) {
		mp_error ignore;
		conn_exec(c, "ROLLBACK", &ignore);
		report_line(r, "dry run: nothing was committed");
	}
	res->pending_left = (int)pending;
	ledger_free(&l);
	return rc;
}

int apply_run(rt_conn *c, const mig_folder *f, const apply_opts *o, const rt_report *r, apply_result *res,
              mp_error *err)
{
	memset(res, 0, sizeof *res);
	verify_report vr;
	int rc = verify_folder(f, &vr, err);
	verify_report_free(&vr);
	if (rc != MP_OK)
		return rc;
	rc = lock_acquire(c, o->lock_wait_ms, r, err);
	if (rc != MP_OK)
		return rc;
	rc = apply_locked(c, f, o, r, res, err);
	mp_error ignore;
	lock_release(c, &ignore);
	return rc;
}

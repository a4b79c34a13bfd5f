/* `migrun apply`: pre-flight checks, then the pending migrations in order under the advisory lock. */
#include "runtime/apply.h"
#include "util/quote.h"
#include "util/buf.h"
#include "runtime/gates.h"
#include "runtime/ledger.h"
#include "runtime/lock.h"
#include "runtime/resolve.h"
#include "runtime/status.h"
#include "runtime/step.h"
#include "migdir/verify.h"
#include "runtime/watchdog.h"

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
	o->backfill.batch_time_ms = -1;
}

void apply_result_free(apply_result *res)
{
	free(res->stopped_at);
	memset(res, 0, sizeof *res);
}

int apply_check_state(const status_report *st, mp_error *err)
{
	return apply_check_state_for(st, false, err);
}

int apply_check_state_for(const status_report *st, bool rollback, mp_error *err)
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
		if (e->rollback_unfinished && !rollback)
			return mp_error_set(err, MP_ESTATE, "%s: %s", e->name, e->reason);
	}
	return MP_OK;
}

int apply_check_ledger(const mig_folder *f, const ledger *l, bool rollback, mp_error *err)
{
	status_report st;
	status_compute(f, l, &st);
	int rc = apply_check_state_for(&st, rollback, err);
	status_report_free(&st);
	return rc;
}

int apply_verify(const mig_folder *f, mp_error *err)
{
	verify_report vr;
	int rc = verify_folder(f, &vr, err);
	verify_report_free(&vr);
	/* What runs is what was loaded; it must be what the manifest hashed,
	 * whatever the file held when verify read it. */
	for (size_t i = 0; rc == MP_OK && i < f->n; i++) {
		const folder_mig *m = &f->migs[i];
		if (folder_mig_changed(m))
			rc = mp_error_set(err, MP_EVERIFY, "%s: migration.sql changed while migrun was reading the folder", m->name);
	}
	return rc;
}

/* Rehearsal replays a whole lifecycle at once: the min_age gates (time the
 * application needs to roll out) have no meaning there; data gates stay. */
static void skip_min_age(mf_step *s, const char *name, const rt_report *r)
{
	mf_gate *kept = xcalloc(s->ngates + 1, sizeof *kept);
	size_t n = 0;
	for (size_t i = 0; i < s->ngates; i++) {
		if (s->gates[i].kind == GATE_MIN_AGE)
			report_line(r, "%s: min_age gate skipped in rehearsal (%lld ms after %s)", name,
			            s->gates[i].duration_ms, s->gates[i].after);
		else
			kept[n++] = s->gates[i];
	}
	s->gates = kept;
	s->ngates = n;
}

static int gate_step(rt_conn *c, const folder_mig *m, const ledger *l, size_t units, const apply_opts *o,
                     const rt_report *r, apply_result *res, mp_error *err)
{
	if (!m->step)
		return MP_OK;
	gate_ctx ctx = {units, o->allow_pending};
	mf_step timeless = *m->step;
	if (o->skip_time_gates)
		skip_min_age(&timeless, m->name, r);
	int rc = gates_check_step(c, &timeless, l, &ctx, &res->gate, err);
	if (timeless.gates != m->step->gates)
		free(timeless.gates);
	if (rc == MP_EGATE) {
		res->gate_failed = true;
		res->stopped_at = xstrdup(m->name);
	} else if (rc == MP_OK && o->allow_pending >= 0) {
		for (size_t i = 0; i < m->step->ngates; i++)
			if (m->step->gates[i].kind == GATE_MAX_PENDING && (long long)units > m->step->gates[i].value)
				report_line(r, "override: --allow-pending %d lets %zu pending units pass the max_pending %d gate of %s",
				            o->allow_pending, units, m->step->gates[i].value, m->name);
	}
	return rc;
}

/* What a dry run says of the backfill it stops at. The count is taken
 * before the dry run's transaction begins: inside it, the locks of the
 * steps before (an expand's ACCESS EXCLUSIVE) are held to its end, and a
 * full count under them would block the application; before it, the count
 * takes ACCESS SHARE only. Where the column does not exist yet (a pending
 * expand adds it), every row of the table is still to fill. */
typedef struct {
	long long rows;
	bool added; /* the column is added by a step before the backfill */
} dry_backfill;

static int dry_backfill_count(rt_conn *c, const mig_folder *f, const bool *todo, long stop, dry_backfill *out,
                              mp_error *err)
{
	memset(out, 0, sizeof *out);
	const mf_backfill *bf = NULL;
	for (long i = 0; !bf && i <= stop && i < (long)f->n; i++)
		if (todo[i] && f->migs[i].step && f->migs[i].step->backfill)
			bf = f->migs[i].step->backfill;
	if (!bf)
		return MP_OK;
	mp_buf rel = MP_BUF_INIT;
	sql_quote_qualified(&rel, bf->schema, bf->table);
	const char *params[2] = {buf_cstr(&rel), bf->column};
	char *v = NULL;
	int rc = conn_query_value(c,
	                          "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 "
	                          "AND NOT attisdropped",
	                          2, params, &v, err);
	out->added = rc == MP_OK && v && atoll(v) == 0;
	free(v);
	v = NULL;
	if (rc == MP_OK && out->added) {
		mp_buf q = MP_BUF_INIT;
		buf_printf(&q, "SELECT count(*) FROM %s", buf_cstr(&rel));
		rc = conn_query_value(c, buf_cstr(&q), 0, NULL, &v, err);
		out->rows = v ? atoll(v) : 0;
		buf_free(&q);
	} else if (rc == MP_OK) {
		rc = backfill_count_remaining(c, bf, &out->rows, err);
	}
	free(v);
	buf_free(&rel);
	return rc;
}

static int run_one(rt_conn *c, const mig_folder *f, const folder_mig *m, const apply_opts *o, const rt_report *r,
                   const dry_backfill *dry, bool *go_on, mp_error *err)
{
	*go_on = true;
	if (m->step && m->step->backfill) {
		if (o->dry_run) {
			mp_buf how = MP_BUF_INIT;
			backfill_describe_batches(&how, m->step->backfill, &o->backfill);
			report_line(r, "%s: backfill would update %lld rows in %s; not rehearsed%s", m->name, dry->rows,
			            buf_cstr(&how), dry->added ? " (every row: its column is added by a step before it)" : "");
			buf_free(&how);
			*go_on = false;
			return MP_OK;
		}
		long long n;
		return backfill_run(c, m, &o->backfill, r, &n, err);
	}
	step_opts so = {retry_doubling(o->lock_retries, o->retry_pause_ms), o->dry_run, o->wd};
	bool rehearsed = true;
	watchdog_arm(o->wd, m->name, m->step ? m->step->watchdog_ms : 0);
	int rc = step_apply(c, m, &so, r, &rehearsed, err);
	watchdog_disarm(o->wd);
	*go_on = rehearsed;
	return rc;
}

/* Every max_pending gate of the steps this run would reach, checked up
 * front, before anything is applied. */
static int preflight_pending(const mig_folder *f, const bool *pending, long stop, const apply_opts *o,
                             apply_result *res, mp_error *err)
{
	size_t units = 0;
	int limit = 0;
	long at = gates_max_pending_refusal(f, pending, stop, o->steps, o->allow_pending, &units, &limit);
	if (at < 0)
		return MP_OK;
	mf_gate g = {.kind = GATE_MAX_PENDING, .value = limit};
	gate_ctx ctx = {units, o->allow_pending};
	bool ok = false;
	gate_check(NULL, &g, NULL, &ctx, &ok, err);
	res->gate_failed = true;
	res->gate = GATE_MAX_PENDING;
	res->stopped_at = xstrdup(f->migs[at].name);
	return MP_EGATE;
}

/* A generated transactional step that failed left nothing behind but Prisma's
 * failed ledger row (its SQL and the row that would have recorded it commit
 * together). Asked to, such a step is safe to retry: mark the row rolled back,
 * exactly as `migrun resolve --rolled-back` would, and apply it again. Plain
 * Prisma migrations and non-transactional steps are never retried this way.
 * Returns whether any row was marked. */
static bool retry_atomic_failures(rt_conn *c, const mig_folder *f, const status_report *st, const rt_report *r,
                                  int *rc, mp_error *err)
{
	bool marked = false;
	for (size_t i = 0; *rc == MP_OK && i < st->n; i++) {
		const status_entry *e = &st->e[i];
		long at = folder_index(f, e->name);
		if (e->state != MS_FAILED || at < 0 || !f->migs[at].step || !f->migs[at].step->transactional)
			continue;
		*rc = resolve_rolled_back(c, f, e->name, err);
		if (*rc == MP_OK) {
			report_line(r, "%s: failed earlier in one transaction (nothing of it stayed); marked rolled back "
			               "to retry it (--retry-failed)", e->name);
			marked = true;
		}
	}
	return marked;
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
	if (o->retry_failed && retry_atomic_failures(c, f, &st, r, &rc, err)) {
		status_report_free(&st);
		ledger_free(&l);
		if (rc != MP_OK || (rc = ledger_read(c, &l, err)) != MP_OK)
			return rc;
		status_compute(f, &l, &st);
	}
	rc = apply_check_state(&st, err);
	long stop = (long)f->n - 1;
	if (rc == MP_OK && o->to) {
		stop = folder_index(f, o->to);
		if (stop < 0)
			rc = mp_error_set(err, MP_EINVAL, "--to %s: no such migration in %s", o->to, f->dir);
	}
	size_t pending = st.pending, applied = st.applied;
	status_report_free(&st);
	bool *todo = xcalloc(f->n ? f->n : 1, sizeof *todo);
	for (size_t i = 0; i < f->n; i++)
		todo[i] = !ledger_find_applied(&l, f->migs[i].name);
	size_t units = gates_pending_units(f, todo);
	if (rc == MP_OK)
		rc = preflight_pending(f, todo, stop, o, res, err);
	if (rc == MP_OK && pending == 0)
		report_line(r, "up to date: %zu migrations applied", applied);
	bool began = false;
	dry_backfill dry = {0};
	if (rc == MP_OK && pending && o->dry_run && (rc = dry_backfill_count(c, f, todo, stop, &dry, err)) == MP_OK)
		began = (rc = conn_exec(c, "BEGIN", err)) == MP_OK;
	if (rc == MP_OK && pending && !l.exists)
		rc = ledger_ensure(c, err);
	for (size_t i = 0; rc == MP_OK && i < f->n && (long)i <= stop; i++) {
		const folder_mig *m = &f->migs[i];
		if (!todo[i])
			continue;
		if (o->steps > 0 && res->applied >= o->steps)
			break;
		rc = gate_step(c, m, &l, units, o, r, res, err);
		if (rc != MP_OK)
			break;
		bool go_on = true;
		rc = run_one(c, f, m, o, r, &dry, &go_on, err);
		if (rc != MP_OK || !go_on)
			break;
		res->applied++;
		pending--;
		todo[i] = false;
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
	free(todo);
	ledger_free(&l);
	return rc;
}

int apply_run(rt_conn *c, const mig_folder *f, const apply_opts *o, const rt_report *r, apply_result *res,
              mp_error *err)
{
	memset(res, 0, sizeof *res);
	int rc = apply_verify(f, err);
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

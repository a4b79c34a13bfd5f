/* `migrun apply --fleet`: the plan rolled out to every target of a fleet, wave by wave. */
#include "fleet/fleet_apply.h"
#include "util/buf.h"
#include "util/clock.h"
#include "fleet/fleet_exec.h"
#include "runtime/ledger.h"
#include "runtime/postcheck.h"
#include "util/quote.h"
#include "runtime/watchdog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const fleet_spec *f;
	const mig_folder *mf;
	const fleet_apply_opts *o;
	const fleet_sink *s;
	fleet_result *res;
	pthread_mutex_t mu;  /* results and every sink call */
} run_ctx;

typedef struct {
	run_ctx *run;
	size_t i;
} target_ctx;

const char *fleet_state_name(fleet_state s)
{
	static const char *names[] = {"untouched", "running", "applied", "up_to_date", "waiting", "failed"};
	return names[s];
}

void fleet_result_free(fleet_result *r)
{
	free(r->stopped_at);
	free(r->error);
	free(r->current);
	for (size_t i = 0; i < r->nsteps; i++)
		free(r->steps[i].id);
	free(r->steps);
	memset(r, 0, sizeof *r);
}

static void on_line(void *ctx, const char *text)
{
	target_ctx *t = ctx;
	run_ctx *run = t->run;
	pthread_mutex_lock(&run->mu);
	free(run->res[t->i].current);
	run->res[t->i].current = xstrdup(text);
	if (run->s && run->s->line)
		run->s->line(run->s->ctx, t->i, text);
	pthread_mutex_unlock(&run->mu);
}

static void on_progress(void *ctx, const char *step, long long done, long long total, double rate)
{
	(void)rate;
	target_ctx *t = ctx;
	run_ctx *run = t->run;
	pthread_mutex_lock(&run->mu);
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s: %lld/%lld rows", step, done, total);
	free(run->res[t->i].current);
	run->res[t->i].current = buf_detach(&b);
	if (run->s && run->s->progress)
		run->s->progress(run->s->ctx, t->i, step, done, total);
	pthread_mutex_unlock(&run->mu);
}

long long fleet_gate_wait_s(rt_conn *c, const mig_folder *mf, const char *stopped_at)
{
	long at = stopped_at ? folder_index(mf, stopped_at) : -1;
	const mf_step *s = at >= 0 ? mf->migs[at].step : NULL;
	if (!s)
		return -1;
	ledger l;
	mp_error err;
	if (ledger_read(c, &l, &err) != MP_OK)
		return -1;
	long long wait = -1;
	for (size_t g = 0; g < s->ngates; g++) {
		if (s->gates[g].kind != GATE_MIN_AGE)
			continue;
		const ledger_row *r = ledger_find_applied(&l, s->gates[g].after);
		char ms[32];
		snprintf(ms, sizeof ms, "%lld", s->gates[g].duration_ms);
		const char *p[2] = {r ? r->finished_at : NULL, ms};
		char *v = NULL;
		if (!r || conn_query_value(c,
		                           "SELECT greatest(0, ceil(extract(epoch FROM $1::timestamptz + $2::bigint * "
		                           "interval '1 millisecond' - now())))::bigint",
		                           2, p, &v, &err) != MP_OK || !v) {
			free(v);
			wait = -1;
			break;
		}
		if (atoll(v) > wait)
			wait = atoll(v);
		free(v);
	}
	ledger_free(&l);
	return wait;
}

/* What this run applied on the target, with durations, from the ledger
 * (finished_at - started_at is what Prisma records too). */
static void read_step_times(rt_conn *c, const char *since, fleet_result *r)
{
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "SELECT migration_name, (extract(epoch FROM finished_at - started_at) * 1000)::bigint FROM ");
	sql_quote_qualified(&sql, c->schema, LEDGER_TABLE);
	buf_puts(&sql, " WHERE started_at >= $1::timestamptz AND finished_at IS NOT NULL AND rolled_back_at IS NULL "
	               "ORDER BY started_at, migration_name");
	const char *p[1] = {since};
	PGresult *res = NULL;
	mp_error err;
	if (conn_query(c, sql.ptr, 1, p, &res, &err) == MP_OK) {
		r->nsteps = (size_t)PQntuples(res);
		r->steps = xcalloc(r->nsteps ? r->nsteps : 1, sizeof *r->steps);
		for (size_t k = 0; k < r->nsteps; k++) {
			r->steps[k].id = xstrdup(PQgetvalue(res, (int)k, 0));
			r->steps[k].ms = atoll(PQgetvalue(res, (int)k, 1));
		}
	}
	PQclear(res);
	buf_free(&sql);
}

static void set_running(run_ctx *run, size_t i)
{
	pthread_mutex_lock(&run->mu);
	run->res[i].state = FT_RUNNING;
	if (run->s && run->s->target)
		run->s->target(run->s->ctx, i);
	pthread_mutex_unlock(&run->mu);
}

/* A target run again after waiting for a time gate: the result covers
 * both passes. */
static void merge_earlier_pass(fleet_result *out, const fleet_result *prev)
{
	out->applied += prev->applied;
	out->seconds += prev->seconds;
	out->postcheck_problems += prev->postcheck_problems;
	if (!prev->nsteps)
		return;
	fleet_step_time *all = xcalloc(prev->nsteps + out->nsteps, sizeof *all);
	for (size_t k = 0; k < prev->nsteps; k++)
		all[k] = (fleet_step_time){xstrdup(prev->steps[k].id), prev->steps[k].ms};
	for (size_t k = 0; k < out->nsteps; k++)
		all[prev->nsteps + k] = out->steps[k];
	free(out->steps);
	out->steps = all;
	out->nsteps += prev->nsteps;
}

static void after_watchdog(watchdog *wd, const rt_report *rep, fleet_result *out)
{
	watchdog_stop(wd);
	for (size_t k = 0; k < watchdog_event_count(wd); k++) {
		const watchdog_event *e = watchdog_event_at(wd, k);
		report_line(rep, "watchdog %s: %s: session %d waited %lld ms behind it (threshold %lld ms)", e->kind, e->step,
		            e->app_pid, e->waited_ms, e->threshold_ms);
	}
	out->watchdog_gave_up = watchdog_gave_up(wd);
	watchdog_free(wd);
}

/* As after a single apply: a bonus, so a failure is a line, not an error. */
static void post_checks(rt_conn *c, const mig_folder *mf, const ledger *before, const rt_report *rep,
                        fleet_result *out)
{
	postcheck_report pc;
	memset(&pc, 0, sizeof pc);
	mp_error err = {0, ""};
	if (postcheck_applied_since(c, mf, before, &pc, &err) != MP_OK)
		report_line(rep, "post-check skipped: %s", err.msg);
	postcheck_report_lines(&pc, rep);
	out->postcheck_problems += pc.problems;
	postcheck_report_free(&pc);
}

static bool job(void *ctx, size_t i)
{
	run_ctx *run = ctx;
	const fleet_target *t = &run->f->targets[i];
	set_running(run, i);
	long long t0 = mp_clock_ms();
	target_ctx tc = {run, i};
	rt_report rep = {on_line, on_progress, &tc};
	fleet_result out = {.wait_s = -1};
	mp_error err = {0, ""};
	rt_conn *c = NULL;
	char *since = NULL;
	apply_result ar;
	memset(&ar, 0, sizeof ar);
	ledger before;
	memset(&before, 0, sizeof before);
	watchdog *wd = NULL;
	apply_opts ao = run->o->apply;
	int rc = conn_open(&c, t->url, &err);
	if (rc == MP_OK)
		rc = conn_query_value(c, "SELECT now()::text", 0, NULL, &since, &err);
	if (rc == MP_OK)
		rc = ledger_read(c, &before, &err);
	if (rc == MP_OK && run->o->watchdog_retries >= 0)
		rc = watchdog_start(c, run->o->watchdog_retries, &wd, &err);
	ao.wd = wd;
	if (rc == MP_OK)
		rc = apply_run(c, run->mf, &ao, &rep, &ar, &err);
	if (wd)
		after_watchdog(wd, &rep, &out);
	if (c && PQstatus(c->pg) == CONNECTION_OK && (rc == MP_OK || ar.applied > 0))
		post_checks(c, run->mf, &before, &rep, &out);
	ledger_free(&before);
	out.applied = ar.applied;
	if (rc == MP_EGATE && ar.gate_failed && ar.gate == GATE_MIN_AGE)
		out.wait_s = fleet_gate_wait_s(c, run->mf, ar.stopped_at);
	out.rc = rc;
	out.pending_left = ar.pending_left;
	out.gate_failed = ar.gate_failed;
	out.gate = ar.gate;
	out.stopped_at = ar.stopped_at ? xstrdup(ar.stopped_at) : NULL;
	if (rc == MP_OK)
		out.state = out.applied > 0 ? FT_APPLIED : FT_UP_TO_DATE;
	else if (rc == MP_EGATE && ar.gate_failed && ar.gate == GATE_MIN_AGE)
		out.state = FT_WAITING;
	else
		out.state = FT_FAILED;
	if (rc != MP_OK)
		out.error = xstrdup(err.msg);
	if (c && since && out.applied > 0)
		read_step_times(c, since, &out);
	apply_result_free(&ar);
	free(since);
	conn_close(c);
	out.seconds = (double)(mp_clock_ms() - t0) / 1000;
	pthread_mutex_lock(&run->mu);
	fleet_result *prev = &run->res[i];
	out.current = prev->current;
	prev->current = NULL;
	out.passes = prev->passes + 1;
	if (prev->passes > 0)
		merge_earlier_pass(&out, prev);
	if (out.state == FT_UP_TO_DATE && out.applied > 0)
		out.state = FT_APPLIED;
	fleet_result_free(prev);
	run->res[i] = out;
	if (run->s && run->s->target)
		run->s->target(run->s->ctx, i);
	pthread_mutex_unlock(&run->mu);
	return out.state == FT_FAILED && !run->o->continue_on_error;
}

/* Targets of the wave stopped by a min_age gate that passes within
 * --wait-gates (counted from the wave's first wait) run again once it has:
 * all of them after one sleep, so a short dual-write window costs a wave
 * one wait, not one per target. No target holds a lock or a slot while
 * it waits. */
static void wait_time_gates(run_ctx *run, const size_t *idx, size_t n, long parallel)
{
	long long budget = run->o->wait_gates_ms, spent = 0;
	size_t *again = xcalloc(n ? n : 1, sizeof *again);
	for (;;) {
		size_t m = 0;
		long long sleep_ms = 0;
		bool failed = false;
		for (size_t k = 0; k < n; k++) {
			const fleet_result *r = &run->res[idx[k]];
			failed = failed || r->state == FT_FAILED;
			if (r->state != FT_WAITING || r->wait_s < 0 || spent + r->wait_s * 1000 > budget)
				continue;
			again[m++] = idx[k];
			if (r->wait_s * 1000 + 100 > sleep_ms)
				sleep_ms = r->wait_s * 1000 + 100;
		}
		if (m == 0 || budget <= 0 || (failed && !run->o->continue_on_error))
			break;
		pthread_mutex_lock(&run->mu);
		for (size_t k = 0; k < m && run->s && run->s->line; k++) {
			char text[96];
			snprintf(text, sizeof text, "waiting %.1f s for a min_age gate", (double)sleep_ms / 1000);
			run->s->line(run->s->ctx, again[k], text);
		}
		pthread_mutex_unlock(&run->mu);
		mp_sleep_ms(sleep_ms);
		spent += sleep_ms;
		fleet_exec(run->f, again, m, parallel, true, job, run);
	}
	free(again);
}

int fleet_apply(const fleet_spec *f, const mig_folder *mf, const fleet_apply_opts *o, const fleet_sink *s,
                fleet_result *results, fleet_summary *sum)
{
	memset(sum, 0, sizeof *sum);
	for (size_t i = 0; i < f->n; i++) {
		memset(&results[i], 0, sizeof results[i]);
		results[i].wait_s = -1;
	}
	run_ctx run = {.f = f, .mf = mf, .o = o, .s = s, .res = results};
	pthread_mutex_init(&run.mu, NULL);
	long parallel = o->parallel > 0 ? o->parallel : f->parallel;
	size_t *idx = xcalloc(f->n ? f->n : 1, sizeof *idx);
	for (int w = 1; w <= f->nwaves; w++) {
		size_t n = 0;
		for (size_t i = 0; i < f->n; i++)
			if (f->targets[i].wave == w)
				idx[n++] = i;
		if (s && s->wave) {
			pthread_mutex_lock(&run.mu);
			s->wave(s->ctx, w, f->nwaves, n);
			pthread_mutex_unlock(&run.mu);
		}
		fleet_exec(f, idx, n, parallel, true, job, &run);
		wait_time_gates(&run, idx, n, parallel);
		sum->waves_run = w;
		bool failed = false;
		for (size_t k = 0; k < n; k++)
			failed = failed || results[idx[k]].state == FT_FAILED;
		if (failed && !o->continue_on_error) {
			sum->stopped_after = w;
			break;
		}
	}
	free(idx);
	pthread_mutex_destroy(&run.mu);
	/* The first failed target's rc (fleet order), else MP_EGATE when one
	 * waits, else MP_OK. */
	size_t *tally[] = {[FT_UNTOUCHED] = &sum->untouched, [FT_RUNNING] = &sum->untouched,
	                   [FT_APPLIED] = &sum->applied,     [FT_UP_TO_DATE] = &sum->up_to_date,
	                   [FT_WAITING] = &sum->waiting,     [FT_FAILED] = &sum->failed};
	int failed_rc = MP_OK;
	for (size_t i = 0; i < f->n; i++) {
		if (results[i].state == FT_FAILED && !sum->failed)
			failed_rc = results[i].rc;
		(*tally[results[i].state])++;
	}
	return sum->failed ? failed_rc : sum->waiting ? MP_EGATE : MP_OK;
}

/* migrun apply --fleet: the live view (redrawn on a terminal, plain lines otherwise), the summary, the exit code. */
#include "cli/migrun/cli_fleet.h"
#include "fleet/fleet_apply.h"
#include "util/clock.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	const fleet_spec *f;
	fleet_result *res;
	bool tty;          /* redraw a block on stderr */
	FILE *out;         /* plain lines */
	int wave, nwaves;
	size_t wave_n;
	double wave_t0;
	int drawn;         /* lines of the block on screen */
	double last_draw;
} view;

/* Seconds on the one monotonic clock, for the view's timings. */
static double mono_s(void)
{
	return (double)mp_clock_ms() / 1000;
}

typedef struct {
	size_t done, running, failed, waiting;
} wave_counts;

static wave_counts count_wave(const view *v)
{
	wave_counts c = {0, 0, 0, 0};
	for (size_t i = 0; i < v->f->n; i++) {
		if (v->f->targets[i].wave != v->wave)
			continue;
		fleet_state s = v->res[i].state;
		c.running += s == FT_RUNNING;
		c.failed += s == FT_FAILED;
		c.waiting += s == FT_WAITING;
		c.done += s != FT_RUNNING && s != FT_UNTOUCHED;
	}
	return c;
}

static void erase_block(view *v)
{
	if (v->drawn > 0)
		fprintf(stderr, "\033[%dA\r\033[J", v->drawn);
	v->drawn = 0;
}

static void draw(view *v, bool force)
{
	double now = mono_s();
	if (!v->tty || v->wave == 0 || (!force && now - v->last_draw < 0.1))
		return;
	v->last_draw = now;
	erase_block(v);
	wave_counts c = count_wave(v);
	char bar[21];
	size_t fill = v->wave_n ? c.done * 20 / v->wave_n : 20;
	for (size_t i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	fprintf(stderr, "wave %d/%d [%s] %zu/%zu done, %zu running, %zu waiting, %zu failed  %.0fs\n", v->wave, v->nwaves,
	        bar, c.done, v->wave_n, c.running, c.waiting, c.failed, now - v->wave_t0);
	v->drawn = 1;
	for (size_t i = 0; i < v->f->n; i++) {
		const fleet_result *r = &v->res[i];
		if (v->f->targets[i].wave != v->wave || (r->state != FT_RUNNING && r->state != FT_FAILED))
			continue;
		const char *what = r->state == FT_FAILED ? r->error : r->current;
		fprintf(stderr, "  %s %s: %.100s\n", r->state == FT_FAILED ? "FAILED" : "      ", v->f->targets[i].name,
		        what ? what : "connecting");
		v->drawn++;
	}
	fflush(stderr);
}

/* The wave's last word stays on screen (or in the log) when it ends. */
static void end_wave(view *v)
{
	if (v->wave == 0)
		return;
	erase_block(v);
	wave_counts c = count_wave(v);
	fprintf(v->tty ? stderr : v->out, "wave %d/%d: %zu targets, %zu done (%zu waiting on a time gate), %zu failed, "
	        "%.1f s\n", v->wave, v->nwaves, v->wave_n, c.done, c.waiting, c.failed, mono_s() - v->wave_t0);
	fflush(v->tty ? stderr : v->out);
}

static void on_wave(void *ctx, int wave, int nwaves, size_t n)
{
	view *v = ctx;
	end_wave(v);
	v->wave = wave;
	v->nwaves = nwaves;
	v->wave_n = n;
	v->wave_t0 = mono_s();
	if (!v->tty)
		fprintf(v->out, "wave %d/%d: %zu targets\n", wave, nwaves, n);
	draw(v, true);
}

static void on_target(void *ctx, size_t i)
{
	view *v = ctx;
	const fleet_result *r = &v->res[i];
	const char *name = v->f->targets[i].name;
	if (v->tty) {
		draw(v, r->state != FT_RUNNING);
		return;
	}
	switch (r->state) {
	case FT_RUNNING:
		return;
	case FT_APPLIED:
		fprintf(v->out, "%s: applied %d (%.1f s)\n", name, r->applied, r->seconds);
		break;
	case FT_UP_TO_DATE:
		fprintf(v->out, "%s: up to date (%.1f s)\n", name, r->seconds);
		break;
	case FT_WAITING:
		fprintf(v->out, "%s: applied %d, waiting: %s\n", name, r->applied, r->error);
		break;
	default:
		fprintf(v->out, "%s: FAILED: %s\n", name, r->error ? r->error : "?");
	}
	fflush(v->out);
}

static void on_line(void *ctx, size_t i, const char *text)
{
	view *v = ctx;
	if (v->tty) {
		draw(v, false);
		return;
	}
	fprintf(v->out, "%s: %s\n", v->f->targets[i].name, text);
	fflush(v->out);
}

static void on_progress(void *ctx, size_t i, const char *step, long long done, long long total)
{
	(void)i, (void)step, (void)done, (void)total;
	draw(ctx, false);
}

/* ---- summary ---- */

typedef struct {
	size_t target;
	const fleet_step_time *st;
} step_ref;

static int by_ms_desc(const void *a, const void *b)
{
	long long x = ((const step_ref *)a)->st->ms, y = ((const step_ref *)b)->st->ms;
	return x < y ? 1 : x > y ? -1 : 0;
}

static step_ref *slowest_steps(const fleet_spec *f, const fleet_result *res, size_t *n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < f->n; i++)
		total += res[i].nsteps;
	step_ref *all = xcalloc(total ? total : 1, sizeof *all);
	for (size_t i = 0; i < f->n; i++)
		for (size_t j = 0; j < res[i].nsteps; j++)
			all[k++] = (step_ref){i, &res[i].steps[j]};
	qsort(all, total, sizeof *all, by_ms_desc);
	*n = total < 5 ? total : 5;
	return all;
}

static void print_summary(const fleet_spec *f, const fleet_result *res, const fleet_summary *s, double wall)
{
	size_t w = 6;
	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->targets[i].name) > w)
			w = strlen(f->targets[i].name);
	printf("%-*s  %4s  %-10s  %7s  %8s  %s\n", (int)w, "TARGET", "WAVE", "RESULT", "APPLIED", "TIME", "NOTE");
	for (size_t i = 0; i < f->n; i++) {
		const fleet_result *r = &res[i];
		char t[32] = "-";
		if (r->state != FT_UNTOUCHED)
			snprintf(t, sizeof t, "%.2fs", r->seconds);
		printf("%-*s  %4d  %-10s  %7d  %8s  %s\n", (int)w, f->targets[i].name, f->targets[i].wave,
		       fleet_state_name(r->state), r->applied, t, r->error ? r->error : "");
	}
	size_t n;
	step_ref *top = slowest_steps(f, res, &n);
	if (n)
		printf("slowest steps:\n");
	for (size_t i = 0; i < n; i++)
		printf("  %8.2fs  %-*s  %s\n", (double)top[i].st->ms / 1000, (int)w, f->targets[top[i].target].name,
		       top[i].st->id);
	free(top);
	printf("waves run: %d of %d%s; targets: %zu applied, %zu up to date, %zu waiting, %zu failed, %zu untouched; "
	       "%.1f s\n", s->waves_run, f->nwaves, s->stopped_after ? " (stopped by a failure)" : "", s->applied,
	       s->up_to_date, s->waiting, s->failed, s->untouched, wall);
}

static json_t *summary_json(const fleet_spec *f, const fleet_result *res, const fleet_summary *s, int ex)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < f->n; i++) {
		const fleet_result *r = &res[i];
		json_t *steps = json_array();
		for (size_t j = 0; j < r->nsteps; j++)
			json_array_append_new(steps, json_pack("{s:s, s:I}", "id", r->steps[j].id, "ms", (json_int_t)r->steps[j].ms));
		json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:i, s:i, s:f, s:s?, s:s?, s:s?, s:i, s:b, s:o}", "name",
		                                     f->targets[i].name, "wave", f->targets[i].wave, "state",
		                                     fleet_state_name(r->state), "applied", r->applied, "pending",
		                                     r->pending_left, "seconds", r->seconds, "stopped_at", r->stopped_at,
		                                     "gate", r->gate_failed ? mf_gate_kind_name(r->gate) : NULL, "error",
		                                     r->error, "post_check_problems", r->postcheck_problems,
		                                     "watchdog_gave_up", r->watchdog_gave_up, "steps", steps));
	}
	size_t n;
	step_ref *top = slowest_steps(f, res, &n);
	json_t *slow = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(slow, json_pack("{s:s, s:s, s:I}", "target", f->targets[top[i].target].name, "id",
		                                      top[i].st->id, "ms", (json_int_t)top[i].st->ms));
	free(top);
	return json_pack("{s:b, s:i, s:i, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:i}", "ok", ex == EXIT_OK,
	                 "waves", f->nwaves, "waves_run", s->waves_run, "stopped_after_wave",
	                 s->stopped_after ? json_integer(s->stopped_after) : json_null(), "targets", arr, "slowest_steps",
	                 slow, "totals", "applied", (json_int_t)s->applied, "up_to_date", (json_int_t)s->up_to_date,
	                 "waiting", (json_int_t)s->waiting, "failed", (json_int_t)s->failed, "untouched",
	                 (json_int_t)s->untouched, "exit", ex);
}

/* Exit code: that of the first failed target (as `migrun apply` would
 * have exited on it), else 6 when targets wait on a time gate. */
static int fleet_exit(int rc, const fleet_spec *f, const fleet_result *res)
{
	if (rc == MP_OK)
		return EXIT_OK;
	for (size_t i = 0; i < f->n; i++)
		if (res[i].state == FT_FAILED) {
			if (res[i].watchdog_gave_up)
				return EXIT_WATCHDOG;
			if (res[i].rc == MP_EGATE)
				return res[i].gate == GATE_MAX_PENDING ? EXIT_TOO_MANY : EXIT_GATE;
			return cli_exit_code(res[i].rc);
		}
	return EXIT_GATE;
}

int cli_fleet_apply(const cli_common *co, const apply_opts *o, const cli_fleet_opts *fo)
{
	if (o->dry_run)
		return cli_usage("apply", "--dry-run does not combine with --fleet (rehearse on one target)");
	mig_folder mf;
	int ex = cli_load_folder(co, false, &mf);
	if (ex != EXIT_OK)
		return ex;
	fleet_spec f;
	if ((ex = cli_fleet_load(fo, &f)) != EXIT_OK) {
		folder_free(&mf);
		return ex;
	}
	fleet_apply_opts fao = {*o, f.parallel, fo->continue_on_error, fo->wait_gates_ms, fo->watchdog_retries};
	fleet_result *res = xcalloc(f.n, sizeof *res);
	view v = {.f = &f, .res = res, .out = co->json ? stderr : stdout};
	v.tty = isatty(STDERR_FILENO) && !getenv("MIGRUN_PLAIN");
	fleet_sink sink = {on_wave, on_target, on_line, on_progress, &v};
	double t0 = mono_s();
	fleet_summary sum;
	int rc = fleet_apply(&f, &mf, &fao, &sink, res, &sum);
	end_wave(&v);
	ex = fleet_exit(rc, &f, res);
	if (co->json) {
		cli_put_json(summary_json(&f, res, &sum, ex));
	} else {
		print_summary(&f, res, &sum, mono_s() - t0);
	}
	if (sum.failed)
		cli_error("%zu of %zu targets failed%s", sum.failed, f.n,
		          sum.stopped_after ? "; the rollout stopped, later waves were not started" : "");
	else if (sum.waiting)
		cli_error("%zu targets wait on a min_age gate; run `migrun apply --fleet` again once it passes "
		          "(or use --wait-gates)", sum.waiting);
	for (size_t i = 0; i < f.n; i++)
		fleet_result_free(&res[i]);
	free(res);
	fleet_free(&f);
	folder_free(&mf);
	return ex;
}

/* migrun rehearse: UP, DOWN, UP of pending steps on a scratch database; the watchdog and post-checks of apply. */
#include "cli/migrun/cli.h"
#include "util/buf.h"
#include "runtime/ledger.h"
#include "runtime/rehearse.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	cli_common co;
	rehearse_opts o;
	cli_guard guard;
} rehearse_args;

static const mp_opt_spec opts[] = {
	MP_OPT_STRING(rehearse_args, o.scratch_url, "scratch-url", 0, "URL", "a URL",
	              "rehearse in this (empty) database; it is not dropped"),
	MP_OPT_SWITCH(rehearse_args, o.keep, "keep", 0, "keep the created scratch database"),
	MP_OPT_LONG(rehearse_args, o.with_data, "with-data", 0, "N", 1, 100000000, "a number of rows 1..100000000",
	            "first fill the tables the pending steps touch with N\n"
	            "synthetic rows (NOT NULL, unique and foreign keys respected)"),
	CLI_GUARD_OPTS(rehearse_args, guard),
	MP_OPT_TEXT("\n"
	            "exit: 0 every DOWN restored the schema and every UP was reproducible; 9 a\n"
	            "difference (printed as a diff); 1 a step failed; 5 the target's ledger is\n"
	            "failed or diverged; 7 cannot connect; 8 manifest missing or verify failed;\n"
	            "10 the lock watchdog gave up.\n"
	            "\n"),
	CLI_COMMON_OPTS(rehearse_args, co),
	MP_OPT_END,
};

static const cli_help help = {
	"rehearse",
	"usage: migrun rehearse [-d DIR] [--scratch-url URL] [--keep] [--with-data N] [options]\n"
	"\n"
	"Rollback rehearsal. Creates a scratch database on the target's server (CREATE\n"
	"DATABASE ... TEMPLATE template0; or uses --scratch-url, which must be empty),\n"
	"replays the migrations the target's ledger has applied, then runs every\n"
	"pending step UP, DOWN, UP, comparing catalog snapshots: after DOWN the schema\n"
	"must equal the one before UP, after the second UP the first UP's. min_age\n"
	"gates are skipped; data gates are checked. The target itself is only read.\n"
	"\n",
	opts,
	NULL,
	MP_OPT_GNU,
};

/* Reads the flags; -1 to go on, else the exit code. */
static int parse_flags(int argc, char **argv, rehearse_args *a)
{
	cli_common_init(&a->co);
	rehearse_opts_init(&a->o);
	cli_guard_init(&a->guard);
	mp_opt_result r;
	int ex = cli_parse(&help, argc, argv, a, &r);
	if (ex >= 0)
		return ex;
	a->o.watchdog_retries = a->guard.retries;
	a->o.watchdog = !a->guard.off;
	if (a->o.keep && a->o.scratch_url)
		return cli_usage("rehearse", "--keep is for the database rehearse creates; --scratch-url is never dropped");
	return -1;
}

static void print_diffs(const rehearse_result *res, FILE *out)
{
	for (size_t i = 0; i < res->n; i++) {
		const rehearse_step *s = &res->steps[i];
		if (*s->down_diff)
			fprintf(out, "DOWN of %s did not restore the schema (- before UP, + after DOWN):\n%s", s->name,
			        s->down_diff);
		if (*s->up_diff)
			fprintf(out, "UP of %s after its DOWN differs from the first UP (- first UP, + second UP):\n%s", s->name,
			        s->up_diff);
	}
}

static json_t *result_json(const rehearse_result *res)
{
	json_t *steps = json_array();
	for (size_t i = 0; i < res->n; i++) {
		const rehearse_step *s = &res->steps[i];
		json_array_append_new(steps, json_pack("{s:s, s:s?, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:I}", "name",
		                                       s->name, "phase", s->phase, "up_ms", (json_int_t)s->up_ms, "down_ms",
		                                       (json_int_t)s->down_ms, "up_again_ms", (json_int_t)s->up2_ms, "locks",
		                                       s->locks ? s->locks : "", "locks_how",
		                                       s->locks_how ? s->locks_how : "", "down_diff", s->down_diff,
		                                       "up_diff", s->up_diff, "differences", (json_int_t)s->differences));
	}
	return json_pack("{s:s?, s:b, s:I, s:I, s:o, s:I, s:o, s:o}", "scratch", res->scratch, "dropped", res->dropped,
	                 "replayed", (json_int_t)res->replayed, "rows_filled", (json_int_t)res->rows_filled, "steps",
	                 steps, "differences", (json_int_t)res->differences, "post_checks",
	                 postcheck_report_json(&res->checks), "watchdog", watchdog_events_json(res->wd));
}

static void report_result(const rehearse_result *res, const rt_report *r)
{
	postcheck_report_lines(&res->checks, r);
	for (size_t i = 0; i < watchdog_event_count(res->wd); i++) {
		const watchdog_event *e = watchdog_event_at(res->wd, i);
		report_line(r, "watchdog %s: %s: session %d waited %lld ms (threshold %lld ms)", e->kind, e->step,
		            e->app_pid, e->waited_ms, e->threshold_ms);
	}
}

int cli_rehearse(int argc, char **argv)
{
	rehearse_args a;
	int ex = parse_flags(argc, argv, &a);
	if (ex >= 0)
		return ex;
	mig_folder f;
	rt_conn *c = NULL;
	if ((ex = cli_open(&a.co, true, &f, &c)) != EXIT_OK)
		return ex;
	rt_report r = cli_reporter(&a.co);
	rehearse_result res;
	mp_error err = {0, ""};
	int rc = rehearse_run(c, &f, &a.o, &r, &res, &err);
	cli_progress_done();
	report_result(&res, &r);
	if (rc != MP_OK)
		ex = watchdog_gave_up(res.wd) ? EXIT_WATCHDOG : cli_exit_code(rc);
	else
		ex = res.differences ? EXIT_REHEARSE_DIFF : EXIT_OK;
	print_diffs(&res, a.co.json ? stderr : stdout);
	if (rc != MP_OK)
		cli_error("%s", err.msg);
	else
		report_line(&r, "rehearsal: %zu replayed, %zu pending rehearsed, %zu difference%s", res.replayed, res.n,
		            res.differences, res.differences == 1 ? "" : "s");
	if (a.co.json) {
		json_t *j = result_json(&res);
		json_object_set_new(j, "ok", json_boolean(ex == EXIT_OK));
		json_object_set_new(j, "error", rc == MP_OK ? json_null() : json_string(err.msg));
		json_object_set_new(j, "exit", json_integer(ex));
		cli_put_json(j);
	}
	rehearse_result_free(&res);
	conn_close(c);
	folder_free(&f);
	return ex;
}

/* ---- the watchdog and post-checks around apply ---- */

void cli_guard_init(cli_guard *g)
{
	memset(g, 0, sizeof *g);
	g->retries = WATCHDOG_DEFAULT_RETRIES;
}

int cli_guard_start(cli_guard *g, rt_conn *c, bool dry_run, struct watchdog **wd)
{
	mp_error err = {0, ""};
	ledger *l = xcalloc(1, sizeof *l);
	g->before = l;
	g->checks = xcalloc(1, sizeof(postcheck_report));
	int rc = ledger_read(c, l, &err);
	if (rc == MP_OK && !dry_run && !g->off)
		rc = watchdog_start(c, g->retries, &g->wd, &err);
	if (rc != MP_OK) {
		cli_error("%s", err.msg);
		return cli_exit_code(rc);
	}
	*wd = g->wd;
	return EXIT_OK;
}

int cli_guard_finish(cli_guard *g, rt_conn *c, const mig_folder *f, const rt_report *r, int ex)
{
	watchdog_stop(g->wd);
	for (size_t i = 0; i < watchdog_event_count(g->wd); i++) {
		const watchdog_event *e = watchdog_event_at(g->wd, i);
		report_line(r, "watchdog %s: %s: session %d waited %lld ms behind it (threshold %lld ms)", e->kind, e->step,
		            e->app_pid, e->waited_ms, e->threshold_ms);
	}
	if (watchdog_gave_up(g->wd))
		ex = EXIT_WATCHDOG;
	postcheck_report *pc = g->checks;
	if (pc) {
		mp_error err = {0, ""};
		/* The connection may be gone (the failure we report); checks are
		 * a bonus then, not a second error. */
		if (PQstatus(c->pg) == CONNECTION_OK && postcheck_applied_since(c, f, g->before, pc, &err) != MP_OK)
			report_line(r, "post-check skipped: %s", err.msg);
		postcheck_report_lines(pc, r);
	}
	return ex;
}

void cli_guard_json(const cli_guard *g, void *j)
{
	json_object_set_new(j, "watchdog", watchdog_events_json(g->wd));
	json_object_set_new(j, "post_checks", g->checks ? postcheck_report_json(g->checks) : json_array());
}

void cli_guard_free(cli_guard *g)
{
	watchdog_free(g->wd);
	if (g->before) {
		ledger_free(g->before);
		free(g->before);
	}
	if (g->checks) {
		postcheck_report_free(g->checks);
		free(g->checks);
	}
	memset(g, 0, sizeof *g);
}

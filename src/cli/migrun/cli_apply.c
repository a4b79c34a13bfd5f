/* migrun apply: pending migrations in folder order behind their gates, on one database or a fleet. */
#include "runtime/apply.h"
#include "cli/migrun/cli.h"
#include "cli/migrun/cli_fleet.h"
#include "migdir/manifest.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
	cli_common co;
	apply_opts o;
	cli_fleet_opts fo;
	cli_guard guard;
	long max_rate;
	bool wait_ok;
} apply_args;

static const mp_opt_spec opts[] = {
	MP_OPT_SWITCH(apply_args, o.dry_run, "dry-run", 0,
	              "rehearse transactional steps in a transaction that is\n"
	              "rolled back; stops at the first step that cannot be\n"
	              "rehearsed (CONCURRENTLY index, backfill)"),
	MP_OPT_STRING(apply_args, o.to, "to", 0, "ID", "an id", "stop after migration ID"),
	MP_OPT_LONG(apply_args, o.steps, "steps", 0, "N", 1, LONG_MAX, "a positive integer", "apply at most N migrations"),
	MP_OPT_INT(apply_args, o.allow_pending, "allow-pending", 0, "N", 0, 1000000, "a non-negative integer",
	           "let max_pending gates pass with up to N pending units (logged)"),
	MP_OPT_SWITCH(apply_args, o.retry_failed, "retry-failed", 0,
	              "retry generated steps that failed in one transaction (nothing\n"
	              "of them stayed): their failed ledger rows are marked rolled\n"
	              "back first, as `migrun resolve --rolled-back` does (logged)"),
	MP_OPT_DURATION(apply_args, o.lock_wait_ms, "lock-wait", "DURATION", "a duration such as 30s or 5m",
	                "give up waiting for the migration lock after DURATION\n"
	                "(default: wait as long as it takes)", 0),
	MP_OPT_INT(apply_args, o.lock_retries, "lock-retries", 0, "N", 0, 100, "an integer 0..100",
	           "retries of a step or batch after a lock_timeout (default 3)"),
	MP_OPT_LONG(apply_args, max_rate, "max-rate", 0, "ROWS/S", 1, LONG_MAX, "a positive number of rows per second",
	            "backfill throttle (default: unthrottled)"),
	MP_OPT_SWITCH(apply_args, wait_ok, "wait-ok", 0,
	              "exit 0 when the run stops at a min_age gate (the window is\n"
	              "still running: not a failure for a pipeline); other gates\n"
	              "still exit 6"),
	MP_OPT_DURATION(apply_args, o.backfill.batch_time_ms, "batch-time", "DUR", "a duration such as 20ms",
	                "size backfill batches so each holds its row locks under DUR\n"
	                "(default: the spec's batch_time, else 20ms; 0: fixed batches\n"
	                "of the spec's `batch N` rows)", MP_OPT_ZERO),
	MP_OPT_DURATION(apply_args, o.backfill.max_replica_lag_ms, "max-replica-lag", "DUR", "a duration such as 10s",
	                "pause backfills while a replica lags more (default 10s, 0: off)", MP_OPT_ZERO),
	MP_OPT_TEXT("\n"
	            "exit: 0 done or up to date (or waiting, with --wait-ok); 1 a step failed; 4 too many pending; 5 diverged or\n"
	            "failed ledger; 6 a gate is not met; 7 cannot connect; 8 verify failed;\n"
	            "10 the lock watchdog cancelled a step more than --watchdog-retries times.\n"
	            "After the run: ANALYZE of touched tables, index validity, sample query plans.\n"
	            "\n"),
	CLI_GUARD_OPTS(apply_args, guard),
	MP_OPT_TEXT("\nWith --fleet FILE, the same for every target of a fleet, in waves (docs/fleet.md).\n"),
	CLI_FLEET_OPTS(apply_args, fo),
	CLI_FLEET_APPLY_OPTS(apply_args, fo),
	CLI_COMMON_OPTS(apply_args, co),
	MP_OPT_END,
};

static const cli_help help = {
	"apply",
	"usage: migrun apply [-d DIR] [--dry-run] [--to ID] [--steps N] [options]\n"
	"\n"
	"Pre-flight (verify the manifest; refuse on a diverged or failed ledger, or on\n"
	"more pending migrations than max_pending allows), then, holding Prisma's\n"
	"advisory lock, applies pending migrations in folder order, each behind its\n"
	"gates and under its lock_timeout / statement_timeout. Backfill steps run\n"
	"natively in resumable batches.\n"
	"\n",
	opts,
	NULL,
	MP_OPT_GNU,
};

/* Reads the flags; -1 to go on, else the exit code. */
static int parse_flags(int argc, char **argv, apply_args *a)
{
	cli_common_init(&a->co);
	apply_opts_init(&a->o);
	cli_guard_init(&a->guard);
	cli_fleet_init(&a->fo);
	a->max_rate = 0;
	mp_opt_result r;
	int ex = cli_parse(&help, argc, argv, a, &r);
	if (ex >= 0)
		return ex;
	if (mp_opt_given(opts, &r, "lock-retries"))
		a->o.backfill.lock_retries = a->o.lock_retries > 5 ? a->o.lock_retries : 5;
	if (a->max_rate)
		a->o.backfill.max_rate = (double)a->max_rate;
	cli_fleet_given(&a->fo, opts, &r);
	if (a->o.to && a->o.steps)
		return cli_usage("apply", "--to and --steps exclude each other");
	return -1;
}

static bool waiting(int rc, const apply_result *res)
{
	return rc == MP_EGATE && res->gate_failed && res->gate == GATE_MIN_AGE;
}

static int exit_for(const apply_args *a, int rc, const apply_result *res)
{
	if (a->wait_ok && waiting(rc, res))
		return EXIT_OK;
	if (rc == MP_EGATE)
		return res->gate_failed && res->gate == GATE_MAX_PENDING ? EXIT_TOO_MANY : EXIT_GATE;
	return cli_exit_code(rc);
}

static void print_json(const apply_args *a, int rc, const apply_result *res, const mp_error *err, int ex)
{
	json_t *j = json_pack("{s:b, s:b, s:i, s:i, s:s?, s:s?, s:s?, s:i}", "ok", rc == MP_OK, "dry_run", a->o.dry_run,
	                      "applied", res->applied, "pending", res->pending_left, "stopped_at", res->stopped_at, "gate",
	                      res->gate_failed ? mf_gate_kind_name(res->gate) : NULL, "error",
	                      rc == MP_OK ? NULL : err->msg, "exit", ex);
	json_object_set_new(j, "waiting", json_boolean(waiting(rc, res)));
	cli_guard_json(&a->guard, j);
	cli_put_json(j);
}

/* One database: the guard around the run, then the report. */
static int apply_one(apply_args *a, mig_folder *f, rt_conn *c)
{
	rt_report r = cli_reporter(&a->co);
	int ex = cli_guard_start(&a->guard, c, a->o.dry_run, &a->o.wd);
	if (ex != EXIT_OK)
		return ex;
	apply_result res;
	mp_error err = {0, ""};
	int rc = apply_run(c, f, &a->o, &r, &res, &err);
	cli_progress_done();
	ex = cli_guard_finish(&a->guard, c, f, &r, exit_for(a, rc, &res));
	if (a->wait_ok && waiting(rc, &res) && ex == EXIT_OK)
		fprintf(stderr, "migrun: waiting: the window before %s is still running (%s); exit 0 (--wait-ok)\n",
		        res.stopped_at ? res.stopped_at : "?", err.msg);
	else if (rc == MP_EGATE)
		cli_error("gate not met before %s: %s", res.stopped_at ? res.stopped_at : "?", err.msg);
	else if (rc != MP_OK)
		cli_error("%s", err.msg);
	if (a->co.json)
		print_json(a, rc, &res, &err, ex);
	apply_result_free(&res);
	return ex;
}

int cli_apply(int argc, char **argv)
{
	apply_args a;
	int ex = parse_flags(argc, argv, &a);
	if (ex >= 0)
		return ex;
	if ((ex = cli_fleet_check("apply", &a.co, &a.fo)) != EXIT_OK)
		return ex;
	if (a.fo.file) {
		a.fo.watchdog_retries = a.guard.off ? -1 : a.guard.retries;
		return cli_fleet_apply(&a.co, &a.o, &a.fo);
	}
	mig_folder f;
	rt_conn *c = NULL;
	if ((ex = cli_open(&a.co, false, &f, &c)) != EXIT_OK)
		return ex;
	ex = apply_one(&a, &f, c);
	cli_guard_free(&a.guard);
	conn_close(c);
	folder_free(&f);
	return ex;
}

/* migrun rollback: the DOWN scripts of the last applied generated steps, newest first, after a confirmation. */
#include "cli/migrun/cli.h"
#include "runtime/apply.h"
#include "runtime/ledger.h"
#include "runtime/lock.h"
#include "runtime/rollback.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	cli_common co;
	long steps;
	const char *to;
	bool yes;
	long long lock_wait;
	long max_rate;
	long long max_replica_lag_ms;
	long long batch_time_ms; /* -1: not given */
	cli_guard guard;
	struct watchdog *wd;
} rollback_args;

static const mp_opt_spec opts[] = {
	MP_OPT_LONG(rollback_args, steps, "steps", 0, "N", 1, LONG_MAX, "a positive integer",
	            "roll back the last N applied migrations (default 1)"),
	MP_OPT_STRING(rollback_args, to, "to", 0, "ID", "an id", "roll back everything applied after ID (ID stays)"),
	MP_OPT_SWITCH(rollback_args, yes, "yes", 'y', "do not ask"),
	MP_OPT_DURATION(rollback_args, lock_wait, "lock-wait", "DUR", "a duration such as 30s",
	                "give up waiting for the migration lock after DUR", 0),
	MP_OPT_LONG(rollback_args, max_rate, "max-rate", 0, "ROWS/S", 1, LONG_MAX, "a positive number of rows per second",
	            "refill throttle of a DOWN in parts (default: unthrottled)"),
	MP_OPT_DURATION(rollback_args, batch_time_ms, "batch-time", "DUR", "a duration such as 20ms",
	                "size refill batches so each holds its row locks under DUR\n"
	                "(default: the spec's batch_time, else 20ms; 0: fixed)", MP_OPT_ZERO),
	MP_OPT_DURATION(rollback_args, max_replica_lag_ms, "max-replica-lag", "DUR", "a duration such as 10s",
	                "pause refills while a replica lags more (default 10s, 0: off)", MP_OPT_ZERO),
	CLI_GUARD_OPTS(rollback_args, guard),
	MP_OPT_TEXT("\n"
	            "exit: 0 done; 1 a DOWN failed; 2 usage or not confirmed; 5 ledger failed,\n"
	            "diverged or a plain migration in the way; 7 cannot connect; 8 manifest missing\n"
	            "or a DOWN's hash differs; 10 the lock watchdog cancelled a DOWN more than\n"
	            "--watchdog-retries times.\n"
	            "\n"),
	CLI_COMMON_OPTS(rollback_args, co),
	MP_OPT_END,
};

static const cli_help help = {
	"rollback",
	"usage: migrun rollback [-d DIR] [--steps N | --to ID] [--yes] [options]\n"
	"\n"
	"Runs the DOWN scripts (down.sql) of the last applied generated steps, newest\n"
	"first, each under its lock_timeout with the lock watchdog armed, in a\n"
	"transaction unless it holds a CONCURRENTLY statement, and sets rolled_back_at\n"
	"on their ledger rows: status then shows them pending and apply (or prisma\n"
	"migrate deploy) re-applies them. A DOWN that refills a column runs in parts:\n"
	"the schema in one transaction, the refill in batches, then NOT NULL again;\n"
	"run again after an interruption, it goes on where it stopped.\n"
	"Refuses when a DOWN differs from its manifest hash. Prints each DOWN's\n"
	"`-- WARNING:` lines first and asks for confirmation (--yes when stdin is not\n"
	"a terminal).\n"
	"\n",
	opts,
	NULL,
	MP_OPT_GNU,
};

static bool confirm(const rollback_plan *p, bool yes)
{
	for (size_t i = 0; i < p->n; i++) {
		fprintf(stderr, "will roll back %s\n", p->items[i].m->name);
		for (size_t j = 0; j < p->items[i].nwarnings; j++)
			fprintf(stderr, "  WARNING: %s\n", p->items[i].warnings[j]);
	}
	if (yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		cli_error("refusing to roll back without --yes (stdin is not a terminal)");
		return false;
	}
	fprintf(stderr, "Roll back %zu migration%s? [y/N] ", p->n, p->n == 1 ? "" : "s");
	char answer[16] = "";
	if (!fgets(answer, sizeof answer, stdin))
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* The plan points into the ledger rows: l lives as long as p. */
static int plan(rt_conn *c, const mig_folder *f, const rollback_args *a, ledger *l, rollback_plan *p, mp_error *err)
{
	memset(p, 0, sizeof *p);
	int rc = ledger_read(c, l, err);
	if (rc == MP_OK)
		rc = rollback_prepare(f, l, a->steps, a->to, p, err);
	return rc;
}

static bool same_plan(const rollback_plan *x, const rollback_plan *y)
{
	if (x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->items[i].m->name, y->items[i].m->name) != 0 || strcmp(x->items[i].row_id, y->items[i].row_id) != 0)
			return false;
	return true;
}

/* Under the migration lock: plan again and run, if nothing changed since
 * the plan that was confirmed. */
static int run_locked(const rollback_args *a, rt_conn *c, const mig_folder *f, const rollback_plan *confirmed,
                      const rt_report *r, int *done, mp_error *err)
{
	int rc = lock_acquire(c, a->lock_wait, r, err);
	if (rc != MP_OK)
		return rc;
	ledger l = {0};
	rollback_plan again;
	rc = plan(c, f, a, &l, &again, err);
	if (rc == MP_OK && !same_plan(confirmed, &again))
		rc = mp_error_set(err, MP_ESTATE, "the ledger changed while the rollback waited; nothing rolled back, "
		                                  "run it again to see the new plan");
	rollback_opts o;
	rollback_opts_init(&o);
	o.wd = a->wd;
	o.refill.max_rate = (double)a->max_rate;
	o.refill.max_replica_lag_ms = a->max_replica_lag_ms;
	o.refill.batch_time_ms = a->batch_time_ms;
	if (rc == MP_OK)
		rc = rollback_execute(c, &again, &o, r, done, err);
	rollback_plan_free(&again);
	ledger_free(&l);
	mp_error ignore;
	lock_release(c, &ignore);
	return rc;
}

/* Plan and confirm first, without the migration lock (a prompt must not
 * hold up every deploy), then run under it. */
static int run(const rollback_args *a, rt_conn *c, const mig_folder *f, const rt_report *r, int *done, mp_error *err,
               bool *declined)
{
	ledger l = {0};
	rollback_plan p = {0};
	/* A DOWN runs only from a verified folder: hashes, the chain and the
	 * paths, as apply checks them (issue 19, item 3); once per command
	 * (rehearse verifies at its start too). */
	int rc = apply_verify(f, err);
	if (rc == MP_OK)
		rc = plan(c, f, a, &l, &p, err);
	if (rc == MP_OK && p.n == 0)
		report_line(r, "nothing to roll back");
	else if (rc == MP_OK && !(*declined = !confirm(&p, a->yes)))
		rc = run_locked(a, c, f, &p, r, done, err);
	rollback_plan_free(&p);
	ledger_free(&l);
	return rc;
}

/* Plans, confirms, runs under the lock; prints and returns the exit code. */
static int rollback_locked(rollback_args *a, rt_conn *c, const mig_folder *f)
{
	rt_report r = cli_reporter(&a->co);
	mp_error err = {0, ""};
	int done = 0;
	bool declined = false;
	int ex = cli_guard_start(&a->guard, c, false, &a->wd);
	if (ex != EXIT_OK)
		return ex;
	int rc = run(a, c, f, &r, &done, &err, &declined);
	ex = declined ? EXIT_USAGE : cli_exit_code(rc);
	if (rc != MP_OK)
		cli_error("%s", err.msg);
	ex = cli_guard_finish(&a->guard, c, f, &r, ex);
	if (a->co.json) {
		json_t *j = json_pack("{s:b, s:i, s:s?, s:i}", "ok", rc == MP_OK && !declined && ex == EXIT_OK, "rolled_back",
		                      done, "error", rc == MP_OK ? NULL : err.msg, "exit", ex);
		cli_guard_json(&a->guard, j);
		cli_put_json(j);
	}
	return ex;
}

int cli_rollback(int argc, char **argv)
{
	rollback_args a = {.steps = 1, .max_replica_lag_ms = 10000, .batch_time_ms = -1};
	cli_common_init(&a.co);
	cli_guard_init(&a.guard);
	mp_opt_result r;
	int ex = cli_parse(&help, argc, argv, &a, &r);
	if (ex >= 0)
		return ex;
	if (a.to && mp_opt_given(opts, &r, "steps"))
		return cli_usage("rollback", "--steps and --to exclude each other");
	mig_folder f;
	rt_conn *c = NULL;
	if ((ex = cli_open(&a.co, true, &f, &c)) != EXIT_OK)
		return ex;
	ex = rollback_locked(&a, c, &f);
	cli_guard_free(&a.guard);
	conn_close(c);
	folder_free(&f);
	return ex;
}

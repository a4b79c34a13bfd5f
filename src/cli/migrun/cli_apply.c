#include "runtime/apply.h"
#include "cli/migrun/cli.h"
#include "cli/migrun/cli_fleet.h"
#include "migdir/manifest.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static const char help[] =
	"usage: migrun apply [-d DIR] [--dry-run] [--to ID] [--steps N] [options]\n"
	"\n"
	"Pre-flight (verify the manifest; refuse on a diverged or failed ledger, or on\n"
	"more pending migrations than max_pending allows), then, holding Prisma's\n"
	"advisory lock, applies pending migrations in folder order, each behind its\n"
	"gates and under its lock_timeout / statement_timeout. Backfill steps run\n"
	"natively in resumable batches.\n"
	"\n"
	"      --dry-run               rehearse transactional steps in a transaction that is\n"
	"                              rolled back; stops at the first step that cannot be\n"
	"                              rehearsed (CONCURRENTLY index, backfill)\n"
	"      --to ID                 stop after migration ID\n"
	"      --steps N               apply at most N migrations\n"
	"      --allow-pending N       let max_pending gates pass with up to N pending units (logged)\n"
	"      --retry-failed          retry generated steps that failed in one transaction (nothing\n"
	"                              of them stayed): their failed ledger rows are marked rolled\n"
	"                              back first, as `migrun resolve --rolled-back` does (logged)\n"
	"      --lock-wait DURATION    give up waiting for the migration lock after DURATION\n"
	"                              (default: wait as long as it takes)\n"
	"      --lock-retries N        retries of a step or batch after a lock_timeout (default 3)\n"
	"      --max-rate ROWS/S       backfill throttle (default: unthrottled)\n"
	"      --max-replica-lag DUR   pause backfills while a replica lags more (default 10s, 0: off)\n"
	"\n"
	"exit: 0 done or up to date; 1 a step failed; 4 too many pending; 5 diverged or\n"
	"failed ledger; 6 a gate is not met; 7 cannot connect; 8 verify failed;\n"
	"10 the lock watchdog cancelled a step more than --watchdog-retries times.\n"
	"After the run: ANALYZE of touched tables, index validity, sample query plans.\n"
	"\n" CLI_GUARD_HELP
	"\n"
	"With --fleet FILE, the same for every target of a fleet, in waves (docs/fleet.md).\n"
	CLI_FLEET_HELP CLI_FLEET_APPLY_HELP CLI_COMMON_HELP;

enum {
	OPT_DRY_RUN = OPT_FIRST_LOCAL, OPT_TO, OPT_STEPS, OPT_ALLOW_PENDING, OPT_LOCK_WAIT, OPT_LOCK_RETRIES,
	OPT_MAX_RATE, OPT_MAX_LAG, OPT_RETRY_FAILED,
};

/* --watchdog-retries / --no-watchdog, read by parse_flags. */
static cli_guard guard;

static int parse_flags(int argc, char **argv, cli_common *co, apply_opts *o, cli_fleet_opts *fo)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		CLI_FLEET_LONGOPTS,
		CLI_FLEET_APPLY_LONGOPTS,
		CLI_GUARD_LONGOPTS,
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"to", required_argument, NULL, OPT_TO},
		{"steps", required_argument, NULL, OPT_STEPS},
		{"allow-pending", required_argument, NULL, OPT_ALLOW_PENDING},
		{"retry-failed", no_argument, NULL, OPT_RETRY_FAILED},
		{"lock-wait", required_argument, NULL, OPT_LOCK_WAIT},
		{"lock-retries", required_argument, NULL, OPT_LOCK_RETRIES},
		{"max-rate", required_argument, NULL, OPT_MAX_RATE},
		{"max-replica-lag", required_argument, NULL, OPT_MAX_LAG},
		{NULL, 0, NULL, 0},
	};
	int opt;
	long v;
	while ((opt = getopt_long(argc, argv, "d:hj:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(help, stdout);
			return -1;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_TO:
			o->to = optarg;
			break;
		case OPT_STEPS:
			if (!cli_parse_long(optarg, &v) || v == 0)
				return cli_usage("apply", "--steps needs a positive integer, not '%s'", optarg);
			o->steps = v;
			break;
		case OPT_RETRY_FAILED:
			o->retry_failed = true;
			break;
		case OPT_ALLOW_PENDING:
			if (!cli_parse_long(optarg, &v) || v > 1000000)
				return cli_usage("apply", "--allow-pending needs a non-negative integer, not '%s'", optarg);
			o->allow_pending = (int)v;
			break;
		case OPT_LOCK_WAIT:
			if (!cli_parse_duration(optarg, &o->lock_wait_ms))
				return cli_usage("apply", "--lock-wait needs a duration such as 30s or 5m, not '%s'", optarg);
			break;
		case OPT_LOCK_RETRIES:
			if (!cli_parse_long(optarg, &v) || v > 100)
				return cli_usage("apply", "--lock-retries needs an integer 0..100, not '%s'", optarg);
			o->lock_retries = (int)v;
			o->backfill.lock_retries = (int)v > 5 ? (int)v : 5;
			break;
		case OPT_MAX_RATE:
			if (!cli_parse_long(optarg, &v) || v == 0)
				return cli_usage("apply", "--max-rate needs a positive number of rows per second, not '%s'",
				                 optarg);
			o->backfill.max_rate = (double)v;
			break;
		case OPT_MAX_LAG:
			if (!cli_parse_duration(optarg, &o->backfill.max_replica_lag_ms) &&
			    !(optarg[0] == '0' && optarg[1] == '\0'))
				return cli_usage("apply", "--max-replica-lag needs a duration such as 10s, not '%s'", optarg);
			if (optarg[0] == '0' && optarg[1] == '\0')
				o->backfill.max_replica_lag_ms = 0;
			break;
		default:
			if ((v = cli_guard_opt(opt, optarg, "apply", &guard)) >= 0) {
				if (v != EXIT_OK)
					return (int)v;
				break;
			}
			if ((v = cli_fleet_opt(opt, optarg, "apply", fo)) >= 0) {
				if (v != EXIT_OK)
					return (int)v;
				break;
			}
			if (!cli_common_opt(opt, optarg, co))
				return cli_usage("apply", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage("apply", "unexpected argument '%s'", argv[optind]);
	if (o->to && o->steps)
		return cli_usage("apply", "--to and --steps exclude each other");
	return EXIT_OK;
}

static int exit_for(int rc, const apply_result *res)
{
	if (rc == MP_EGATE)
		return res->gate_failed && res->gate == GATE_MAX_PENDING ? EXIT_TOO_MANY : EXIT_GATE;
	return cli_exit_code(rc);
}

int cli_apply(int argc, char **argv)
{
	cli_common co;
	cli_common_init(&co);
	apply_opts o;
	apply_opts_init(&o);
	cli_guard_init(&guard);
	cli_fleet_opts fo;
	cli_fleet_init(&fo);
	int ex = parse_flags(argc, argv, &co, &o, &fo);
	if (ex != EXIT_OK)
		return ex < 0 ? EXIT_OK : ex;
	if ((ex = cli_fleet_check("apply", &co, &fo)) != EXIT_OK)
		return ex;
	if (fo.file) {
		fo.watchdog_retries = guard.off ? -1 : guard.retries;
		return cli_fleet_apply(&co, &o, &fo);
	}
	mig_folder f;
	rt_conn *c = NULL;
	if ((ex = cli_open(&co, false, &f, &c)) != EXIT_OK)
		return ex;
	rt_report r = cli_reporter(&co);
	if ((ex = cli_guard_start(&guard, c, o.dry_run, &o.wd)) != EXIT_OK) {
		cli_guard_free(&guard);
		conn_close(c);
		folder_free(&f);
		return ex;
	}
	apply_result res;
	mp_error err = {0, ""};
	int rc = apply_run(c, &f, &o, &r, &res, &err);
	cli_progress_done();
	ex = cli_guard_finish(&guard, c, &f, &r, exit_for(rc, &res));
	if (rc != MP_OK) {
		if (rc == MP_EGATE)
			cli_error("gate not met before %s: %s", res.stopped_at ? res.stopped_at : "?", err.msg);
		else
			cli_error("%s", err.msg);
	}
	if (co.json) {
		json_t *j = json_pack("{s:b, s:b, s:i, s:i, s:s?, s:s?, s:s?, s:i}", "ok", rc == MP_OK, "dry_run", o.dry_run,
		                      "applied", res.applied, "pending", res.pending_left, "stopped_at", res.stopped_at,
		                      "gate", res.gate_failed ? mf_gate_kind_name(res.gate) : NULL, "error",
		                      rc == MP_OK ? NULL : err.msg, "exit", ex);
		cli_guard_json(&guard, j);
		char *text = json_dumps(j, JSON_INDENT(2));
		puts(text);
		free(text);
		json_decref(j);
	}
	apply_result_free(&res);
	cli_guard_free(&guard);
	conn_close(c);
	folder_free(&f);
	return ex;
}

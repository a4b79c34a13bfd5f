#include "cli/migrun/cli.h"
#include "runtime/ledger.h"
#include "runtime/lock.h"
#include "runtime/rollback.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: migrun rollback [-d DIR] [--steps N | --to ID] [--yes] [options]\n"
	"\n"
	"Runs the DOWN scripts (down.sql) of the last applied generated steps, newest\n"
	"first, each under its lock_timeout, in a transaction unless it holds a\n"
	"CONCURRENTLY statement, and sets rolled_back_at on their ledger rows: status\n"
	"then shows them pending and apply (or prisma migrate deploy) re-applies them.\n"
	"Refuses when a DOWN differs from its manifest hash. Prints each DOWN's\n"
	"`-- WARNING:` lines first and asks for confirmation (--yes when stdin is not\n"
	"a terminal).\n"
	"\n"
	"      --steps N           roll back the last N applied migrations (default 1)\n"
	"      --to ID             roll back everything applied after ID (ID stays)\n"
	"  -y, --yes               do not ask\n"
	"      --lock-wait DUR     give up waiting for the migration lock after DUR\n"
	"\n"
	"exit: 0 done; 1 a DOWN failed; 2 usage or not confirmed; 5 ledger failed,\n"
	"diverged or a plain migration in the way; 7 cannot connect; 8 manifest missing\n"
	"or a DOWN's hash differs.\n"
	"\n" CLI_COMMON_HELP;

enum { OPT_STEPS = OPT_FIRST_LOCAL, OPT_TO, OPT_LOCK_WAIT };

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

static int run(rt_conn *c, const mig_folder *f, long steps, const char *to, bool yes, const rt_report *r,
               int *done, mp_error *err, bool *declined)
{
	ledger l;
	int rc = ledger_read(c, &l, err);
	if (rc != MP_OK)
		return rc;
	rollback_plan p;
	rc = rollback_prepare(f, &l, steps, to, &p, err);
	if (rc == MP_OK && p.n == 0)
		report_line(r, "nothing to roll back");
	else if (rc == MP_OK && !(*declined = !confirm(&p, yes)))
		rc = rollback_execute(c, &p, 3, 500, r, done, err);
	if (rc == MP_OK || p.n)
		rollback_plan_free(&p);
	ledger_free(&l);
	return rc;
}

int cli_rollback(int argc, char **argv)
{
	cli_common co;
	cli_common_init(&co);
	long steps = 1;
	const char *to = NULL;
	bool yes = false, steps_given = false;
	long long lock_wait = 0;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"steps", required_argument, NULL, OPT_STEPS},
		{"to", required_argument, NULL, OPT_TO},
		{"yes", no_argument, NULL, 'y'},
		{"lock-wait", required_argument, NULL, OPT_LOCK_WAIT},
		{NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "d:hy", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		} else if (opt == 'y') {
			yes = true;
		} else if (opt == OPT_STEPS) {
			if (!cli_parse_long(optarg, &steps) || steps == 0)
				return cli_usage("rollback", "--steps needs a positive integer, not '%s'", optarg);
			steps_given = true;
		} else if (opt == OPT_TO) {
			to = optarg;
		} else if (opt == OPT_LOCK_WAIT) {
			if (!cli_parse_duration(optarg, &lock_wait))
				return cli_usage("rollback", "--lock-wait needs a duration such as 30s, not '%s'", optarg);
		} else if (!cli_common_opt(opt, optarg, &co)) {
			return cli_usage("rollback", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage("rollback", "unexpected argument '%s'", argv[optind]);
	if (to && steps_given)
		return cli_usage("rollback", "--steps and --to exclude each other");
	mig_folder f;
	rt_conn *c = NULL;
	int ex = cli_open(&co, true, &f, &c);
	if (ex != EXIT_OK)
		return ex;
	rt_report r = cli_reporter(&co);
	mp_error err = {0, ""};
	int done = 0;
	bool declined = false;
	int rc = lock_acquire(c, lock_wait, &r, &err);
	if (rc == MP_OK) {
		rc = run(c, &f, steps, to, yes, &r, &done, &err, &declined);
		mp_error ignore;
		lock_release(c, &ignore);
	}
	ex = declined ? EXIT_USAGE : cli_exit_code(rc);
	if (rc != MP_OK)
		cli_error("%s", err.msg);
	if (co.json) {
		json_t *j = json_pack("{s:b, s:i, s:s?, s:i}", "ok", rc == MP_OK && !declined, "rolled_back", done, "error",
		                      rc == MP_OK ? NULL : err.msg, "exit", ex);
		char *text = json_dumps(j, JSON_INDENT(2));
		puts(text);
		free(text);
		json_decref(j);
	}
	conn_close(c);
	folder_free(&f);
	return ex;
}

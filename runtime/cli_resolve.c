#include "cli.h"
#include "lock.h"
#include "resolve.h"

#include <getopt.h>
#include <stdio.h>

static const char help[] =
	"usage: migrun resolve (--applied ID | --rolled-back ID) [-d DIR] [options]\n"
	"\n"
	"Manual ledger reconciliation, with `prisma migrate resolve` semantics:\n"
	"  --applied ID      record migration ID as applied without running it (its\n"
	"                    failed rows, if any, are marked rolled back first)\n"
	"  --rolled-back ID  mark the failed migration ID as rolled back, so apply (or\n"
	"                    prisma migrate deploy) runs it again\n"
	"\n"
	"exit: 0 done; 2 usage; 5 the migration is not in the state the flag needs;\n"
	"7 cannot connect; 8 unreadable folder.\n"
	"\n" CLI_COMMON_HELP;

enum { OPT_APPLIED = OPT_FIRST_LOCAL, OPT_ROLLED_BACK };

int cli_resolve(int argc, char **argv)
{
	cli_common co;
	cli_common_init(&co);
	const char *applied = NULL, *rolled = NULL;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"applied", required_argument, NULL, OPT_APPLIED},
		{"rolled-back", required_argument, NULL, OPT_ROLLED_BACK},
		{NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		} else if (opt == OPT_APPLIED) {
			applied = optarg;
		} else if (opt == OPT_ROLLED_BACK) {
			rolled = optarg;
		} else if (!cli_common_opt(opt, optarg, &co)) {
			return cli_usage("resolve", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage("resolve", "unexpected argument '%s'", argv[optind]);
	if (!applied == !rolled)
		return cli_usage("resolve", "give exactly one of --applied ID or --rolled-back ID");
	mig_folder f;
	int ex = cli_load_folder(&co, false, &f);
	if (ex != EXIT_OK)
		return ex;
	rt_conn *c = NULL;
	if ((ex = cli_connect(&co, &c)) != EXIT_OK) {
		folder_free(&f);
		return ex;
	}
	rt_report r = cli_reporter(&co);
	mp_error err = {0, ""};
	int rc = lock_acquire(c, 0, &r, &err);
	if (rc == MP_OK) {
		rc = applied ? resolve_applied(c, &f, applied, &err) : resolve_rolled_back(c, &f, rolled, &err);
		mp_error ignore;
		lock_release(c, &ignore);
	}
	if (rc == MP_OK)
		report_line(&r, "%s marked %s", applied ? applied : rolled, applied ? "applied" : "rolled back");
	else
		cli_error("%s", err.msg);
	conn_close(c);
	folder_free(&f);
	return cli_exit_code(rc);
}

#include "cli/migrun/cli.h"
#include "runtime/lock.h"
#include "runtime/resolve.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static const char help[] =
	"usage: migrun resolve (--applied ID | --rolled-back ID | --rebase) [-d DIR] [options]\n"
	"\n"
	"Manual ledger reconciliation, with `prisma migrate resolve` semantics:\n"
	"  --applied ID      record migration ID as applied without running it (its\n"
	"                    failed rows, if any, are marked rolled back first)\n"
	"  --rolled-back ID  mark the failed migration ID as rolled back, so apply (or\n"
	"                    prisma migrate deploy) runs it again\n"
	"  --rebase          after `migc rebase` renamed steps: rows applied under a\n"
	"                    step's old id get its new id and checksum, in one\n"
	"                    transaction, started_at/finished_at kept; only when the SQL\n"
	"                    is identical but for the id (else exit 5, nothing changed)\n"
	"\n"
	"exit: 0 done; 2 usage; 5 the migration is not in the state the flag needs;\n"
	"7 cannot connect; 8 unreadable folder.\n"
	"\n" CLI_COMMON_HELP;

enum { OPT_APPLIED = OPT_FIRST_LOCAL, OPT_ROLLED_BACK, OPT_REBASE };

static int run_rebase(rt_conn *c, const mig_folder *f, const cli_common *co, rt_report *r)
{
	resolve_renamed *v = NULL;
	size_t n = 0;
	mp_error err = {0, ""};
	int rc = resolve_rebase(c, f, &v, &n, &err);
	if (rc != MP_OK) {
		cli_error("%s", err.msg);
		return cli_exit_code(rc);
	}
	if (co->json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "from", v[i].from, "to", v[i].to, "started_at",
			                                   v[i].started_at));
		json_t *o = json_pack("{s:o}", "renamed", a);
		char *s = json_dumps(o, JSON_INDENT(2));
		puts(s);
		free(s);
		json_decref(o);
	}
	for (size_t i = 0; i < n; i++)
		report_line(r, "%s renamed %s (same SQL; applied at %s)", v[i].from, v[i].to, v[i].started_at);
	if (n == 0)
		report_line(r, "nothing to do: no row is applied under an old id of a step in %s", f->dir);
	resolve_renamed_free(v, n);
	return EXIT_OK;
}

int cli_resolve(int argc, char **argv)
{
	cli_common co;
	cli_common_init(&co);
	const char *applied = NULL, *rolled = NULL;
	bool rebase = false;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"applied", required_argument, NULL, OPT_APPLIED},
		{"rolled-back", required_argument, NULL, OPT_ROLLED_BACK},
		{"rebase", no_argument, NULL, OPT_REBASE},
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
		} else if (opt == OPT_REBASE) {
			rebase = true;
		} else if (!cli_common_opt(opt, optarg, &co)) {
			return cli_usage("resolve", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage("resolve", "unexpected argument '%s'", argv[optind]);
	if ((applied != NULL) + (rolled != NULL) + rebase != 1)
		return cli_usage("resolve", "give exactly one of --applied ID, --rolled-back ID or --rebase");
	mig_folder f;
	rt_conn *c = NULL;
	int ex = cli_open(&co, false, &f, &c);
	if (ex != EXIT_OK)
		return ex;
	rt_report r = cli_reporter(&co);
	mp_error err = {0, ""};
	int rc = lock_acquire(c, 0, &r, &err);
	if (rc == MP_OK && rebase) {
		ex = run_rebase(c, &f, &co, &r);
		mp_error ignore;
		lock_release(c, &ignore);
		conn_close(c);
		folder_free(&f);
		return ex;
	}
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

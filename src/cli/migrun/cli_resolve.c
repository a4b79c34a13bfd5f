/* migrun resolve: mark a migration applied or rolled back without running it, or follow a `migc rebase`. */
#include "cli/migrun/cli.h"
#include "runtime/lock.h"
#include "runtime/resolve.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
	cli_common co;
	const char *applied, *rolled;
	bool rebase;
} resolve_args;

static const mp_opt_spec opts[] = {
	MP_OPT_STRING(resolve_args, applied, "applied", 0, "ID", "an id",
	              "record migration ID as applied without running it (its\n"
	              "failed rows, if any, are marked rolled back first)"),
	MP_OPT_STRING(resolve_args, rolled, "rolled-back", 0, "ID", "an id",
	              "mark the failed migration ID as rolled back, so apply (or\n"
	              "prisma migrate deploy) runs it again"),
	MP_OPT_SWITCH(resolve_args, rebase, "rebase", 0,
	              "after `migc rebase` renamed steps: rows applied under a\n"
	              "step's old id get its new id and checksum, in one\n"
	              "transaction, started_at/finished_at kept; only when the SQL\n"
	              "is identical but for the id (else exit 5, nothing changed)"),
	MP_OPT_TEXT("\n"
	            "exit: 0 done; 2 usage; 5 the migration is not in the state the flag needs;\n"
	            "7 cannot connect; 8 unreadable folder.\n"
	            "\n"),
	CLI_COMMON_OPTS(resolve_args, co),
	MP_OPT_END,
};

static const cli_help help = {
	"resolve",
	"usage: migrun resolve (--applied ID | --rolled-back ID | --rebase) [-d DIR] [options]\n"
	"\n"
	"Manual ledger reconciliation, with `prisma migrate resolve` semantics:\n",
	opts,
	NULL,
	MP_OPT_GNU,
};

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
		cli_put_json(json_pack("{s:o}", "renamed", a));
	}
	for (size_t i = 0; i < n; i++)
		report_line(r, "%s renamed %s (same SQL; applied at %s)", v[i].from, v[i].to, v[i].started_at);
	if (n == 0)
		report_line(r, "nothing to do: no row is applied under an old id of a step in %s", f->dir);
	resolve_renamed_free(v, n);
	return EXIT_OK;
}

/* --applied or --rolled-back, under the migration lock. */
static int run_mark(rt_conn *c, const mig_folder *f, const resolve_args *a, rt_report *r)
{
	mp_error err = {0, ""};
	int rc = lock_acquire(c, 0, r, &err);
	if (rc == MP_OK) {
		rc = a->applied ? resolve_applied(c, f, a->applied, &err) : resolve_rolled_back(c, f, a->rolled, &err);
		mp_error ignore;
		lock_release(c, &ignore);
	}
	if (rc == MP_OK)
		report_line(r, "%s marked %s", a->applied ? a->applied : a->rolled, a->applied ? "applied" : "rolled back");
	else
		cli_error("%s", err.msg);
	return cli_exit_code(rc);
}

/* --rebase, under the migration lock. */
static int run_rebase_locked(rt_conn *c, const mig_folder *f, const cli_common *co, rt_report *r)
{
	mp_error err = {0, ""};
	int rc = lock_acquire(c, 0, r, &err);
	if (rc != MP_OK) {
		cli_error("%s", err.msg);
		return cli_exit_code(rc);
	}
	int ex = run_rebase(c, f, co, r);
	mp_error ignore;
	lock_release(c, &ignore);
	return ex;
}

int cli_resolve(int argc, char **argv)
{
	resolve_args a = {.applied = NULL};
	cli_common_init(&a.co);
	mp_opt_result opt;
	int ex = cli_parse(&help, argc, argv, &a, &opt);
	if (ex >= 0)
		return ex;
	if ((a.applied != NULL) + (a.rolled != NULL) + a.rebase != 1)
		return cli_usage("resolve", "give exactly one of --applied ID, --rolled-back ID or --rebase");
	mig_folder f;
	rt_conn *c = NULL;
	if ((ex = cli_open(&a.co, false, &f, &c)) != EXIT_OK)
		return ex;
	rt_report r = cli_reporter(&a.co);
	ex = a.rebase ? run_rebase_locked(c, &f, &a.co, &r) : run_mark(c, &f, &a, &r);
	conn_close(c);
	folder_free(&f);
	return ex;
}

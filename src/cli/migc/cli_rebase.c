/* migc rebase [SPEC.mig...] [-d DIR] [--applied-from FILE]... [--force] [--dry-run] [--json]: re-chain a merge. */
#include "cli/migc/cli.h"
#include "cli/project.h"
#include "history/history.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	rebase_opts o;
	mp_opt_list applied;
	const char *config;
	bool json;
} rebase_args;

static const mp_opt_spec opts[] = {
	CLI_DIR_OPT(rebase_args, o.dir),
	CLI_CONFIG_OPT(rebase_args, config),
	MP_OPT_LIST(rebase_args, applied, "applied-from", 0, "FILE", "a file",
	            "migrations applied in one database: `migrun status --json`\n"
	            "output, or one migration name a line (repeatable)"),
	MP_OPT_SWITCH(rebase_args, o.force, "force", 0,
	              "pin nothing: applied steps may be renamed too (then run\n"
	              "`migrun resolve --rebase` on the databases that applied them)"),
	MP_OPT_SWITCH(rebase_args, o.dry_run, "dry-run", 0, "say what would change, write nothing"),
	MP_OPT_SWITCH(rebase_args, json, "json", 0, "print a JSON summary on stdout"),
	MP_OPT_HELP("this help"),
	MP_OPT_END,
};

static const cli_help usage = {
	"rebase",
	"usage: migc rebase [SPEC.mig...] [-d DIR] [--applied-from FILE]... [--force] [--dry-run] [--json]\n"
	"\n"
	"Re-chains a migrations folder after a merge brought lifecycles compiled on two\n"
	"branches together. Lifecycles run in id order; pinned steps (possibly applied\n"
	"somewhere) keep their ids; every other lifecycle keeps its id when it already\n"
	"runs after the last pinned step, and is otherwise moved just after it (its `at`\n"
	"id is edited in its spec). Then all specs are compiled again and the manifest\n"
	"rewritten, so the result depends only on the specs and the pinned set.\n"
	"\n"
	"Pinned: the steps the manifest lists (with git conflict markers: its first, HEAD\n"
	"side); with --applied-from, exactly the migrations those ledgers applied.\n"
	"Specs: the ones the generated steps name, or those given.\n"
	"\n",
	opts,
	"\n"
	"Exit: 0 done (or nothing to do), 1 spec errors or a pinned step would have to move\n"
	"(nothing written), 2 bad usage, 3 file system error.\n",
	MP_OPT_PLAIN,
};

static void print_json(const rebase_result *r, const char *dir, bool dry)
{
	json_t *ren = json_array(), *steps = json_array(), *rm = json_array(), *specs = json_array();
	for (size_t i = 0; i < r->nrenames; i++)
		json_array_append_new(ren, json_pack("{s:s, s:s, s:s, s:s}", "lifecycle", r->renames[i].lifecycle, "spec",
		                                     r->renames[i].spec, "from", r->renames[i].from, "to", r->renames[i].to));
	for (size_t i = 0; i < r->nsteps_renamed; i++)
		json_array_append_new(steps, json_pack("{s:s, s:s}", "from", r->steps[i].from, "to", r->steps[i].to));
	for (size_t i = 0; i < r->nremoved; i++)
		json_array_append_new(rm, json_string(r->removed[i]));
	for (size_t i = 0; i < r->nspecs; i++)
		json_array_append_new(specs, json_string(r->specs[i]));
	json_t *o = json_pack("{s:s, s:b, s:s, s:i, s:i, s:o, s:o, s:o, s:o}", "dir", dir, "written", !dry, "pinned_by",
	                      r->pinned_by, "pinned_lifecycles", (int)r->npinned, "steps", (int)r->nplan, "specs", specs,
	                      "renamed", ren, "renamed_steps", steps, "removed", rm);
	char *s = json_dumps(o, JSON_INDENT(2));
	puts(s);
	free(s);
	json_decref(o);
}

static void print_human(const rebase_result *r, const char *dir, bool dry)
{
	printf("pinned: %zu lifecycle%s (%s)\n", r->npinned, r->npinned == 1 ? "" : "s", r->pinned_by);
	for (size_t i = 0; i < r->nrenames; i++)
		printf("%s lifecycle %s (%s): at %s -> %s\n", dry ? "would move" : "moved", r->renames[i].lifecycle,
		       r->renames[i].spec, r->renames[i].from, r->renames[i].to);
	for (size_t i = 0; i < r->nsteps_renamed; i++)
		printf("  %s -> %s\n", r->steps[i].from, r->steps[i].to);
	for (size_t i = 0; i < r->nremoved; i++)
		printf("removed stale generated step %s\n", r->removed[i]);
	if (dry)
		printf("%zu step%s; nothing written (--dry-run)\n", r->nplan, r->nplan == 1 ? "" : "s");
	else
		printf("%zu step%s in %s, manifest re-chained%s\n", r->nplan, r->nplan == 1 ? "" : "s", dir,
		       r->nrenames ? "; commit the edited specs with the folders" : "");
}

static int rebase_run(const rebase_opts *o, bool json)
{
	diag_list diags;
	diag_list_init(&diags);
	mp_error err = {0, ""};
	rebase_result r;
	int exit_code = MIGC_EXIT_OK;
	int rc = history_rebase(o, &diags, &r, &err);
	diag_sort(&diags);
	diag_print_all(stderr, &diags, diag_use_color(stderr));
	if (rc == MP_EIO) {
		fprintf(stderr, "migc rebase: %s\n", err.msg);
		exit_code = MIGC_EXIT_IO;
	} else if (rc != MP_OK) {
		if (err.msg[0])
			fprintf(stderr, "migc rebase: %s\n", err.msg);
		fprintf(stderr, "migc rebase: nothing written\n");
		exit_code = MIGC_EXIT_FINDINGS;
	} else if (json) {
		print_json(&r, o->dir, o->dry_run);
	} else {
		print_human(&r, o->dir, o->dry_run);
	}
	rebase_result_free(&r);
	diag_list_free(&diags);
	return exit_code;
}

static int rebase_main(void *args, const mp_opt_list *specs)
{
	rebase_args *a = args;
	if (a->o.force && a->applied.n) {
		fprintf(stderr, "migc rebase: --force pins nothing, --applied-from pins what a ledger applied: give one\n");
		return MIGC_EXIT_USAGE;
	}
	a->o.specs = specs->items;
	a->o.nspecs = specs->n;
	a->o.applied_from = a->applied.items;
	a->o.napplied_from = a->applied.n;
	char *dir = NULL;
	int ex = cli_pick_path(a->config, CLI_PICK_MIGRATIONS, a->o.dir, "-d/--dir DIR", "rebase", &dir);
	if (ex != MIGC_EXIT_OK)
		return ex;
	a->o.dir = dir;
	ex = rebase_run(&a->o, a->json);
	free(dir);
	return ex;
}

int cli_rebase(int argc, char **argv)
{
	rebase_args a = {{0}, {NULL, 0}, NULL, false};
	int ex = cli_run(&usage, argc, argv, &a, rebase_main);
	free(a.applied.items);
	return ex;
}

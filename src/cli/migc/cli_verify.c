/* migc verify [-d DIR] [--json]: does the migrations folder agree with its manifest? */
#include "cli/migc/cli.h"
#include "cli/project.h"
#include "history/history.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *dir, *config;
	bool json;
} verify_args;

static const mp_opt_spec opts[] = {
	CLI_DIR_OPT(verify_args, dir),
	CLI_CONFIG_OPT(verify_args, config),
	MP_OPT_SWITCH(verify_args, json, "json", 0, "print the findings as JSON on stdout"),
	MP_OPT_HELP("this help"),
	MP_OPT_END,
};

static const cli_help usage = {
	"verify",
	"usage: migc verify [-d DIR] [--json]\n"
	"\n"
	"Checks, offline, that the migrations folder and its gate manifest agree after a\n"
	"merge: no git conflict markers in the manifest, its chain recomputes, it lists the\n"
	"generated folders in folder order and every folder it lists exists with the\n"
	"hashes it records, and no two lifecycles' steps collide or interleave. When\n"
	"they do not agree, the steps concerned are named by lifecycle and spec and\n"
	"grouped by where they come from (each side of a conflict, the manifest, or\n"
	"only the folder). `migc rebase` repairs it (docs/branches.md).\n"
	"\n",
	opts,
	"\n"
	"Exit: 0 consistent, 1 inconsistent, 2 bad usage, 3 the folder cannot be read.\n",
	MP_OPT_PLAIN | MP_OPT_NO_OPERANDS,
};

static void print_json(const hist_report *r)
{
	json_t *fs = json_array(), *gs = json_array();
	for (size_t i = 0; i < r->nfindings; i++)
		json_array_append_new(fs, json_pack("{s:s, s:s?, s:s}", "kind", hist_kind_name(r->findings[i].kind), "step",
		                                    r->findings[i].step, "message", r->findings[i].message));
	for (size_t i = 0; i < r->ngroups; i++) {
		const hist_group *g = &r->groups[i];
		json_t *steps = json_array();
		for (size_t k = 0; k < g->nsteps; k++)
			json_array_append_new(steps, json_string(g->steps[k]));
		json_array_append_new(gs, json_pack("{s:s, s:s?, s:s, s:b, s:o}", "lifecycle", g->lifecycle, "spec", g->spec,
		                                    "origin", hist_where_label(r, g->where), "involved", g->involved,
		                                    "steps", steps));
	}
	json_t *o = json_pack("{s:s, s:b, s:b, s:o, s:o}", "dir", r->dir, "ok", r->nfindings == 0, "conflicted",
	                      r->conflicted, "findings", fs, "groups", gs);
	if (r->conflicted)
		json_object_set_new(o, "sides", json_pack("{s:s, s:s}", "ours", r->ours_label, "theirs", r->theirs_label));
	char *s = json_dumps(o, JSON_INDENT(2));
	puts(s);
	free(s);
	json_decref(o);
}

static void print_human(const hist_report *r)
{
	if (r->nfindings == 0) {
		size_t n = 0;
		for (size_t i = 0; i < r->nsteps; i++)
			n += r->steps[i].generated;
		printf("%s: %zu generated step%s, manifest and folder agree\n", r->dir, n, n == 1 ? "" : "s");
		return;
	}
	fprintf(stderr, "migc verify: %s does not agree with its manifest (%zu problem%s)\n", r->dir, r->nfindings,
	        r->nfindings == 1 ? "" : "s");
	for (size_t i = 0; i < r->nfindings; i++)
		fprintf(stderr, "  %s: %s\n", hist_kind_name(r->findings[i].kind), r->findings[i].message);
	bool header = false;
	for (size_t i = 0; i < r->ngroups; i++) {
		const hist_group *g = &r->groups[i];
		if (!g->involved)
			continue;
		if (!header)
			fprintf(stderr, "steps concerned, by origin, lifecycle and spec:\n");
		header = true;
		fprintf(stderr, "  %s: lifecycle %s (%s):", hist_where_label(r, g->where), g->lifecycle,
		        g->spec ? g->spec : "unknown spec");
		for (size_t k = 0; k < g->nsteps; k++)
			fprintf(stderr, "%s %s", k ? "," : "", g->steps[k]);
		fputc('\n', stderr);
	}
	fprintf(stderr, "fix: `migc rebase -d %s` (from where you run `migc compile`), then commit; "
	                "docs/branches.md\n", r->dir);
}

static int verify_run(void *args, const mp_opt_list *operands)
{
	const verify_args *a = args;
	(void)operands; /* none: MP_OPT_NO_OPERANDS */
	char *dir = NULL;
	int ex = cli_pick_path(a->config, CLI_PICK_MIGRATIONS, a->dir, "-d/--dir DIR", "verify", &dir);
	if (ex != MIGC_EXIT_OK)
		return ex;
	hist_report r;
	mp_error err = {0, ""};
	int arc = history_analyze(dir, &r, &err);
	free(dir);
	if (arc != MP_OK) {
		fprintf(stderr, "migc verify: %s\n", err.msg);
		hist_report_free(&r);
		return MIGC_EXIT_IO;
	}
	if (a->json)
		print_json(&r);
	else
		print_human(&r);
	int rc = r.nfindings ? MIGC_EXIT_FINDINGS : MIGC_EXIT_OK;
	hist_report_free(&r);
	return rc;
}

int cli_verify(int argc, char **argv)
{
	verify_args a = {NULL, NULL, false};
	return cli_run(&usage, argc, argv, &a, verify_run);
}

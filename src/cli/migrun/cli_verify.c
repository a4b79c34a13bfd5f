/* migrun verify: the folder's files, hashes and chain against the manifest, offline (or a fleet's ledgers too). */
#include "cli/migrun/cli.h"
#include "cli/migrun/cli_fleet.h"

#include <jansson.h>
#include <stdio.h>

typedef struct {
	cli_common co;
	cli_fleet_opts fo;
} verify_args;

static const mp_opt_spec opts[] = {
	CLI_FLEET_OPTS(verify_args, fo),
	CLI_COMMON_OPTS(verify_args, co),
	MP_OPT_END,
};

static const cli_help help = {
	"verify",
	"usage: migrun verify [-d DIR] [--manifest PATH] [--json]\n"
	"\n"
	"Checks, without a database, that every file the manifest lists exists and\n"
	"matches its sha256, that the hash chain recomputes, that the manifest lists\n"
	"its steps in folder order, and that no generated step folder is missing from\n"
	"the manifest or present without it. Exit 0 when clean, 8 otherwise (each\n"
	"problem on its own line), 8 as well when the manifest is missing.\n"
	"\n"
	"With --fleet FILE, also every target's ledger against the folder: exit 5 when\n"
	"a target has a failed or diverged migration, 7 when one is unreachable.\n"
	"\n",
	opts,
	NULL,
	MP_OPT_GNU,
};

json_t *cli_verify_problems_json(const verify_report *vr)
{
	json_t *probs = json_array();
	for (size_t i = 0; i < vr->n; i++)
		json_array_append_new(probs, json_string(vr->problems[i]));
	return probs;
}

void cli_verify_print(const mig_folder *f, const verify_report *vr)
{
	if (vr->n == 0)
		printf("verified: %zu generated steps, hashes and chain match (%s)\n", f->manifest->nsteps,
		       f->manifest_path);
	for (size_t i = 0; i < vr->n; i++)
		fprintf(stderr, "migrun: verify: %s\n", vr->problems[i]);
}

static int verify_run(const cli_common *co)
{
	mig_folder f;
	int ex = cli_load_folder(co, true, &f);
	if (ex != EXIT_OK)
		return ex;
	verify_report vr;
	mp_error err = {0, ""};
	int rc = verify_folder(&f, &vr, &err);
	if (co->json)
		cli_put_json(json_pack("{s:b, s:I, s:o}", "ok", rc == MP_OK, "steps", (json_int_t)f.manifest->nsteps,
		                       "problems", cli_verify_problems_json(&vr)));
	else
		cli_verify_print(&f, &vr);
	verify_report_free(&vr);
	folder_free(&f);
	return rc == MP_OK ? EXIT_OK : EXIT_VERIFY;
}

int cli_verify(int argc, char **argv)
{
	verify_args a;
	int ex = cli_fleet_parse(&help, argc, argv, &a, &a.co, &a.fo);
	if (ex >= 0)
		return ex;
	return a.fo.file ? cli_fleet_verify(&a.co, &a.fo) : verify_run(&a.co);
}

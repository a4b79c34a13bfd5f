#include "cli/migrun/cli.h"
#include "cli/migrun/cli_fleet.h"
#include "migdir/verify.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

static const char help[] =
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
	"\n" CLI_FLEET_HELP CLI_COMMON_HELP;

int cli_verify(int argc, char **argv)
{
	cli_common co;
	cli_common_init(&co);
	static const struct option longopts[] = {CLI_COMMON_LONGOPTS, CLI_FLEET_LONGOPTS, {NULL, 0, NULL, 0}};
	int opt, fl;
	cli_fleet_opts fo;
	cli_fleet_init(&fo);
	while ((opt = getopt_long(argc, argv, "d:hj:", longopts, NULL)) != -1) {
		if ((fl = cli_fleet_opt(opt, optarg, "verify", &fo)) >= 0) {
			if (fl != EXIT_OK)
				return fl;
			continue;
		}
		if (opt == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		}
		if (!cli_common_opt(opt, optarg, &co))
			return cli_usage("verify", "bad option");
	}
	if (optind < argc)
		return cli_usage("verify", "unexpected argument '%s'", argv[optind]);
	if ((fl = cli_fleet_check("verify", &co, &fo)) != EXIT_OK)
		return fl;
	if (fo.file)
		return cli_fleet_verify(&co, &fo);
	mig_folder f;
	int ex = cli_load_folder(&co, true, &f);
	if (ex != EXIT_OK)
		return ex;
	verify_report vr;
	mp_error err = {0, ""};
	int rc = verify_folder(&f, &vr, &err);
	if (co.json) {
		json_t *probs = json_array();
		for (size_t i = 0; i < vr.n; i++)
			json_array_append_new(probs, json_string(vr.problems[i]));
		json_t *o = json_pack("{s:b, s:I, s:o}", "ok", rc == MP_OK, "steps", (json_int_t)f.manifest->nsteps,
		                      "problems", probs);
		char *text = json_dumps(o, JSON_INDENT(2));
		puts(text);
		free(text);
		json_decref(o);
	} else if (rc == MP_OK) {
		printf("verified: %zu generated steps, hashes and chain match (%s)\n", f.manifest->nsteps,
		       f.manifest_path);
	} else {
		for (size_t i = 0; i < vr.n; i++)
			fprintf(stderr, "migrun: verify: %s\n", vr.problems[i]);
	}
	verify_report_free(&vr);
	folder_free(&f);
	return rc == MP_OK ? EXIT_OK : EXIT_VERIFY;
}

#include "cli.h"
#include "verify.h"

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
	"\n" CLI_COMMON_HELP;

int cli_verify(int argc, char **argv)
{
	cli_common co;
	cli_common_init(&co);
	static const struct option longopts[] = {CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
	int opt;
	while ((opt = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		}
		if (!cli_common_opt(opt, optarg, &co))
			return cli_usage("verify", "bad option");
	}
	if (optind < argc)
		return cli_usage("verify", "unexpected argument '%s'", argv[optind]);
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

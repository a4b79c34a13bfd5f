/* migc compile SPEC.mig… [-o DIR] [--check] [--json] */
#include "cli/migc/cli.h"
#include "compiler/compile.h"
#include "compiler/emit.h"
#include "schema/schema_check.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void compile_usage(FILE *out)
{
	fputs("usage: migc compile SPEC.mig... [-o DIR] [--check] [--json]\n"
	      "\n"
	      "Compiles column-lifecycle specs into Prisma migration folders (DIR/<id>/migration.sql and\n"
	      "down.sql, one per step), DIR/migration_lock.toml and the gate manifest\n"
	      "DIR/migplan.manifest.json. Compile all specs of a project in one run: the manifest\n"
	      "describes exactly the steps of the specs given.\n"
	      "\n"
	      "  -o, --output DIR  migrations folder (default: prisma/migrations)\n"
	      "      --check       check the specs and the folder, write nothing\n"
	      "      --json        print a JSON summary on stdout\n"
	      "  -h, --help        this help\n"
	      "\n"
	      "Exit: 0 ok, 1 the specs have errors (nothing written), 2 bad usage, 3 file system error.\n",
	      out);
}

int cli_compile(int argc, char **argv)
{
	const char *outdir = "prisma/migrations";
	bool check_only = false, json = false;
	const char **specs = calloc((size_t)argc, sizeof *specs);
	size_t nspecs = 0;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			compile_usage(stdout);
			free(specs);
			return MIGC_EXIT_OK;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (++i == argc) {
				fprintf(stderr, "migc compile: %s needs a directory\n", argv[i - 1]);
				free(specs);
				return MIGC_EXIT_USAGE;
			}
			outdir = argv[i];
		} else if (!strcmp(argv[i], "--check")) {
			check_only = true;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "migc compile: unknown option '%s'\n", argv[i]);
			compile_usage(stderr);
			free(specs);
			return MIGC_EXIT_USAGE;
		} else {
			specs[nspecs++] = argv[i];
		}
	}
	if (nspecs == 0) {
		fprintf(stderr, "migc compile: no spec given\n");
		compile_usage(stderr);
		free(specs);
		return MIGC_EXIT_USAGE;
	}
	diag_list diags;
	diag_list_init(&diags);
	mp_error err = {0};
	compile_result *r = NULL;
	int rc = compile_specs(specs, nspecs, &diags, &r, &err);
	/* A schema.prisma beside the migrations folder must agree with the specs
	 * before anything is written; its notes point across files, so unsorted. */
	diag_list sdiags;
	diag_list_init(&sdiags);
	psl_schema *schema = NULL;
	if (rc == MP_OK)
		rc = schema_check_beside(outdir, r->model, &sdiags, &schema, &err);
	emit_report rep = {0};
	if (rc == MP_OK && !check_only)
		rc = emit_prisma_folder(r->plan, outdir, &diags, &rep, &err);
	diag_sort(&diags);
	diag_print_all(stderr, &diags, diag_use_color(stderr));
	diag_print_all(stderr, &sdiags, diag_use_color(stderr));
	diags.errors += sdiags.errors;
	int exit_code = MIGC_EXIT_OK;
	if (rc == MP_EIO) {
		fprintf(stderr, "migc compile: %s\n", err.msg);
		exit_code = MIGC_EXIT_IO;
	} else if (rc != MP_OK) {
		fprintf(stderr, "migc compile: %d error%s, nothing written\n", diags.errors, diags.errors == 1 ? "" : "s");
		exit_code = MIGC_EXIT_FINDINGS;
	} else if (json) {
		json_t *steps = json_array();
		for (size_t i = 0; i < r->plan->count; i++)
			json_array_append_new(steps, json_pack("{s:s, s:s, s:s}", "id", r->plan->steps[i].id, "lifecycle",
			                                       r->plan->steps[i].lc->name, "phase", r->plan->steps[i].phase));
		json_t *o = json_pack("{s:s, s:b, s:i, s:i, s:i, s:o}", "output", outdir, "written", !check_only,
		                      "changed", (int)rep.written, "unchanged", (int)rep.unchanged, "removed",
		                      (int)rep.removed, "steps", steps);
		char *s = json_dumps(o, JSON_INDENT(2));
		puts(s);
		free(s);
		json_decref(o);
	} else if (check_only) {
		printf("%zu step%s, no errors (nothing written)\n", r->plan->count, r->plan->count == 1 ? "" : "s");
	} else {
		for (size_t i = 0; i < rep.removed; i++)
			printf("removed stale generated step %s\n", rep.removed_ids[i]);
		printf("%zu step%s in %s: %zu written, %zu unchanged%s\n", r->plan->count, r->plan->count == 1 ? "" : "s",
		       outdir, rep.written, rep.unchanged, rep.lock_created ? "; created migration_lock.toml" : "");
	}
	emit_report_free(&rep);
	compile_result_free(r);
	diag_list_free(&sdiags);
	psl_schema_free(schema);
	diag_list_free(&diags);
	free(specs);
	return exit_code;
}

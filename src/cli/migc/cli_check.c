/* migc check --schema prisma/schema.prisma SPEC.mig… [--json] */
#include "cli/migc/cli.h"
#include "compiler/compile.h"
#include "schema/schema_check.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void check_usage(FILE *out)
{
	fputs("usage: migc check --schema FILE SPEC.mig... [--json]\n"
	      "\n"
	      "Checks that the specs and schema.prisma agree: every table and column a lifecycle names\n"
	      "exists in the schema under its mapped name (@@map, @map, @@schema), and the state after all\n"
	      "lifecycles (new columns' types, nullability and defaults; retired columns gone) is what\n"
	      "the schema declares. Each mismatch is an error at the spec with a note at the schema.\n"
	      "With no spec, only reads the schema (syntax check).\n"
	      "\n"
	      "  -s, --schema FILE  the schema.prisma (default: prisma/schema.prisma)\n"
	      "      --json         print {ok, errors, models, enums, diagnostics: [{file, line, column,\n"
	      "                     severity, message}]} on stdout (diagnostics also go to stderr)\n"
	      "  -h, --help         this help\n"
	      "\n"
	      "Exit: 0 they agree, 1 mismatches or errors in the inputs, 2 bad usage, 3 a file cannot be read.\n",
	      out);
}

int cli_check(int argc, char **argv)
{
	const char *schema_path = "prisma/schema.prisma";
	bool json = false;
	const char **specs = calloc((size_t)argc, sizeof *specs);
	size_t nspecs = 0;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			check_usage(stdout);
			free(specs);
			return MIGC_EXIT_OK;
		} else if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "--schema")) {
			if (++i == argc) {
				fprintf(stderr, "migc check: %s needs a file\n", argv[i - 1]);
				free(specs);
				return MIGC_EXIT_USAGE;
			}
			schema_path = argv[i];
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "migc check: unknown option '%s'\n", argv[i]);
			check_usage(stderr);
			free(specs);
			return MIGC_EXIT_USAGE;
		} else {
			specs[nspecs++] = argv[i];
		}
	}
	diag_list diags;
	diag_list_init(&diags);
	mp_error err = {0};
	psl_schema *schema = NULL;
	compile_result *r = NULL;
	int rc = psl_schema_load(schema_path, &diags, &schema, &err);
	if (schema && nspecs) {
		/* Spec diagnostics first, sorted as compile prints them; the cross-check
		 * pairs each error with a note in the other file, so it is not sorted. */
		int crc = compile_specs(specs, nspecs, &diags, &r, &err);
		diag_sort(&diags);
		if (crc == MP_EIO)
			rc = crc;
		else if (crc != MP_OK)
			rc = MP_EINVAL;
		else if (rc == MP_OK)
			rc = schema_check(r->model, schema, &diags);
	}
	diag_print_all(stderr, &diags, diag_use_color(stderr));
	int exit_code = MIGC_EXIT_OK;
	if (rc == MP_EIO) {
		fprintf(stderr, "migc check: %s\n", err.msg);
		exit_code = MIGC_EXIT_IO;
	} else if (rc != MP_OK && !schema) {
		fprintf(stderr, "migc check: %s\n", err.msg); /* not a text file */
		exit_code = MIGC_EXIT_FINDINGS;
	} else if (rc != MP_OK) {
		fprintf(stderr, "migc check: %d error%s\n", diags.errors, diags.errors == 1 ? "" : "s");
		exit_code = MIGC_EXIT_FINDINGS;
	}
	if (json && schema) {
		json_t *arr = json_array();
		for (size_t i = 0; i < diags.count; i++) {
			const mp_diag *dg = &diags.items[i];
			int line = 0, col = 0;
			if (dg->src)
				source_position(dg->src, dg->span.start, &line, &col);
			json_array_append_new(arr, json_pack("{s:o, s:i, s:i, s:s, s:s}", "file",
			                                     dg->src ? json_string(dg->src->path) : json_null(), "line", line,
			                                     "column", col, "severity", diag_severity_name(dg->severity),
			                                     "message", dg->message));
		}
		json_t *o = json_pack("{s:b, s:i, s:i, s:i, s:o}", "ok", exit_code == MIGC_EXIT_OK, "errors", diags.errors,
		                      "models", (int)schema->nmodels, "enums", (int)schema->nenums, "diagnostics", arr);
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(o);
	} else if (exit_code == MIGC_EXIT_OK) {
		printf("%s: %zu model%s, %zu enum%s", schema_path, schema->nmodels, schema->nmodels == 1 ? "" : "s",
		       schema->nenums, schema->nenums == 1 ? "" : "s");
		if (nspecs)
			printf("; %zu spec%s agree%s with it\n", nspecs, nspecs == 1 ? "" : "s", nspecs == 1 ? "s" : "");
		else
			printf(", read without errors\n");
	}
	compile_result_free(r);
	diag_list_free(&diags);
	psl_schema_free(schema);
	free(specs);
	return exit_code;
}

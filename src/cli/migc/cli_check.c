/* migc check [--schema FILE|DIR] SPEC.mig… [--json]: do the specs and schema.prisma agree? */
#include "cli/migc/cli.h"
#include "cli/project.h"
#include "compiler/compile.h"
#include "schema/schema_check.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *schema, *config;
	bool json;
} check_args;

static const mp_opt_spec opts[] = {
	MP_OPT_STRING(check_args, schema, "schema", 's', "FILE", "a file",
	              "the schema: a schema.prisma, or a folder of .prisma files\n"
	              "(default: the Prisma config's schema, else prisma/schema.prisma)"),
	CLI_CONFIG_OPT(check_args, config),
	MP_OPT_SWITCH(check_args, json, "json", 0,
	              "print {ok, errors, models, enums, diagnostics: [{file, line, column,\n"
	              "severity, message}]} on stdout (diagnostics also go to stderr)"),
	MP_OPT_HELP("this help"),
	MP_OPT_END,
};

static const cli_help usage = {
	"check",
	"usage: migc check [--schema FILE] SPEC.mig... [--json]\n"
	"\n"
	"Checks that the specs and schema.prisma agree: every table and column a lifecycle names\n"
	"exists in the schema under its mapped name (@@map, @map, @@schema), and the state after all\n"
	"lifecycles (new columns' types, nullability and defaults; retired columns gone) is what\n"
	"the schema declares. Each mismatch is an error at the spec with a note at the schema.\n"
	"With no spec, only reads the schema (syntax check). A schema folder is read as Prisma reads\n"
	"one: every .prisma file below it, as one schema.\n"
	"\n",
	opts,
	"\n"
	"Exit: 0 they agree, 1 mismatches or errors in the inputs, 2 bad usage (or a Prisma config\n"
	"value that must be given as a flag), 3 a file cannot be read.\n",
	MP_OPT_PLAIN,
};

static void print_json(const diag_list *diags, const psl_schema *schema, int exit_code)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < diags->count; i++) {
		const mp_diag *dg = &diags->items[i];
		int line = 0, col = 0;
		if (dg->src)
			source_position(dg->src, dg->span.start, &line, &col);
		json_array_append_new(arr, json_pack("{s:o, s:i, s:i, s:s, s:s}", "file",
		                                     dg->src ? json_string(dg->src->path) : json_null(), "line", line,
		                                     "column", col, "severity", diag_severity_name(dg->severity),
		                                     "message", dg->message));
	}
	json_t *o = json_pack("{s:b, s:i, s:i, s:i, s:o}", "ok", exit_code == MIGC_EXIT_OK, "errors", diags->errors,
	                      "models", (int)schema->nmodels, "enums", (int)schema->nenums, "diagnostics", arr);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
}

/* Reads the schema and, with specs, compiles them (*r holds the sources the
 * diagnostics point into) and cross-checks. */
static int check_inputs(const char *schema_path, const mp_opt_list *specs, diag_list *diags, psl_schema **schema,
                        compile_result **r, mp_error *err)
{
	int rc = psl_schema_load(schema_path, diags, schema, err);
	if (*schema && specs->n) {
		/* Spec diagnostics first, sorted as compile prints them; the cross-check
		 * pairs each error with a note in the other file, so it is not sorted. */
		int crc = compile_specs(specs->items, specs->n, diags, r, err);
		diag_sort(diags);
		if (crc == MP_EIO)
			rc = crc;
		else if (crc != MP_OK)
			rc = MP_EINVAL;
		else if (rc == MP_OK)
			rc = schema_check((*r)->model, *schema, diags);
	}
	return rc;
}

static int check_run(void *args, const mp_opt_list *specs)
{
	check_args *a = args;
	char *schema_path = NULL;
	int ex = cli_pick_path(a->config, CLI_PICK_SCHEMA, a->schema, "--schema FILE", "check", &schema_path);
	if (ex != MIGC_EXIT_OK)
		return ex;
	a->schema = schema_path ? schema_path : "prisma/schema.prisma";
	diag_list diags;
	diag_list_init(&diags);
	mp_error err = {0};
	psl_schema *schema = NULL;
	compile_result *r = NULL;
	int rc = check_inputs(a->schema, specs, &diags, &schema, &r, &err);
	diag_print_all(stderr, &diags, diag_use_color(stderr));
	int exit_code = MIGC_EXIT_OK;
	if (rc == MP_EIO) {
		fprintf(stderr, "migc check: %s\n", err.msg);
		exit_code = MIGC_EXIT_IO;
	} else if (rc != MP_OK && !schema) {
		fprintf(stderr, "migc check: %s\n", err.msg); /* not a text file */
		exit_code = MIGC_EXIT_FINDINGS;
	} else if (rc != MP_OK) {
		fprintf(stderr, "migc check: %d error%s\n", diags.errors, cli_plural((size_t)diags.errors));
		exit_code = MIGC_EXIT_FINDINGS;
	}
	if (a->json && schema) {
		print_json(&diags, schema, exit_code);
	} else if (exit_code == MIGC_EXIT_OK) {
		printf("%s: %zu model%s, %zu enum%s", a->schema, schema->nmodels, cli_plural(schema->nmodels),
		       schema->nenums, cli_plural(schema->nenums));
		if (specs->n)
			printf("; %zu spec%s agree%s with it\n", specs->n, cli_plural(specs->n), specs->n == 1 ? "s" : "");
		else
			printf(", read without errors\n");
	}
	compile_result_free(r);
	diag_list_free(&diags);
	psl_schema_free(schema);
	free(schema_path);
	return exit_code;
}

int cli_check(int argc, char **argv)
{
	check_args a = {NULL, NULL, false};
	return cli_run(&usage, argc, argv, &a, check_run);
}

/* migc compile SPEC.mig… [-o DIR] [--check] [--json]: specs to Prisma migration folders and a manifest. */
#include "cli/migc/cli.h"
#include "cli/project.h"
#include "compiler/compile.h"
#include "compiler/emit.h"
#include "migdir/manifest.h"
#include "util/fsutil.h"
#include "schema/schema_check.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *outdir, *schema, *config;
	bool check_only, json;
} compile_args;

static const mp_opt_spec opts[] = {
	CLI_MIGRATIONS_OPT(compile_args, outdir, "output", 'o'),
	MP_OPT_STRING(compile_args, schema, "schema", 's', "FILE", "a file",
	              "check the specs against this schema (a file or a folder of .prisma files)\n"
	              "before writing; default: the Prisma config's schema, else DIR/../schema.prisma\n"
	              "when it exists"),
	CLI_CONFIG_OPT(compile_args, config),
	MP_OPT_SWITCH(compile_args, check_only, "check", 0,
	              "write nothing; exit 1 unless the folder holds, byte for\n"
	              "byte, what compile would write (each differing file named)"),
	MP_OPT_SWITCH(compile_args, json, "json", 0, "print a JSON summary on stdout"),
	MP_OPT_HELP("this help"),
	MP_OPT_END,
};

static const cli_help usage = {
	"compile",
	"usage: migc compile SPEC.mig... [-o DIR] [--check] [--json]\n"
	"\n"
	"Compiles column-lifecycle specs into Prisma migration folders (DIR/<id>/migration.sql and\n"
	"down.sql, one per step), DIR/migration_lock.toml and the gate manifest\n"
	"DIR/migplan.manifest.json. Compile all specs of a project in one run: the manifest\n"
	"describes exactly the steps of the specs given. In a Prisma 7 project, DIR and the schema\n"
	"default to the migrations.path and schema of its prisma.config.ts.\n"
	"\n",
	opts,
	"\n"
	"Exit: 0 ok, 1 the specs have errors (nothing written), 2 bad usage (or a Prisma config value\n"
	"that must be given as a flag), 3 file system error.\n",
	MP_OPT_PLAIN,
};

static void print_json(const compile_args *a, const compile_result *r, const emit_report *rep)
{
	json_t *steps = json_array();
	for (size_t i = 0; i < r->plan->count; i++)
		json_array_append_new(steps, json_pack("{s:s, s:s, s:s}", "id", r->plan->steps[i].id, "lifecycle",
		                                       r->plan->steps[i].lc->name, "phase", r->plan->steps[i].phase));
	json_t *o = json_pack("{s:s, s:b, s:i, s:i, s:i, s:o}", "output", a->outdir, "written", !a->check_only,
	                      "changed", (int)rep->written, "unchanged", (int)rep->unchanged, "removed",
	                      (int)rep->removed, "steps", steps);
	char *s = json_dumps(o, JSON_INDENT(2));
	puts(s);
	free(s);
	json_decref(o);
}

static void print_human(const compile_args *a, const compile_result *r, const emit_report *rep)
{
	size_t n = r->plan->count;
	if (a->check_only) {
		printf("%zu step%s; %zu file%s would change (nothing written)\n", n, cli_plural(n), rep->ndiffering,
		       cli_plural(rep->ndiffering));
		return;
	}
	for (size_t i = 0; i < rep->removed; i++)
		printf("removed stale generated step %s\n", rep->removed_ids[i]);
	printf("%zu step%s in %s: %zu written, %zu unchanged%s\n", n, cli_plural(n), a->outdir, rep->written,
	       rep->unchanged, rep->lock_created ? "; created migration_lock.toml" : "");
	if (rep->old_format)
		printf("rewrote %s in manifest format %d (it was format %d)\n", MANIFEST_FILENAME, MANIFEST_FORMAT,
		       rep->old_format);
}

/* The schema the specs must agree with: --schema or the config's (which
 * must be there), else a schema.prisma beside the folder when there is one.
 * *held (freed by the caller after printing diags) holds it. */
static int check_schema(const compile_args *a, const compile_result *r, diag_list *sdiags, psl_schema **held,
                        mp_error *err)
{
	if (!a->schema)
		return schema_check_beside(a->outdir, r->model, sdiags, held, err);
	return schema_check_path(a->schema, r->model, sdiags, held, err);
}

static int compile_specs_run(compile_args *a, const mp_opt_list *specs);

/* The folder and schema from the flags or the project, then the run. */
static int compile_run(void *args, const mp_opt_list *specs)
{
	compile_args *a = args;
	if (specs->n == 0) {
		fprintf(stderr, "migc compile: no spec given\n");
		cli_help_print(&usage, stderr);
		return MIGC_EXIT_USAGE;
	}
	char *outdir = NULL, *schema = NULL;
	int ex = cli_pick_path(a->config, CLI_PICK_MIGRATIONS, a->outdir, "-o/--output DIR", "compile", &outdir);
	if (ex == MIGC_EXIT_OK)
		ex = cli_pick_path(a->config, CLI_PICK_SCHEMA, a->schema, "--schema FILE", "compile", &schema);
	if (ex == MIGC_EXIT_OK) {
		a->outdir = outdir;
		a->schema = schema;
		ex = compile_specs_run(a, specs);
	}
	free(outdir);
	free(schema);
	return ex;
}

/* Compiles, checks the schema, writes unless --check; prints the
 * diagnostics and returns the exit code. */
static int compile_specs_run(compile_args *a, const mp_opt_list *specs)
{
	diag_list diags, sdiags;
	diag_list_init(&diags);
	diag_list_init(&sdiags);
	mp_error err = {0};
	compile_result *r = NULL;
	psl_schema *schema = NULL;
	emit_report rep = {0};
	int rc = compile_specs_for(specs->items, specs->n, a->outdir, &diags, &r, &err);
	/* A schema.prisma beside the migrations folder must agree with the specs
	 * before anything is written; its notes point across files, so unsorted. */
	if (rc == MP_OK)
		rc = check_schema(a, r, &sdiags, &schema, &err);
	if (rc == MP_OK && !a->check_only)
		rc = emit_prisma_folder(r->plan, a->outdir, &diags, &rep, &err);
	else if (rc == MP_OK)
		rc = emit_check_folder(r->plan, a->outdir, &rep, &err);
	diag_sort(&diags);
	diag_print_all(stderr, &diags, diag_use_color(stderr));
	diag_print_all(stderr, &sdiags, diag_use_color(stderr));
	diags.errors += sdiags.errors;
	int exit_code = MIGC_EXIT_OK;
	if (rc == MP_EIO) {
		fprintf(stderr, "migc compile: %s\n", err.msg);
		exit_code = MIGC_EXIT_IO;
	} else if (rc != MP_OK) {
		fprintf(stderr, "migc compile: %d error%s, nothing written\n", diags.errors, cli_plural((size_t)diags.errors));
		exit_code = MIGC_EXIT_FINDINGS;
	} else if (a->json) {
		print_json(a, r, &rep);
	} else {
		print_human(a, r, &rep);
	}
	/* --check: the folder must hold exactly what compile would write */
	char *mpath = fs_join(a->outdir, MANIFEST_FILENAME);
	for (size_t i = 0; exit_code == MIGC_EXIT_OK && i < rep.ndiffering; i++) {
		fprintf(stderr, "migc compile --check: %s differs from what `migc compile` writes", rep.differing[i]);
		/* an older format is a reason of its own: say it, or the byte diff
		 * of every lock looks like a hand edit */
		if (rep.old_format && strcmp(rep.differing[i], mpath) == 0)
			fprintf(stderr, ": it is in manifest format %d, and migc now writes format %d (docs/manifest.md, "
			        "\"Changes from format 1\"); migrun still reads it, and `migc compile` rewrites it", rep.old_format,
			        MANIFEST_FORMAT);
		fputc('\n', stderr);
	}
	free(mpath);
	if (exit_code == MIGC_EXIT_OK && rep.ndiffering)
		exit_code = MIGC_EXIT_FINDINGS;
	emit_report_free(&rep);
	compile_result_free(r);
	diag_list_free(&sdiags);
	psl_schema_free(schema);
	diag_list_free(&diags);
	return exit_code;
}

int cli_compile(int argc, char **argv)
{
	compile_args a = {NULL, NULL, NULL, false, false};
	return cli_run(&usage, argc, argv, &a, compile_run);
}

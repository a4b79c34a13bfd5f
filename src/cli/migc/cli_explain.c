/* migc explain: per statement, the lock it takes, on what, what it blocks, how long, in a transaction or not. */
#include "util/buf.h"
#include "cli/migc/cli.h"
#include "compiler/compile.h"
#include "util/diag.h"
#include "sql/explain.h"
#include "util/fsutil.h"
#include "sql/lint.h"
#include "migdir/manifest.h"
#include "util/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	int format; /* explain_format */
} explain_args;

static const mp_opt_choice formats[] = {
	{"human", EXPLAIN_HUMAN, "readable, colored on a terminal (default)"},
	{"markdown", EXPLAIN_MARKDOWN, "a table to paste into a pull request comment"},
	{"json", EXPLAIN_JSON, "the document of docs/explain.schema.json (also --json)"},
	{NULL, 0, NULL},
};

static const mp_opt_spec opts[] = {
	CLI_FORMAT_OPTS(explain_args, format, formats, "human, markdown or json", EXPLAIN_JSON),
	MP_OPT_HIDDEN_HELP,
	MP_OPT_END,
};

static const cli_help usage = {
	"explain",
	"usage: migc explain [--format human|markdown|json] [FILES|DIRS...]\n\n"
	"Shows, for every statement: its line, the statement, the lock it takes and on\n"
	"which relation, what that lock blocks (reads, writes, DDL), how long it is held\n"
	"(metadata, rows, full scan, full rewrite) and whether it runs in a transaction as\n"
	"Prisma runs the file (a multi-statement file is one implicit transaction).\n"
	"A directory means its */migration.sql and .sql files; with no path, the project's\n"
	"migrations folder (its Prisma config's migrations.path, else prisma/migrations).\n"
	"When a directory holds migplan.manifest.json, each step's\n"
	"phase and gates are shown too.\n\n",
	opts,
	"\n"
	"Exit: 0 ok, 1 a file does not parse or a manifest is invalid, 2 bad usage,\n"
	"3 a path that cannot be read.\n",
	MP_OPT_PLAIN | MP_OPT_SKIP_DASHDASH,
};

/* One manifest per directory argument, loaded the first time it is needed. */
typedef struct {
	char *dir;
	mf_manifest *m;
} dir_manifest;

static const mf_step *step_for(dir_manifest **cache, size_t *n, const lint_input *in, int *bad)
{
	if (!in->dir || !in->folder)
		return NULL;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*cache)[i].dir, in->dir) == 0)
			return (*cache)[i].m ? manifest_find((*cache)[i].m, in->folder) : NULL;
	dir_manifest *dm = MP_VEC_PUSH(*cache, *n);
	dm->dir = xstrdup(in->dir);
	char *path = fs_join(in->dir, MANIFEST_FILENAME);
	if (fs_exists(path)) {
		mp_error err = {0};
		if (manifest_load(path, &dm->m, &err) < 0) {
			fprintf(stderr, "migc explain: %s\n", err.msg);
			(*bad)++;
		}
	}
	free(path);
	return dm->m ? manifest_find(dm->m, in->folder) : NULL;
}

static void render(explain_doc *doc, explain_format fmt)
{
	mp_buf out = MP_BUF_INIT;
	explain_doc_render(doc, fmt, fmt == EXPLAIN_HUMAN && diag_use_color(stdout), &out);
	fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
}

/* Specs are compiled in memory and each step explained with its gates,
 * exactly as `migc compile` would write it. */
static int explain_specs(explain_doc *doc, const char **specs, size_t n)
{
	if (n == 0)
		return MIGC_EXIT_OK;
	diag_list diags;
	diag_list_init(&diags);
	mp_error err = {0};
	compile_result *r = NULL;
	int rc = compile_specs(specs, n, &diags, &r, &err);
	diag_sort(&diags);
	diag_print_all(stderr, &diags, diag_use_color(stderr));
	int exit_code = rc == MP_EIO ? MIGC_EXIT_IO : rc != MP_OK ? MIGC_EXIT_FINDINGS : MIGC_EXIT_OK;
	if (rc == MP_EIO)
		fprintf(stderr, "migc explain: %s\n", err.msg);
	for (size_t i = 0; rc == MP_OK && i < r->plan->count; i++) {
		const plan_step *s = &r->plan->steps[i];
		mf_step step;
		plan_step_to_manifest(s, &step);
		mp_buf name = MP_BUF_INIT;
		buf_printf(&name, "%s/migration.sql", s->id);
		step.up.path = name.ptr;
		plan_step_seed_locks(s, explain_doc_context(doc));
		if (explain_doc_add_sql(doc, name.ptr, s->up_sql, &step, &err) < 0) {
			fprintf(stderr, "migc explain: %s\n", err.msg);
			exit_code = MIGC_EXIT_FINDINGS;
		}
		buf_free(&name);
	}
	compile_result_free(r);
	diag_list_free(&diags);
	return exit_code;
}

/* Every statement of the files the paths name, with its step's phase and
 * gates when a manifest is beside it; *listed: the paths could be listed
 * (else there is nothing to show). */
static int explain_paths(explain_doc *doc, const mp_opt_list *paths, bool *listed)
{
	mp_error err = {0};
	lint_input *in;
	size_t nin;
	if (lint_collect_inputs((char *const *)paths->items, (int)paths->n, &in, &nin, &err) < 0) {
		fprintf(stderr, "migc explain: %s\n", err.msg);
		*listed = false;
		return MIGC_EXIT_IO;
	}
	dir_manifest *cache = NULL;
	size_t ncache = 0;
	int io_failures = 0, bad = 0;
	for (size_t i = 0; i < nin; i++) {
		mp_source *src;
		if (source_load(in[i].path, &src, &err) < 0) {
			fprintf(stderr, "migc explain: %s\n", err.msg);
			io_failures++;
			continue;
		}
		const mf_step *step = step_for(&cache, &ncache, &in[i], &bad);
		sql_file *f;
		sql_parse_error perr = {.message = "", .offset = 0};
		if (sqlparse_file(src->text, src->len, &f, &perr, &err) < 0) {
			explain_doc_add_error(doc, src, src->path, perr.offset, perr.message[0] ? perr.message : err.msg);
			bad++;
		} else {
			explain_doc_add_parsed(doc, src, f, step);
			sqlparse_free(f);
		}
		source_free(src);
	}
	for (size_t i = 0; i < ncache; i++) {
		free(cache[i].dir);
		manifest_free(cache[i].m);
	}
	free(cache);
	lint_free_inputs(in, nin);
	return io_failures ? MIGC_EXIT_IO : bad ? MIGC_EXIT_FINDINGS : MIGC_EXIT_OK;
}

/* .mig operands are specs, compiled in memory; the others are SQL paths. */
static int explain_run(void *args, const mp_opt_list *operands)
{
	explain_format fmt = (explain_format)((const explain_args *)args)->format;
	mp_opt_list specs = {NULL, 0}, paths = {NULL, 0};
	for (size_t i = 0; i < operands->n; i++) {
		const char *a = operands->items[i];
		size_t n = strlen(a);
		if (n > 4 && strcmp(a + n - 4, ".mig") == 0)
			*MP_VEC_PUSH(specs.items, specs.n) = a;
		else
			*MP_VEC_PUSH(paths.items, paths.n) = a;
	}
	explain_doc *doc = explain_doc_new();
	int rc = explain_specs(doc, specs.items, specs.n);
	bool show = rc == MIGC_EXIT_OK;
	mp_opt_list use;
	char *dir = NULL;
	if (rc == MIGC_EXIT_OK && (specs.n == 0 || paths.n > 0) &&
	    (rc = cli_default_paths("explain", &paths, &use, &dir)) == MIGC_EXIT_OK)
		rc = explain_paths(doc, &use, &show);
	else if (rc != MIGC_EXIT_OK)
		show = false;
	free(dir);
	if (show)
		render(doc, fmt);
	free(specs.items);
	free(paths.items);
	explain_doc_free(doc);
	return rc;
}

int cli_explain(int argc, char **argv)
{
	explain_args a = {EXPLAIN_HUMAN};
	return cli_run(&usage, argc, argv, &a, explain_run);
}

/* migc lint: lock hazards in migration SQL, as compiler-style errors, JSON or GitHub Actions annotations. */
#include "util/buf.h"
#include "cli/migc/cli.h"
#include "util/diag.h"
#include "sql/lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OUT_HUMAN, OUT_JSON, OUT_GITHUB } out_format;

typedef struct {
	int format; /* out_format */
	bool list_rules;
} lint_args;

static const mp_opt_choice formats[] = {
	{"human", OUT_HUMAN, "file:line:col: severity: [rule] message, with a caret (default)"},
	{"json", OUT_JSON, "one JSON document (also --json)"},
	{"github", OUT_GITHUB, "GitHub Actions ::error/::warning annotations"},
	{NULL, 0, NULL},
};

static const mp_opt_spec opts[] = {
	CLI_FORMAT_OPTS(lint_args, format, formats, "human, json or github", OUT_JSON),
	MP_OPT_STOP(lint_args, list_rules, "list-rules", "every rule with its severity and why (docs/lint.md)"),
	MP_OPT_HIDDEN_HELP,
	MP_OPT_END,
};

static const cli_help usage = {
	"lint",
	"usage: migc lint [--format human|json|github] [FILES|DIRS...]\n"
	"       migc lint --list-rules\n\n"
	"Checks migration SQL (parsed by PostgreSQL 15's parser) for lock hazards.\n"
	"A directory means its */migration.sql and the .sql files directly inside it;\n"
	"with no path, the project's migrations folder (its Prisma config's migrations.path,\n"
	"else prisma/migrations). Files are checked in that order, so a CHECK\n"
	"validated in an earlier migration counts for a later SET NOT NULL.\n"
	"A file disables rules for itself with: -- migplan-disable rule-a, rule-b: reason\n\n",
	opts,
	"\n"
	"Exit: 0 no error-level finding, 1 an error-level finding or a file that does not\n"
	"parse, 2 bad usage, 3 a path that cannot be read.\n",
	MP_OPT_PLAIN | MP_OPT_SKIP_DASHDASH,
};

/* GitHub's workflow-command escaping: data escapes %, CR, LF; properties
 * also escape ':' and ','. */
static void gh_escape(FILE *out, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", out);
		else if (*s == '\r')
			fputs("%0D", out);
		else if (*s == '\n')
			fputs("%0A", out);
		else if (property && *s == ':')
			fputs("%3A", out);
		else if (property && *s == ',')
			fputs("%2C", out);
		else
			fputc(*s, out);
	}
}

static void print_github(const diag_list *d)
{
	for (size_t i = 0; i < d->count; i++) {
		const mp_diag *dg = &d->items[i];
		int line = 1, col = 1;
		if (dg->src)
			source_position(dg->src, dg->span.start, &line, &col);
		printf("::%s file=", dg->severity == DIAG_ERROR ? "error" : dg->severity == DIAG_WARNING ? "warning" : "notice");
		gh_escape(stdout, dg->src ? dg->src->path : "", true);
		printf(",line=%d,col=%d,title=", line, col);
		gh_escape(stdout, dg->rule ? dg->rule : "migc lint", true);
		fputs("::", stdout);
		if (dg->rule)
			printf("[%s] ", dg->rule);
		gh_escape(stdout, dg->message, false);
		fputc('\n', stdout);
	}
}

static void print_json(const diag_list *d, size_t nfiles)
{
	json_t *doc = json_object(), *arr = json_array();
	json_object_set_new(doc, "files", json_integer((json_int_t)nfiles));
	json_object_set_new(doc, "errors", json_integer(d->errors));
	json_object_set_new(doc, "warnings", json_integer(d->warnings));
	for (size_t i = 0; i < d->count; i++) {
		const mp_diag *dg = &d->items[i];
		json_t *o = json_object();
		int line = 0, col = 0;
		if (dg->src)
			source_position(dg->src, dg->span.start, &line, &col);
		json_object_set_new(o, "file", dg->src ? json_string(dg->src->path) : json_null());
		json_object_set_new(o, "line", json_integer(line));
		json_object_set_new(o, "column", json_integer(col));
		json_object_set_new(o, "severity", json_string(diag_severity_name(dg->severity)));
		json_object_set_new(o, "rule", dg->rule ? json_string(dg->rule) : json_null());
		json_object_set_new(o, "message", json_string(dg->message));
		json_array_append_new(arr, o);
	}
	json_object_set_new(doc, "findings", arr);
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(doc);
}

static void list_rules(void)
{
	size_t n;
	const lint_rule *r = lint_rules(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-30s %-7s %s\n%-38s instead: %s\n", r[i].name, diag_severity_name(r[i].severity), r[i].why, "",
		       r[i].instead);
}

/* Lints every file in order (one lock context, so earlier files count). */
static int lint_files(const lint_input *in, size_t nin, diag_list *diags, mp_source **srcs, int *parse_failures)
{
	mp_error err = {0};
	locks_ctx *ctx = locks_ctx_new();
	int io_failures = 0;
	for (size_t i = 0; i < nin; i++) {
		if (source_load(in[i].path, &srcs[i], &err) < 0) {
			fprintf(stderr, "migc lint: %s\n", err.msg);
			io_failures++;
			continue;
		}
		if (lint_source(ctx, srcs[i], diags) < 0)
			(*parse_failures)++;
	}
	locks_ctx_free(ctx);
	return io_failures;
}

static int lint_run(out_format fmt, const mp_opt_list *paths)
{
	mp_error err = {0};
	lint_input *in;
	size_t nin;
	if (lint_collect_inputs((char *const *)paths->items, (int)paths->n, &in, &nin, &err) < 0) {
		fprintf(stderr, "migc lint: %s\n", err.msg);
		return MIGC_EXIT_IO;
	}
	mp_source **srcs = xcalloc(nin ? nin : 1, sizeof *srcs);
	diag_list diags;
	diag_list_init(&diags);
	int parse_failures = 0;
	int io_failures = lint_files(in, nin, &diags, srcs, &parse_failures);
	diag_sort(&diags);
	if (fmt == OUT_JSON)
		print_json(&diags, nin);
	else if (fmt == OUT_GITHUB)
		print_github(&diags);
	else {
		diag_print_all(stdout, &diags, diag_use_color(stdout));
		fprintf(stderr, "migc lint: %zu file%s, %d error%s, %d warning%s\n", nin, cli_plural(nin), diags.errors,
		        cli_plural((size_t)diags.errors), diags.warnings, cli_plural((size_t)diags.warnings));
	}
	int rc = io_failures ? MIGC_EXIT_IO : (diags.errors || parse_failures) ? MIGC_EXIT_FINDINGS : MIGC_EXIT_OK;
	diag_list_free(&diags);
	for (size_t i = 0; i < nin; i++)
		source_free(srcs[i]);
	free(srcs);
	lint_free_inputs(in, nin);
	return rc;
}

static int lint_main(void *args, const mp_opt_list *paths)
{
	const lint_args *a = args;
	if (a->list_rules) {
		list_rules();
		return MIGC_EXIT_OK;
	}
	mp_opt_list use;
	char *dir;
	int ex = cli_default_paths("lint", paths, &use, &dir);
	if (ex == MIGC_EXIT_OK)
		ex = lint_run((out_format)a->format, &use);
	free(dir);
	return ex;
}

int cli_lint(int argc, char **argv)
{
	lint_args a = {OUT_HUMAN, false};
	return cli_run(&usage, argc, argv, &a, lint_main);
}

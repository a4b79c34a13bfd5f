/* migc lint: lock hazards in migration SQL, printed like compiler errors,
 * as JSON, or as GitHub Actions annotations. */
#include "util/buf.h"
#include "cli/migc/cli.h"
#include "util/diag.h"
#include "sql/lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OUT_HUMAN, OUT_JSON, OUT_GITHUB } out_format;

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: migc lint [--format human|json|github] [FILES|DIRS...]\n"
	        "       migc lint --list-rules\n\n"
	        "Checks migration SQL (parsed by PostgreSQL 15's parser) for lock hazards.\n"
	        "A directory means its */migration.sql and the .sql files directly inside it;\n"
	        "with no path, prisma/migrations. Files are checked in that order, so a CHECK\n"
	        "validated in an earlier migration counts for a later SET NOT NULL.\n"
	        "A file disables rules for itself with: -- migplan-disable rule-a, rule-b: reason\n\n"
	        "  --format human   file:line:col: severity: [rule] message, with a caret (default)\n"
	        "  --format json    one JSON document (also --json)\n"
	        "  --format github  GitHub Actions ::error/::warning annotations\n"
	        "  --list-rules     every rule with its severity and why (docs/lint.md)\n\n"
	        "Exit: 0 no error-level finding, 1 an error-level finding or a file that does not\n"
	        "parse, 2 bad usage, 3 a path that cannot be read.\n");
}

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

int cli_lint(int argc, char **argv)
{
	out_format fmt = OUT_HUMAN;
	char **paths = xcalloc((size_t)argc + 1, sizeof *paths);
	int npaths = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (cli_is_help(a)) {
			usage(stdout);
			free(paths);
			return MIGC_EXIT_OK;
		} else if (strcmp(a, "--list-rules") == 0) {
			list_rules();
			free(paths);
			return MIGC_EXIT_OK;
		} else if (strcmp(a, "--json") == 0) {
			fmt = OUT_JSON;
		} else if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
			const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
			if (v && strcmp(v, "human") == 0)
				fmt = OUT_HUMAN;
			else if (v && strcmp(v, "json") == 0)
				fmt = OUT_JSON;
			else if (v && strcmp(v, "github") == 0)
				fmt = OUT_GITHUB;
			else {
				fprintf(stderr, "migc lint: --format takes human, json or github\n");
				free(paths);
				return MIGC_EXIT_USAGE;
			}
		} else if (a[0] == '-' && a[1] != '\0' && strcmp(a, "--") != 0) {
			fprintf(stderr, "migc lint: unknown option '%s'\n", a);
			usage(stderr);
			free(paths);
			return MIGC_EXIT_USAGE;
		} else if (strcmp(a, "--") != 0) {
			paths[npaths++] = argv[i];
		}
	}

	mp_error err = {0};
	lint_input *in;
	size_t nin;
	if (lint_collect_inputs(paths, npaths, &in, &nin, &err) < 0) {
		fprintf(stderr, "migc lint: %s\n", err.msg);
		free(paths);
		return MIGC_EXIT_IO;
	}
	free(paths);

	mp_source **srcs = xcalloc(nin ? nin : 1, sizeof *srcs);
	diag_list diags;
	diag_list_init(&diags);
	locks_ctx *ctx = locks_ctx_new();
	int io_failures = 0, parse_failures = 0;
	for (size_t i = 0; i < nin; i++) {
		if (source_load(in[i].path, &srcs[i], &err) < 0) {
			fprintf(stderr, "migc lint: %s\n", err.msg);
			io_failures++;
			continue;
		}
		if (lint_source(ctx, srcs[i], &diags) < 0)
			parse_failures++;
	}
	locks_ctx_free(ctx);
	diag_sort(&diags);
	if (fmt == OUT_JSON)
		print_json(&diags, nin);
	else if (fmt == OUT_GITHUB)
		print_github(&diags);
	else {
		diag_print_all(stdout, &diags, diag_use_color(stdout));
		fprintf(stderr, "migc lint: %zu file%s, %d error%s, %d warning%s\n", nin, nin == 1 ? "" : "s", diags.errors,
		        diags.errors == 1 ? "" : "s", diags.warnings, diags.warnings == 1 ? "" : "s");
	}
	int rc = io_failures ? MIGC_EXIT_IO : (diags.errors || parse_failures) ? MIGC_EXIT_FINDINGS : MIGC_EXIT_OK;
	diag_list_free(&diags);
	for (size_t i = 0; i < nin; i++)
		source_free(srcs[i]);
	free(srcs);
	lint_free_inputs(in, nin);
	return rc;
}

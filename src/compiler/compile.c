/* The compiler pipeline in one call: parse, check, plan. */
#define _DEFAULT_SOURCE /* realpath */
#include "compiler/compile.h"
#include "compiler/check.h"
#include "compiler/folder_catalog.h"
#include "grammar/parse.h"
#include "util/buf.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"

/* The spec's name opens every generated file's `--` header: a control
 * character in it would end the comment. */
static bool name_is_plain(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static int run(compile_result *r, const char *migrations_dir, diag_list *diags)
{
	int rc = MP_OK;
	for (size_t i = 0; i < r->count; i++)
		if (!name_is_plain(r->sources[i]->name)) {
			diag_add(diags, DIAG_ERROR, NULL, (mp_span){0, 0},
			         "spec path has a control character (newline, tab, …); rename the file");
			return MP_EINVAL;
		}
	for (size_t i = 0; i < r->count; i++)
		if (parse_spec(r->sources[i], &r->specs[i], diags) != MP_OK)
			rc = MP_EINVAL;
	/* Lifecycles with syntax errors are left out of the checks (their items
	 * are incomplete); the others are checked, so one run says it all. */
	folder_catalog *fc = migrations_dir ? folder_catalog_open(migrations_dir) : NULL;
	int checked = check_specs_with(r->specs, r->count, folder_catalog_view(fc), diags, &r->model);
	folder_catalog_free(fc);
	if (checked != MP_OK || rc != MP_OK)
		return MP_EINVAL;
	if (plan_build(r->model, diags, &r->plan) != MP_OK)
		return MP_EINVAL;
	return MP_OK;
}

/* dir's parent, lexically ("migrations" -> ".", "a/b/" -> "a"). */
static char *lexical_parent(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	while (n > 0 && dir[n - 1] != '/')
		n--;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n == 0 ? xstrdup(".") : xstrndup(dir, n);
}

char *compile_project_dir(const char *migrations_dir)
{
	char *parent = lexical_parent(migrations_dir);
	char *real = realpath(parent, NULL);
	free(parent);
	if (!real)
		return NULL;
	char *slash = strrchr(real, '/');
	if (slash == real)
		slash[1] = '\0'; /* the project is / itself */
	else if (slash)
		*slash = '\0';
	return real;
}

char *compile_spec_name(const char *spec_path, const char *migrations_dir)
{
	const char *base = strrchr(spec_path, '/');
	base = base ? base + 1 : spec_path;
	char *project = compile_project_dir(migrations_dir), *spec = realpath(spec_path, NULL);
	char *name = NULL;
	if (project && spec) {
		size_t n = strlen(project);
		if (n == 1) /* "/" */
			name = xstrdup(spec + 1);
		else if (strncmp(spec, project, n) == 0 && spec[n] == '/')
			name = xstrdup(spec + n + 1);
	}
	free(project);
	free(spec);
	return name ? name : xstrdup(base);
}

int compile_specs(const char *const *paths, size_t n, diag_list *diags, compile_result **out, mp_error *err)
{
	return compile_specs_for(paths, n, NULL, diags, out, err);
}

int compile_specs_for(const char *const *paths, size_t n, const char *migrations_dir, diag_list *diags,
                      compile_result **out, mp_error *err)
{
	compile_result *r = xcalloc(1, sizeof *r);
	*out = r;
	r->count = n;
	r->sources = xcalloc(n ? n : 1, sizeof *r->sources);
	r->specs = xcalloc(n ? n : 1, sizeof *r->specs);
	for (size_t i = 0; i < n; i++) {
		int rc = source_load(paths[i], &r->sources[i], err);
		if (rc == MP_EINVAL) /* readable but not a spec: a diagnostic, like any bad input */
			diag_add(diags, DIAG_ERROR, NULL, (mp_span){0, 0}, "%s", err->msg);
		if (rc != MP_OK) {
			r->count = i;
			return rc;
		}
		if (migrations_dir)
			r->sources[i]->name = compile_spec_name(paths[i], migrations_dir);
	}
	return run(r, migrations_dir, diags);
}

int compile_text(const char *name, const char *text, size_t len, diag_list *diags, compile_result **out)
{
	compile_result *r = xcalloc(1, sizeof *r);
	*out = r;
	r->count = 1;
	r->sources = xcalloc(1, sizeof *r->sources);
	r->specs = xcalloc(1, sizeof *r->specs);
	r->sources[0] = source_from_string(name, text, len);
	return run(r, NULL, diags);
}

void compile_result_free(compile_result *r)
{
	if (!r)
		return;
	plan_free(r->plan);
	model_free(r->model);
	for (size_t i = 0; i < r->count; i++) {
		ast_spec_free(r->specs[i]);
		source_free(r->sources[i]);
	}
	free(r->specs);
	free(r->sources);
	free(r);
}

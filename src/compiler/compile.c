/* The compiler pipeline in one call: parse, check, plan. */
#include "compiler/compile.h"
#include "compiler/check.h"
#include "grammar/parse.h"
#include "util/buf.h"

#include <stdlib.h>

static int run(compile_result *r, diag_list *diags)
{
	int rc = MP_OK;
	for (size_t i = 0; i < r->count; i++)
		if (parse_spec(r->sources[i], &r->specs[i], diags) != MP_OK)
			rc = MP_EINVAL;
	/* Lifecycles with syntax errors are left out of the checks (their items
	 * are incomplete); the others are checked, so one run says it all. */
	if (check_specs(r->specs, r->count, diags, &r->model) != MP_OK || rc != MP_OK)
		return MP_EINVAL;
	if (plan_build(r->model, diags, &r->plan) != MP_OK)
		return MP_EINVAL;
	return MP_OK;
}

int compile_specs(const char *const *paths, size_t n, diag_list *diags, compile_result **out, mp_error *err)
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
	}
	return run(r, diags);
}

int compile_text(const char *name, const char *text, size_t len, diag_list *diags, compile_result **out)
{
	compile_result *r = xcalloc(1, sizeof *r);
	*out = r;
	r->count = 1;
	r->sources = xcalloc(1, sizeof *r->sources);
	r->specs = xcalloc(1, sizeof *r->specs);
	r->sources[0] = source_from_string(name, text, len);
	return run(r, diags);
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

/* The compile pipeline in one call: read specs, parse, check, plan. */
#ifndef MIGPLAN_COMPILE_H
#define MIGPLAN_COMPILE_H

#include "grammar/ast.h"
#include "util/diag.h"
#include "ops/model.h"
#include "compiler/plan.h"

typedef struct {
	mp_source **sources;
	ast_spec **specs;
	size_t count;
	mdl_model *model; /* NULL when checking failed */
	mp_plan *plan;    /* NULL when anything failed */
} compile_result;

/* Diagnostics go to diags; returns 0 when a plan was built, MP_EINVAL when the
 * specs have errors, MP_EIO when a file cannot be read (err says which). */
int compile_specs(const char *const *paths, size_t n, diag_list *diags, compile_result **out, mp_error *err);
/* The same over in-memory text (tests, fuzzing). */
int compile_text(const char *name, const char *text, size_t len, diag_list *diags, compile_result **out);
void compile_result_free(compile_result *r);

#endif

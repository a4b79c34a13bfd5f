/* Semantic checks: AST -> model. Reports every problem it can find in one
 * run (unknown and duplicate names, use after retire, contract before
 * expand, bad types, durations, batch sizes, ids) with the place it is at. */
#ifndef MIGPLAN_CHECK_H
#define MIGPLAN_CHECK_H

#include "grammar/ast.h"
#include "util/diag.h"
#include "ops/model.h"
#include "ops/check_ctx.h"

/* Checks all specs together (lifecycle names and ids are global). *out is
 * set only when there was no error; returns 0 or MP_EINVAL. */
int check_specs(ast_spec *const *specs, size_t nspecs, diag_list *diags, mdl_model **out);
/* The same, with what the migrations folder tells of the tables (columns a
 * lifecycle reads must exist, columns it adds must not); catalog NULL: no
 * folder. */
int check_specs_with(ast_spec *const *specs, size_t nspecs, const check_catalog *catalog, diag_list *diags,
                     mdl_model **out);

#endif

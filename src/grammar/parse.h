/* The .mig front end: source text -> AST, with diagnostics. */
#ifndef MIGPLAN_PARSE_H
#define MIGPLAN_PARSE_H

#include "grammar/ast.h"
#include "util/diag.h"

/* Parses src into *out (always set, possibly partial). Syntax errors go to
 * diags; the parser recovers at ';' and '}' to report several per run.
 * Returns 0, or MP_EINVAL when any error was reported. */
int parse_spec(const mp_source *src, ast_spec **out, diag_list *diags);
void ast_spec_free(ast_spec *spec);

#endif

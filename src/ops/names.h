/* Small helpers over names: "did you mean" suggestions and rendering of
 * literals and types as SQL. */
#ifndef MIGPLAN_OPS_NAMES_H
#define MIGPLAN_OPS_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include "grammar/ast.h"
#include "util/buf.h"

/* The candidate closest to word within a small edit distance, or NULL. */
const char *names_suggest(const char *word, const char *const *candidates, size_t n);
/* SQL for a literal: quoted string, number, TRUE/FALSE, NULL. */
void names_render_literal(mp_buf *b, const ast_literal *lit);
/* PostgreSQL limits identifiers to 63 bytes and silently truncates longer ones. */
#define NAMES_MAX_IDENT 63

#endif

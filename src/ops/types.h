/* PostgreSQL column types as a spec may write them, rendered canonically. */
#ifndef MIGPLAN_OPS_TYPES_H
#define MIGPLAN_OPS_TYPES_H

#include <stdbool.h>
#include "grammar/ast.h"
#include "util/buf.h"

typedef enum { TYPECLASS_OTHER, TYPECLASS_NUMERIC, TYPECLASS_BOOL, TYPECLASS_TEXT } type_class;

/* Renders t into out and returns true, or writes why not into msg (and a
 * suggestion into hint, possibly empty) and returns false. */
bool types_render(const ast_type *t, mp_buf *out, type_class *cls, mp_buf *msg, mp_buf *hint);

/* The most characters a value of t may hold (varchar(n), char(n)), or -1
 * for no limit this module knows. */
long types_max_chars(const ast_type *t);

#endif

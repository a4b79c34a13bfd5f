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

/* What ALTER COLUMN … TYPE from old to new costs in PostgreSQL: nothing (the
 * same type), metadata only (binary-coercible, or a length or precision
 * limit that only grows: no rewrite, no scan; an index is rebuilt only where
 * PostgreSQL cannot tell it stays the same), or a rewrite of
 * the table and its indexes. */
typedef enum { TYPES_SAME, TYPES_IN_PLACE, TYPES_REWRITE } types_change;

/* Decides from the two types as written (both must render); why gets the
 * reason in a few words ("varchar(20) to varchar(50) only raises the length
 * limit"), for explain and for the error of a change that is not in place. */
types_change types_change_of(const ast_type *old, const ast_type *new, mp_buf *why);

#endif

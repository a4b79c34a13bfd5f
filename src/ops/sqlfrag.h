/* SQL fragments several operations write: ALTER TABLE prefixes, quoted
 * columns, dropping and validating a constraint, the NOT NULL check. */
#ifndef MIGPLAN_OPS_SQLFRAG_H
#define MIGPLAN_OPS_SQLFRAG_H

#include "util/buf.h"
#include "ops/model.h"

/* Clears b, then "ALTER TABLE <t> ". */
void sqlfrag_alter(mp_buf *b, const mdl_lifecycle *lc);
void sqlfrag_col(mp_buf *b, const char *column);
/* "ALTER TABLE <t> ALTER COLUMN <c> " + rest. */
void sqlfrag_alter_column(mp_buf *b, const mdl_lifecycle *lc, const char *column, const char *rest);
void sqlfrag_constraint_drop(mp_buf *b, const mdl_lifecycle *lc, const char *name);
void sqlfrag_constraint_validate(mp_buf *b, const mdl_lifecycle *lc, const char *name);
/* The NOT VALID check that stands in for a column's NOT NULL while rows
 * are still being filled (migplan_<column>_not_null), its name malloc'ed,
 * and "ALTER TABLE <t> ADD CONSTRAINT … CHECK (<c> IS NOT NULL) NOT VALID". */
char *sqlfrag_not_null_name(const char *column);
void sqlfrag_not_null_check_add(mp_buf *b, const mdl_lifecycle *lc, const char *column);
/* ", "-separated quoted columns. */
void sqlfrag_columns(mp_buf *b, const char *const *columns, size_t n);

#endif

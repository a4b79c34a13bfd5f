/* Whether a column default is volatile, and so whether ADD COLUMN rewrites
 * the table (shared by the lock analyzer and lint; part of locks.h's API). */
#ifndef MIGPLAN_LOCKS_VOLATILITY_H
#define MIGPLAN_LOCKS_VOLATILITY_H

#include "sql/sqlparse.h"

typedef enum { VOL_STABLE, VOL_UNKNOWN, VOL_VOLATILE } locks_volatility;

/* Volatility of a default expression; *func names the function that decided. */
locks_volatility locks_expr_volatility(const json_t *expr, const char **func);
/* Why ADD COLUMN rewrites the table (volatile default, serial, identity,
 * stored generated column), or NULL when it does not. def is a ColumnDef. */
const char *locks_add_column_rewrite(const json_t *coldef, locks_volatility *vol, const char **func);

#endif

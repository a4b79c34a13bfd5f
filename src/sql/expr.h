/* What a user SQL expression reads: the columns it names and whether it is
 * volatile, from PostgreSQL's parser (the sync trigger fires on, and
 * recomputes from, exactly those columns). */
#ifndef MIGPLAN_SQL_EXPR_H
#define MIGPLAN_SQL_EXPR_H

#include <stddef.h>
#include "sql/locks_volatility.h"
#include "util/error.h"

typedef struct {
	char **columns; /* distinct, in first-use order; the last name of each reference */
	size_t ncolumns;
	locks_volatility volatility;
	const char *func; /* the function that decided the volatility, or NULL (static storage) */
} sqlexpr_info;

/* Parses expr as `SELECT (expr)`; MP_EINVAL when it does not parse. */
int sqlexpr_inspect(const char *expr, sqlexpr_info *out, mp_error *err);
void sqlexpr_info_free(sqlexpr_info *info);

#endif

/* What a user SQL expression reads: the columns it names and whether it is
 * volatile, from PostgreSQL's parser (the sync trigger fires on, and
 * recomputes from, exactly those columns). */
#ifndef MIGPLAN_SQL_EXPR_H
#define MIGPLAN_SQL_EXPR_H

#include <stdbool.h>
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
/* Whether expr is one expression standing on its own, as migc places it:
 * inside parentheses (`SET c = (expr)`) and bare (`SELECT expr FROM …`).
 * A text that closes a parenthesis it did not open, or goes on past the
 * expression (`1) ; DROP TABLE x; SELECT (1`, `1 FROM t`, `1, 2`), parses in
 * one of the two places but not as one lone target in both. */
bool sqlexpr_is_one(const char *expr);

#endif

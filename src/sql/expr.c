/* Column references and volatility of a user SQL expression. */
#include "sql/expr.h"
#include "sql/sqlparse.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

static void add_column(sqlexpr_info *info, const char *name)
{
	for (size_t i = 0; i < info->ncolumns; i++)
		if (strcmp(info->columns[i], name) == 0)
			return;
	info->columns = xrealloc(info->columns, (info->ncolumns + 1) * sizeof *info->columns);
	info->columns[info->ncolumns++] = xstrdup(name);
}

/* Every ColumnRef in the tree: its last String field names the column
 * ("t.c" and "c" alike; "t.*" has none). */
static bool visit_column(const char *key, json_t *v, void *ctx)
{
	if (strcmp(key, "ColumnRef") != 0)
		return true;
	json_t *fields = sqlnode_get(v, "fields");
	const char *name = sqlnode_string(json_array_get(fields, json_array_size(fields) - 1));
	if (name)
		add_column(ctx, name);
	return false;
}

int sqlexpr_inspect(const char *expr, sqlexpr_info *out, mp_error *err)
{
	memset(out, 0, sizeof *out);
	mp_buf sql = MP_BUF_INIT;
	buf_printf(&sql, "SELECT (%s)", expr);
	sql_file *f = NULL;
	sql_parse_error perr;
	int rc = sqlparse_file(sql.ptr, sql.len, &f, &perr, err);
	if (rc == MP_OK && f->nstmts != 1)
		rc = mp_error_set(err, MP_EINVAL, "not one expression");
	if (rc == MP_OK) {
		json_t *targets = sqlnode_get(f->stmts[0].node, "targetList");
		sqlnode_walk(targets, visit_column, out);
		out->volatility = locks_expr_volatility(targets, &out->func);
	}
	sqlparse_free(f);
	buf_free(&sql);
	return rc;
}

void sqlexpr_info_free(sqlexpr_info *info)
{
	for (size_t i = 0; i < info->ncolumns; i++)
		free(info->columns[i]);
	free(info->columns);
	memset(info, 0, sizeof *info);
}

/* The text is one statement: a SELECT of exactly one target and nothing else. */
static bool lone_target(const char *sql)
{
	sql_file *f = NULL;
	sql_parse_error perr;
	mp_error err = {0};
	if (sqlparse_file(sql, strlen(sql), &f, &perr, &err) != MP_OK)
		return false;
	bool one = f->nstmts == 1 && f->stmts[0].kind_id == SQL_KIND_SELECT;
	const json_t *n = one ? f->stmts[0].node : NULL;
	static const char *const others[] = {"fromClause", "whereClause", "groupClause", "havingClause", "windowClause",
	                                     "sortClause", "limitCount", "limitOffset", "intoClause", "larg",
	                                     "distinctClause", "lockingClause", "withClause", "valuesLists"};
	one = one && json_array_size(sqlnode_get(n, "targetList")) == 1;
	for (size_t i = 0; one && i < sizeof others / sizeof *others; i++)
		one = sqlnode_get(n, others[i]) == NULL;
	sqlparse_free(f);
	return one;
}

bool sqlexpr_is_one(const char *expr)
{
	mp_buf a = MP_BUF_INIT, b = MP_BUF_INIT;
	buf_printf(&a, "SELECT (%s)", expr);
	buf_printf(&b, "SELECT %s", expr);
	bool one = lone_target(buf_cstr(&a)) && lone_target(buf_cstr(&b));
	buf_free(&a);
	buf_free(&b);
	return one;
}

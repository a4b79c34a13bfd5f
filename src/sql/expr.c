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

#include "sqlcheck.h"

#include <pg_query.h>
#include <string.h>

int sqlcheck_parse(const char *sql, mp_buf *msg)
{
	PgQueryParseResult r = pg_query_parse(sql);
	int rc = 0;
	if (r.error) {
		int pos = r.error->cursorpos > 0 ? r.error->cursorpos - 1 : 0;
		int len = (int)strlen(sql);
		if (pos > len)
			pos = len;
		int from = pos > 30 ? pos - 30 : 0;
		buf_printf(msg, "%s, at: ", r.error->message);
		for (int i = from; i < pos + 30 && i < len; i++)
			buf_putc(msg, sql[i] == '\n' ? ' ' : sql[i]);
		rc = 1;
	}
	pg_query_free_parse_result(r);
	return rc;
}

int sqlcheck_count_statements(const char *sql)
{
	PgQuerySplitResult r = pg_query_split_with_parser(sql);
	int n = r.error ? -1 : r.n_stmts;
	pg_query_free_split_result(r);
	return n;
}

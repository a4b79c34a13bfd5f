/* SQL fragments shared by the operations. */
#include "ops/sqlfrag.h"
#include "ops/step.h"
#include "util/quote.h"

#include <stdlib.h>

void sqlfrag_alter(mp_buf *b, const mdl_lifecycle *lc)
{
	buf_clear(b);
	buf_puts(b, "ALTER TABLE ");
	step_rel_sql(b, &lc->table);
	buf_putc(b, ' ');
}

void sqlfrag_col(mp_buf *b, const char *column)
{
	sql_quote_ident(b, column);
}

void sqlfrag_alter_column(mp_buf *b, const mdl_lifecycle *lc, const char *column, const char *rest)
{
	sqlfrag_alter(b, lc);
	buf_puts(b, "ALTER COLUMN ");
	sql_quote_ident(b, column);
	buf_puts(b, rest);
}

void sqlfrag_constraint_drop(mp_buf *b, const mdl_lifecycle *lc, const char *name)
{
	sqlfrag_alter(b, lc);
	buf_puts(b, "DROP CONSTRAINT ");
	sql_quote_ident(b, name);
}

void sqlfrag_constraint_validate(mp_buf *b, const mdl_lifecycle *lc, const char *name)
{
	sqlfrag_alter(b, lc);
	buf_puts(b, "VALIDATE CONSTRAINT ");
	sql_quote_ident(b, name);
}

void sqlfrag_columns(mp_buf *b, const char *const *columns, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, ", ");
		sql_quote_ident(b, columns[i]);
	}
}

char *sqlfrag_not_null_name(const char *column)
{
	return step_object_name("migplan_", column, "_not_null");
}

void sqlfrag_not_null_check_add(mp_buf *b, const mdl_lifecycle *lc, const char *column)
{
	char *nn = sqlfrag_not_null_name(column);
	sqlfrag_alter(b, lc);
	buf_puts(b, "ADD CONSTRAINT ");
	sql_quote_ident(b, nn);
	buf_puts(b, " CHECK (");
	sqlfrag_col(b, column);
	buf_puts(b, " IS NOT NULL) NOT VALID");
	free(nn);
}

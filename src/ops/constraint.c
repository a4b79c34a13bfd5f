/* NOT VALID constraints: added at expand, validated at contract. */
#include "ops/constraint.h"
#include "ops/sqlfrag.h"

#include <stdlib.h>

void constraint_expand(step_builder *sb, const mdl_lifecycle *lc, const char *name, const char *add_sql)
{
	mp_buf b = MP_BUF_INIT;
	step_up(sb, "NOT VALID: no scan now; VALIDATE at contract does not block writes.", add_sql);
	sqlfrag_constraint_drop(&b, lc, name);
	step_down(sb, NULL, b.ptr);
	buf_free(&b);
}

void constraint_validate(step_builder *sb, const mdl_lifecycle *lc, const char *name, const char *add_sql)
{
	mp_buf b = MP_BUF_INIT;
	sqlfrag_constraint_validate(&b, lc, name);
	step_up(sb, "Checks existing rows without blocking writes.", b.ptr);
	step_down(sb, NULL, add_sql);
	sqlfrag_constraint_drop(&b, lc, name);
	step_down(sb, "A validated constraint cannot be made NOT VALID again: re-create it.", b.ptr);
	buf_free(&b);
}

void constraint_not_null_check(step_builder *sb, const mdl_lifecycle *lc, const char *column)
{
	mp_buf b = MP_BUF_INIT;
	sqlfrag_not_null_check_add(&b, lc, column);
	step_up(sb, "NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.", b.ptr);
	char *nn = sqlfrag_not_null_name(column);
	sqlfrag_constraint_drop(&b, lc, nn);
	step_down(sb, NULL, b.ptr);
	free(nn);
	buf_free(&b);
}

/* Its DOWN is nothing: constraint_not_null_set's re-adds the check NOT VALID. */
void constraint_not_null_validate(step_builder *sb, const mdl_lifecycle *lc, const char *column)
{
	mp_buf b = MP_BUF_INIT;
	char *nn = sqlfrag_not_null_name(column);
	sqlfrag_constraint_validate(&b, lc, nn);
	step_up(sb, "Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.", b.ptr);
	free(nn);
	buf_free(&b);
}

void constraint_not_null_set(step_builder *sb, const mdl_lifecycle *lc, const char *column)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	char *nn = sqlfrag_not_null_name(column);
	sqlfrag_alter_column(&b, lc, column, " SET NOT NULL");
	step_up(sb, "PostgreSQL 12+ proves this from the validated check: no second scan.", b.ptr);
	sqlfrag_not_null_check_add(&b2, lc, column);
	step_down(sb, NULL, b2.ptr);
	sqlfrag_alter_column(&b2, lc, column, " DROP NOT NULL");
	step_down(sb, NULL, b2.ptr);
	sqlfrag_constraint_drop(&b, lc, nn);
	step_up(sb, "The helper check is redundant now.", b.ptr);
	free(nn);
	buf_free(&b);
	buf_free(&b2);
}

/* NOT VALID constraints: added at expand, validated at contract. */
#include "ops/constraint.h"
#include "ops/sqlfrag.h"

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

/* NOT VALID constraints: added at expand, validated at contract. */
#include "ops/constraint.h"
#include "ops/sqlfrag.h"

void constraint_expand(step_builder *sb, const mdl_lifecycle *lc, const char *name, const char *add_sql,
                       lock_mode mode, const mdl_table *ref)
{
	mp_buf b = MP_BUF_INIT;
	step_up(sb, mode, &lc->table, COST_BRIEF, "NOT VALID: no scan now; VALIDATE at contract does not block writes.",
	        add_sql);
	if (ref)
		step_lock_also(sb, mode, ref, COST_BRIEF);
	sqlfrag_constraint_drop(&b, lc, name);
	step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, b.ptr);
	buf_free(&b);
}

void constraint_validate(step_builder *sb, const mdl_lifecycle *lc, const char *name, const char *add_sql,
                         lock_mode mode, const mdl_table *ref)
{
	mp_buf b = MP_BUF_INIT;
	sqlfrag_constraint_validate(&b, lc, name);
	step_up(sb, LOCK_SHARE_UPDATE_EXCLUSIVE, &lc->table, COST_SCAN, "Checks existing rows without blocking writes.",
	        b.ptr);
	if (ref)
		step_lock_also(sb, LOCK_ROW_SHARE, ref, COST_SCAN);
	step_down(sb, mode, &lc->table, COST_BRIEF, NULL, add_sql);
	sqlfrag_constraint_drop(&b, lc, name);
	step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF,
	          "A validated constraint cannot be made NOT VALID again: re-create it.", b.ptr);
	buf_free(&b);
}

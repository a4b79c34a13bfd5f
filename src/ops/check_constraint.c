/* The check operation: a CHECK constraint added NOT VALID at expand and
 * validated at contract without blocking writes. */
#include "ops/ops.h"
#include "ops/sqlfrag.h"
#include "util/quote.h"

static bool check_needs(const mdl_lifecycle *lc, op_phase phase)
{
	return (phase == PHASE_EXPAND || phase == PHASE_CONTRACT) && lc->nchecks > 0;
}

static void check_add(mp_buf *b, const mdl_lifecycle *lc, const mdl_check *k)
{
	sqlfrag_alter(b, lc);
	buf_puts(b, "ADD CONSTRAINT ");
	sql_quote_ident(b, k->name);
	buf_printf(b, " CHECK (%s) NOT VALID", k->expr);
}

static void check_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nchecks; i++) {
		check_add(&b, lc, &lc->checks[i]);
		step_up(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF,
		        "NOT VALID: no scan now; VALIDATE at contract does not block writes.", b.ptr);
		sqlfrag_constraint_drop(&b2, lc, lc->checks[i].name);
		step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, b2.ptr);
	}
	buf_free(&b);
	buf_free(&b2);
}

static void check_contract_scan(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nchecks; i++) {
		sqlfrag_constraint_validate(&b, lc, lc->checks[i].name);
		step_up(sb, LOCK_SHARE_UPDATE_EXCLUSIVE, &lc->table, COST_SCAN, "Checks existing rows without blocking writes.",
		        b.ptr);
		check_add(&b2, lc, &lc->checks[i]);
		step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		sqlfrag_constraint_drop(&b2, lc, lc->checks[i].name);
		step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF,
		          "A validated constraint cannot be made NOT VALID again: re-create it.", b2.ptr);
	}
	buf_free(&b);
	buf_free(&b2);
}

const op_def op_check = {
	.name = "check",
	.needs = check_needs,
	.expand = check_expand,
	.contract_scan = check_contract_scan,
};

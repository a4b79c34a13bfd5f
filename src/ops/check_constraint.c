/* The check operation: a CHECK constraint added NOT VALID at expand and
 * validated at contract without blocking writes. */
#include "ops/check_ctx.h"
#include "util/vec.h"
#include "ops/constraint.h"
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

static void check_each(step_builder *sb, const mdl_lifecycle *lc, constraint_step step)
{
	mp_buf b = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nchecks; i++) {
		check_add(&b, lc, &lc->checks[i]);
		step(sb, lc, lc->checks[i].name, b.ptr);
	}
	buf_free(&b);
}

static void check_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	check_each(sb, lc, constraint_expand);
}

static void check_contract_scan(step_builder *sb, const mdl_lifecycle *lc)
{
	check_each(sb, lc, constraint_validate);
}

static void check_constraint_check(lc_state *st, const ast_item *it)
{
	check_claim_object(st->c, &it->name, "constraint");
	const ast_check_opts *o = &it->check;
	if (!*o->expr)
		check_error(st->c, o->expr_span, "empty check expression");
	else
		check_sql_expr(st->c, o->expr, o->expr_span, "the check expression");
	mdl_check *k = MP_VEC_PUSH(st->lc->checks, st->lc->nchecks);
	k->name = it->name.text;
	k->expr = o->expr;
}

const op_def op_check = {
	.name = "check",
	.check = check_constraint_check,
	.needs = check_needs,
	.expand = check_expand,
	.contract_scan = check_contract_scan,
};

/* The enforce not null operation: a NOT VALID check at expand (or in an
 * enforce step of its own after the backfills), VALIDATE and SET NOT NULL at
 * contract, and the no_nulls gate before it; its check finds the add, or hands
 * a column the table already has to the fill operation (fill.c). */
#include "ops/check_ctx.h"
#include "ops/constraint.h"
#include "ops/fill.h"
#include "ops/names.h"
#include "ops/ops.h"
#include "ops/sqlfrag.h"
#include "util/quote.h"

#include <stdlib.h>

/* A NOT VALID check still applies to every new row version. When one
 * lifecycle backfills several columns and one of them starts out NULL (no
 * default), the backfill of another column writes rows where it is still
 * NULL and would break its check: then the checks come in a step of their own
 * after the backfills instead of in expand. */
static bool late_not_null_checks(const mdl_lifecycle *lc)
{
	size_t backfills = 0;
	bool null_at_start = false;
	for (size_t i = 0; i < lc->nadds; i++) {
		backfills += lc->adds[i].value_sql != NULL;
		null_at_start = null_at_start || (lc->adds[i].enforce_not_null &&
		                                  !(lc->adds[i].default_sql && lc->adds[i].default_in_expand));
	}
	return backfills > 1 && null_at_start;
}

static bool enforce_needs(const mdl_lifecycle *lc, op_phase phase)
{
	if (phase == PHASE_ENFORCE)
		return late_not_null_checks(lc);
	for (size_t i = 0; phase == PHASE_CONTRACT && i < lc->nadds; i++)
		if (lc->adds[i].enforce_not_null)
			return true;
	return false;
}

static void nn_checks_add(step_builder *sb, const mdl_lifecycle *lc)
{
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].enforce_not_null)
			constraint_not_null_check(sb, lc, lc->adds[i].column);
}

static void enforce_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!late_not_null_checks(lc))
		nn_checks_add(sb, lc);
}

static void enforce_contract_scan(step_builder *sb, const mdl_lifecycle *lc)
{
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].enforce_not_null)
			constraint_not_null_validate(sb, lc, lc->adds[i].column);
}

static void enforce_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].enforce_not_null)
			constraint_not_null_set(sb, lc, lc->adds[i].column);
}

/* The contract's SET NOT NULL must not fail: no NULL may be left. */
static void enforce_column_gates(step_builder *sb, const mdl_lifecycle *lc, const mdl_add *a)
{
	if (!a->enforce_not_null)
		return;
	step_add_column_gate(sb, GATE_NO_NULLS, lc, a->column);
}

static void enforce_check(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	mdl_add *a = check_find_add(st, it->name.text);
	if (!a) {
		/* An add further down means the order is wrong; otherwise unknown. */
		const ast_item *later;
		for (later = it->next; later; later = later->next)
			if ((later->kind == ITEM_ADD && strcmp(later->name.text, it->name.text) == 0) ||
			    ((later->kind == ITEM_RENAME || later->kind == ITEM_RETYPE) &&
			     strcmp(later->target.text, it->name.text) == 0))
				break;
		if (later) {
			check_error(c, it->name.span, "enforce not null '%s' comes before the column is added (contract before expand)",
			    it->name.text);
			return;
		}
		if (it->opts.backfill.kind != SRC_NONE) { /* a column the table has: its NULLs filled first */
			fill_check(st, it);
			return;
		}
		check_error(c, it->name.span, "enforce not null: column '%s' is not added in lifecycle '%s' (for a column "
		    "the table already has, say what its NULLs become: enforce not null %s backfill VALUE)", it->name.text,
		    st->lc->name, it->name.text);
		const char **names = xmalloc((st->lc->nadds + 1) * sizeof *names);
		for (size_t i = 0; i < st->lc->nadds; i++)
			names[i] = st->lc->adds[i].column;
		const char *s = names_suggest(it->name.text, names, st->lc->nadds);
		free(names);
		if (s)
			check_note(c, it->name.span, "did you mean '%s'?", s);
		return;
	}
	check_column_use(st, &it->name, "by enforce");
	if (it->opts.backfill.kind != SRC_NONE || it->opts.has_batch || it->opts.has_default || it->opts.has_nullability ||
	    it->opts.reverse.kind != SRC_NONE || it->opts.using_expr || it->opts.after) {
		check_error(c, it->span, "enforce not null on a column this lifecycle adds takes no options; its backfill "
		    "belongs to the add");
		return;
	}
	if (a->enforce_not_null) {
		check_error(c, it->name.span, "NOT NULL is already enforced on '%s'", it->name.text);
		return;
	}
	a->enforce_not_null = true;
	if (!a->value_sql && !a->default_sql)
		check_error(c, it->name.span, "NOT NULL on '%s' with no backfill source and no default: existing rows would be NULL",
		    a->column);
}

const op_def op_enforce = {
	.name = "enforce not null",
	.check = enforce_check,
	.needs = enforce_needs,
	.expand = enforce_expand,
	.enforce = nn_checks_add,
	.contract_scan = enforce_contract_scan,
	.contract = enforce_contract,
	.column_gates = enforce_column_gates,
};

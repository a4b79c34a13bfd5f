/* The enforce not null operation: a NOT VALID check at expand (or in an
 * enforce step of its own after the backfills), VALIDATE and SET NOT NULL at
 * contract, and the no_nulls gate before it; its check finds the add. */
#include "ops/check_ctx.h"
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
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (!a->enforce_not_null)
			continue;
		sqlfrag_not_null_check_add(&b, lc, a->column);
		step_up(sb, "NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.", b.ptr);
		char *nn = sqlfrag_not_null_name(a->column);
		sqlfrag_constraint_drop(&b2, lc, nn);
		free(nn);
		step_down(sb, NULL, b2.ptr);
	}
	buf_free(&b);
	buf_free(&b2);
}

static void enforce_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!late_not_null_checks(lc))
		nn_checks_add(sb, lc);
}

/* DOWN of VALIDATE: nothing; the check is re-added NOT VALID by the DOWN of
 * SET NOT NULL below. */
static void enforce_contract_scan(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nadds; i++) {
		if (!lc->adds[i].enforce_not_null)
			continue;
		char *nn = sqlfrag_not_null_name(lc->adds[i].column);
		sqlfrag_constraint_validate(&b, lc, nn);
		step_up(sb, "Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.", b.ptr);
		free(nn);
	}
	buf_free(&b);
}

static void enforce_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (!a->enforce_not_null)
			continue;
		char *nn = sqlfrag_not_null_name(a->column);
		sqlfrag_alter_column(&b, lc, a->column, " SET NOT NULL");
		step_up(sb, "PostgreSQL 12+ proves this from the validated check: no second scan.", b.ptr);
		sqlfrag_not_null_check_add(&b2, lc, a->column);
		step_down(sb, NULL, b2.ptr);
		sqlfrag_alter_column(&b2, lc, a->column, " DROP NOT NULL");
		step_down(sb, NULL, b2.ptr);
		sqlfrag_constraint_drop(&b, lc, nn);
		step_up(sb, "The helper check is redundant now.", b.ptr);
		free(nn);
	}
	buf_free(&b);
	buf_free(&b2);
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
		check_error(c, it->name.span, "enforce not null: column '%s' is not added in lifecycle '%s'", it->name.text,
		    st->lc->name);
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

/* The tables of operations: which op plans each item kind, and in which order
 * the ops write their parts of each shared step. */
#include "ops/ops.h"

#include <stddef.h>

const char *ops_phase_name(op_phase phase)
{
	static const char *names[] = {
		[PHASE_SQL] = "sql",         [PHASE_EXPAND] = "expand",   [PHASE_BACKFILL] = "backfill",
		[PHASE_INDEX] = "index",     [PHASE_ENFORCE] = "enforce", [PHASE_CONTRACT] = "contract",
		[PHASE_ENUM] = "enum",
	};
	return names[phase];
}

static const op_def *const by_kind[] = {
	[ITEM_SET] = NULL,
	[ITEM_ADD] = &op_add,
	[ITEM_ENFORCE] = &op_enforce,
	[ITEM_RETIRE] = &op_retire,
	[ITEM_RENAME] = &op_rename,
	[ITEM_RETYPE] = &op_rename, /* a rename with a type change */
	[ITEM_INDEX] = &op_index,
	[ITEM_UNIQUE] = &op_index, /* an index with UNIQUE */
	[ITEM_FOREIGN_KEY] = &op_foreign_key,
	[ITEM_CHECK] = &op_check,
	[ITEM_SQL] = &op_sql,
	[ITEM_ALTER] = &op_alter,
	[ITEM_ENUM_ADD] = &op_enum,
	[ITEM_ENUM_RENAME] = &op_enum, /* a value renamed, in the same list */
	[ITEM_RENAME_TABLE] = &op_rename_table,
};

const op_def *ops_for_kind(ast_item_kind kind)
{
	return by_kind[kind];
}

/* Every op that owns a list of the model (rename and retype are planned as
 * an add and a retire; their op writes its part of the sync trigger). Own steps
 * come in this order within a stage: backfills before index builds; before
 * the expand, sql items (a CREATE TYPE) before enum values. */
static const op_def *const planned[] = {&op_add,   &op_enforce, &op_fill, &op_retire, &op_index, &op_foreign_key,
                                        &op_check, &op_sql,     &op_enum, &op_sync,   &op_alter, &op_rename_table, NULL};

/* Expand: columns first, then the trigger that fills them, then the checks
 * on them, then constraints; in-place changes of existing columns last. */
static const op_def *const expand_order[] = {&op_add,         &op_sync,  &op_enforce, &op_fill,
                                             &op_foreign_key, &op_check, &op_retire,  &op_alter, &op_rename_table, NULL};
/* Contract: every VALIDATE (a scan that lets writes go on) before the brief
 * exclusive changes; the trigger goes before the columns it reads. */
static const op_def *const scan_order[] = {&op_enforce, &op_fill, &op_foreign_key, &op_check, NULL};
static const op_def *const contract_order[] = {&op_enforce, &op_fill,   &op_index,        &op_add,
                                               &op_sync,    &op_retire, &op_rename_table, NULL};
/* Gates per added column, in column order. */
static const op_def *const gate_order[] = {&op_enforce, &op_sync, NULL};

void ops_check_done(lc_state *st)
{
	for (size_t i = 0; planned[i]; i++)
		if (planned[i]->check_done)
			planned[i]->check_done(st);
}

bool ops_need(const mdl_lifecycle *lc, op_phase phase)
{
	for (size_t i = 0; planned[i]; i++)
		if (planned[i]->needs && planned[i]->needs(lc, phase))
			return true;
	return false;
}

typedef enum { HOOK_EXPAND, HOOK_ENFORCE, HOOK_SCAN, HOOK_CONTRACT } shared_hook;
typedef void (*shared_fn)(step_builder *, const mdl_lifecycle *);

static shared_fn hook_of(const op_def *d, shared_hook h)
{
	switch (h) {
	case HOOK_EXPAND: return d->expand;
	case HOOK_ENFORCE: return d->enforce;
	case HOOK_SCAN: return d->contract_scan;
	case HOOK_CONTRACT: return d->contract;
	}
	return NULL;
}

static void run_order(step_builder *sb, const mdl_lifecycle *lc, const op_def *const *order, shared_hook h)
{
	for (size_t i = 0; order[i]; i++) {
		shared_fn fn = hook_of(order[i], h);
		if (fn)
			fn(sb, lc);
	}
}

void ops_build(step_builder *sb, const mdl_lifecycle *lc, op_phase phase)
{
	switch (phase) {
	case PHASE_EXPAND: run_order(sb, lc, expand_order, HOOK_EXPAND); break;
	case PHASE_ENFORCE: run_order(sb, lc, planned, HOOK_ENFORCE); break;
	case PHASE_CONTRACT:
		run_order(sb, lc, scan_order, HOOK_SCAN);
		run_order(sb, lc, contract_order, HOOK_CONTRACT);
		break;
	default: break; /* items with steps of their own: ops_own_next */
	}
}

void ops_contract_gates(step_builder *sb, const mdl_lifecycle *lc, const char *expand_id)
{
	bool window = false;
	for (size_t i = 0; planned[i]; i++)
		window = window || (planned[i]->holds_window && planned[i]->holds_window(lc));
	if (expand_id && window) {
		mf_gate *g = step_add_gate(sb, GATE_MIN_AGE);
		g->after = xstrdup(expand_id);
		g->duration_ms = lc->window_ms;
	}
	for (size_t i = 0; i < lc->nadds; i++)
		for (size_t k = 0; gate_order[k]; k++)
			gate_order[k]->column_gates(sb, lc, &lc->adds[i]);
	for (size_t i = 0; planned[i]; i++)
		if (planned[i]->gates)
			planned[i]->gates(sb, lc);
}

bool ops_own_next(const mdl_lifecycle *lc, op_stage stage, op_cursor *cur, const op_def **op, size_t *item,
                  op_own_step *out)
{
	for (; planned[cur->op]; cur->op++, cur->item = 0) {
		const op_def *d = planned[cur->op];
		if (!d->own_step)
			continue;
		size_t n = d->count(lc);
		while (cur->item < n) {
			size_t i = cur->item++;
			if (d->own_step(lc, i, stage, out)) {
				*op = d;
				*item = i;
				return true;
			}
		}
	}
	return false;
}

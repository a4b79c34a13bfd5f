/* The operations: one file per .mig item kind (add.c, enforce.c, retire.c,
 * rename.c for rename and retype, index.c for index and unique, fill.c for
 * enforce not null on an existing column, alter.c for in-place changes,
 * foreign_key.c, check_constraint.c, sql.c, enum.c for enum values,
 * rename_table.c for a table's new name) plus the sync
 * trigger (sync.c) that the column operations share, each behind one op_def. The
 * planner walks a lifecycle's steps in phase order and, in each, asks every
 * operation in this file's tables for its part; an operation reads its own
 * items from the checked model and writes UP, DOWN, locks and gates into the
 * step builder. Each also validates its items for the checker
 * (compiler/check.c), which hands every item to ops_for_kind(kind)->check.
 * Adding an item kind is adding one file and its rows here. */
#ifndef MIGPLAN_OPS_H
#define MIGPLAN_OPS_H

#include <stdbool.h>
#include "grammar/ast.h"
#include "ops/check_ctx.h"
#include "ops/model.h"
#include "ops/step.h"

/* The kind of a step; rendered as its folder-name part and in the manifest. */
typedef enum {
	PHASE_SQL,
	PHASE_EXPAND,
	PHASE_BACKFILL,
	PHASE_INDEX,
	PHASE_ENFORCE,
	PHASE_CONTRACT,
	PHASE_ENUM, /* an enum value added or renamed: a step of its own before the expand */
} op_phase;

const char *ops_phase_name(op_phase phase);

/* Where in a lifecycle an operation's own steps (one per item) go. */
typedef enum {
	STAGE_BEFORE_EXPAND, /* sql items written before any column item, then enum values */
	STAGE_AFTER_EXPAND,  /* backfills, then index builds */
	STAGE_AFTER_CONTRACT,
} op_stage;

/* One step of an item of its own: its phase, folder-name detail, and whether
 * it runs in one transaction. */
typedef struct {
	op_phase phase;
	const char *detail;
	bool transactional;
} op_own_step;

typedef struct op_def {
	const char *name;
	/* Validates one item of this kind and adds what it means to the
	 * lifecycle's model; check_done runs once after every item. */
	void (*check)(lc_state *st, const ast_item *it);
	void (*check_done)(lc_state *st);
	/* Does this lifecycle need the shared step of this phase for this op?
	 * (PHASE_EXPAND, PHASE_ENFORCE, PHASE_CONTRACT) */
	bool (*needs)(const mdl_lifecycle *lc, op_phase phase);
	/* The op's part of the shared steps, UP and DOWN alike. contract_scan
	 * runs first in the contract (VALIDATE: scans that let writes go on),
	 * contract after every scan (the brief exclusive changes). */
	void (*expand)(step_builder *sb, const mdl_lifecycle *lc);
	void (*enforce)(step_builder *sb, const mdl_lifecycle *lc);
	void (*contract_scan)(step_builder *sb, const mdl_lifecycle *lc);
	void (*contract)(step_builder *sb, const mdl_lifecycle *lc);
	/* Items with a step of their own (backfill, index build, sql): how many
	 * items the op has, whether item i has a step in this stage, and its SQL. */
	size_t (*count)(const mdl_lifecycle *lc);
	bool (*own_step)(const mdl_lifecycle *lc, size_t i, op_stage stage, op_own_step *out);
	void (*build_own)(step_builder *sb, const mdl_lifecycle *lc, size_t i);
	/* The contract must wait for the dual-write window (min_age gate). */
	bool (*holds_window)(const mdl_lifecycle *lc);
	/* Contract gates for one added column, in column order. */
	void (*column_gates)(step_builder *sb, const mdl_lifecycle *lc, const mdl_add *a);
	/* Contract gates of the op's own items, after every column's. */
	void (*gates)(step_builder *sb, const mdl_lifecycle *lc);
} op_def;

extern const op_def op_add, op_enforce, op_fill, op_retire, op_rename, op_index, op_foreign_key, op_check, op_sql,
    op_enum, op_sync, op_alter, op_rename_table;

/* The operation of an item kind; NULL for `set` (a setting, not an operation). */
const op_def *ops_for_kind(ast_item_kind kind);

/* After every item of a lifecycle: each op's check_done. */
void ops_check_done(lc_state *st);

/* Phase by phase, over every operation in that phase's order (ops.c). */
bool ops_need(const mdl_lifecycle *lc, op_phase phase);
void ops_build(step_builder *sb, const mdl_lifecycle *lc, op_phase phase);
/* The contract's gates; expand_id is the lifecycle's expand step or NULL. */
void ops_contract_gates(step_builder *sb, const mdl_lifecycle *lc, const char *expand_id);

/* The own steps of a stage, in order: call ops_own_next until it returns
 * false; each true gives the op, its item and the step to open. */
typedef struct {
	size_t op, item;
} op_cursor;
bool ops_own_next(const mdl_lifecycle *lc, op_stage stage, op_cursor *cur, const op_def **op, size_t *item,
                  op_own_step *out);

#endif

/* The retire operation: an old column dropped at contract, after the
 * dual-write window; its DOWN re-creates it and refills it where a reverse
 * mapping allows. */
#include "ops/ops.h"
#include "ops/sqlfrag.h"

static bool retire_needs(const mdl_lifecycle *lc, op_phase phase)
{
	return phase == PHASE_CONTRACT && lc->nretires > 0;
}

static bool retire_holds_window(const mdl_lifecycle *lc)
{
	return lc->nretires > 0;
}

static void retire_warning(mp_buf *w, const mdl_retire *r)
{
	buf_puts(w, "-- WARNING: re-creates ");
	sqlfrag_col(w, r->column);
	if (!r->refill_sql)
		buf_puts(w, " empty: its values were dropped and nothing maps back to them.\n");
	else if (r->refill_note)
		buf_printf(w, " from the new column, but not every value comes back:\n-- %s.\n", r->refill_note);
	else
		buf_puts(w, " and refills it from the new column.\n");
}

/* DOWN, written in reverse: re-add, refill, then NOT NULL. */
static void retire_down(step_builder *sb, const mdl_lifecycle *lc, const mdl_retire *r)
{
	mp_buf b = MP_BUF_INIT;
	if (r->not_null) {
		sqlfrag_alter_column(&b, lc, r->column, " SET NOT NULL");
		step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_REWRITE_ALL, NULL, b.ptr);
	}
	if (r->refill_sql) {
		buf_clear(&b);
		buf_puts(&b, "UPDATE ");
		step_rel_sql(&b, &lc->table);
		buf_puts(&b, " SET ");
		sqlfrag_col(&b, r->column);
		buf_printf(&b, " = (%s)", r->refill_sql);
		step_down(sb, LOCK_ROW_EXCLUSIVE, &lc->table, COST_REWRITE_ALL, "Refill through the reverse mapping.", b.ptr);
	}
	sqlfrag_alter(&b, lc);
	buf_puts(&b, "ADD COLUMN ");
	sqlfrag_col(&b, r->column);
	buf_printf(&b, " %s", r->type);
	if (r->default_sql)
		buf_printf(&b, " DEFAULT %s", r->default_sql);
	step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, b.ptr);
	buf_free(&b);
}

static void retire_waivers(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!lc->nretires)
		return;
	buf_puts(&sb->warnings, "-- WARNING: a re-created column goes to the end of the table: PostgreSQL cannot put it\n"
	                        "-- back in its old position without rewriting the table and dropping dependent indexes.\n");
	buf_puts(&sb->updisables, "-- migplan-disable drop-column: the column is retired after the dual-write window; no\n"
	                          "-- application version reads it any more (min_age gate).\n");
	bool refill = false;
	for (size_t i = 0; i < lc->nretires; i++)
		refill = refill || lc->retires[i].refill_sql;
	if (refill)
		buf_puts(&sb->disables, "-- migplan-disable update-with-ddl: a rollback must be all or nothing, so the refill\n"
		                        "-- runs in the same transaction as the column it fills (it holds ACCESS EXCLUSIVE).\n");
}

static void retire_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nretires; i++) {
		const mdl_retire *r = &lc->retires[i];
		sqlfrag_alter(&b, lc);
		buf_puts(&b, "DROP COLUMN ");
		sqlfrag_col(&b, r->column);
		step_up(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF,
		        "Catalog-only: the space is reclaimed by later updates and VACUUM.", b.ptr);
		retire_down(sb, lc, r);
		retire_warning(&sb->warnings, r);
	}
	buf_free(&b);
	retire_waivers(sb, lc);
}

const op_def op_retire = {
	.name = "retire",
	.needs = retire_needs,
	.contract = retire_contract,
	.holds_window = retire_holds_window,
};

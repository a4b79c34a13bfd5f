/* The foreign key operation: added NOT VALID at expand, validated at
 * contract without blocking writes on either table. */
#include "ops/ops.h"
#include "ops/sqlfrag.h"
#include "util/quote.h"

static bool fk_needs(const mdl_lifecycle *lc, op_phase phase)
{
	return (phase == PHASE_EXPAND || phase == PHASE_CONTRACT) && lc->nfks > 0;
}

static void fk_add(mp_buf *b, const mdl_lifecycle *lc, const mdl_fk *f)
{
	sqlfrag_alter(b, lc);
	buf_puts(b, "ADD CONSTRAINT ");
	sql_quote_ident(b, f->name);
	buf_puts(b, " FOREIGN KEY (");
	sqlfrag_columns(b, f->columns, f->ncolumns);
	buf_puts(b, ") REFERENCES ");
	step_rel_sql(b, &f->ref);
	buf_puts(b, " (");
	sqlfrag_columns(b, f->ref_columns, f->nref_columns);
	buf_putc(b, ')');
	if (f->on_delete)
		buf_printf(b, " ON DELETE %s", f->on_delete);
	if (f->on_update)
		buf_printf(b, " ON UPDATE %s", f->on_update);
	buf_puts(b, " NOT VALID");
}

static void fk_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nfks; i++) {
		fk_add(&b, lc, &lc->fks[i]);
		step_up(sb, LOCK_SHARE_ROW_EXCLUSIVE, &lc->table, COST_BRIEF,
		        "NOT VALID: no scan now; VALIDATE at contract does not block writes.", b.ptr);
		step_lock_also(sb, LOCK_SHARE_ROW_EXCLUSIVE, &lc->fks[i].ref, COST_BRIEF);
		sqlfrag_constraint_drop(&b2, lc, lc->fks[i].name);
		step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, b2.ptr);
	}
	buf_free(&b);
	buf_free(&b2);
}

static void fk_contract_scan(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nfks; i++) {
		sqlfrag_constraint_validate(&b, lc, lc->fks[i].name);
		step_up(sb, LOCK_SHARE_UPDATE_EXCLUSIVE, &lc->table, COST_SCAN, "Checks existing rows without blocking writes.",
		        b.ptr);
		step_lock_also(sb, LOCK_ROW_SHARE, &lc->fks[i].ref, COST_SCAN);
		fk_add(&b2, lc, &lc->fks[i]);
		step_down(sb, LOCK_SHARE_ROW_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		sqlfrag_constraint_drop(&b2, lc, lc->fks[i].name);
		step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF,
		          "A validated constraint cannot be made NOT VALID again: re-create it.", b2.ptr);
	}
	buf_free(&b);
	buf_free(&b2);
}

const op_def op_foreign_key = {
	.name = "foreign key",
	.needs = fk_needs,
	.expand = fk_expand,
	.contract_scan = fk_contract_scan,
};

/* The foreign key operation: added NOT VALID at expand, validated at
 * contract without blocking writes on either table. */
#include "ops/check_ctx.h"
#include "util/vec.h"
#include "ops/constraint.h"
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

static void fk_each(step_builder *sb, const mdl_lifecycle *lc, constraint_step step)
{
	mp_buf b = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nfks; i++) {
		fk_add(&b, lc, &lc->fks[i]);
		step(sb, lc, lc->fks[i].name, b.ptr);
	}
	buf_free(&b);
}

static void fk_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	fk_each(sb, lc, constraint_expand);
}

static void fk_contract_scan(step_builder *sb, const mdl_lifecycle *lc)
{
	fk_each(sb, lc, constraint_validate);
}

static void fk_check(lc_state *st, const ast_item *it)
{
	const ast_fk_opts *o = &it->fk;
	checker *c = st->c;
	check_claim_object(c, &it->name, "constraint");
	if (o->repeats.count)
		check_error(c, o->repeats.first, "option given twice");
	mdl_fk *f = MP_VEC_PUSH(st->lc->fks, st->lc->nfks);
	f->name = it->name.text;
	f->columns = check_name_array(st, o->columns, o->ncolumns, "in a foreign key", true);
	f->ncolumns = o->ncolumns;
	f->ref.schema = o->ref_table.schema.text;
	f->ref.name = o->ref_table.name.text;
	f->ref_columns = check_name_array(st, o->ref_columns, o->nref_columns, "as a referenced column", false);
	f->nref_columns = o->nref_columns;
	f->on_delete = o->on_delete;
	f->on_update = o->on_update;
	if (o->ncolumns != o->nref_columns)
		check_error(c, o->ref_table.span, "foreign key has %zu column(s) but references %zu", o->ncolumns,
		    o->nref_columns);
}

const op_def op_foreign_key = {
	.name = "foreign key",
	.check = fk_check,
	.needs = fk_needs,
	.expand = fk_expand,
	.contract_scan = fk_contract_scan,
};

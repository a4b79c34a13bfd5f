/* The fill operation: `enforce not null` on a column the table already has.
 * A trigger that fills the NULLs either version writes and a NOT VALID check
 * at expand, the rows already NULL filled in batches, VALIDATE and SET NOT
 * NULL at contract after the window (issue 15 item 3). */
#include "ops/batch.h"
#include "ops/check_ctx.h"
#include "ops/constraint.h"
#include "ops/fill.h"
#include "ops/names.h"
#include "ops/ops.h"
#include "ops/sqlfrag.h"
#include "ops/sync.h"
#include "util/quote.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

/* One trigger per lifecycle, for every filled column: named so it sorts
 * before the sync trigger ("_fill" < "_sync"), which then sees the value. */
static char *fill_name(const mdl_lifecycle *lc)
{
	return step_object_name("migplan_", lc->name, "_fill");
}

static void fill_function(mp_buf *b, const mdl_lifecycle *lc)
{
	mp_buf body = MP_BUF_INIT, tag = MP_BUF_INIT;
	buf_puts(&body, "\nBEGIN\n");
	for (size_t i = 0; i < lc->nfills; i++) {
		const mdl_fill *f = &lc->fills[i];
		buf_puts(&body, "  IF NEW.");
		sqlfrag_col(&body, f->column);
		buf_puts(&body, " IS NULL THEN\n    NEW.");
		sqlfrag_col(&body, f->column);
		buf_puts(&body, " := ");
		sync_over_new(&body, lc, f->value_new_sql, f->value_sql);
		buf_puts(&body, ";\n  END IF;\n");
	}
	buf_puts(&body, "  RETURN NEW;\nEND\n");
	sql_dollar_tag(&tag, body.ptr);
	char *name = fill_name(lc);
	buf_clear(b);
	buf_puts(b, "CREATE FUNCTION ");
	sql_quote_qualified(b, lc->table.schema, name);
	buf_printf(b, "() RETURNS trigger LANGUAGE plpgsql AS %s%s%s", tag.ptr, body.ptr, tag.ptr);
	free(name);
	buf_free(&body);
	buf_free(&tag);
}

static void fill_trigger(mp_buf *b, const mdl_lifecycle *lc, bool create)
{
	char *name = fill_name(lc);
	buf_clear(b);
	buf_printf(b, "%s TRIGGER ", create ? "CREATE" : "DROP");
	sql_quote_ident(b, name);
	if (create)
		buf_puts(b, " BEFORE INSERT OR UPDATE");
	buf_puts(b, " ON ");
	step_rel_sql(b, &lc->table);
	if (create) {
		buf_puts(b, " FOR EACH ROW EXECUTE FUNCTION ");
		sql_quote_qualified(b, lc->table.schema, name);
		buf_puts(b, "()");
	}
	free(name);
}

static void fill_drop_function(mp_buf *b, const mdl_lifecycle *lc)
{
	char *name = fill_name(lc);
	buf_clear(b);
	buf_puts(b, "DROP FUNCTION ");
	sql_quote_qualified(b, lc->table.schema, name);
	buf_puts(b, "()");
	free(name);
}

/* The trigger, UP (create) or as the DOWN of its drop; and the reverse. */
static void fill_install(step_builder *sb, const mdl_lifecycle *lc, bool up)
{
	mp_buf create_fn = MP_BUF_INIT, create_trg = MP_BUF_INIT, drop_fn = MP_BUF_INIT, drop_trg = MP_BUF_INIT;
	fill_function(&create_fn, lc);
	fill_trigger(&create_trg, lc, true);
	fill_drop_function(&drop_fn, lc);
	fill_trigger(&drop_trg, lc, false);
	if (up) {
		step_up(sb, "During the window a write of NULL (the old version may write one) gets the fill value, so the\n"
		            "-- NOT VALID check below lets both versions write and no NULL comes back after the backfill.",
		        create_fn.ptr);
		step_down(sb, NULL, drop_fn.ptr);
		step_up(sb, NULL, create_trg.ptr);
		step_down(sb, NULL, drop_trg.ptr);
	} else {
		step_up(sb, "NOT NULL holds now: the fill trigger has nothing left to do.", drop_trg.ptr);
		step_down(sb, NULL, create_trg.ptr);
		step_up(sb, NULL, drop_fn.ptr);
		step_down(sb, NULL, create_fn.ptr);
	}
	buf_free(&create_fn);
	buf_free(&create_trg);
	buf_free(&drop_fn);
	buf_free(&drop_trg);
}

static bool fill_needs(const mdl_lifecycle *lc, op_phase phase)
{
	return lc->nfills > 0 && (phase == PHASE_EXPAND || phase == PHASE_CONTRACT);
}

static void fill_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!lc->nfills)
		return;
	fill_install(sb, lc, true);
	for (size_t i = 0; i < lc->nfills; i++)
		constraint_not_null_check(sb, lc, lc->fills[i].column);
}

static size_t fill_count(const mdl_lifecycle *lc)
{
	return lc->nfills;
}

static bool fill_own_step(const mdl_lifecycle *lc, size_t i, op_stage stage, op_own_step *out)
{
	if (stage != STAGE_AFTER_EXPAND)
		return false;
	*out = (op_own_step){PHASE_BACKFILL, lc->fills[i].column, false};
	return true;
}

/* The rows already NULL, in batches (migrun runs the same natively). */
static void fill_backfill(step_builder *sb, const mdl_lifecycle *lc, size_t i)
{
	const mdl_fill *f = &lc->fills[i];
	batch_step(sb, lc, f->column, f->value_sql, f->batch,
	           ", so an\n-- interrupted backfill resumes where it stopped when it runs again.",
	           "-- The backfill changes data only: the NULLs it filled keep their values (a nullable column\n"
	           "-- holding a value the old version could have written itself).\n");
}

static void fill_contract_scan(step_builder *sb, const mdl_lifecycle *lc)
{
	for (size_t i = 0; i < lc->nfills; i++)
		constraint_not_null_validate(sb, lc, lc->fills[i].column);
}

static void fill_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	for (size_t i = 0; i < lc->nfills; i++)
		constraint_not_null_set(sb, lc, lc->fills[i].column);
	if (lc->nfills)
		fill_install(sb, lc, false);
}

/* The contract's SET NOT NULL runs only when no NULL is left, and only after
 * the window: until then the old version may write NULL, which the trigger
 * fills and NOT NULL would refuse. */
static void fill_gates(step_builder *sb, const mdl_lifecycle *lc)
{
	for (size_t i = 0; i < lc->nfills; i++)
		step_add_column_gate(sb, GATE_NO_NULLS, lc, lc->fills[i].column);
}

static bool fill_holds_window(const mdl_lifecycle *lc)
{
	return lc->nfills > 0;
}

/* The fill value: a constant, a column, or an expression over the row, which
 * must not read columns this lifecycle adds (NULL during the window). */
static bool fill_value(lc_state *st, const ast_item *it, mdl_fill *f)
{
	checker *c = st->c;
	const ast_source *s = &it->opts.backfill;
	mp_buf v = MP_BUF_INIT;
	if (s->kind == SRC_CONST) {
		if (s->constant.kind == LIT_NULL) {
			check_error(c, s->span, "filling NULLs with NULL changes nothing; give the value they get");
			return false;
		}
		names_render_literal(&v, &s->constant);
		f->value_sql = f->value_new_sql = check_dup_buf(c, &v);
		return true;
	}
	if (s->kind == SRC_COLUMN) {
		if (s->nmap) {
			check_error(c, s->span, "a map fills nothing here; write the value as an expression, backfill $$ CASE … END $$");
			return false;
		}
		check_ident(c, &s->column);
		check_column_exists(st, s->column.text, s->column.span, "as a fill source", true);
		sqlfrag_col(&v, s->column.text);
		f->value_sql = check_dup_buf(c, &v);
		buf_puts(&v, "NEW.");
		sqlfrag_col(&v, s->column.text);
		f->value_new_sql = check_dup_buf(c, &v);
		return true;
	}
	check_sql_expr(c, s->expr, s->span, "the fill expression");
	const char **reads = NULL;
	size_t nreads = 0;
	bool vol = false;
	check_expr_reads(c, s->expr, &reads, &nreads, &vol);
	for (size_t i = 0; i < nreads; i++) {
		if (check_find_add(st, reads[i]))
			check_error(c, s->span, "the fill expression reads '%s', added in this lifecycle; read existing columns",
			            reads[i]);
		else
			check_column_exists(st, reads[i], s->span, "read by the fill expression", true);
	}
	f->value_sql = s->expr;
	return true;
}

void fill_check(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	const ast_colopts *o = &it->opts;
	if (o->has_default || o->has_nullability || o->reverse.kind != SRC_NONE || o->using_expr || o->after) {
		check_error(c, it->span, "enforce not null takes only `backfill VALUE` and `batch N`");
		return;
	}
	for (size_t i = 0; i < st->lc->nfills; i++)
		if (strcmp(st->lc->fills[i].column, it->name.text) == 0) {
			check_error(c, it->name.span, "NOT NULL is already enforced on '%s'", it->name.text);
			return;
		}
	check_ident(c, &it->name);
	check_column_use(st, &it->name, "by enforce");
	check_column_exists(st, it->name.text, it->name.span, "by enforce not null", true);
	if (o->has_batch && (o->batch < 1 || o->batch > 1000000))
		check_error(c, o->batch_span, "batch size must be from 1 to 1000000");
	mdl_fill f = {.column = it->name.text, .batch = o->has_batch ? o->batch : 10000, .span = it->name.span};
	if (fill_value(st, it, &f))
		*MP_VEC_PUSH(st->lc->fills, st->lc->nfills) = f;
}

const op_def op_fill = {
	.name = "enforce not null (existing column)",
	.needs = fill_needs,
	.expand = fill_expand,
	.count = fill_count,
	.own_step = fill_own_step,
	.build_own = fill_backfill,
	.contract_scan = fill_contract_scan,
	.contract = fill_contract,
	.gates = fill_gates,
	.holds_window = fill_holds_window,
};

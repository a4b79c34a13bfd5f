/* The retire operation: an old column dropped at contract, after the
 * dual-write window; its DOWN re-creates it and refills it where a reverse
 * mapping allows (its check works out that refill from the add replacing it). */
#include "ops/check_ctx.h"
#include "ops/names.h"
#include "util/quote.h"
#include "ops/ops.h"
#include "ops/batch.h"
#include "ops/sqlfrag.h"
#include "migdir/mark.h"

#include <stdlib.h>

/* A lifecycle that only retires still needs an expand step: its ledger row
 * is when the window starts (the contract's min_age gate counts from it). */
static bool retire_standalone(const mdl_lifecycle *lc)
{
	return lc->nretires > 0 && lc->nadds == 0;
}

static bool retire_needs(const mdl_lifecycle *lc, op_phase phase)
{
	if (phase == PHASE_EXPAND)
		return retire_standalone(lc);
	return phase == PHASE_CONTRACT && lc->nretires > 0;
}

static void comment_on(mp_buf *b, const mdl_lifecycle *lc, const char *column)
{
	buf_puts(b, "COMMENT ON COLUMN ");
	step_rel_sql(b, &lc->table);
	buf_putc(b, '.');
	sqlfrag_col(b, column);
	buf_puts(b, " IS ");
}

/* The mark says so in the catalog too, where `\d+` shows it to whoever
 * looks at the table during the window. */
static void retire_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!retire_standalone(lc))
		return;
	mp_buf b = MP_BUF_INIT, v = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nretires; i++) {
		const mdl_retire *r = &lc->retires[i];
		comment_on(&b, lc, r->column);
		buf_printf(&v, "retired by migplan lifecycle %s: no application version may read it once this step is "
		                "applied; dropped by the contract after the window",
		           lc->name);
		sql_quote_literal(&b, v.ptr);
		buf_clear(&v);
		step_up(sb, i ? NULL : "Starts the window: the contract drops the column no sooner than the window after this step.",
		        b.ptr);
		buf_clear(&b);
		comment_on(&b, lc, r->column);
		buf_puts(&b, "NULL");
		step_down(sb, NULL, b.ptr);
		buf_clear(&b);
		buf_puts(&sb->warnings, "-- WARNING: clears the comment on ");
		sqlfrag_col(&sb->warnings, r->column);
		buf_puts(&sb->warnings, " (any comment it had before this step is not restored).\n");
	}
	buf_free(&b);
	buf_free(&v);
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

/* The DOWN of a column that nothing refills: re-created in the DOWN's one
 * transaction (the DOWN statements are written out in reverse). */
static void retire_down_empty(step_builder *sb, const mdl_lifecycle *lc, const mdl_retire *r)
{
	mp_buf b = MP_BUF_INIT;
	if (r->not_null) {
		sqlfrag_alter_column(&b, lc, r->column, " SET NOT NULL");
		step_down(sb, NULL, b.ptr);
	}
	sqlfrag_alter(&b, lc);
	buf_puts(&b, "ADD COLUMN ");
	sqlfrag_col(&b, r->column);
	buf_printf(&b, " %s", r->type);
	if (r->default_sql)
		buf_printf(&b, " DEFAULT %s", r->default_sql);
	step_down(sb, NULL, b.ptr);
	buf_free(&b);
}

/* The DOWN of a column the reverse mapping refills, in parts so that no
 * lock is held across the rewrite of every row (issue 19, item 13): the
 * column comes back empty and nullable in the DOWN's first transaction,
 * where the sync trigger also comes back, so every write of the running
 * version fills it from then on; then the refill in batches; then its NOT
 * NULL, from a check validated without blocking writes. Its default is set
 * after the ADD, not in it, so the rows already there stay NULL for the
 * refill to find. */
static void retire_down_refilled(step_builder *sb, const mdl_lifecycle *lc, const mdl_retire *r)
{
	mp_buf b = MP_BUF_INIT, why = MP_BUF_INIT;
	if (r->default_sql) {
		sqlfrag_alter_column(&b, lc, r->column, " SET DEFAULT ");
		buf_puts(&b, r->default_sql);
		step_down(sb, NULL, b.ptr);
	}
	sqlfrag_alter(&b, lc);
	buf_puts(&b, "ADD COLUMN ");
	sqlfrag_col(&b, r->column);
	buf_printf(&b, " %s", r->type);
	step_down(sb, "Back empty and nullable: the refill below fills the rows, the trigger every write from now on.",
	          b.ptr);
	long batch = r->refill_batch > 0 ? r->refill_batch : 10000;
	buf_clear(&b);
	batch_do_sql(&b, lc, r->column, r->refill_sql, batch);
	buf_puts(&why, "Refill ");
	sqlfrag_col(&why, r->column);
	buf_printf(&why, " through the reverse mapping: batches of %ld rows, each its own transaction;\n"
	                 "-- only rows still NULL are written, so an interrupted refill resumes where it stopped.",
	           batch);
	step_down_refill(sb, why.ptr, b.ptr, batch_native(lc, r->column, r->refill_sql, batch));
	if (r->not_null) {
		char *nn = sqlfrag_not_null_name(r->column);
		sqlfrag_not_null_check_add(&b, lc, r->column);
		step_down_after(sb, DOWN_AFTER_CHECK,
		                "Checked for new rows at once; every row is validated next, without blocking writes.", b.ptr);
		sqlfrag_constraint_validate(&b, lc, nn);
		step_down_after(sb, DOWN_AFTER_ENFORCE, NULL, b.ptr);
		sqlfrag_alter_column(&b, lc, r->column, " SET NOT NULL");
		step_down_after(sb, DOWN_AFTER_ENFORCE, "No scan: the validated check proves it.", b.ptr);
		sqlfrag_constraint_drop(&b, lc, nn);
		step_down_after(sb, DOWN_AFTER_ENFORCE, NULL, b.ptr);
		free(nn);
	}
	buf_free(&b);
	buf_free(&why);
}

static void retire_waivers(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!lc->nretires)
		return;
	buf_puts(&sb->warnings, "-- WARNING: a re-created column goes to the end of the table: PostgreSQL cannot put it\n"
	                        "-- back in its old position without rewriting the table and dropping dependent indexes.\n");
	migdir_disable_write(&sb->updisables, "drop-column",
	                     "the column is retired after the dual-write window; no\n"
	                     "-- application version reads it any more (min_age gate).");
}

static void retire_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nretires; i++) {
		const mdl_retire *r = &lc->retires[i];
		sqlfrag_alter(&b, lc);
		buf_puts(&b, "DROP COLUMN ");
		sqlfrag_col(&b, r->column);
		step_up(sb, "Catalog-only: the space is reclaimed by later updates and VACUUM.", b.ptr);
		if (r->refill_sql)
			retire_down_refilled(sb, lc, r);
		else
			retire_down_empty(sb, lc, r);
		retire_warning(&sb->warnings, r);
	}
	buf_free(&b);
	retire_waivers(sb, lc);
}

/* The reverse of `from col map (...)` where it is unambiguous: value->key
 * for entries whose value no other entry produces; NULL keys and 'else'
 * cannot be inverted and are reported in note. */
static const char *invert_map(lc_state *st, const char *prefix, const char *newcol, const ast_map_entry *map,
                              size_t n, const char **lossy)
{
	mp_buf b = MP_BUF_INIT, loss = MP_BUF_INIT;
	mp_buf ref = MP_BUF_INIT;
	buf_puts(&ref, prefix);
	sql_quote_ident(&ref, newcol);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (map[i].is_else) {
			buf_printf(&loss, "%svalues mapped by 'else' come back as the new value", loss.len ? "; " : "");
			continue;
		}
		if (map[i].key.kind == LIT_NULL) {
			mp_buf v = MP_BUF_INIT;
			names_render_literal(&v, &map[i].value);
			buf_printf(&loss, "%sNULLs that became %s come back as %s", loss.len ? "; " : "", buf_cstr(&v),
			           buf_cstr(&v));
			buf_free(&v);
			continue;
		}
		bool unique = map[i].value.kind != LIT_NULL;
		for (size_t j = 0; j < n && unique; j++)
			if (j != i && map[j].value.kind == map[i].value.kind && strcmp(map[j].value.text, map[i].value.text) == 0)
				unique = false;
		if (!unique)
			continue;
		if (!any)
			buf_puts(&b, "CASE");
		any = true;
		buf_printf(&b, " WHEN %s = ", buf_cstr(&ref));
		names_render_literal(&b, &map[i].value);
		buf_puts(&b, " THEN ");
		names_render_literal(&b, &map[i].key);
	}
	if (any)
		buf_printf(&b, " ELSE %s END", buf_cstr(&ref));
	else
		buf_puts(&b, buf_cstr(&ref));
	buf_free(&ref);
	*lossy = loss.len ? check_dup_buf(st->c, &loss) : NULL;
	buf_free(&loss);
	return check_dup_buf(st->c, &b);
}

static void retire_check(lc_state *st, const ast_item *it)
{
	check_ident(st->c, &it->name);
	check_forbid_opts(st, &it->opts, "retire", true, true, false, false, false, false, true);
	mdl_retire *r = check_new_retire(st, &it->name);
	if (!r)
		return;
	if (!it->has_type) {
		check_error(st->c, it->name.span,
		    "retire '%s' needs the column's type (e.g. retire %s varchar(20);) so that its DOWN can re-create it",
		    it->name.text, it->name.text);
		r->type = "text";
	} else {
		type_class cls = check_render_type(st, &it->type, &r->type);
		r->default_sql = check_render_default(st, &it->opts, cls);
	}
	r->not_null = it->opts.has_nullability && it->opts.not_null;
	if (it->opts.after)
		r->window_ms = check_window(st, it->opts.after, it->opts.after_span);
}

/* The add that took a retired column's values: the one whose reverse
 * writes it, else one mapped from it (whose map is inverted here, and
 * becomes its reverse for the sync trigger too). */
static mdl_add *replacing_add(mdl_lifecycle *lc, const char *column)
{
	for (size_t j = 0; j < lc->nadds; j++)
		if (lc->adds[j].reverse_target && strcmp(lc->adds[j].reverse_target, column) == 0)
			return &lc->adds[j];
	for (size_t j = 0; j < lc->nadds; j++)
		if (lc->adds[j].source && strcmp(lc->adds[j].source, column) == 0)
			return &lc->adds[j];
	return NULL;
}

static void infer_reverse(lc_state *st, mdl_add *a, mdl_retire *r)
{
	const ast_item *it = NULL;
	for (const ast_item *x = st->lc->ast->items; x; x = x->next)
		if (x->kind == ITEM_ADD && strcmp(x->name.text, a->column) == 0)
			it = x;
	const char *ignore;
	r->refill_sql = invert_map(st, "", a->column, it->opts.backfill.map, it->opts.backfill.nmap, &r->refill_note);
	r->refill_new_sql = invert_map(st, "NEW.", a->column, it->opts.backfill.map, it->opts.backfill.nmap, &ignore);
	a->reverse_sql = r->refill_sql;
	a->reverse_new_sql = r->refill_new_sql;
	a->reverse_target = r->column;
	a->reverse_reads = check_one_name(st->c, a->column);
	a->nreverse_reads = 1;
}

/* Rollback refills a retired column from the add that took its values. */
static void retire_check_done(lc_state *st)
{
	for (size_t i = 0; i < st->lc->nretires; i++) {
		mdl_retire *r = &st->lc->retires[i];
		if (r->refill_sql)
			continue;
		mdl_add *a = replacing_add(st->lc, r->column);
		if (a)
			r->refill_batch = a->batch;
		if (a && a->reverse_sql)
			r->refill_sql = a->reverse_sql;
		else if (a && a->kind == ITEM_ADD && !a->value_is_expr)
			infer_reverse(st, a, r);
		if (!r->refill_sql && r->not_null)
			check_error(st->c, st->retire_spans[i],
			    "retired column '%s' is NOT NULL but nothing can refill it on rollback; give the add that replaces it "
			    "a reverse mapping",
			    r->column);
	}
}

const op_def op_retire = {
	.name = "retire",
	.check = retire_check,
	.check_done = retire_check_done,
	.needs = retire_needs,
	.expand = retire_expand,
	.contract = retire_contract,
	.holds_window = retire_holds_window,
};

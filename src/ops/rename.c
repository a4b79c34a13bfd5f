/* The rename and retype operations: a new column (planned as an add) kept in
 * sync both ways with the old one (planned as a retire) while old and new
 * application versions write different columns. Retype is a rename whose
 * mappings are the user's using / reverse expressions; a retype that keeps
 * the column's name is an alter (in place). */
#include "ops/check_ctx.h"
#include "util/quote.h"
#include "ops/ops.h"
#include "ops/sqlfrag.h"

/* A retype to a new name through a new column whose type change PostgreSQL
 * could make in place: keeping the name would need no new column. */
static void retype_in_place_hint(checker *c, const ast_item *it)
{
	mp_buf why = MP_BUF_INIT, msg = MP_BUF_INIT;
	if (types_change_of(&it->old_type, &it->type, &why) == TYPES_IN_PLACE) {
		buf_printf(&msg, "in place: %s; `retype %s as … to %s as …` (the same name) changes the column in place, "
		                 "with no new column, no window and no @map",
		           buf_cstr(&why), it->name.text, it->name.text);
		check_note(c, it->keyword_span, "%s", buf_cstr(&msg));
	}
	buf_free(&why);
	buf_free(&msg);
}

/* A retype that keeps the column's name changes it in place, as alter does:
 * both sides state the whole column, so an option the new side leaves out
 * (not null, a default) is dropped, and a note says so. A type change that
 * PostgreSQL cannot make in place is an error: it needs a new column. */
static void retype_in_place(lc_state *st, const ast_item *it)
{
	mp_buf why = MP_BUF_INIT;
	types_change ch = types_change_of(&it->old_type, &it->type, &why);
	buf_free(&why);
	if (ch == TYPES_REWRITE) {
		types_change_of(&it->old_type, &it->type, &why);
		check_error(st->c, it->type.span, "%s: a retype that keeps the column's name is in place, and this is not",
		            buf_cstr(&why));
		check_note(st->c, it->target.span, "%s",
		           "give the new column its own name: it is then added, kept in sync and backfilled (using and "
		           "reverse), and the old one retired");
		buf_free(&why);
		return;
	}
	ast_item in_place = *it;
	ast_colopts *o = &in_place.opts;
	if (!o->has_nullability && it->old_opts.has_nullability && it->old_opts.not_null) {
		o->has_nullability = true;
		o->nullability_span = it->target.span;
		check_note(st->c, it->target.span, "%s", "the new side has no `not null`: NOT NULL is dropped (write it "
		                                         "to keep it)");
	}
	if (!o->has_default && it->old_opts.has_default) {
		o->drop_default = true;
		o->drop_default_span = it->target.span;
		check_note(st->c, it->target.span, "%s", "the new side has no default: the default is dropped (write "
		                                         "it to keep it)");
	}
	op_alter.check(st, &in_place);
}

/* rename/retype: a new column kept in sync both ways with the old one, which
 * is retired at contract. */
static void rename_check(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	bool retype = it->kind == ITEM_RETYPE;
	const char *what = retype ? "retype" : "rename";
	check_ident(c, &it->name);
	check_ident(c, &it->target);
	if (strcmp(it->name.text, it->target.text) == 0) {
		if (retype)
			retype_in_place(st, it);
		else
			check_error(c, it->target.span, "rename needs a new column name: expand/contract keeps both columns during the window");
		return;
	}
	if (check_find_add(st, it->target.text)) {
		check_error(c, it->target.span, "column '%s' is added twice in lifecycle '%s'", it->target.text, st->lc->name);
		return;
	}
	check_column_use(st, &it->target, "as a new column");
	check_forbid_opts(st, &it->opts, what, true, true, false, retype, retype, true, true);
	if (retype) {
		check_forbid_opts(st, &it->old_opts, "the old column of retype", true, true, false, false, false, false, false);
		retype_in_place_hint(c, it);
	}
	mdl_retire *r = check_new_retire(st, &it->name);
	mdl_add *a = check_new_add(st, it, &it->target, false);
	a->source = it->name.text;
	a->reads = check_one_name(c, a->source);
	a->nreads = 1;
	a->reverse_target = a->source;
	a->reverse_reads = check_one_name(c, a->column);
	a->nreverse_reads = 1;
	a->synced = true;
	mp_buf v = MP_BUF_INIT;
	if (retype) {
		if (!it->opts.using_expr || it->opts.reverse.kind != SRC_EXPR) {
			check_error(c, it->keyword_span,
			    "retype needs using $$<new from old>$$ and reverse $$<old from new>$$: old and new application "
			    "versions write different columns during the window");
		}
		if (it->opts.using_expr)
			check_sql_expr(c, it->opts.using_expr, it->opts.using_span, "the using expression");
		if (it->opts.reverse.kind == SRC_EXPR)
			check_sql_expr(c, it->opts.reverse.expr, it->opts.reverse.span, "the reverse expression");
		a->value_sql = it->opts.using_expr ? it->opts.using_expr : "NULL";
		a->value_is_expr = true;
		a->reverse_sql = it->opts.reverse.kind == SRC_EXPR ? it->opts.reverse.expr : "NULL";
	} else {
		sql_quote_ident(&v, it->name.text);
		a->value_sql = check_dup_buf(c, &v);
		buf_puts(&v, "NEW.");
		sql_quote_ident(&v, it->name.text);
		a->value_new_sql = check_dup_buf(c, &v);
		sql_quote_ident(&v, it->target.text);
		a->reverse_sql = check_dup_buf(c, &v);
		buf_puts(&v, "NEW.");
		sql_quote_ident(&v, it->target.text);
		a->reverse_new_sql = check_dup_buf(c, &v);
	}
	buf_free(&v);
	if (r) {
		if (retype) {
			type_class ocls = check_render_type(st, &it->old_type, &r->type);
			r->default_sql = check_render_default(st, &it->old_opts, ocls);
			r->not_null = it->old_opts.has_nullability && it->old_opts.not_null;
		} else {
			r->type = a->type;
			r->default_sql = a->default_sql;
			r->not_null = a->enforce_not_null;
		}
		r->refill_sql = a->reverse_sql;
		r->refill_batch = a->batch;
		if (it->opts.after)
			r->window_ms = check_window(st, it->opts.after, it->opts.after_span);
	}
}

/* Also the op of `retype`. */
const op_def op_rename = {
	.name = "rename",
	.check = rename_check,
};

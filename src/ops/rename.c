/* The rename and retype operations: a new column (planned as an add) kept in
 * sync both ways with the old one (planned as a retire) while old and new
 * application versions write different columns. Retype is a rename whose
 * mappings are the user's using / reverse expressions. */
#include "ops/check_ctx.h"
#include "util/quote.h"
#include "ops/ops.h"
#include "ops/sqlfrag.h"

/* A retype that only widens needs no new column: PostgreSQL changes the type
 * in place, and the column keeps its name (no @map ever after). */
static void retype_in_place_hint(checker *c, const ast_item *it)
{
	mp_buf why = MP_BUF_INIT, msg = MP_BUF_INIT;
	if (types_change_of(&it->old_type, &it->type, &why) == TYPES_IN_PLACE) {
		buf_printf(&msg, "in place: %s; `alter %s as … to …` changes the column without a new one or a window",
		           buf_cstr(&why), it->name.text);
		check_note(c, it->keyword_span, "%s", buf_cstr(&msg));
	}
	buf_free(&why);
	buf_free(&msg);
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
		check_error(c, it->target.span, "%s needs a new column name: expand/contract keeps both columns during the window",
		    what);
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

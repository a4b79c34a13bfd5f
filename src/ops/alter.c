/* The alter operation: one column changed in place at expand (a type that
 * PostgreSQL changes without a rewrite, NOT NULL dropped, a default set or
 * dropped, a comment), each a metadata-only change under a brief lock. */
#include "ops/check_ctx.h"
#include "util/vec.h"
#include "ops/ops.h"
#include "ops/sqlfrag.h"
#include "migdir/mark.h"
#include "util/quote.h"

static bool alter_needs(const mdl_lifecycle *lc, op_phase phase)
{
	return phase == PHASE_EXPAND && lc->nalters > 0;
}

/* The options an alter takes on either side; the rest belong to other items. */
static void alter_forbid(lc_state *st, const ast_colopts *o, const char *what)
{
	ast_colopts rest = *o;
	rest.drop_default = false;
	rest.comment = NULL;
	check_forbid_opts(st, &rest, what, true, true, false, false, false, false, false);
}

/* The item's name in messages: alter, or a retype that keeps its column's
 * name (rename.c hands it here). */
static const char *alter_what(const ast_item *it)
{
	return it->kind == ITEM_RETYPE ? "retype in place" : "alter";
}

static void alter_type(lc_state *st, const ast_item *it, mdl_alter *a, const char *new_sql)
{
	mp_buf why = MP_BUF_INIT, back = MP_BUF_INIT;
	types_change ch = types_change_of(&it->old_type, &it->type, &why);
	if (ch == TYPES_IN_PLACE) {
		a->new_type = new_sql;
		a->type_why = check_dup_buf(st->c, &why);
		a->down_rewrites = types_change_of(&it->type, &it->old_type, &back) == TYPES_REWRITE;
	} else if (ch == TYPES_REWRITE) {
		check_error(st->c, it->type.span, "%s: not in place", buf_cstr(&why));
		check_note(st->c, it->keyword_span, "%s",
		           "use `retype` instead: a new column kept in sync with the old one during the window");
	}
	buf_free(&why);
	buf_free(&back);
}

static void alter_nullability(lc_state *st, const ast_item *it, mdl_alter *a)
{
	bool was_not_null = it->old_opts.has_nullability && it->old_opts.not_null;
	if (!it->opts.has_nullability)
		return;
	if (it->opts.not_null && !was_not_null)
		check_error(st->c, it->opts.nullability_span,
		            "%s cannot set NOT NULL%s (it scans the table): use `enforce not null %s;`", alter_what(it),
		            it->kind == ITEM_RETYPE ? "" : " in place", it->name.text);
	a->drop_not_null = !it->opts.not_null && was_not_null;
}

static const char *quoted_or_null(lc_state *st, const char *text)
{
	if (!text)
		return NULL;
	mp_buf b = MP_BUF_INIT;
	sql_quote_literal(&b, text);
	return check_dup_buf(st->c, &b);
}

static void alter_default(lc_state *st, const ast_item *it, mdl_alter *a, type_class old_cls, type_class new_cls)
{
	a->old_default_sql = check_render_default(st, &it->old_opts, old_cls);
	if (it->opts.has_default) {
		a->default_sql = check_render_default(st, &it->opts, new_cls);
		check_literal_fits(st, &it->type, a->new_type ? a->new_type : a->old_type, &it->opts.deflt, "the default");
		a->set_default = a->default_sql &&
		                 !(a->old_default_sql && strcmp(a->old_default_sql, a->default_sql) == 0);
	}
	if (it->opts.drop_default && !a->old_default_sql)
		check_error(st->c, it->opts.drop_default_span,
		            "no default to drop: give the old column's default on its side (as %s default … to …)",
		            "alter <column>");
	a->drop_default = it->opts.drop_default && a->old_default_sql;
}

static void alter_check(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	check_ident(c, &it->name);
	check_column_use(st, &it->name, "altered");
	check_column_exists(st, it->name.text, it->name.span, "altered", true);
	alter_forbid(st, &it->opts, alter_what(it));
	alter_forbid(st, &it->old_opts, it->kind == ITEM_RETYPE ? "the old column of retype" : "the old column of alter");
	if (it->old_opts.drop_default)
		check_error(c, it->old_opts.drop_default_span, "the old side states the default the column has, or none");
	if (check_find_add(st, it->name.text))
		check_error(c, it->name.span, "column '%s' is added in lifecycle '%s': give its add the final type and options",
		            it->name.text, st->lc->name);
	for (size_t i = 0; i < st->lc->nalters; i++)
		if (strcmp(st->lc->alters[i].column, it->name.text) == 0)
			check_error(c, it->name.span, "column '%s' is altered twice in lifecycle '%s': write one alter",
			            it->name.text, st->lc->name);
	mdl_alter *a = MP_VEC_PUSH(st->lc->alters, st->lc->nalters);
	a->column = it->name.text;
	const char *new_sql;
	type_class old_cls = check_render_type(st, &it->old_type, &a->old_type);
	type_class new_cls = check_render_type(st, &it->type, &new_sql);
	alter_type(st, it, a, new_sql);
	alter_nullability(st, it, a);
	alter_default(st, it, a, old_cls, new_cls);
	a->old_comment_sql = quoted_or_null(st, it->old_opts.comment);
	a->set_comment = it->opts.comment != NULL;
	a->comment_sql = quoted_or_null(st, it->opts.comment);
	if (!a->new_type && !a->drop_not_null && !a->set_default && !a->drop_default && !a->set_comment)
		check_error(c, it->keyword_span, "%s of '%s' changes nothing: its new side is what the old one states",
		            alter_what(it), it->name.text);
}

static void comment_sql(mp_buf *b, const mdl_lifecycle *lc, const mdl_alter *a, const char *value)
{
	buf_clear(b);
	buf_puts(b, "COMMENT ON COLUMN ");
	step_rel_sql(b, &lc->table);
	buf_putc(b, '.');
	sqlfrag_col(b, a->column);
	buf_printf(b, " IS %s", value ? value : "NULL");
}

static void default_sql(mp_buf *b, const mdl_lifecycle *lc, const mdl_alter *a, const char *value)
{
	mp_buf rest = MP_BUF_INIT;
	if (value)
		buf_printf(&rest, " SET DEFAULT %s", value);
	else
		buf_puts(&rest, " DROP DEFAULT");
	sqlfrag_alter_column(b, lc, a->column, buf_cstr(&rest));
	buf_free(&rest);
}

/* The type back to the old one: a narrowing that rewrites the table and
 * fails on a value the old type cannot hold. */
static void alter_type_part(step_builder *sb, const mdl_lifecycle *lc, const mdl_alter *a, mp_buf *b)
{
	mp_buf why = MP_BUF_INIT, rest = MP_BUF_INIT;
	buf_printf(&why, "In place: %s. Metadata only: no rewrite, no scan.", a->type_why);
	buf_printf(&rest, " TYPE %s", a->new_type);
	sqlfrag_alter_column(b, lc, a->column, buf_cstr(&rest));
	step_up(sb, buf_cstr(&why), buf_cstr(b));
	buf_clear(&rest);
	buf_printf(&rest, " TYPE %s", a->old_type);
	sqlfrag_alter_column(b, lc, a->column, buf_cstr(&rest));
	step_down(sb, a->down_rewrites ? "Rewrites the table and its indexes." : NULL, buf_cstr(b));
	if (a->down_rewrites) {
		buf_puts(&sb->warnings, "-- WARNING: changes ");
		sqlfrag_col(&sb->warnings, a->column);
		buf_printf(&sb->warnings, " back to %s: rewrites the table under ACCESS EXCLUSIVE, and fails if a\n"
		                          "-- row holds a value that %s cannot hold.\n", a->old_type, a->old_type);
	}
	buf_free(&why);
	buf_free(&rest);
}

static void alter_null_part(step_builder *sb, const mdl_lifecycle *lc, const mdl_alter *a, mp_buf *b)
{
	sqlfrag_alter_column(b, lc, a->column, " DROP NOT NULL");
	step_up(sb, "Metadata only: no rewrite, no scan.", buf_cstr(b));
	sqlfrag_alter_column(b, lc, a->column, " SET NOT NULL");
	step_down(sb, "Scans the table under ACCESS EXCLUSIVE.", buf_cstr(b));
	buf_puts(&sb->warnings, "-- WARNING: sets NOT NULL on ");
	sqlfrag_col(&sb->warnings, a->column);
	buf_puts(&sb->warnings, " again: scans the table under ACCESS EXCLUSIVE, and fails if a row holds NULL.\n");
}

static void alter_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT;
	bool typed = false;
	for (size_t i = 0; i < lc->nalters; i++) {
		const mdl_alter *a = &lc->alters[i];
		if (a->new_type) {
			step_column_type(sb, a->column, a->old_type);
			alter_type_part(sb, lc, a, &b);
		}
		typed = typed || a->new_type;
		if (a->drop_not_null)
			alter_null_part(sb, lc, a, &b);
		if (a->set_default || a->drop_default) {
			default_sql(&b, lc, a, a->set_default ? a->default_sql : NULL);
			step_up(sb, "Metadata only: applies to rows inserted from now on.", buf_cstr(&b));
			default_sql(&b, lc, a, a->old_default_sql);
			step_down(sb, NULL, buf_cstr(&b));
		}
		if (a->set_comment) {
			comment_sql(&b, lc, a, a->comment_sql);
			step_up(sb, NULL, buf_cstr(&b));
			comment_sql(&b, lc, a, a->old_comment_sql);
			step_down(sb, NULL, buf_cstr(&b));
		}
	}
	if (typed)
		migdir_disable_write(&sb->updisables, "changing-column-type",
		                     "each type change here is binary-coercible or only raises a\n"
		                     "-- limit (migc decided from the old and new types): metadata only, no rewrite.");
	buf_free(&b);
}

const op_def op_alter = {
	.name = "alter",
	.check = alter_check,
	.needs = alter_needs,
	.expand = alter_expand,
};

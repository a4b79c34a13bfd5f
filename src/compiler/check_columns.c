/* Column items: add, enforce not null, retire, rename, retype, and the
 * value mappings (map, reverse) they render into SQL. */
#include "compiler/check_ctx.h"
#include "compiler/check_items.h"
#include "util/vec.h"
#include "util/duration.h"
#include "compiler/names.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

/* CASE over the source column for `from col map (...)`; prefix is "" for
 * the row itself or "NEW." inside the trigger. */
static void render_map(mp_buf *b, const char *prefix, const char *col, const ast_map_entry *map, size_t n)
{
	mp_buf ref = MP_BUF_INIT;
	buf_puts(&ref, prefix);
	sql_quote_ident(&ref, col);
	if (n == 0) {
		buf_puts(b, buf_cstr(&ref));
		buf_free(&ref);
		return;
	}
	buf_puts(b, "CASE");
	const ast_map_entry *els = NULL;
	for (size_t i = 0; i < n; i++) {
		if (map[i].is_else) {
			els = &map[i];
			continue;
		}
		if (map[i].key.kind == LIT_NULL)
			buf_printf(b, " WHEN %s IS NULL THEN ", buf_cstr(&ref));
		else {
			buf_printf(b, " WHEN %s = ", buf_cstr(&ref));
			names_render_literal(b, &map[i].key);
			buf_puts(b, " THEN ");
		}
		names_render_literal(b, &map[i].value);
	}
	buf_puts(b, " ELSE ");
	if (els)
		names_render_literal(b, &els->value);
	else
		buf_puts(b, buf_cstr(&ref));
	buf_puts(b, " END");
	buf_free(&ref);
}

static bool map_has_null_key(const ast_map_entry *map, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!map[i].is_else && map[i].key.kind == LIT_NULL)
			return true;
	return false;
}

static bool map_yields_null(const ast_map_entry *map, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (map[i].value.kind == LIT_NULL)
			return true;
	return false;
}

static void check_map(lc_state *st, const ast_map_entry *map, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (map[i].is_else && i != n - 1)
			check_error(st->c, map[i].span, "'else' must be the last entry of a map");
		for (size_t j = 0; j < i; j++) {
			if (map[i].is_else || map[j].is_else)
				continue;
			if (map[i].key.kind == map[j].key.kind && strcmp(map[i].key.text, map[j].key.text) == 0)
				check_error(st->c, map[i].key.span, "duplicate map key %s", map[i].key.text);
		}
	}
}

/* The reverse of `from col map (...)` where it is unambiguous: value->key
 * for entries whose value no other entry produces; NULL keys and 'else'
 * cannot be inverted and are reported in note. */
static const char *invert_map(lc_state *st, const char *newcol, const ast_map_entry *map, size_t n,
                              const char **lossy)
{
	mp_buf b = MP_BUF_INIT, loss = MP_BUF_INIT;
	mp_buf ref = MP_BUF_INIT;
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

/* A new column from an add, rename or retype item: its type, default,
 * nullability and batch size come from the item's (new-side) options. */
static mdl_add *new_add(lc_state *st, const ast_item *it, const ast_name *column, bool default_in_expand)
{
	mdl_add *a = MP_VEC_PUSH(st->adds, st->nadds);
	a->kind = it->kind;
	a->column = column->text;
	a->span = it->span;
	type_class cls = check_render_type(st, &it->type, &a->type);
	a->default_sql = check_render_default(st, &it->opts, cls);
	a->default_in_expand = default_in_expand;
	a->enforce_not_null = it->opts.has_nullability && it->opts.not_null;
	a->batch = check_batch(st, &it->opts);
	return a;
}

void check_item_add(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	check_ident(c, &it->name);
	if (check_find_add(st, it->name.text)) {
		check_error(c, it->name.span, "column '%s' is added twice in lifecycle '%s'", it->name.text, st->lc->name);
		return;
	}
	check_column_use(st, &it->name, "added");
	const ast_colopts *o = &it->opts;
	check_forbid_opts(st, o, "add", true, true, true, true, false, true, false);
	mdl_add *a = new_add(st, it, &it->name, true);
	if (o->has_batch && o->backfill.kind == SRC_NONE)
		check_error(c, o->batch_span, "a batch size needs a backfill");
	const ast_source *s = &o->backfill;
	mp_buf v = MP_BUF_INIT;
	switch (s->kind) {
	case SRC_NONE:
		break;
	case SRC_CONST:
		if (s->constant.kind == LIT_NULL)
			check_error(c, s->span, "backfilling NULL changes nothing; leave the backfill out");
		names_render_literal(&v, &s->constant);
		a->value_sql = check_dup_buf(c, &v);
		break;
	case SRC_COLUMN:
		check_ident(c, &s->column);
		if (strcmp(s->column.text, it->name.text) == 0)
			check_error(c, s->column.span, "column '%s' cannot be backfilled from itself", s->column.text);
		else if (check_find_add(st, s->column.text))
			check_error(c, s->column.span, "backfill source '%s' is added in this lifecycle; backfill from an existing column",
			    s->column.text);
		check_column_use(st, &s->column, "as a backfill source");
		check_map(st, s->map, s->nmap);
		render_map(&v, "", s->column.text, s->map, s->nmap);
		a->value_sql = check_dup_buf(c, &v);
		render_map(&v, "NEW.", s->column.text, s->map, s->nmap);
		a->value_new_sql = check_dup_buf(c, &v);
		a->source = s->column.text;
		a->synced = true;
		if (a->enforce_not_null && (!map_has_null_key(s->map, s->nmap) || map_yields_null(s->map, s->nmap)))
			check_error(c, s->span,
			    "NOT NULL is enforced on '%s' but its backfill from '%s' can yield NULL; map it, e.g. map (null -> 'value')",
			    a->column, s->column.text);
		break;
	case SRC_EXPR:
		if (!*s->expr)
			check_error(c, s->span, "empty backfill expression");
		else
			check_sql_expr(c, s->expr, s->span, "the backfill expression");
		a->value_sql = s->expr;
		a->value_is_expr = true;
		a->synced = true;
		break;
	}
	buf_free(&v);
	if (o->reverse.kind != SRC_NONE) {
		if (s->kind != SRC_COLUMN && s->kind != SRC_EXPR)
			check_error(c, o->reverse.span, "a reverse mapping needs a backfill from a column or an expression");
		else if (o->reverse.kind == SRC_EXPR) {
			check_sql_expr(c, o->reverse.expr, o->reverse.span, "the reverse expression");
			a->reverse_sql = o->reverse.expr;
		} else {
			check_map(st, o->reverse.map, o->reverse.nmap);
			mp_buf r = MP_BUF_INIT;
			render_map(&r, "", it->name.text, o->reverse.map, o->reverse.nmap);
			a->reverse_sql = check_dup_buf(c, &r);
			render_map(&r, "NEW.", it->name.text, o->reverse.map, o->reverse.nmap);
			a->reverse_new_sql = check_dup_buf(c, &r);
		}
	}
	if (a->enforce_not_null && s->kind == SRC_NONE && !a->default_sql)
		check_error(c, it->name.span, "NOT NULL on '%s' with no backfill source and no default: existing rows would be NULL",
		    a->column);
	st->seen_column_item = true;
}

void check_item_enforce(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	mdl_add *a = check_find_add(st, it->name.text);
	if (!a) {
		/* An add further down means the order is wrong; otherwise unknown. */
		const ast_item *later;
		for (later = it->next; later; later = later->next)
			if ((later->kind == ITEM_ADD && strcmp(later->name.text, it->name.text) == 0) ||
			    ((later->kind == ITEM_RENAME || later->kind == ITEM_RETYPE) &&
			     strcmp(later->target.text, it->name.text) == 0))
				break;
		if (later) {
			check_error(c, it->name.span, "enforce not null '%s' comes before the column is added (contract before expand)",
			    it->name.text);
			return;
		}
		check_error(c, it->name.span, "enforce not null: column '%s' is not added in lifecycle '%s'", it->name.text,
		    st->lc->name);
		const char **names = xmalloc((st->nadds + 1) * sizeof *names);
		for (size_t i = 0; i < st->nadds; i++)
			names[i] = st->adds[i].column;
		const char *s = names_suggest(it->name.text, names, st->nadds);
		free(names);
		if (s)
			check_note(c, it->name.span, "did you mean '%s'?", s);
		return;
	}
	check_column_use(st, &it->name, "by enforce");
	if (a->enforce_not_null) {
		check_error(c, it->name.span, "NOT NULL is already enforced on '%s'", it->name.text);
		return;
	}
	a->enforce_not_null = true;
	if (!a->value_sql && !a->default_sql)
		check_error(c, it->name.span, "NOT NULL on '%s' with no backfill source and no default: existing rows would be NULL",
		    a->column);
	st->seen_column_item = true;
}

static long long parse_window(lc_state *st, const char *text, mp_span at)
{
	long long ms = 0;
	if (!duration_parse(text, &ms) || ms <= 0) {
		check_error(st->c, at, "bad duration '%s': write a number and a unit: ms, s, m, h or d (e.g. 72h)", text);
		return st->lc->window_ms;
	}
	return ms;
}

static mdl_retire *add_retire(lc_state *st, const ast_name *n)
{
	checker *c = st->c;
	seen_retire sr;
	if (check_find_retire(st, n->text, &sr)) {
		check_error(c, n->span, "column '%s' is retired twice", n->text);
		return NULL;
	}
	if (check_find_add(st, n->text)) {
		check_error(c, n->span, "column '%s' is added in this lifecycle; it cannot also be retired", n->text);
		return NULL;
	}
	check_column_use(st, n, "retired");
	mdl_retire *r = MP_VEC_PUSH(st->retires, st->nretires);
	*MP_VEC_PUSH(st->retire_spans, st->nretire_spans) = n->span;
	r->column = n->text;
	r->window_ms = st->lc->window_ms;
	return r;
}

void check_item_retire(lc_state *st, const ast_item *it)
{
	check_ident(st->c, &it->name);
	check_forbid_opts(st, &it->opts, "retire", true, true, false, false, false, false, true);
	mdl_retire *r = add_retire(st, &it->name);
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
		r->window_ms = parse_window(st, it->opts.after, it->opts.after_span);
	st->seen_column_item = true;
}

/* rename/retype: a new column kept in sync both ways with the old one, which
 * is retired at contract. */
void check_item_rename_retype(lc_state *st, const ast_item *it)
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
	if (retype)
		check_forbid_opts(st, &it->old_opts, "the old column of retype", true, true, false, false, false, false, false);
	mdl_retire *r = add_retire(st, &it->name);
	mdl_add *a = new_add(st, it, &it->target, false);
	a->source = it->name.text;
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
		if (it->opts.after)
			r->window_ms = parse_window(st, it->opts.after, it->opts.after_span);
	}
	st->seen_column_item = true;
}

/* Rollback refills a retired column from the add that took its values. */
void check_resolve_refills(lc_state *st)
{
	for (size_t i = 0; i < st->nretires; i++) {
		mdl_retire *r = &st->retires[i];
		if (r->refill_sql)
			continue;
		for (size_t j = 0; j < st->nadds; j++) {
			mdl_add *a = &st->adds[j];
			if (!a->source || strcmp(a->source, r->column) != 0)
				continue;
			if (a->reverse_sql) {
				r->refill_sql = a->reverse_sql;
			} else if (!a->value_is_expr) {
				const ast_item *it = NULL;
				for (const ast_item *x = st->lc->ast->items; x; x = x->next)
					if (x->kind == ITEM_ADD && strcmp(x->name.text, a->column) == 0)
						it = x;
				r->refill_sql = invert_map(st, a->column, it->opts.backfill.map, it->opts.backfill.nmap,
				                           &r->refill_note);
			}
			break;
		}
		if (!r->refill_sql && r->not_null)
			check_error(st->c, st->retire_spans[i],
			    "retired column '%s' is NOT NULL but nothing can refill it on rollback; give the add that replaces it "
			    "a reverse mapping",
			    r->column);
	}
}


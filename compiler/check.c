#include "check.h"
#include "duration.h"
#include "names.h"
#include "quote.h"
#include "sqlcheck.h"
#include "types.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_LOCK_TIMEOUT_MS 500
#define DEFAULT_WINDOW_MS (72LL * 3600 * 1000)
#define DEFAULT_WATCHDOG_MS 500
#define MAX_BATCH 1000000

/* A retired column, remembered across lifecycles on the same table. */
typedef struct {
	const char *schema, *table, *column;
	const mp_source *src;
	mp_span span;
	const char *lifecycle;
} retired_col;

typedef struct {
	diag_list *diags;
	mdl_model *model;
	mp_arena *A;
	const mp_source *src; /* spec being checked */
	retired_col *retired;
	size_t nretired, capretired;
	/* object names (indexes, constraints, sql items) per spec run */
	const char **objnames;
	mp_span *objspans;
	size_t nobj, capobj;
} checker;

static void err(checker *c, mp_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err(checker *c, mp_span at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mp_buf b = MP_BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_add(c->diags, DIAG_ERROR, c->src, at, "%s", buf_cstr(&b));
	buf_free(&b);
}

static void note(checker *c, mp_span at, const char *fmt, const char *arg)
{
	diag_add(c->diags, DIAG_NOTE, c->src, at, fmt, arg);
}

static char *adup_buf(checker *c, mp_buf *b)
{
	char *s = arena_strdup(c->A, buf_cstr(b));
	buf_free(b);
	return s;
}

/* User SQL fragments end up inside PL/pgSQL bodies and DO blocks, which the
 * outer parse of a file does not see into: parse each one on its own. */
static void check_sql_expr(checker *c, const char *expr, mp_span at, const char *what)
{
	mp_buf sql = MP_BUF_INIT, msg = MP_BUF_INIT;
	buf_printf(&sql, "SELECT (%s)", expr);
	if (sqlcheck_parse(sql.ptr, &msg) != 0)
		err(c, at, "%s does not parse as an SQL expression: %s", what, buf_cstr(&msg));
	buf_free(&sql);
	buf_free(&msg);
}

static void check_ident(checker *c, const ast_name *n)
{
	if (strlen(n->text) > NAMES_MAX_IDENT)
		err(c, n->span, "name '%.20s…' is %zu bytes long; PostgreSQL truncates names to %d bytes", n->text,
		    strlen(n->text), NAMES_MAX_IDENT);
}

static bool same_table(const char *s1, const char *t1, const char *s2, const char *t2)
{
	return strcmp(t1, t2) == 0 && ((!s1 && !s2) || (s1 && s2 && strcmp(s1, s2) == 0));
}

static const retired_col *find_retired_earlier(checker *c, const mdl_lifecycle *lc, const char *column)
{
	for (size_t i = 0; i < c->nretired; i++) {
		retired_col *r = &c->retired[i];
		if (same_table(r->schema, r->table, lc->table.schema, lc->table.name) && strcmp(r->column, column) == 0 &&
		    strcmp(r->lifecycle, lc->name) != 0)
			return r;
	}
	return NULL;
}

/* Object names (indexes, constraints, sql items) must be unique in a run:
 * PostgreSQL index and constraint names share one namespace per schema. */
static void claim_object(checker *c, const ast_name *n, const char *what)
{
	check_ident(c, n);
	for (size_t i = 0; i < c->nobj; i++) {
		if (strcmp(c->objnames[i], n->text) == 0) {
			err(c, n->span, "duplicate %s name '%s'", what, n->text);
			return;
		}
	}
	if (c->nobj == c->capobj) {
		c->capobj = c->capobj ? c->capobj * 2 : 16;
		c->objnames = xrealloc(c->objnames, c->capobj * sizeof *c->objnames);
		c->objspans = xrealloc(c->objspans, c->capobj * sizeof *c->objspans);
	}
	c->objspans[c->nobj] = n->span;
	c->objnames[c->nobj++] = n->text;
}

/* ---- per lifecycle state while walking its items in order ---- */

typedef struct {
	const ast_item *item;
	const char *column;
	mdl_add *add; /* index into adds, resolved after the walk */
	size_t add_index;
} seen_add;

typedef struct {
	const char *column;
	mp_span span;
} seen_retire;

typedef struct {
	checker *c;
	mdl_lifecycle *lc;
	/* growable arrays, copied into the arena at the end */
	mdl_add *adds;
	size_t nadds, capadds;
	mp_span *add_spans;
	mdl_retire *retires;
	size_t nretires, capretires;
	mp_span *retire_spans;
	mdl_index *indexes;
	size_t nindexes, capindexes;
	mdl_fk *fks;
	size_t nfks, capfks;
	mdl_check *checks;
	size_t nchecks, capchecks;
	mdl_sql *sqls;
	size_t nsqls, capsqls;
	bool seen_column_item;
	const ast_item *enforce_items[64];
	size_t nenforce;
} lc_state;

#define PUSH(arr, n, cap)                                                      \
	(((n) == (cap) ? ((cap) = (cap) ? (cap) * 2 : 4,                           \
	                  (arr) = xrealloc((arr), (cap) * sizeof *(arr)))          \
	               : (arr)),                                                   \
	 memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

static mdl_add *find_add(lc_state *st, const char *column)
{
	for (size_t i = 0; i < st->nadds; i++)
		if (strcmp(st->adds[i].column, column) == 0)
			return &st->adds[i];
	return NULL;
}

static const seen_retire *find_retire(lc_state *st, const char *column, seen_retire *out)
{
	for (size_t i = 0; i < st->nretires; i++) {
		if (strcmp(st->retires[i].column, column) == 0) {
			out->column = st->retires[i].column;
			out->span = st->retire_spans[i];
			return out;
		}
	}
	return NULL;
}

/* Every use of an existing column: must not be retired here already, nor by
 * an earlier lifecycle on the same table. */
static void check_column_use(lc_state *st, const ast_name *n, const char *use)
{
	checker *c = st->c;
	seen_retire sr;
	if (find_retire(st, n->text, &sr)) {
		int line, col;
		source_position(c->src, sr.span.start, &line, &col);
		err(c, n->span, "column '%s' is used (%s) after it is retired at line %d", n->text, use, line);
		return;
	}
	const retired_col *r = find_retired_earlier(c, st->lc, n->text);
	if (r) {
		int line, col;
		source_position(r->src, r->span.start, &line, &col);
		err(c, n->span, "column '%s' is used (%s) after lifecycle '%s' retired it (%s:%d)", n->text, use,
		    r->lifecycle, r->src->path, line);
	}
}

static type_class render_type(lc_state *st, const ast_type *t, const char **out)
{
	mp_buf b = MP_BUF_INIT, msg = MP_BUF_INIT, hint = MP_BUF_INIT;
	type_class cls;
	if (types_render(t, &b, &cls, &msg, &hint)) {
		*out = adup_buf(st->c, &b);
	} else {
		err(st->c, t->span, "%s", buf_cstr(&msg));
		if (hint.len)
			note(st->c, t->span, "%s", buf_cstr(&hint));
		*out = "text";
		buf_free(&b);
	}
	buf_free(&msg);
	buf_free(&hint);
	return cls;
}

static const char *render_default(lc_state *st, const ast_colopts *o, type_class cls)
{
	if (!o->has_default)
		return NULL;
	const ast_literal *l = &o->deflt;
	if (l->kind == LIT_NULL) {
		err(st->c, l->span, "'default null' is what a column has without a default; leave it out");
		return NULL;
	}
	if ((cls == TYPECLASS_NUMERIC && l->kind != LIT_NUMBER) || (cls == TYPECLASS_BOOL && l->kind != LIT_BOOL))
		err(st->c, l->span, "default %s does not fit a %s column", l->text,
		    cls == TYPECLASS_BOOL ? "boolean" : "numeric");
	mp_buf b = MP_BUF_INIT;
	names_render_literal(&b, l);
	return adup_buf(st->c, &b);
}

/* Options an item does not take are errors at their place, not ignored. */
static void forbid_opts(lc_state *st, const ast_colopts *o, const char *what, bool allow_default, bool allow_null,
                        bool allow_backfill, bool allow_reverse, bool allow_using, bool allow_batch, bool allow_after)
{
	checker *c = st->c;
	if (o->duplicates)
		err(c, o->duplicate_span, "option given twice");
	if (o->has_default && !allow_default)
		err(c, o->deflt.span, "%s takes no default", what);
	if (o->has_nullability && !allow_null)
		err(c, o->nullability_span, "%s takes no null / not null", what);
	if (o->backfill.kind != SRC_NONE && !allow_backfill)
		err(c, o->backfill.span, "%s takes no backfill", what);
	if (o->reverse.kind != SRC_NONE && !allow_reverse)
		err(c, o->reverse.span, "%s takes no reverse mapping", what);
	if (o->using_expr && !allow_using)
		err(c, o->using_span, "%s takes no using expression", what);
	if (o->has_batch && !allow_batch)
		err(c, o->batch_span, "%s takes no batch size", what);
	if (o->after && !allow_after)
		err(c, o->after_span, "%s takes no 'after' window", what);
}

static long check_batch(lc_state *st, const ast_colopts *o)
{
	if (!o->has_batch)
		return 10000;
	if (o->batch < 1 || o->batch > MAX_BATCH) {
		err(st->c, o->batch_span, "batch size must be from 1 to %d", MAX_BATCH);
		return 10000;
	}
	return o->batch;
}

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
			err(st->c, map[i].span, "'else' must be the last entry of a map");
		for (size_t j = 0; j < i; j++) {
			if (map[i].is_else || map[j].is_else)
				continue;
			if (map[i].key.kind == map[j].key.kind && strcmp(map[i].key.text, map[j].key.text) == 0)
				err(st->c, map[i].key.span, "duplicate map key %s", map[i].key.text);
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
	*lossy = loss.len ? adup_buf(st->c, &loss) : NULL;
	buf_free(&loss);
	return adup_buf(st->c, &b);
}

static void item_add(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	check_ident(c, &it->name);
	if (find_add(st, it->name.text)) {
		err(c, it->name.span, "column '%s' is added twice in lifecycle '%s'", it->name.text, st->lc->name);
		return;
	}
	check_column_use(st, &it->name, "added");
	const ast_colopts *o = &it->opts;
	forbid_opts(st, o, "add", true, true, true, true, false, true, false);
	mdl_add *a = PUSH(st->adds, st->nadds, st->capadds);
	st->add_spans = xrealloc(st->add_spans, st->capadds * sizeof *st->add_spans);
	st->add_spans[st->nadds - 1] = it->name.span;
	a->column = it->name.text;
	a->span = it->span;
	type_class cls = render_type(st, &it->type, &a->type);
	a->default_sql = render_default(st, o, cls);
	a->default_in_expand = true;
	a->enforce_not_null = o->has_nullability && o->not_null;
	a->batch = check_batch(st, o);
	if (o->has_batch && o->backfill.kind == SRC_NONE)
		err(c, o->batch_span, "a batch size needs a backfill");
	const ast_source *s = &o->backfill;
	mp_buf v = MP_BUF_INIT;
	switch (s->kind) {
	case SRC_NONE:
		break;
	case SRC_CONST:
		if (s->constant.kind == LIT_NULL)
			err(c, s->span, "backfilling NULL changes nothing; leave the backfill out");
		names_render_literal(&v, &s->constant);
		a->value_sql = adup_buf(c, &v);
		break;
	case SRC_COLUMN:
		check_ident(c, &s->column);
		if (strcmp(s->column.text, it->name.text) == 0)
			err(c, s->column.span, "column '%s' cannot be backfilled from itself", s->column.text);
		else if (find_add(st, s->column.text))
			err(c, s->column.span, "backfill source '%s' is added in this lifecycle; backfill from an existing column",
			    s->column.text);
		check_column_use(st, &s->column, "as a backfill source");
		check_map(st, s->map, s->nmap);
		render_map(&v, "", s->column.text, s->map, s->nmap);
		a->value_sql = adup_buf(c, &v);
		render_map(&v, "NEW.", s->column.text, s->map, s->nmap);
		a->value_new_sql = adup_buf(c, &v);
		a->source = s->column.text;
		a->synced = true;
		if (a->enforce_not_null && (!map_has_null_key(s->map, s->nmap) || map_yields_null(s->map, s->nmap)))
			err(c, s->span,
			    "NOT NULL is enforced on '%s' but its backfill from '%s' can yield NULL; map it, e.g. map (null -> 'value')",
			    a->column, s->column.text);
		break;
	case SRC_EXPR:
		if (!*s->expr)
			err(c, s->span, "empty backfill expression");
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
			err(c, o->reverse.span, "a reverse mapping needs a backfill from a column or an expression");
		else if (o->reverse.kind == SRC_EXPR) {
			check_sql_expr(c, o->reverse.expr, o->reverse.span, "the reverse expression");
			a->reverse_sql = o->reverse.expr;
			a->reverse_is_expr = true;
		} else {
			check_map(st, o->reverse.map, o->reverse.nmap);
			mp_buf r = MP_BUF_INIT;
			render_map(&r, "", it->name.text, o->reverse.map, o->reverse.nmap);
			a->reverse_sql = adup_buf(c, &r);
			render_map(&r, "NEW.", it->name.text, o->reverse.map, o->reverse.nmap);
			a->reverse_new_sql = adup_buf(c, &r);
		}
	}
	if (a->enforce_not_null && s->kind == SRC_NONE && !a->default_sql)
		err(c, it->name.span, "NOT NULL on '%s' with no backfill source and no default: existing rows would be NULL",
		    a->column);
	st->seen_column_item = true;
}

static void item_enforce(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	mdl_add *a = find_add(st, it->name.text);
	if (!a) {
		/* An add further down means the order is wrong; otherwise unknown. */
		const ast_item *later;
		for (later = it->next; later; later = later->next)
			if ((later->kind == ITEM_ADD && strcmp(later->name.text, it->name.text) == 0) ||
			    ((later->kind == ITEM_RENAME || later->kind == ITEM_RETYPE) &&
			     strcmp(later->target.text, it->name.text) == 0))
				break;
		if (later) {
			err(c, it->name.span, "enforce not null '%s' comes before the column is added (contract before expand)",
			    it->name.text);
			return;
		}
		err(c, it->name.span, "enforce not null: column '%s' is not added in lifecycle '%s'", it->name.text,
		    st->lc->name);
		const char **names = xmalloc((st->nadds + 1) * sizeof *names);
		for (size_t i = 0; i < st->nadds; i++)
			names[i] = st->adds[i].column;
		const char *s = names_suggest(it->name.text, names, st->nadds);
		free(names);
		if (s)
			note(c, it->name.span, "did you mean '%s'?", s);
		return;
	}
	check_column_use(st, &it->name, "by enforce");
	if (a->enforce_not_null) {
		err(c, it->name.span, "NOT NULL is already enforced on '%s'", it->name.text);
		return;
	}
	a->enforce_not_null = true;
	if (!a->value_sql && !a->default_sql)
		err(c, it->name.span, "NOT NULL on '%s' with no backfill source and no default: existing rows would be NULL",
		    a->column);
	st->enforce_items[st->nenforce < 64 ? st->nenforce++ : 63] = it;
	st->seen_column_item = true;
}

static long long parse_window(lc_state *st, const char *text, mp_span at)
{
	long long ms = 0;
	if (!duration_parse(text, &ms) || ms <= 0) {
		err(st->c, at, "bad duration '%s': write a number and a unit: ms, s, m, h or d (e.g. 72h)", text);
		return st->lc->window_ms;
	}
	return ms;
}

static mdl_retire *add_retire(lc_state *st, const ast_name *n)
{
	checker *c = st->c;
	seen_retire sr;
	if (find_retire(st, n->text, &sr)) {
		err(c, n->span, "column '%s' is retired twice", n->text);
		return NULL;
	}
	if (find_add(st, n->text)) {
		err(c, n->span, "column '%s' is added in this lifecycle; it cannot also be retired", n->text);
		return NULL;
	}
	check_column_use(st, n, "retired");
	mdl_retire *r = PUSH(st->retires, st->nretires, st->capretires);
	st->retire_spans = xrealloc(st->retire_spans, st->capretires * sizeof *st->retire_spans);
	st->retire_spans[st->nretires - 1] = n->span;
	r->column = n->text;
	r->window_ms = st->lc->window_ms;
	return r;
}

static void item_retire(lc_state *st, const ast_item *it)
{
	check_ident(st->c, &it->name);
	forbid_opts(st, &it->opts, "retire", true, true, false, false, false, false, true);
	mdl_retire *r = add_retire(st, &it->name);
	if (!r)
		return;
	if (!it->has_type) {
		err(st->c, it->name.span,
		    "retire '%s' needs the column's type (e.g. retire %s varchar(20);) so that its DOWN can re-create it",
		    it->name.text, it->name.text);
		r->type = "text";
	} else {
		type_class cls = render_type(st, &it->type, &r->type);
		r->default_sql = render_default(st, &it->opts, cls);
	}
	r->not_null = it->opts.has_nullability && it->opts.not_null;
	if (it->opts.after)
		r->window_ms = parse_window(st, it->opts.after, it->opts.after_span);
	st->seen_column_item = true;
}

/* rename/retype: a new column kept in sync both ways with the old one, which
 * is retired at contract. */
static void item_rename_retype(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	bool retype = it->kind == ITEM_RETYPE;
	const char *what = retype ? "retype" : "rename";
	check_ident(c, &it->name);
	check_ident(c, &it->target);
	if (strcmp(it->name.text, it->target.text) == 0) {
		err(c, it->target.span, "%s needs a new column name: expand/contract keeps both columns during the window",
		    what);
		return;
	}
	if (find_add(st, it->target.text)) {
		err(c, it->target.span, "column '%s' is added twice in lifecycle '%s'", it->target.text, st->lc->name);
		return;
	}
	check_column_use(st, &it->target, "as a new column");
	forbid_opts(st, &it->opts, what, true, true, false, retype, retype, true, true);
	if (retype)
		forbid_opts(st, &it->old_opts, "the old column of retype", true, true, false, false, false, false, false);
	mdl_retire *r = add_retire(st, &it->name);
	mdl_add *a = PUSH(st->adds, st->nadds, st->capadds);
	st->add_spans = xrealloc(st->add_spans, st->capadds * sizeof *st->add_spans);
	st->add_spans[st->nadds - 1] = it->target.span;
	a->column = it->target.text;
	a->span = it->span;
	type_class cls = render_type(st, &it->type, &a->type);
	a->default_sql = render_default(st, &it->opts, cls);
	a->default_in_expand = false;
	a->enforce_not_null = it->opts.has_nullability && it->opts.not_null;
	a->batch = check_batch(st, &it->opts);
	a->source = it->name.text;
	a->synced = true;
	a->bidirectional = true;
	mp_buf v = MP_BUF_INIT;
	if (retype) {
		if (!it->opts.using_expr || it->opts.reverse.kind != SRC_EXPR) {
			err(c, it->keyword_span,
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
		a->reverse_is_expr = true;
	} else {
		sql_quote_ident(&v, it->name.text);
		a->value_sql = adup_buf(c, &v);
		buf_puts(&v, "NEW.");
		sql_quote_ident(&v, it->name.text);
		a->value_new_sql = adup_buf(c, &v);
		sql_quote_ident(&v, it->target.text);
		a->reverse_sql = adup_buf(c, &v);
		buf_puts(&v, "NEW.");
		sql_quote_ident(&v, it->target.text);
		a->reverse_new_sql = adup_buf(c, &v);
	}
	buf_free(&v);
	if (r) {
		if (retype) {
			type_class ocls = render_type(st, &it->old_type, &r->type);
			r->default_sql = render_default(st, &it->old_opts, ocls);
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

static const char **name_array(lc_state *st, const ast_name *names, size_t n, const char *use, bool check_use)
{
	const char **v = arena_alloc(st->c->A, (n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		check_ident(st->c, &names[i]);
		if (check_use)
			check_column_use(st, &names[i], use);
		for (size_t j = 0; j < i; j++)
			if (strcmp(v[j], names[i].text) == 0)
				err(st->c, names[i].span, "column '%s' is listed twice", names[i].text);
		v[i] = names[i].text;
	}
	return v;
}

static void item_index(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	bool unique = it->kind == ITEM_UNIQUE;
	claim_object(c, &it->name, unique ? "unique index" : "index");
	if (it->opts.duplicates)
		err(c, it->opts.duplicate_span, "option given twice");
	mdl_index *x = PUSH(st->indexes, st->nindexes, st->capindexes);
	x->name = it->name.text;
	x->unique = unique;
	x->as_constraint = it->as_constraint;
	x->columns = name_array(st, it->columns, it->ncolumns, "in an index", true);
	x->ncolumns = it->ncolumns;
	x->where_sql = it->where_expr;
	if (it->where_expr)
		check_sql_expr(c, it->where_expr, it->opts.using_span, "the where expression");
	x->method = it->method;
	x->sample_query = it->sample_query;
	if (it->sample_query) {
		mp_buf msg = MP_BUF_INIT;
		if (sqlcheck_parse(it->sample_query, &msg) != 0 || sqlcheck_count_statements(it->sample_query) != 1)
			err(c, it->sample_span, "the explain query must be one SQL statement that parses%s%s",
			    msg.len ? ": " : "", buf_cstr(&msg));
		buf_free(&msg);
	}
	if (it->as_constraint && !unique)
		err(c, it->opts.nullability_span, "only a unique index can become a constraint");
	if (it->as_constraint && it->where_expr)
		err(c, it->opts.nullability_span, "a partial unique index cannot become a constraint");
	if (it->method) {
		static const char *methods[] = {"btree", "hash", "gist", "gin", "brin", "spgist"};
		bool ok = false;
		for (size_t i = 0; i < 6; i++)
			ok = ok || strcasecmp(it->method, methods[i]) == 0;
		if (!ok)
			err(c, it->opts.after_span, "unknown index method '%s' (btree, hash, gist, gin, brin, spgist)", it->method);
		if (unique && strcasecmp(it->method, "btree") != 0)
			err(c, it->opts.after_span, "unique indexes must use btree");
	}
}

static void item_fk(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	claim_object(c, &it->name, "constraint");
	if (it->opts.duplicates)
		err(c, it->opts.duplicate_span, "option given twice");
	mdl_fk *f = PUSH(st->fks, st->nfks, st->capfks);
	f->name = it->name.text;
	f->columns = name_array(st, it->columns, it->ncolumns, "in a foreign key", true);
	f->ncolumns = it->ncolumns;
	f->ref.schema = it->ref_table.schema.text;
	f->ref.name = it->ref_table.name.text;
	f->ref_columns = name_array(st, it->ref_columns, it->nref_columns, "as a referenced column", false);
	f->nref_columns = it->nref_columns;
	f->on_delete = it->on_delete;
	f->on_update = it->on_update;
	if (it->ncolumns != it->nref_columns)
		err(c, it->ref_table.span, "foreign key has %zu column(s) but references %zu", it->ncolumns,
		    it->nref_columns);
}

static void item_check(lc_state *st, const ast_item *it)
{
	claim_object(st->c, &it->name, "constraint");
	if (!*it->check_expr)
		err(st->c, it->value_span, "empty check expression");
	else
		check_sql_expr(st->c, it->check_expr, it->value_span, "the check expression");
	mdl_check *k = PUSH(st->checks, st->nchecks, st->capchecks);
	k->name = it->name.text;
	k->expr = it->check_expr;
}

static void item_sql(lc_state *st, const ast_item *it)
{
	claim_object(st->c, &it->name, "sql item");
	mdl_sql *q = PUSH(st->sqls, st->nsqls, st->capsqls);
	q->name = it->name.text;
	q->up = it->up_sql;
	q->down = it->down_sql;
	q->no_transaction = it->no_transaction;
	q->before_expand = !st->seen_column_item;
	for (const char *p = it->name.text; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_') {
			err(st->c, it->name.span, "sql item names become folder names: use letters, digits and '_'");
			break;
		}
}

static const char *setting_names[] = {"lock_timeout", "statement_timeout", "window", "watchdog", "max_pending", "key"};

static void item_set(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	mdl_lifecycle *lc = st->lc;
	const char *n = it->name.text, *v = it->value;
	long long ms;
	if (!strcmp(n, "lock_timeout") || !strcmp(n, "statement_timeout") || !strcmp(n, "window") ||
	    !strcmp(n, "watchdog")) {
		if (!duration_parse(v, &ms) || ms <= 0) {
			err(c, it->value_span, "bad duration '%s': write a number and a unit: ms, s, m, h or d (e.g. 500ms)", v);
			return;
		}
		if (!strcmp(n, "lock_timeout"))
			lc->lock_timeout_ms = ms;
		else if (!strcmp(n, "statement_timeout"))
			lc->statement_timeout_ms = ms;
		else if (!strcmp(n, "watchdog"))
			lc->watchdog_ms = ms;
		else
			lc->window_ms = ms;
	} else if (!strcmp(n, "max_pending")) {
		char *end;
		long k = strtol(v, &end, 10);
		if (*end || k < 1 || k > 10000) {
			err(c, it->value_span, "max_pending must be a whole number from 1 to 10000");
			return;
		}
		lc->max_pending = (int)k;
	} else if (!strcmp(n, "key")) {
		if (strlen(v) > NAMES_MAX_IDENT)
			err(c, it->value_span, "key column name is longer than %d bytes", NAMES_MAX_IDENT);
		lc->key = v;
	} else {
		err(c, it->name.span, "unknown setting '%s'", n);
		const char *s = names_suggest(n, setting_names, sizeof setting_names / sizeof setting_names[0]);
		if (s)
			note(c, it->name.span, "did you mean '%s'?", s);
		else
			note(c, it->name.span, "settings are: %s",
			     "lock_timeout, statement_timeout, window, watchdog, max_pending, key");
	}
}

/* Rollback refills a retired column from the add that took its values. */
static void resolve_refills(lc_state *st)
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
			err(st->c, st->retire_spans[i],
			    "retired column '%s' is NOT NULL but nothing can refill it on rollback; give the add that replaces it "
			    "a reverse mapping",
			    r->column);
	}
}

#define COPY_OUT(field, nfield, arr, n)                                              \
	do {                                                                           \
		lc->field = arena_alloc(c->A, ((n) ? (n) : 1) * sizeof *lc->field);          \
		if (n)                                                                     \
			memcpy(lc->field, (arr), (n) * sizeof *lc->field);                     \
		lc->nfield = (n);                                                          \
		free(arr);                                                                 \
	} while (0)

static bool valid_id(const char *id)
{
	if (strlen(id) != 14)
		return false;
	int v[6];
	const int w[6] = {4, 2, 2, 2, 2, 2};
	const char *p = id;
	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (int k = 0; k < w[i]; k++)
			v[i] = v[i] * 10 + (*p++ - '0');
	}
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return v[0] >= 1970 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 && v[2] <= mdays[v[1] - 1] &&
	       !(v[1] == 2 && v[2] == 29 && !((v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0)) && v[3] < 24 &&
	       v[4] < 60 && v[5] < 60;
}

static void check_lifecycle(checker *c, const ast_lifecycle *al, const char *spec_path, mdl_lifecycle *lc)
{
	lc->ast = al;
	lc->name = al->name.text;
	lc->id = al->id;
	lc->spec_path = spec_path;
	lc->src = c->src;
	lc->table.schema = al->table.schema.text;
	lc->table.name = al->table.name.text;
	lc->key = "id";
	lc->lock_timeout_ms = DEFAULT_LOCK_TIMEOUT_MS;
	lc->window_ms = DEFAULT_WINDOW_MS;
	lc->watchdog_ms = DEFAULT_WATCHDOG_MS;
	lc->max_pending = 1;
	check_ident(c, &al->table.name);
	if (al->table.schema.text)
		check_ident(c, &al->table.schema);
	bool name_ok = strlen(lc->name) <= 40;
	for (const char *p = lc->name; *p; p++)
		name_ok = name_ok && (isalnum((unsigned char)*p) || *p == '_');
	if (!name_ok)
		err(c, al->name.span, "lifecycle names become folder names: use up to 40 letters, digits and '_'");
	if (!valid_id(al->id))
		err(c, al->id_span, "lifecycle id '%s' is not a timestamp YYYYMMDDHHMMSS", al->id);

	lc_state st = {0};
	st.c = c;
	st.lc = lc;
	/* Settings first, wherever they stand: they apply to the whole lifecycle. */
	for (const ast_item *it = al->items; it; it = it->next)
		if (it->kind == ITEM_SET)
			item_set(&st, it);
	for (const ast_item *it = al->items; it; it = it->next) {
		switch (it->kind) {
		case ITEM_SET: break;
		case ITEM_ADD: item_add(&st, it); break;
		case ITEM_ENFORCE: item_enforce(&st, it); break;
		case ITEM_RETIRE: item_retire(&st, it); break;
		case ITEM_RENAME:
		case ITEM_RETYPE: item_rename_retype(&st, it); break;
		case ITEM_INDEX:
		case ITEM_UNIQUE: item_index(&st, it); break;
		case ITEM_FOREIGN_KEY: item_fk(&st, it); break;
		case ITEM_CHECK: item_check(&st, it); break;
		case ITEM_SQL: item_sql(&st, it); break;
		}
	}
	if (!al->items)
		err(c, al->name.span, "lifecycle '%s' is empty", lc->name);
	/* A retire-only window applies to the contract: take the longest. */
	for (size_t i = 0; i < st.nretires; i++)
		if (st.retires[i].window_ms > lc->window_ms)
			lc->window_ms = st.retires[i].window_ms;
	resolve_refills(&st);
	for (size_t i = 0; i < st.nretires; i++) {
		retired_col *r = PUSH(c->retired, c->nretired, c->capretired);
		r->schema = lc->table.schema;
		r->table = lc->table.name;
		r->column = st.retires[i].column;
		r->src = c->src;
		r->span = st.retire_spans[i];
		r->lifecycle = lc->name;
	}
	free(st.add_spans);
	free(st.retire_spans);
	COPY_OUT(adds, nadds, st.adds, st.nadds);
	COPY_OUT(retires, nretires, st.retires, st.nretires);
	COPY_OUT(indexes, nindexes, st.indexes, st.nindexes);
	COPY_OUT(fks, nfks, st.fks, st.nfks);
	COPY_OUT(checks, nchecks, st.checks, st.nchecks);
	COPY_OUT(sqls, nsqls, st.sqls, st.nsqls);
}

typedef struct {
	const ast_lifecycle *al;
	const ast_spec *spec;
} lc_ref;

static int cmp_lc_ref(const void *a, const void *b)
{
	const lc_ref *x = a, *y = b;
	int c = strcmp(x->al->id, y->al->id);
	if (c)
		return c;
	c = strcmp(x->spec->src->path, y->spec->src->path);
	return c ? c : (x->al->span.start - y->al->span.start);
}

void model_free(mdl_model *m)
{
	if (!m)
		return;
	arena_free(&m->arena);
	free(m);
}

int check_specs(ast_spec *const *specs, size_t nspecs, diag_list *diags, mdl_model **out)
{
	*out = NULL;
	int errors_before = diags->errors;
	mdl_model *m = xcalloc(1, sizeof *m);
	checker c = {0};
	c.diags = diags;
	c.model = m;
	c.A = &m->arena;

	size_t n = 0;
	for (size_t i = 0; i < nspecs; i++)
		for (const ast_lifecycle *l = specs[i]->lifecycles; l; l = l->next)
			n += !l->had_errors;
	lc_ref *refs = xcalloc(n ? n : 1, sizeof *refs);
	n = 0;
	for (size_t i = 0; i < nspecs; i++)
		for (const ast_lifecycle *l = specs[i]->lifecycles; l; l = l->next)
			if (!l->had_errors)
				refs[n++] = (lc_ref){l, specs[i]};
	/* Lifecycles run in id order, whatever file or place they are written in;
	 * checking in that order makes "used after retire" mean "later in time". */
	qsort(refs, n, sizeof *refs, cmp_lc_ref);
	m->lifecycles = arena_alloc(&m->arena, (n ? n : 1) * sizeof *m->lifecycles);
	m->count = n;
	for (size_t i = 0; i < n; i++) {
		c.src = refs[i].spec->src;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(refs[j].al->name.text, refs[i].al->name.text) == 0)
				err(&c, refs[i].al->name.span, "duplicate lifecycle name '%s'", refs[i].al->name.text);
			if (strcmp(refs[j].al->id, refs[i].al->id) == 0)
				err(&c, refs[i].al->id_span, "lifecycle id %s is already used by lifecycle '%s'", refs[i].al->id,
				    refs[j].al->name.text);
		}
		check_lifecycle(&c, refs[i].al, refs[i].spec->src->path, &m->lifecycles[i]);
	}
	if (n == 0 && nspecs > 0 && diags->errors == errors_before) {
		c.src = specs[0]->src;
		err(&c, (mp_span){0, 0}, "no lifecycle in the spec");
	}
	free(refs);
	free(c.retired);
	free(c.objnames);
	free(c.objspans);
	if (diags->errors > errors_before) {
		model_free(m);
		return MP_EINVAL;
	}
	*out = m;
	return MP_OK;
}

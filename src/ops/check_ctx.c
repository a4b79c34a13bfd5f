/* The checker's context: diagnostics, the helpers every item check uses, and
 * what is remembered across lifecycles (retired columns, object names). */
#include "ops/check_ctx.h"
#include "migdir/manifest.h"
#include "sql/expr.h"
#include "ops/names.h"
#include "sql/sqlparse.h"
#include "ops/types.h"
#include "util/duration.h"
#include "util/vec.h"
#include "util/quote.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void check_error(checker *c, mp_span at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mp_buf b = MP_BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_add(c->diags, DIAG_ERROR, c->src, at, "%s", buf_cstr(&b));
	buf_free(&b);
}

void check_note(checker *c, mp_span at, const char *fmt, const char *arg)
{
	diag_add(c->diags, DIAG_NOTE, c->src, at, fmt, arg);
}

char *check_dup_buf(checker *c, mp_buf *b)
{
	char *s = arena_strdup(c->A, buf_cstr(b));
	buf_free(b);
	return s;
}

/* User SQL fragments end up inside PL/pgSQL bodies and DO blocks, which the
 * outer parse of a file does not see into: parse each one on its own. */
void check_sql_expr(checker *c, const char *expr, mp_span at, const char *what)
{
	mp_buf sql = MP_BUF_INIT, msg = MP_BUF_INIT;
	buf_printf(&sql, "SELECT (%s)", expr);
	if (sqlparse_check(sql.ptr, &msg, NULL) != 0)
		check_error(c, at, "%s does not parse as an SQL expression: %s", what, buf_cstr(&msg));
	else if (!sqlexpr_is_one(expr))
		check_error(c, at, "%s must be one SQL expression: this text would end or extend the statement it is "
		                   "placed in (an unmatched parenthesis, a ';', a FROM, a list)",
		            what);
	buf_free(&sql);
	buf_free(&msg);
}

/* The columns a (parsed) user expression reads and whether it is volatile,
 * for the sync trigger; names live in the model's arena. */
void check_expr_reads(checker *c, const char *expr, const char ***reads, size_t *n, bool *is_volatile)
{
	sqlexpr_info info;
	mp_error err;
	*reads = NULL;
	*n = 0;
	*is_volatile = false;
	if (sqlexpr_inspect(expr, &info, &err) != MP_OK)
		return; /* check_sql_expr has reported it */
	const char **v = arena_alloc(c->A, (info.ncolumns ? info.ncolumns : 1) * sizeof *v);
	for (size_t i = 0; i < info.ncolumns; i++)
		v[i] = arena_strdup(c->A, info.columns[i]);
	*reads = v;
	*n = info.ncolumns;
	*is_volatile = info.volatility == VOL_VOLATILE;
	sqlexpr_info_free(&info);
}

const char **check_one_name(checker *c, const char *name)
{
	const char **v = arena_alloc(c->A, sizeof *v);
	v[0] = name;
	return v;
}

void check_ident(checker *c, const ast_name *n)
{
	if (strlen(n->text) > NAMES_MAX_IDENT)
		check_error(c, n->span, "name '%.20s…' is %zu bytes long; PostgreSQL truncates names to %d bytes", n->text,
		    strlen(n->text), NAMES_MAX_IDENT);
}

/* The key grouping the retires of one column; lookups still compare the
 * fields themselves, so two columns sharing a key cannot be confused. */
char *check_retired_key(const char *schema, const char *table, const char *column)
{
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%c%s\x1f%s\x1f%s", schema ? 'S' : 'N', schema ? schema : "", table, column);
	return buf_detach(&b);
}

/* The first retire (in check order) of this column by another lifecycle. */
const retired_col *check_find_retired_earlier(checker *c, const mdl_lifecycle *lc, const char *column)
{
	char *key = check_retired_key(lc->table.schema, lc->table.name, column);
	size_t i;
	bool found = strmap_get(&c->retired_map, key, &i);
	free(key);
	for (; found; i = c->retired[i].next_same - 1) {
		retired_col *r = &c->retired[i];
		if (mf_same_relation(r->schema, r->table, lc->table.schema, lc->table.name) && strcmp(r->column, column) == 0 &&
		    strcmp(r->lifecycle, lc->name) != 0)
			return r;
		if (!r->next_same)
			break;
	}
	return NULL;
}

/* Object names (indexes, constraints, sql items) must be unique in a run:
 * PostgreSQL index and constraint names share one namespace per schema. */
void check_claim_object(checker *c, const ast_name *n, const char *what)
{
	check_ident(c, n);
	if (!strmap_put(&c->objmap, n->text, 0))
		check_error(c, n->span, "duplicate %s name '%s'", what, n->text);
}

mdl_add *check_find_add(lc_state *st, const char *column)
{
	for (size_t i = 0; i < st->lc->nadds; i++)
		if (strcmp(st->lc->adds[i].column, column) == 0)
			return &st->lc->adds[i];
	return NULL;
}

const seen_retire *check_find_retire(lc_state *st, const char *column, seen_retire *out)
{
	for (size_t i = 0; i < st->lc->nretires; i++) {
		if (strcmp(st->lc->retires[i].column, column) == 0) {
			out->column = st->lc->retires[i].column;
			out->span = st->retire_spans[i];
			return out;
		}
	}
	return NULL;
}

/* Every use of an existing column: must not be retired here already, nor by
 * an earlier lifecycle on the same table. */
void check_column_use(lc_state *st, const ast_name *n, const char *use)
{
	checker *c = st->c;
	seen_retire sr;
	if (check_find_retire(st, n->text, &sr)) {
		int line, col;
		source_position(c->src, sr.span.start, &line, &col);
		check_error(c, n->span, "column '%s' is used (%s) after it is retired at line %d", n->text, use, line);
		return;
	}
	const retired_col *r = check_find_retired_earlier(c, st->lc, n->text);
	if (r) {
		int line, col;
		source_position(r->src, r->span.start, &line, &col);
		check_error(c, n->span, "column '%s' is used (%s) after lifecycle '%s' retired it (%s:%d)", n->text, use,
		    r->lifecycle, r->src->path, line);
	}
}

/* Whether lifecycles before lc touch its table in a way the model tells
 * (adds) or cannot tell (sql items): 1 added there, -1 unknown, 0 neither. */
static int earlier_lifecycles(const checker *c, const mdl_lifecycle *lc, const char *column)
{
	int r = lc->nsqls ? -1 : 0;
	for (const mdl_lifecycle *e = c->model->lifecycles; e < lc; e++) {
		if (!mf_same_relation(e->table.schema, e->table.name, lc->table.schema, lc->table.name))
			continue;
		if (e->nsqls)
			r = -1;
		for (size_t i = 0; i < e->nadds; i++)
			if (strcmp(e->adds[i].column, column) == 0)
				return 1;
	}
	return r;
}

void check_column_exists(lc_state *st, const char *column, mp_span span, const char *use, bool must_exist)
{
	checker *c = st->c;
	const mdl_lifecycle *lc = st->lc;
	if (!c->catalog)
		return;
	int earlier = earlier_lifecycles(c, lc, column);
	if (earlier < 0)
		return;
	bool retired = check_find_retired_earlier(c, lc, column) != NULL;
	int in_folder = c->catalog->has_column(c->catalog->ctx, lc->id, lc->table.schema, lc->table.name, column);
	if (in_folder < 0)
		return;
	bool exists = (in_folder == 1 || earlier == 1) && !retired;
	mp_buf t = MP_BUF_INIT;
	sql_quote_qualified(&t, lc->table.schema, lc->table.name);
	if (must_exist && !exists)
		check_error(c, span, "column '%s' (%s) does not exist in %s as the migrations before this lifecycle leave it",
		            column, use, buf_cstr(&t));
	else if (!must_exist && exists)
		check_error(c, span, "column '%s' already exists in %s; add a column of another name", column, buf_cstr(&t));
	buf_free(&t);
}

type_class check_render_type(lc_state *st, const ast_type *t, const char **out)
{
	mp_buf b = MP_BUF_INIT, msg = MP_BUF_INIT, hint = MP_BUF_INIT;
	type_class cls;
	if (types_render(t, &b, &cls, &msg, &hint)) {
		*out = check_dup_buf(st->c, &b);
	} else {
		check_error(st->c, t->span, "%s", buf_cstr(&msg));
		if (hint.len)
			check_note(st->c, t->span, "%s", buf_cstr(&hint));
		*out = "text";
		buf_free(&b);
	}
	buf_free(&msg);
	buf_free(&hint);
	return cls;
}

const char *check_render_default(lc_state *st, const ast_colopts *o, type_class cls)
{
	if (!o->has_default)
		return NULL;
	const ast_literal *l = &o->deflt;
	if (l->kind == LIT_NULL) {
		check_error(st->c, l->span, "'default null' is what a column has without a default; leave it out");
		return NULL;
	}
	if ((cls == TYPECLASS_NUMERIC && l->kind != LIT_NUMBER) || (cls == TYPECLASS_BOOL && l->kind != LIT_BOOL))
		check_error(st->c, l->span, "default %s does not fit a %s column", l->text,
		    cls == TYPECLASS_BOOL ? "boolean" : "numeric");
	mp_buf b = MP_BUF_INIT;
	names_render_literal(&b, l);
	return check_dup_buf(st->c, &b);
}

/* Options an item does not take are errors at their place, not ignored. */
void check_forbid_opts(lc_state *st, const ast_colopts *o, const char *what, bool allow_default, bool allow_null,
                       bool allow_backfill, bool allow_reverse, bool allow_using, bool allow_batch,
                       bool allow_after)
{
	checker *c = st->c;
	if (o->repeats.count)
		check_error(c, o->repeats.first, "option given twice");
	if (o->has_default && !allow_default)
		check_error(c, o->deflt.span, "%s takes no default", what);
	if (o->has_nullability && !allow_null)
		check_error(c, o->nullability_span, "%s takes no null / not null", what);
	if (o->backfill.kind != SRC_NONE && !allow_backfill)
		check_error(c, o->backfill.span, "%s takes no backfill", what);
	if (o->reverse.kind != SRC_NONE && !allow_reverse)
		check_error(c, o->reverse.span, "%s takes no reverse mapping", what);
	if (o->using_expr && !allow_using)
		check_error(c, o->using_span, "%s takes no using expression", what);
	if (o->has_batch && !allow_batch)
		check_error(c, o->batch_span, "%s takes no batch size", what);
	if (o->after && !allow_after)
		check_error(c, o->after_span, "%s takes no 'after' window", what);
	/* `no default` and `comment` change an existing column: only alter
	 * takes them, and it clears them before calling here. */
	if (o->drop_default)
		check_error(c, o->drop_default_span, "%s takes no 'no default' (alter drops a default)", what);
	if (o->comment)
		check_error(c, o->comment_span, "%s takes no comment (alter sets one)", what);
}

long check_batch(lc_state *st, const ast_colopts *o)
{
	if (!o->has_batch)
		return 10000;
	if (o->batch < 1 || o->batch > MAX_BATCH) {
		check_error(st->c, o->batch_span, "batch size must be from 1 to %d", MAX_BATCH);
		return 10000;
	}
	return o->batch;
}

const char **check_name_array(lc_state *st, const ast_name *names, size_t n, const char *use, bool check_use)
{
	const char **v = arena_alloc(st->c->A, (n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		check_ident(st->c, &names[i]);
		if (check_use)
			check_column_use(st, &names[i], use);
		for (size_t j = 0; j < i; j++)
			if (strcmp(v[j], names[i].text) == 0)
				check_error(st->c, names[i].span, "column '%s' is listed twice", names[i].text);
		v[i] = names[i].text;
	}
	return v;
}

/* PostgreSQL refuses a string longer than varchar(n) or char(n) unless
 * what is cut off is spaces ("value too long for type …"): say so here,
 * at the literal, rather than at apply. */
void check_literal_fits(lc_state *st, const ast_type *t, const char *type_sql, const ast_literal *lit,
                        const char *what)
{
	long max = types_max_chars(t);
	if (max < 0 || lit->kind != LIT_STRING)
		return;
	long n = 0;
	const char *cut = NULL;
	for (const char *p = lit->text; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80 && ++n == max + 1)
			cut = p;
	if (cut && cut[strspn(cut, " ")] != '\0')
		check_error(st->c, lit->span, "%s '%s' is %ld characters long; %s holds %ld", what, lit->text, n, type_sql,
		            max);
}

/* A new column from an add, rename or retype item: its type, default,
 * nullability and batch size come from the item's (new-side) options. */
mdl_add *check_new_add(lc_state *st, const ast_item *it, const ast_name *column, bool default_in_expand)
{
	mdl_add *a = MP_VEC_PUSH(st->lc->adds, st->lc->nadds);
	a->kind = it->kind;
	a->column = column->text;
	a->span = it->span;
	type_class cls = check_render_type(st, &it->type, &a->type);
	a->default_sql = check_render_default(st, &it->opts, cls);
	if (it->opts.has_default && a->type)
		check_literal_fits(st, &it->type, a->type, &it->opts.deflt, "the default");
	a->default_in_expand = default_in_expand;
	a->enforce_not_null = it->opts.has_nullability && it->opts.not_null;
	a->batch = check_batch(st, &it->opts);
	return a;
}

long long check_window(lc_state *st, const char *text, mp_span at)
{
	long long ms = 0;
	if (!duration_parse(text, &ms) || ms <= 0) {
		check_error(st->c, at, "bad duration '%s': write a number and a unit: ms, s, m, h or d (e.g. 72h)", text);
		return st->lc->window_ms;
	}
	return ms;
}

mdl_retire *check_new_retire(lc_state *st, const ast_name *n)
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
	check_column_exists(st, n->text, n->span, "retired", true);
	mdl_retire *r = MP_VEC_PUSH(st->lc->retires, st->lc->nretires);
	*MP_VEC_PUSH(st->retire_spans, st->nretire_spans) = n->span;
	r->column = n->text;
	r->window_ms = st->lc->window_ms;
	return r;
}

#include "compiler/check.h"
#include "compiler/check_internal.h"
#include "migdir/stepid.h"
#include "util/duration.h"
#include "compiler/names.h"
#include "util/quote.h"
#include "sql/sqlparse.h"
#include "compiler/types.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* A retired column, remembered across lifecycles on the same table. */
void err(checker *c, mp_span at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mp_buf b = MP_BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_add(c->diags, DIAG_ERROR, c->src, at, "%s", buf_cstr(&b));
	buf_free(&b);
}

void note(checker *c, mp_span at, const char *fmt, const char *arg)
{
	diag_add(c->diags, DIAG_NOTE, c->src, at, fmt, arg);
}

char *adup_buf(checker *c, mp_buf *b)
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
		err(c, at, "%s does not parse as an SQL expression: %s", what, buf_cstr(&msg));
	buf_free(&sql);
	buf_free(&msg);
}

void check_ident(checker *c, const ast_name *n)
{
	if (strlen(n->text) > NAMES_MAX_IDENT)
		err(c, n->span, "name '%.20s…' is %zu bytes long; PostgreSQL truncates names to %d bytes", n->text,
		    strlen(n->text), NAMES_MAX_IDENT);
}

bool same_table(const char *s1, const char *t1, const char *s2, const char *t2)
{
	return strcmp(t1, t2) == 0 && ((!s1 && !s2) || (s1 && s2 && strcmp(s1, s2) == 0));
}

/* The key grouping the retires of one column; lookups still compare the
 * fields themselves, so two columns sharing a key cannot be confused. */
static char *retired_key(const char *schema, const char *table, const char *column)
{
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%c%s\x1f%s\x1f%s", schema ? 'S' : 'N', schema ? schema : "", table, column);
	return buf_detach(&b);
}

static void remember_retired(checker *c, retired_col *r)
{
	size_t idx = (size_t)(r - c->retired), first;
	r->key = retired_key(r->schema, r->table, r->column);
	r->next_same = 0;
	if (!strmap_get(&c->retired_map, r->key, &first)) {
		strmap_put(&c->retired_map, r->key, idx);
		return;
	}
	size_t i = first;
	while (c->retired[i].next_same)
		i = c->retired[i].next_same - 1;
	c->retired[i].next_same = idx + 1;
}

/* The first retire (in check order) of this column by another lifecycle. */
const retired_col *find_retired_earlier(checker *c, const mdl_lifecycle *lc, const char *column)
{
	char *key = retired_key(lc->table.schema, lc->table.name, column);
	size_t i;
	bool found = strmap_get(&c->retired_map, key, &i);
	free(key);
	for (; found; i = c->retired[i].next_same - 1) {
		retired_col *r = &c->retired[i];
		if (same_table(r->schema, r->table, lc->table.schema, lc->table.name) && strcmp(r->column, column) == 0 &&
		    strcmp(r->lifecycle, lc->name) != 0)
			return r;
		if (!r->next_same)
			break;
	}
	return NULL;
}

/* Object names (indexes, constraints, sql items) must be unique in a run:
 * PostgreSQL index and constraint names share one namespace per schema. */
void claim_object(checker *c, const ast_name *n, const char *what)
{
	check_ident(c, n);
	if (!strmap_put(&c->objmap, n->text, 0))
		err(c, n->span, "duplicate %s name '%s'", what, n->text);
}

mdl_add *find_add(lc_state *st, const char *column)
{
	for (size_t i = 0; i < st->nadds; i++)
		if (strcmp(st->adds[i].column, column) == 0)
			return &st->adds[i];
	return NULL;
}

const seen_retire *find_retire(lc_state *st, const char *column, seen_retire *out)
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
void check_column_use(lc_state *st, const ast_name *n, const char *use)
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

type_class render_type(lc_state *st, const ast_type *t, const char **out)
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

const char *render_default(lc_state *st, const ast_colopts *o, type_class cls)
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
void forbid_opts(lc_state *st, const ast_colopts *o, const char *what, bool allow_default, bool allow_null,
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

long check_batch(lc_state *st, const ast_colopts *o)
{
	if (!o->has_batch)
		return 10000;
	if (o->batch < 1 || o->batch > MAX_BATCH) {
		err(st->c, o->batch_span, "batch size must be from 1 to %d", MAX_BATCH);
		return 10000;
	}
	return o->batch;
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
		if (sqlparse_check(it->sample_query, &msg, NULL) != 0 || sqlparse_count_statements(it->sample_query) != 1)
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

#define COPY_OUT(field, nfield, arr, n)                                              \
	do {                                                                           \
		lc->field = arena_alloc(c->A, ((n) ? (n) : 1) * sizeof *lc->field);          \
		if (n)                                                                     \
			memcpy(lc->field, (arr), (n) * sizeof *lc->field);                     \
		lc->nfield = (n);                                                          \
		free(arr);                                                                 \
	} while (0)

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
	if (!stepid_valid(al->id))
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
		remember_retired(c, r);
	}
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
	strmap lc_names = STRMAP_INIT;
	for (size_t i = 0; i < n; i++) {
		c.src = refs[i].spec->src;
		/* refs are sorted by id, so an id used before is the previous one's;
		 * only then (rare: it is an error) are the earlier ones scanned. */
		bool dup = !strmap_put(&lc_names, refs[i].al->name.text, i) ||
		           (i > 0 && strcmp(refs[i - 1].al->id, refs[i].al->id) == 0);
		for (size_t j = 0; dup && j < i; j++) {
			if (strcmp(refs[j].al->name.text, refs[i].al->name.text) == 0)
				err(&c, refs[i].al->name.span, "duplicate lifecycle name '%s'", refs[i].al->name.text);
			if (strcmp(refs[j].al->id, refs[i].al->id) == 0)
				err(&c, refs[i].al->id_span, "lifecycle id %s is already used by lifecycle '%s'", refs[i].al->id,
				    refs[j].al->name.text);
		}
		check_lifecycle(&c, refs[i].al, refs[i].spec->src->path, &m->lifecycles[i]);
	}
	if (n == 0 && nspecs > 0 && diags->errors == 0) { /* not after syntax errors: noise */
		c.src = specs[0]->src;
		err(&c, (mp_span){0, 0}, "no lifecycle in the spec");
	}
	free(refs);
	strmap_free(&lc_names);
	for (size_t i = 0; i < c.nretired; i++)
		free(c.retired[i].key);
	free(c.retired);
	strmap_free(&c.retired_map);
	strmap_free(&c.objmap);
	if (diags->errors > errors_before) {
		model_free(m);
		return MP_EINVAL;
	}
	*out = m;
	return MP_OK;
}

/* The checker's driver: lifecycles in id order, each item handed to its
 * operation's check (ops/), the model built from the results. */
#include "compiler/check.h"
#include "ops/check_ctx.h"
#include "ops/ops.h"
#include "compiler/settings.h"
#include "migdir/stepid.h"
#include "util/vec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A retired column, remembered across lifecycles on the same table. */
static void remember_retired(checker *c, retired_col *r)
{
	size_t idx = (size_t)(r - c->retired), first;
	r->key = check_retired_key(r->schema, r->table, r->column);
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

/* The item checks grow the lifecycle's lists on the heap (MP_VEC_PUSH); the
 * model keeps them in its arena. */
#define MOVE_TO_ARENA(field, n)                                                \
	do {                                                                       \
		void *heap = lc->field;                                                \
		lc->field = arena_alloc(c->A, ((n) ? (n) : 1) * sizeof *lc->field);    \
		if (n)                                                                 \
			memcpy(lc->field, heap, (n) * sizeof *lc->field);                  \
		free(heap);                                                            \
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
	settings_defaults(lc);
	check_ident(c, &al->table.name);
	if (al->table.schema.text)
		check_ident(c, &al->table.schema);
	bool name_ok = strlen(lc->name) <= 40;
	for (const char *p = lc->name; *p; p++)
		name_ok = name_ok && (isalnum((unsigned char)*p) || *p == '_');
	if (!name_ok)
		check_error(c, al->name.span, "lifecycle names become folder names: use up to 40 letters, digits and '_'");
	if (!stepid_valid(al->id))
		check_error(c, al->id_span, "lifecycle id '%s' is not a timestamp YYYYMMDDHHMMSS", al->id);

	lc_state st = {0};
	st.c = c;
	st.lc = lc;
	/* Settings first, wherever they stand: they apply to the whole lifecycle. */
	for (const ast_item *it = al->items; it; it = it->next)
		if (it->kind == ITEM_SET)
			settings_check_item(&st, it);
	for (const ast_item *it = al->items; it; it = it->next) {
		const op_def *op = ops_for_kind(it->kind);
		if (op) /* NULL: a setting, applied above */
			op->check(&st, it);
		if (op && it->kind != ITEM_SQL)
			st.seen_other_item = true; /* an sql item from here on runs after the contract */
	}
	if (!al->items)
		check_error(c, al->name.span, "lifecycle '%s' is empty", lc->name);
	/* A retire's `after` is the contract's window: the longest of them, and
	 * of `set window` when it is given (else its default would overrule a
	 * shorter `after`). */
	bool window_set = false;
	for (const ast_item *it = al->items; it; it = it->next)
		window_set = window_set || (it->kind == ITEM_SET && strcmp(it->name.text, "window") == 0);
	if (!window_set && lc->nretires)
		lc->window_ms = 0;
	for (size_t i = 0; i < lc->nretires; i++)
		if (lc->retires[i].window_ms > lc->window_ms)
			lc->window_ms = lc->retires[i].window_ms;
	ops_check_done(&st);
	for (size_t i = 0; i < lc->nretires; i++) {
		retired_col *r = MP_VEC_PUSH(c->retired, c->nretired);
		r->schema = lc->table.schema;
		r->table = lc->table.name;
		r->column = lc->retires[i].column;
		r->src = c->src;
		r->span = st.retire_spans[i];
		r->lifecycle = lc->name;
		remember_retired(c, r);
	}
	free(st.retire_spans);
	MOVE_TO_ARENA(adds, lc->nadds);
	MOVE_TO_ARENA(retires, lc->nretires);
	MOVE_TO_ARENA(indexes, lc->nindexes);
	MOVE_TO_ARENA(fks, lc->nfks);
	MOVE_TO_ARENA(checks, lc->nchecks);
	MOVE_TO_ARENA(sqls, lc->nsqls);
	MOVE_TO_ARENA(fills, lc->nfills);
	MOVE_TO_ARENA(alters, lc->nalters);
	MOVE_TO_ARENA(enums, lc->nenums);
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
	return check_specs_with(specs, nspecs, NULL, diags, out);
}

int check_specs_with(ast_spec *const *specs, size_t nspecs, const check_catalog *catalog, diag_list *diags,
                     mdl_model **out)
{
	*out = NULL;
	int errors_before = diags->errors;
	mdl_model *m = xcalloc(1, sizeof *m);
	checker c = {0};
	c.diags = diags;
	c.model = m;
	c.A = &m->arena;
	c.catalog = catalog;

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
				check_error(&c, refs[i].al->name.span, "duplicate lifecycle name '%s'", refs[i].al->name.text);
			if (strcmp(refs[j].al->id, refs[i].al->id) == 0)
				check_error(&c, refs[i].al->id_span, "lifecycle id %s is already used by lifecycle '%s'", refs[i].al->id,
				    refs[j].al->name.text);
		}
		check_lifecycle(&c, refs[i].al, source_name(refs[i].spec->src), &m->lifecycles[i]);
	}
	if (n == 0 && nspecs > 0 && diags->errors == 0) { /* not after syntax errors: noise */
		c.src = specs[0]->src;
		check_error(&c, (mp_span){0, 0}, "no lifecycle in the spec");
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

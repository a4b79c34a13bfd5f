/* migc check: a spec against schema.prisma before and after the change. */
#include "schema/schema_check.h"
#include "schema/prisma_constraints.h"
#include "ops/names.h"
#include "util/quote.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One column's fate after all lifecycles: the last lifecycle that touched it
 * either added it (add, or the new side of rename/retype) or retired it. */
typedef struct {
	const mdl_lifecycle *lc;
	const char *column;
	const mdl_add *add; /* NULL: retired */
} fate;

typedef struct {
	const psl_schema *s;
	diag_list *d;
	fate *v;
	size_t n, cap;
} checker;

static bool same_table(const mdl_table *a, const mdl_table *b)
{
	if ((a->schema == NULL) != (b->schema == NULL))
		return false;
	return (!a->schema || !strcmp(a->schema, b->schema)) && !strcmp(a->name, b->name);
}

static fate *fate_find(checker *c, const mdl_lifecycle *lc, const char *column)
{
	for (size_t i = 0; i < c->n; i++)
		if (same_table(&c->v[i].lc->table, &lc->table) && !strcmp(c->v[i].column, column))
			return &c->v[i];
	return NULL;
}

static fate *fate_for(checker *c, const mdl_lifecycle *lc, const char *column)
{
	fate *found = fate_find(c, lc, column);
	if (found)
		return found;
	if (c->n == c->cap)
		c->v = xrealloc(c->v, (c->cap = c->cap ? c->cap * 2 : 16) * sizeof *c->v);
	fate *f = &c->v[c->n++];
	f->column = column;
	f->lc = lc;
	return f;
}

static const char *table_sql(mp_buf *b, const mdl_table *t)
{
	buf_clear(b);
	sql_quote_qualified(b, t->schema, t->name);
	return buf_cstr(b);
}

/* The spec item that added (target) or retired (old name) a column, for its place. */
static const ast_item *item_for(const mdl_lifecycle *lc, const char *column, bool added)
{
	for (const ast_item *it = lc->ast->items; it; it = it->next) {
		bool two = it->kind == ITEM_RENAME || it->kind == ITEM_RETYPE;
		if (added && ((it->kind == ITEM_ADD && !strcmp(it->name.text, column)) ||
		              (two && it->target.text && !strcmp(it->target.text, column))))
			return it;
		if (!added && (it->kind == ITEM_RETIRE || two) && !strcmp(it->name.text, column))
			return it;
	}
	return NULL;
}

static const ast_item *enforce_for(const mdl_lifecycle *lc, const char *column)
{
	for (const ast_item *it = lc->ast->items; it; it = it->next)
		if (it->kind == ITEM_ENFORCE && !strcmp(it->name.text, column))
			return it;
	return NULL;
}

/* Explains why no model matched: a model of that name stored elsewhere
 * (@@map, @@schema) or one whose table name is close. */
static void note_missing_table(checker *c, const mdl_table *t)
{
	const psl_schema *s = c->s;
	mp_buf b = MP_BUF_INIT;
	for (size_t i = 0; i < s->nmodels; i++) {
		const psl_model *m = &s->models[i];
		if (strcmp(m->name, t->name) != 0 && strcmp(m->table, t->name) != 0)
			continue;
		mdl_table mt = {m->schema, m->table};
		diag_add(c->d, DIAG_NOTE, m->src, m->name_span, "model %s maps to table %s%s", m->name,
		         table_sql(&b, &mt), strcmp(m->name, m->table) ? " (@@map)" : " (@@schema)");
		buf_free(&b);
		return;
	}
	const char **names = xmalloc((s->nmodels + 1) * sizeof *names);
	for (size_t i = 0; i < s->nmodels; i++)
		names[i] = s->models[i].table;
	const char *sug = names_suggest(t->name, names, s->nmodels);
	for (size_t i = 0; sug && i < s->nmodels; i++)
		if (names[i] == sug) {
			mdl_table mt = {s->models[i].schema, s->models[i].table};
			diag_add(c->d, DIAG_NOTE, s->models[i].src, s->models[i].name_span, "did you mean model %s (table %s)?",
			         s->models[i].name, table_sql(&b, &mt));
			break;
		}
	free(names);
	buf_free(&b);
}

/* A column the spec names but no field stores: say which field has that name
 * and where its @map sends it, if any. */
static void note_missing_column(checker *c, const psl_model *m, const char *column)
{
	for (size_t i = 0; i < m->nfields; i++) {
		const psl_field *f = &m->fields[i];
		if (!strcmp(f->name, column) && strcmp(f->column, column) != 0) {
			diag_add(c->d, DIAG_NOTE, m->src, f->span, "field %s.%s maps to column \"%s\" (@map)", m->name,
			         f->name, f->column);
			return;
		}
	}
	diag_add(c->d, DIAG_NOTE, m->src, m->name_span,
	         "model %s has no field named %s or with @map(\"%s\")", m->name, column, column);
}

static const psl_field *need_column(checker *c, const mdl_lifecycle *lc, const psl_model *m, const char *column,
                                    mp_span at, const char *role)
{
	const psl_field *f = psl_field_find(c->s, m, column);
	if (!f) {
		diag_add(c->d, DIAG_ERROR, lc->src, at, "column \"%s\" (%s lifecycle '%s') is not in schema.prisma", column,
		         role, lc->name);
		note_missing_column(c, m, column);
	}
	return f;
}

static void check_added(checker *c, const fate *ft, const psl_model *m)
{
	const mdl_lifecycle *lc = ft->lc;
	const mdl_add *a = ft->add;
	const ast_item *it = item_for(lc, a->column, true);
	mp_span name_at = it ? (it->kind == ITEM_ADD ? it->name.span : it->target.span) : a->span;
	const psl_field *f = need_column(c, lc, m, a->column, name_at, "added by");
	if (!f)
		return;
	const psl_schema *s = c->s;
	mp_buf want = MP_BUF_INIT, have = MP_BUF_INIT, raw = MP_BUF_INIT;
	psl_normalize_type(a->type, &want);
	if (psl_field_sql_type(s, f, &raw)) {
		psl_normalize_type(buf_cstr(&raw), &have);
		if (strcmp(buf_cstr(&want), buf_cstr(&have)) != 0) {
			diag_add(c->d, DIAG_ERROR, lc->src, it ? it->type.span : a->span,
			         "column \"%s\" is %s after lifecycle '%s' but %s in schema.prisma", a->column, a->type,
			         lc->name, buf_cstr(&raw));
			diag_add(c->d, DIAG_NOTE, m->src, f->type_span, "field %s.%s is declared here", m->name, f->name);
		}
	}
	if (!f->list && a->enforce_not_null == f->optional) {
		const ast_item *en = enforce_for(lc, a->column);
		mp_span at = en ? en->span : it && it->opts.has_nullability ? it->opts.nullability_span : name_at;
		if (a->enforce_not_null)
			diag_add(c->d, DIAG_ERROR, lc->src, at,
			         "column \"%s\" is NOT NULL after lifecycle '%s' but field %s.%s is optional in schema.prisma",
			         a->column, lc->name, m->name, f->name);
		else if (a->value_sql)
			diag_add(c->d, DIAG_ERROR, lc->src, at,
			         "field %s.%s is required in schema.prisma but column \"%s\" is still backfilling in "
			         "lifecycle '%s' (no 'enforce not null'): rows not yet backfilled read as NULL",
			         m->name, f->name, a->column, lc->name);
		else
			diag_add(c->d, DIAG_ERROR, lc->src, at,
			         "column \"%s\" is nullable after lifecycle '%s' but field %s.%s is required in schema.prisma",
			         a->column, lc->name, m->name, f->name);
		diag_add(c->d, DIAG_NOTE, m->src, f->type_span, "field %s.%s is declared %s here", m->name, f->name,
		         f->optional ? "optional" : "required");
	}
	buf_clear(&have);
	bool has_default = psl_field_sql_default(s, f, &have);
	const char *sd = a->default_sql;
	if ((sd != NULL) != has_default || (sd && strcmp(sd, buf_cstr(&have)) != 0)) {
		mp_span at = it && it->opts.has_default ? it->opts.deflt.span : name_at;
		diag_add(c->d, DIAG_ERROR, lc->src, at, "default of column \"%s\" is %s after lifecycle '%s' but %s in schema.prisma",
		         a->column, sd ? sd : "none", lc->name, has_default ? buf_cstr(&have) : "none");
		const psl_attr *d = psl_attr_find(f->attrs, f->nattrs, "default");
		diag_add(c->d, DIAG_NOTE, m->src, d ? d->span : f->span, "field %s.%s is declared here", m->name, f->name);
	}
	buf_free(&want);
	buf_free(&have);
	buf_free(&raw);
}

static void check_retired(checker *c, const fate *ft, const psl_model *m)
{
	const psl_field *f = psl_field_find(c->s, m, ft->column);
	if (!f)
		return;
	const ast_item *it = item_for(ft->lc, ft->column, false);
	diag_add(c->d, DIAG_ERROR, ft->lc->src, it ? it->name.span : ft->lc->ast->span,
	         "column \"%s\" is retired by lifecycle '%s' but field %s.%s still maps to it in schema.prisma",
	         ft->column, ft->lc->name, m->name, f->name);
	diag_add(c->d, DIAG_NOTE, m->src, f->span, "remove the field: after the contract step the column is gone");
}

static bool same_cols(const psl_constraint *c, const ast_name *cols, size_t ncols)
{
	if (c->ncols != ncols)
		return false;
	for (size_t i = 0; i < ncols; i++)
		if (strcmp(c->cols[i], cols[i].text) != 0)
			return false;
	return true;
}

static void cols_text(mp_buf *b, const char *const *cols, const ast_name *names, size_t n)
{
	buf_clear(b);
	buf_putc(b, '(');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, ", ");
		sql_quote_ident(b, cols ? cols[i] : names[i].text);
	}
	buf_putc(b, ')');
}

/* The item's index, unique constraint or foreign key, under its name and on
 * its columns, in the model: else `prisma migrate dev` drops what the spec
 * built (and creates what the schema has instead). */
static void check_named(checker *c, const mdl_lifecycle *lc, const psl_model *m, const ast_item *it,
                        const char *what, const ast_name *cols, size_t ncols)
{
	size_t max = psl_constraints_max(m);
	psl_constraint *v = xmalloc((max ? max : 1) * sizeof *v);
	size_t n = psl_model_constraints(c->s, m, v, max);
	mp_buf b = MP_BUF_INIT;
	const psl_constraint *same = NULL, *like = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].name, it->name.text))
			same = &v[i];
		else if (!strcmp(v[i].kind, what) && same_cols(&v[i], cols, ncols) && !like)
			like = &v[i];
	}
	mp_buf q = MP_BUF_INIT;
	sql_quote_ident(&q, it->name.text);
	if (!same) {
		cols_text(&b, NULL, cols, ncols);
		diag_add(c->d, DIAG_ERROR, lc->src, it->name.span,
		         "%s %s on %s (lifecycle '%s') is not in schema.prisma: the next prisma migrate dev drops it",
		         what, buf_cstr(&q), buf_cstr(&b), lc->name);
		if (like)
			diag_add(c->d, DIAG_NOTE, m->src, like->span, "model %s's %s on these columns has another name (add map: %s)",
			         m->name, like->attr_name, buf_cstr(&q));
		else
			diag_add(c->d, DIAG_NOTE, m->src, m->name_span, "model %s declares no %s named %s (Prisma's names: "
			         "Table_columns_idx, _key, _fkey, or map:)", m->name, what, buf_cstr(&q));
	} else if (strcmp(same->kind, what) != 0 || !same_cols(same, cols, ncols)) {
		cols_text(&b, NULL, cols, ncols);
		mp_buf h = MP_BUF_INIT;
		cols_text(&h, same->cols, NULL, same->ncols);
		diag_add(c->d, DIAG_ERROR, lc->src, it->name.span,
		         "%s %s is on %s after lifecycle '%s' but schema.prisma declares a %s on %s under that name",
		         what, buf_cstr(&q), buf_cstr(&b), lc->name, same->kind, buf_cstr(&h));
		diag_add(c->d, DIAG_NOTE, m->src, same->span, "%s of model %s is declared here", same->attr_name, m->name);
		buf_free(&h);
	}
	buf_free(&q);
	buf_free(&b);
	free(v);
}

/* Index, unique and foreign key columns must be there, unless retired later. */
static void check_constraints(checker *c, const mdl_lifecycle *lc, const psl_model *m)
{
	mp_buf b = MP_BUF_INIT;
	for (const ast_item *it = lc->ast->items; it; it = it->next) {
		if (it->kind != ITEM_INDEX && it->kind != ITEM_UNIQUE && it->kind != ITEM_FOREIGN_KEY)
			continue;
		const char *what = it->kind == ITEM_INDEX ? "index" : it->kind == ITEM_UNIQUE ? "unique" : "foreign key";
		bool fk = it->kind == ITEM_FOREIGN_KEY;
		const ast_name *cols = fk ? it->fk.columns : it->index.columns;
		size_t ncols = fk ? it->fk.ncolumns : it->index.ncolumns;
		buf_clear(&b);
		buf_printf(&b, "in %s \"%s\" of", what, it->name.text);
		bool gone = false, missing = false; /* a column retired later takes the index with it */
		for (size_t i = 0; i < ncols; i++) {
			const fate *ft = fate_find(c, lc, cols[i].text);
			if (ft && !ft->add) {
				gone = true;
				continue;
			}
			missing |= !need_column(c, lc, m, cols[i].text, cols[i].span, buf_cstr(&b));
		}
		if (!gone && !missing)
			check_named(c, lc, m, it, what, cols, ncols);
		if (!fk)
			continue;
		const ast_fk_opts *o = &it->fk;
		const psl_model *ref = psl_model_find(c->s, o->ref_table.schema.text, o->ref_table.name.text);
		if (!ref) {
			mdl_table t = {o->ref_table.schema.text, o->ref_table.name.text};
			diag_add(c->d, DIAG_ERROR, lc->src, o->ref_table.span,
			         "table %s (referenced in lifecycle '%s') has no model in schema.prisma", table_sql(&b, &t),
			         lc->name);
			note_missing_table(c, &t);
			continue;
		}
		for (size_t i = 0; i < o->nref_columns; i++)
			need_column(c, lc, ref, o->ref_columns[i].text, o->ref_columns[i].span, "referenced in");
	}
	buf_free(&b);
}

/* A column made NOT NULL in place (enforce not null on a column the table
 * has) must be a required field, unless a later lifecycle retires it. */
static void check_filled(checker *c, const mdl_lifecycle *lc, const psl_model *m)
{
	for (size_t i = 0; i < lc->nfills; i++) {
		const mdl_fill *fl = &lc->fills[i];
		const fate *ft = fate_find(c, lc, fl->column);
		if (ft && !ft->add)
			continue;
		const psl_field *f = need_column(c, lc, m, fl->column, fl->span, "made NOT NULL by");
		if (!f || f->list || !f->optional)
			continue;
		diag_add(c->d, DIAG_ERROR, lc->src, fl->span,
		         "column \"%s\" is NOT NULL after lifecycle '%s' but field %s.%s is optional in schema.prisma",
		         fl->column, lc->name, m->name, f->name);
		diag_add(c->d, DIAG_NOTE, m->src, f->type_span, "field %s.%s is declared optional here", m->name, f->name);
	}
}

/* A table renamed (rename table, the lifecycle's only item): schema.prisma
 * describes the end state, where a model maps to the new name (Prisma names
 * its constraints after that name, as the rename leaves them). */
static void check_renamed(checker *c, const mdl_lifecycle *lc)
{
	mdl_table to = {lc->table.schema, lc->new_table};
	if (psl_model_find(c->s, to.schema, to.name))
		return;
	mp_buf b = MP_BUF_INIT, o = MP_BUF_INIT;
	diag_add(c->d, DIAG_ERROR, lc->src, lc->ast->table.span,
	         "table %s (the new name of %s, lifecycle '%s') has no model in schema.prisma", table_sql(&b, &to),
	         table_sql(&o, &lc->table), lc->name);
	const psl_model *old = psl_model_find(c->s, lc->table.schema, lc->table.name);
	if (old)
		diag_add(c->d, DIAG_NOTE, old->src, old->name_span,
		         "model %s still maps to the old name %s: @@map(\"%s\") keeps the model's name", old->name,
		         table_sql(&o, &lc->table), lc->new_table);
	else
		note_missing_table(c, &to);
	buf_free(&b);
	buf_free(&o);
}

int schema_check(const mdl_model *m, const psl_schema *s, diag_list *diags)
{
	checker c = {s, diags, NULL, 0, 0};
	int errors = diags->errors;
	for (size_t i = 0; i < m->count; i++) {
		const mdl_lifecycle *lc = &m->lifecycles[i];
		/* adds first: mismatches are then reported roughly in spec order */
		for (size_t k = 0; k < lc->nadds; k++) {
			fate *f = fate_for(&c, lc, lc->adds[k].column);
			f->lc = lc;
			f->add = &lc->adds[k];
		}
		for (size_t k = 0; k < lc->nretires; k++) {
			fate *f = fate_for(&c, lc, lc->retires[k].column);
			f->lc = lc;
			f->add = NULL;
		}
	}
	mp_buf b = MP_BUF_INIT;
	for (size_t i = 0; i < m->count; i++) {
		const mdl_lifecycle *lc = &m->lifecycles[i];
		if (lc->new_table) {
			check_renamed(&c, lc);
			continue;
		}
		const psl_model *pm = psl_model_find(s, lc->table.schema, lc->table.name);
		if (!pm) {
			diag_add(diags, DIAG_ERROR, lc->src, lc->ast->table.span,
			         "table %s (lifecycle '%s') has no model in schema.prisma", table_sql(&b, &lc->table), lc->name);
			note_missing_table(&c, &lc->table);
			continue;
		}
		for (size_t k = 0; k < c.n; k++) {
			if (c.v[k].lc != lc)
				continue;
			if (c.v[k].add)
				check_added(&c, &c.v[k], pm);
			else
				check_retired(&c, &c.v[k], pm);
		}
		check_constraints(&c, lc, pm);
		check_filled(&c, lc, pm);
	}
	buf_free(&b);
	free(c.v);
	return diags->errors > errors ? MP_EINVAL : MP_OK;
}

int schema_check_beside(const char *outdir, const mdl_model *m, diag_list *diags, psl_schema **held, mp_error *err)
{
	*held = NULL;
	/* prisma/migrations -> prisma/schema.prisma: the path diagnostics show */
	mp_buf path = MP_BUF_INIT;
	size_t n = strlen(outdir);
	while (n > 1 && outdir[n - 1] == '/')
		n--;
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (outdir[i] == '/')
			slash = &outdir[i];
	const char *last = slash ? slash + 1 : outdir;
	size_t last_len = n - (size_t)(last - outdir);
	if ((last_len == 1 && last[0] == '.') || (last_len == 2 && !strncmp(last, "..", 2)) || n == 0)
		buf_printf(&path, "%.*s/../schema.prisma", (int)n, outdir);
	else if (!slash)
		buf_puts(&path, "schema.prisma");
	else
		buf_printf(&path, "%.*sschema.prisma", (int)(last - outdir), outdir);
	struct stat st;
	if (stat(buf_cstr(&path), &st) != 0 && errno == ENOENT) {
		buf_free(&path);
		return MP_OK;
	}
	int rc = schema_check_path(buf_cstr(&path), m, diags, held, err);
	buf_free(&path);
	return rc;
}

int schema_check_path(const char *path, const mdl_model *m, diag_list *diags, psl_schema **held, mp_error *err)
{
	*held = NULL;
	int rc = psl_schema_load(path, diags, held, err);
	if (rc == MP_EINVAL && !*held) { /* not a text file: an error in the input, not I/O */
		mp_span none = {0, 0};
		diag_add(diags, DIAG_ERROR, NULL, none, "%s", err->msg);
	}
	if (rc != MP_OK)
		return rc;
	return schema_check(m, *held, diags);
}

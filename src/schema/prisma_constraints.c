/* The indexes, unique constraints and foreign keys of a schema.prisma model, named as Prisma Migrate names them. */
#include "schema/prisma_constraints.h"
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

const psl_field *psl_field_named(const psl_model *m, const char *name)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (!strcmp(m->fields[i].name, name))
			return &m->fields[i];
	return NULL;
}

size_t psl_constraints_max(const psl_model *m)
{
	return 2 * m->nfields + m->nattrs; /* @unique and @relation per field, one per block attribute */
}

static const psl_value *attr_arg(const psl_attr *a, const char *name, psl_value_kind kind)
{
	for (size_t i = 0; i < a->nargs; i++)
		if (a->args[i].kind == kind &&
		    (name ? a->args[i].argname && !strcmp(a->args[i].argname, name) : !a->args[i].argname))
			return &a->args[i];
	return NULL;
}

/* Prisma's default name: Table_col1_col2_suffix, the part before the suffix
 * cut so the whole fits PostgreSQL's 63 bytes (as `prisma migrate diff`
 * writes "AVeryLong…_anotherRath_idx"; e2e/prisma_constraint_names compares). */
static void con_name(psl_constraint *c, const psl_model *m, const char *suffix)
{
	const psl_value *map = attr_arg(c->attr, "map", PSL_V_STRING);
	if (map) {
		snprintf(c->name, sizeof c->name, "%s", map->text);
		return;
	}
	mp_buf b = MP_BUF_INIT;
	buf_puts(&b, m->table);
	for (size_t i = 0; i < c->ncols; i++)
		buf_printf(&b, "_%s", c->cols[i]);
	size_t keep = 63 - 1 - strlen(suffix);
	int len = (int)(b.len < keep ? b.len : keep);
	snprintf(c->name, sizeof c->name, "%.*s_%s", len, buf_cstr(&b), suffix);
	buf_free(&b);
}

static psl_constraint *con_new(psl_constraint *out, size_t *n, const char *kind, const psl_attr *a,
                               const char *attr_name, const psl_model *m, const psl_value *fields)
{
	psl_constraint *c = memset(&out[(*n)++], 0, sizeof *out);
	c->kind = kind;
	c->attr = a;
	c->attr_name = attr_name;
	c->span = a->span;
	if (fields) {
		c->fields = fields->items;
		c->nfields = fields->nitems;
		for (size_t i = 0; i < fields->nitems && c->ncols < PSL_CON_MAX_COLS; i++) {
			const psl_field *f = psl_field_named(m, fields->items[i].text);
			c->cols[c->ncols++] = f ? f->column : fields->items[i].text;
		}
	}
	return c;
}

static void con_foreign_key(psl_constraint *c, const psl_schema *s, const psl_field *f)
{
	const psl_value *refs = attr_arg(c->attr, "references", PSL_V_ARRAY);
	c->refs = refs ? refs->items : NULL;
	c->nrefs = refs ? refs->nitems : 0;
	c->optional = f->optional;
	for (size_t k = 0; k < s->nmodels; k++)
		if (!strcmp(s->models[k].name, f->type))
			c->ref = &s->models[k];
}

size_t psl_model_constraints(const psl_schema *s, const psl_model *m, psl_constraint *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nfields && n + 2 <= max; i++) {
		const psl_field *f = &m->fields[i];
		const psl_attr *u = psl_attr_find(f->attrs, f->nattrs, "unique");
		if (u) {
			psl_constraint *c = con_new(out, &n, "unique", u, "@unique", m, NULL);
			c->cols[c->ncols++] = f->column;
			c->unique_field = f;
			con_name(c, m, "key");
		}
		const psl_attr *r = psl_attr_find(f->attrs, f->nattrs, "relation");
		const psl_value *fields = r ? attr_arg(r, "fields", PSL_V_ARRAY) : NULL;
		if (fields && fields->nitems) {
			psl_constraint *c = con_new(out, &n, "foreign key", r, "@relation", m, fields);
			con_foreign_key(c, s, f);
			con_name(c, m, "fkey");
		}
	}
	for (size_t i = 0; i < m->nattrs && n < max; i++) {
		const psl_attr *a = &m->attrs[i];
		bool uniq = !strcmp(a->name, "unique");
		if (!uniq && strcmp(a->name, "index") != 0)
			continue;
		const psl_value *fields = attr_arg(a, "fields", PSL_V_ARRAY);
		if (!fields)
			fields = attr_arg(a, NULL, PSL_V_ARRAY);
		if (!fields || !fields->nitems)
			continue;
		psl_constraint *c = con_new(out, &n, uniq ? "unique" : "index", a, uniq ? "@@unique" : "@@index", m, fields);
		con_name(c, m, uniq ? "key" : "idx");
	}
	return n;
}

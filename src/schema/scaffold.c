/* migc scaffold: a .mig spec drafted from two schema.prisma versions. */
#define _DEFAULT_SOURCE /* timegm */
#include "schema/scaffold.h"
#include "schema/prisma_constraints.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* .mig names: bare when the grammar allows it, else "quoted" ("" doubled). */
static void mig_name(mp_buf *b, const char *name)
{
	static const char *const reserved[] = {"as", "default", "else", "false", "from", "not", "null",
	                                       "on", "set", "to", "true", "unique", "using"};
	bool bare = (isalpha((unsigned char)name[0]) || name[0] == '_');
	for (const char *c = name; bare && *c; c++)
		bare = isalnum((unsigned char)*c) || *c == '_';
	for (size_t i = 0; bare && i < sizeof reserved / sizeof reserved[0]; i++)
		bare = strcasecmp(name, reserved[i]) != 0;
	if (bare) {
		buf_puts(b, name);
		return;
	}
	buf_putc(b, '"');
	for (const char *c = name; *c; c++) {
		if (*c == '"')
			buf_putc(b, '"');
		buf_putc(b, *c);
	}
	buf_putc(b, '"');
}

static void quoted(mp_buf *b, const char *name)
{
	buf_putc(b, '"');
	for (const char *c = name; *c; c++)
		buf_puts(b, *c == '"' ? "\"\"" : (char[]){*c, 0});
	buf_putc(b, '"');
}

/* Tables are always quoted, as the examples write them: "User". */
static void mig_table(mp_buf *b, const psl_model *m)
{
	if (m->schema) {
		quoted(b, m->schema);
		buf_putc(b, '.');
	}
	quoted(b, m->table);
}

/* A field's type and options as .mig: TYPE [not null] [default LIT]. Function
 * defaults have no .mig spelling: a TODO comment says so. */
static void column_decl(mp_buf *b, mp_buf *todo, const psl_schema *s, const psl_field *f, bool with_null)
{
	mp_buf t = MP_BUF_INIT;
	if (!psl_field_sql_type(s, f, &t)) {
		buf_printf(todo, "    # TODO: type %s has no SQL spelling migplan knows; write it\n", f->type);
		buf_puts(&t, "TODO_type");
	}
	buf_puts(b, buf_cstr(&t));
	if (with_null && !f->optional && !f->list)
		buf_puts(b, " not null");
	buf_clear(&t);
	if (psl_field_sql_default(s, f, &t)) {
		const char *d = buf_cstr(&t);
		if (d[0] == '\'' || isdigit((unsigned char)d[0]) || d[0] == '-' || !strcmp(d, "TRUE") || !strcmp(d, "FALSE"))
			buf_printf(b, " default %s", d[0] == 'T' ? "true" : d[0] == 'F' ? "false" : d);
		else
			buf_printf(todo, "    # TODO: the default %s is not a constant; set it in an `sql` item\n", d);
	}
	buf_free(&t);
}

static bool is_col(const psl_schema *s, const psl_field *f)
{
	return psl_field_is_column(s, f);
}

static void column_list(mp_buf *b, const psl_model *m, const psl_value *v, size_t n)
{
	buf_putc(b, '(');
	for (size_t i = 0; i < n; i++) {
		/* items may be calls: a(sort: Desc) */
		const psl_field *f = psl_field_named(m, v[i].text);
		if (i)
			buf_puts(b, ", ");
		mig_name(b, f ? f->column : v[i].text);
	}
	buf_putc(b, ')');
}

static const char *on_action(const char *prisma)
{
	static const struct {
		const char *p, *sql;
	} acts[] = {{"Cascade", "cascade"}, {"Restrict", "restrict"}, {"NoAction", "no action"},
	            {"SetNull", "set null"}, {"SetDefault", "set default"}};
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
		if (!strcmp(prisma, acts[i].p))
			return acts[i].sql;
	return NULL;
}

static void emit_constraint(mp_buf *b, const psl_model *m, const psl_constraint *c)
{
	buf_printf(b, "  %s ", c->kind);
	mig_name(b, c->name);
	if (c->unique_field) {
		buf_puts(b, " on (");
		mig_name(b, c->unique_field->column);
		buf_puts(b, ");\n");
		return;
	}
	if (strcmp(c->kind, "foreign key") != 0) {
		buf_puts(b, " on ");
		column_list(b, m, c->fields, c->nfields);
		buf_puts(b, ";\n");
		return;
	}
	buf_putc(b, ' ');
	column_list(b, m, c->fields, c->nfields);
	mp_buf t = MP_BUF_INIT;
	if (c->ref) {
		mig_table(&t, c->ref);
		buf_printf(b, " references %s ", buf_cstr(&t));
		column_list(b, c->ref, c->refs, c->nrefs);
	} else {
		buf_puts(b, " references TODO_table (TODO_columns)");
	}
	buf_free(&t);
	/* Prisma's defaults when not written: SetNull for an optional relation,
	 * Restrict for a required one; Cascade on update. */
	const char *del = c->optional ? "set null" : "restrict", *upd = "cascade";
	for (size_t i = 0; i < c->attr->nargs; i++) {
		const psl_value *v = &c->attr->args[i];
		if (v->argname && v->kind == PSL_V_IDENT && on_action(v->text)) {
			if (!strcmp(v->argname, "onDelete"))
				del = on_action(v->text);
			else if (!strcmp(v->argname, "onUpdate"))
				upd = on_action(v->text);
		}
	}
	buf_printf(b, " on delete %s on update %s", del, upd);
	buf_puts(b, ";\n");
}

static bool has_column(const psl_schema *s, const psl_model *m, const char *column)
{
	return psl_field_find(s, m, column) != NULL;
}

/* "fullName", "full_name" and "fullname" are one name to a person. */
static bool loosely_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == '_')
			a++;
		while (*b == '_')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a++) != tolower((unsigned char)*b++))
			return false;
	}
}

/* The old field a new column renames: the same field with a new @map, or a
 * dropped column whose name matches the new field or column but for case and
 * underscores (fullname -> fullName @map("full_name")). */
static const psl_field *renamed_from(const psl_schema *from, const psl_schema *to, const psl_model *om,
                                     const psl_model *nm, const psl_field *f)
{
	for (size_t i = 0; i < om->nfields; i++) {
		const psl_field *of = &om->fields[i];
		if (!is_col(from, of) || has_column(to, nm, of->column))
			continue;
		if (!strcmp(of->name, f->name) || loosely_equal(of->column, f->column) || loosely_equal(of->column, f->name))
			return of;
	}
	return NULL;
}

/* The lifecycle name: table and first column, lower case, [a-z0-9_]. */
static void lifecycle_name(mp_buf *b, const psl_model *m, const char *column)
{
	size_t start = b->len;
	buf_printf(b, "%s_%s", m->table, column ? column : "change");
	for (size_t i = start; i < b->len; i++) {
		unsigned char c = (unsigned char)b->ptr[i];
		b->ptr[i] = isalnum(c) && c < 128 ? (char)tolower(c) : '_';
	}
	if (isdigit((unsigned char)b->ptr[start]))
		b->ptr[start] = 't';
	if (b->len - start > 40) /* the compiler's limit: names become folder names */
		b->ptr[b->len = start + 40] = '\0';
}

static bool id_at(const char *id, int minutes, char out[15])
{
	struct tm tm = {0};
	if (strlen(id) != 14 || strspn(id, "0123456789") != 14)
		return false;
	if (sscanf(id, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	           &tm.tm_sec) != 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + (time_t)minutes * 60;
	struct tm out_tm;
	gmtime_r(&t, &out_tm);
	return strftime(out, 15, "%Y%m%d%H%M%S", &out_tm) == 14;
}

/* One table's lifecycle under construction: the items in order (body), the
 * enforce and retire items that follow them, and the columns the new schema
 * drops (NULL once a rename has claimed one). */
typedef struct {
	const psl_schema *from, *to;
	const psl_model *om, *nm;
	mp_buf *body, *notes;
	mp_buf enforce, retire, todo;
	const char *dropped[64];
	size_t ndropped;
	const char *first;
} table_scaffold;

static void touch(table_scaffold *t, const char *column)
{
	t->first = t->first ? t->first : column;
}

static void scaffold_rename(table_scaffold *t, const psl_field *renamed, const psl_field *f)
{
	buf_puts(t->body, "  rename ");
	mig_name(t->body, renamed->column);
	buf_puts(t->body, " to ");
	mig_name(t->body, f->column);
	buf_puts(t->body, " as ");
	column_decl(t->body, &t->todo, t->to, f, true);
	buf_puts(t->body, ";\n");
	buf_puts(t->body, buf_cstr(&t->todo));
	for (size_t k = 0; k < t->ndropped; k++)
		if (t->dropped[k] == renamed->column)
			t->dropped[k] = NULL;
	touch(t, f->column);
}

static void scaffold_add(table_scaffold *t, const psl_field *f)
{
	mp_buf *body = t->body;
	buf_puts(body, "  add ");
	mig_name(body, f->column);
	buf_putc(body, ' ');
	column_decl(body, &t->todo, t->to, f, false);
	buf_puts(body, "\n");
	buf_puts(body, buf_cstr(&t->todo));
	buf_puts(body, "    # TODO: how existing rows get a value: a constant ('x'), another column\n");
	buf_puts(body, "    # (from old_column [map (null -> 'x')]) or SQL over the row ($$ ... $$).\n");
	for (size_t k = 0; k < t->ndropped; k++) {
		if (!t->dropped[k])
			continue;
		mp_buf ot = MP_BUF_INIT;
		psl_field_sql_type(t->from, psl_field_find(t->from, t->om, t->dropped[k]), &ot);
		buf_printf(body, "    # %s (%s) is dropped in this change: `from %s`? If %s replaces it with\n"
		                 "    # another type, write `retype %s ... to %s ...` instead (docs/language.md).\n",
		           t->dropped[k], buf_cstr(&ot), t->dropped[k], f->column, t->dropped[k], f->column);
		buf_free(&ot);
	}
	buf_puts(body, "    backfill TODO;\n");
	buf_puts(&t->enforce, "  enforce not null ");
	mig_name(&t->enforce, f->column);
	buf_puts(&t->enforce, ";\n");
	touch(t, f->column);
}

/* A column the old schema has too: a retype when its type changed. */
static void scaffold_kept(table_scaffold *t, const psl_field *of, const psl_field *f)
{
	mp_buf ot = MP_BUF_INIT, nt = MP_BUF_INIT;
	psl_field_sql_type(t->from, of, &ot);
	psl_field_sql_type(t->to, f, &nt);
	if (strcmp(buf_cstr(&ot), buf_cstr(&nt)) != 0) {
		mp_buf *body = t->body;
		buf_puts(body, "  # TODO: a new name for the retyped column (the old one is retired at contract),\n"
		               "  # the forward expression (using) and the reverse one for old application versions.\n");
		buf_puts(body, "  retype ");
		mig_name(body, of->column);
		buf_puts(body, " as ");
		column_decl(body, &t->todo, t->from, of, true);
		buf_puts(body, "\n    to TODO_new_column as ");
		column_decl(body, &t->todo, t->to, f, true);
		buf_puts(body, "\n");
		buf_puts(body, buf_cstr(&t->todo));
		buf_printf(body, "    using TODO reverse TODO;\n");
		touch(t, of->column);
	} else if (of->optional && !f->optional && !f->list) {
		buf_printf(t->notes, "# TODO: %s.%s becomes required: only columns a lifecycle adds can be enforced;\n"
		                     "# add a new column and retire this one, or write an `sql` item.\n",
		           t->nm->name, f->name);
	}
	buf_free(&ot);
	buf_free(&nt);
}

static void scaffold_column(table_scaffold *t, const psl_field *f)
{
	const psl_field *of = psl_field_find(t->from, t->om, f->column);
	buf_clear(&t->todo);
	if (of) {
		scaffold_kept(t, of, f);
		return;
	}
	const psl_field *renamed = renamed_from(t->from, t->to, t->om, t->nm, f);
	if (renamed)
		scaffold_rename(t, renamed, f);
	else if (f->optional || f->list)
		buf_printf(t->notes, "# %s.%s: a new nullable column; prisma migrate's ADD COLUMN is safe as is.\n",
		           t->nm->name, f->name);
	else
		scaffold_add(t, f);
}

static void scaffold_retires(table_scaffold *t)
{
	for (size_t k = 0; k < t->ndropped; k++) {
		if (!t->dropped[k])
			continue;
		const psl_field *of = psl_field_find(t->from, t->om, t->dropped[k]);
		buf_puts(&t->retire, "  retire ");
		mig_name(&t->retire, of->column);
		buf_putc(&t->retire, ' ');
		buf_clear(&t->todo);
		column_decl(&t->retire, &t->todo, t->from, of, true);
		buf_puts(&t->retire, ";\n");
		buf_puts(&t->retire, buf_cstr(&t->todo));
		if (!of->optional && !of->list)
			buf_printf(&t->retire,
			           "    # TODO: %s is NOT NULL: rollback must refill it. Retire it in the lifecycle whose\n"
			           "    # add backfills from it (with a reverse), or make it optional first.\n",
			           of->column);
		touch(t, of->column);
	}
}

static void scaffold_constraints(table_scaffold *t)
{
	size_t mo = psl_constraints_max(t->om), mn = psl_constraints_max(t->nm);
	psl_constraint *oc = xmalloc((mo ? mo : 1) * sizeof *oc), *nc = xmalloc((mn ? mn : 1) * sizeof *nc);
	size_t no = psl_model_constraints(t->from, t->om, oc, mo), nn = psl_model_constraints(t->to, t->nm, nc, mn);
	for (size_t i = 0; i < nn; i++) {
		/* a relation without references: Prisma reports it, no foreign key */
		if (!strcmp(nc[i].kind, "foreign key") && !nc[i].nrefs)
			continue;
		bool seen = false;
		for (size_t k = 0; k < no && !seen; k++)
			seen = !strcmp(nc[i].name, oc[k].name);
		if (seen)
			continue;
		emit_constraint(t->body, t->nm, &nc[i]);
		touch(t, nc[i].name);
	}
	/* first may name a constraint in nc, which dies here: copy it now. */
	t->first = t->first ? xstrdup(t->first) : NULL;
	free(oc);
	free(nc);
}

/* The items of one table's lifecycle into body; notes about changes that need
 * none into notes. Returns the first column touched (the caller frees it), or
 * NULL: a copy, since it may name a constraint in a local array. */
static char *table_items(const psl_schema *from, const psl_schema *to, const psl_model *om,
                               const psl_model *nm, mp_buf *body, mp_buf *notes)
{
	table_scaffold t = {from, to, om, nm, body, notes, MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT, {0}, 0, NULL};
	for (size_t i = 0; i < om->nfields; i++) {
		const psl_field *of = &om->fields[i];
		if (is_col(from, of) && !has_column(to, nm, of->column) && t.ndropped < 64)
			t.dropped[t.ndropped++] = of->column;
	}
	for (size_t i = 0; i < nm->nfields; i++)
		if (is_col(to, &nm->fields[i]))
			scaffold_column(&t, &nm->fields[i]);
	scaffold_retires(&t);
	buf_puts(body, buf_cstr(&t.enforce));
	buf_puts(body, buf_cstr(&t.retire));
	scaffold_constraints(&t);
	buf_free(&t.enforce);
	buf_free(&t.retire);
	buf_free(&t.todo);
	return (char *)t.first;
}

int scaffold_write(const psl_schema *from, const psl_schema *to, const scaffold_opts *o, mp_buf *out,
                   size_t *nlifecycles, mp_error *err)
{
	*nlifecycles = 0;
	char id[15];
	if (!id_at(o->id, 0, id))
		return mp_error_set(err, MP_EINVAL, "bad id '%s': write 14 digits, YYYYMMDDHHMMSS", o->id);
	mp_buf notes = MP_BUF_INIT, lcs = MP_BUF_INIT, body = MP_BUF_INIT, t = MP_BUF_INIT;
	for (size_t i = 0; i < to->nmodels; i++) {
		const psl_model *nm = &to->models[i];
		if (nm->kind != PSL_MODEL)
			continue;
		const psl_model *om = psl_model_find(from, nm->schema ? nm->schema : "public", nm->table);
		if (!om) {
			buf_printf(&notes, "# %s: a new table; prisma migrate's CREATE TABLE is safe as is.\n", nm->name);
			continue;
		}
		buf_clear(&body);
		char *first = table_items(from, to, om, nm, &body, &notes);
		if (!first)
			continue;
		id_at(o->id, (int)*nlifecycles, id);
		buf_clear(&t);
		mig_table(&t, nm);
		buf_puts(&lcs, "\nlifecycle ");
		lifecycle_name(&lcs, nm, first);
		free(first);
		buf_printf(&lcs, " at %s on %s {\n%s}\n", id, buf_cstr(&t), buf_cstr(&body));
		(*nlifecycles)++;
	}
	for (size_t i = 0; i < from->nmodels; i++) {
		const psl_model *om = &from->models[i];
		if (om->kind == PSL_MODEL && !psl_model_find(to, om->schema ? om->schema : "public", om->table))
			buf_printf(&notes, "# TODO: %s is dropped: retire its columns in a lifecycle first, or drop the table "
			                   "with an `sql` item once no application version reads it.\n",
			           om->name);
	}
	buf_printf(out, "# Scaffolded by `migc scaffold` from %s to %s.\n", o->from_label, o->to_label);
	buf_puts(out, "# Fill in every TODO (migc compile rejects the spec until then), review the rest,\n"
	              "# then run `migc compile`. Settings left at their defaults: lock_timeout 500ms, window 72h.\n");
	buf_puts(out, buf_cstr(&notes));
	buf_puts(out, buf_cstr(&lcs));
	buf_free(&notes);
	buf_free(&lcs);
	buf_free(&body);
	buf_free(&t);
	return MP_OK;
}

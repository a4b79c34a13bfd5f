/* Prisma scalar types and @db.* native types as the SQL PostgreSQL stores,
 * spelled the way src/compiler/types.c renders a spec's types, so the two sides
 * compare as strings. Defaults likewise: @default(...) as the SQL literal or
 * function Prisma Migrate writes into the column's DEFAULT. */
#include "schema/prisma_schema.h"
#include "util/quote.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Scalar without @db: what `prisma migrate` creates (PostgreSQL connector). */
static const struct {
	const char *scalar, *sql;
} scalars[] = {
	{"String", "text"},       {"Int", "integer"},     {"BigInt", "bigint"},      {"Float", "double precision"},
	{"Decimal", "numeric(65,30)"}, {"DateTime", "timestamp(3)"}, {"Boolean", "boolean"}, {"Json", "jsonb"},
	{"Bytes", "bytea"},
};

/* @db.X: SQL name; args are appended as written ("(20)", "(12,2)"). */
static const struct {
	const char *native, *sql;
	const char *dflt_args; /* Prisma's default when none are written, or NULL */
} natives[] = {
	{"Text", "text", NULL},         {"VarChar", "varchar", NULL},       {"Char", "char", "(1)"},
	{"Uuid", "uuid", NULL},         {"Citext", "citext", NULL},         {"Inet", "inet", NULL},
	{"Xml", "xml", NULL},           {"Bit", "bit", "(1)"},              {"VarBit", "varbit", NULL},
	{"SmallInt", "smallint", NULL}, {"Integer", "integer", NULL},       {"Int", "integer", NULL},
	{"BigInt", "bigint", NULL},     {"Oid", "oid", NULL},               {"Real", "real", NULL},
	{"DoublePrecision", "double precision", NULL}, {"Decimal", "numeric", "(65,30)"},
	{"Money", "money", NULL},       {"Timestamp", "timestamp", "(3)"},  {"Timestamptz", "timestamptz", "(3)"},
	{"Date", "date", NULL},         {"Time", "time", "(3)"},            {"Timetz", "timetz", "(3)"},
	{"Boolean", "boolean", NULL},   {"Json", "json", NULL},             {"JsonB", "jsonb", NULL},
	{"ByteA", "bytea", NULL},
};

#define N(a) (sizeof a / sizeof a[0])

bool psl_field_sql_type(const psl_schema *s, const psl_field *f, mp_buf *out)
{
	const psl_attr *db = NULL;
	for (size_t i = 0; i < f->nattrs; i++)
		if (!strncmp(f->attrs[i].name, "db.", 3))
			db = &f->attrs[i];
	size_t len0 = out->len;
	if (db) {
		size_t k;
		for (k = 0; k < N(natives); k++)
			if (!strcmp(db->name + 3, natives[k].native))
				break;
		if (k == N(natives))
			return false;
		buf_puts(out, natives[k].sql);
		if (db->nargs) {
			buf_putc(out, '(');
			for (size_t i = 0; i < db->nargs; i++)
				buf_printf(out, "%s%s", i ? "," : "", db->args[i].text ? db->args[i].text : "");
			buf_putc(out, ')');
		} else if (natives[k].dflt_args) {
			buf_puts(out, natives[k].dflt_args);
		}
	} else {
		size_t k;
		for (k = 0; k < N(scalars); k++)
			if (!strcmp(f->type, scalars[k].scalar))
				break;
		if (k < N(scalars)) {
			buf_puts(out, scalars[k].sql);
		} else {
			const psl_enum *e = psl_enum_find(s, f->type);
			if (!e)
				return false;
			sql_quote_qualified(out, e->schema, e->db_name);
		}
	}
	if (f->list)
		buf_puts(out, "[]");
	return out->len > len0;
}

static const char *enum_db_value(const psl_enum *e, const char *name)
{
	for (size_t i = 0; e && i < e->nvalues; i++)
		if (!strcmp(e->values[i].name, name))
			return e->values[i].db_name;
	return name;
}

bool psl_field_sql_default(const psl_schema *s, const psl_field *f, mp_buf *out)
{
	const psl_attr *d = psl_attr_find(f->attrs, f->nattrs, "default");
	if (!d || !d->nargs)
		return false;
	const psl_value *v = &d->args[0];
	for (size_t i = 0; i < d->nargs; i++)
		if (!d->args[i].argname || !strcmp(d->args[i].argname, "value"))
			v = &d->args[i];
	switch (v->kind) {
	case PSL_V_STRING:
		sql_quote_literal(out, v->text);
		return true;
	case PSL_V_NUMBER:
		buf_puts(out, v->text);
		return true;
	case PSL_V_IDENT:
		if (!strcmp(v->text, "true") || !strcmp(v->text, "false")) {
			buf_puts(out, v->text[0] == 't' ? "TRUE" : "FALSE");
			return true;
		}
		sql_quote_literal(out, enum_db_value(psl_enum_find(s, f->type), v->text));
		return true;
	case PSL_V_CALL:
		if (!strcmp(v->text, "now")) {
			buf_puts(out, "CURRENT_TIMESTAMP");
			return true;
		}
		if (!strcmp(v->text, "autoincrement") || !strcmp(v->text, "sequence")) {
			buf_puts(out, "nextval()");
			return true;
		}
		if (!strcmp(v->text, "dbgenerated") && v->nitems && v->items[0].kind == PSL_V_STRING) {
			buf_puts(out, v->items[0].text);
			return true;
		}
		return false; /* cuid(), uuid(), nanoid(), ulid(): filled in by the client */
	case PSL_V_ARRAY:
		buf_puts(out, "ARRAY[]");
		return true;
	}
	return false;
}

/* Long spellings PostgreSQL accepts for one type; the canonical one wins. */
static const struct {
	const char *from, *to;
} aliases[] = {
	{"int4", "integer"}, {"int", "integer"}, {"int8", "bigint"}, {"int2", "smallint"},
	{"float8", "double precision"}, {"float4", "real"}, {"decimal", "numeric"}, {"bool", "boolean"},
	{"character varying", "varchar"}, {"character", "char"},
};

void psl_normalize_type(const char *type, mp_buf *out)
{
	if (strchr(type, '"')) { /* user types compare as written */
		buf_puts(out, type);
		return;
	}
	/* lower case; no blanks next to '(' and ',' */
	mp_buf t = MP_BUF_INIT;
	for (const char *c = type; *c; c++)
		if (*c != ' ' || (c > type && c[1] && !strchr("(,", c[1]) && !strchr("(,", c[-1])))
			buf_putc(&t, (char)tolower((unsigned char)*c));
	const char *x = buf_cstr(&t);
	bool array = t.len > 2 && !strcmp(x + t.len - 2, "[]");
	if (array)
		t.ptr[t.len -= 2] = '\0';
	const char *tz = strstr(x, " with time zone");
	const char *notz = strstr(x, " without time zone");
	size_t base_len = tz ? (size_t)(tz - x) : notz ? (size_t)(notz - x) : t.len;
	const char *paren = memchr(x, '(', base_len);
	size_t name_len = paren ? (size_t)(paren - x) : base_len;
	mp_buf n = MP_BUF_INIT;
	buf_put(&n, x, name_len);
	for (size_t i = 0; i < N(aliases); i++)
		if (!strcmp(buf_cstr(&n), aliases[i].from)) {
			buf_clear(&n);
			buf_puts(&n, aliases[i].to);
		}
	if (tz && (!strcmp(buf_cstr(&n), "timestamp") || !strcmp(buf_cstr(&n), "time")))
		buf_puts(&n, "tz");
	buf_puts(out, buf_cstr(&n));
	if (paren)
		buf_put(out, paren, base_len - name_len);
	if (array)
		buf_puts(out, "[]");
	buf_free(&n);
	buf_free(&t);
}

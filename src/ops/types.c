/* PostgreSQL column types: the known ones, their arguments, canonical SQL. */
#include "ops/types.h"
#include "ops/names.h"
#include "util/quote.h"
#include "sql/coltype.h"

#include <stdio.h>

#include <string.h>
#include <strings.h>

typedef enum { ARGS_NONE, ARGS_LENGTH, ARGS_PRECISION, ARGS_NUMERIC } arg_rule;

static const struct {
	const char *name;      /* as written (case-insensitive) */
	const char *canonical; /* as emitted */
	arg_rule args;
	bool tz_allowed;
	type_class cls;
} known[] = {
	{"smallint", "smallint", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"int2", "smallint", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"integer", "integer", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"int", "integer", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"int4", "integer", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"bigint", "bigint", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"int8", "bigint", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"real", "real", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"float4", "real", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"double precision", "double precision", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"float8", "double precision", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"numeric", "numeric", ARGS_NUMERIC, false, TYPECLASS_NUMERIC},
	{"decimal", "numeric", ARGS_NUMERIC, false, TYPECLASS_NUMERIC},
	{"boolean", "boolean", ARGS_NONE, false, TYPECLASS_BOOL},
	{"bool", "boolean", ARGS_NONE, false, TYPECLASS_BOOL},
	{"text", "text", ARGS_NONE, false, TYPECLASS_TEXT},
	{"varchar", "varchar", ARGS_LENGTH, false, TYPECLASS_TEXT},
	{"character varying", "varchar", ARGS_LENGTH, false, TYPECLASS_TEXT},
	{"char", "char", ARGS_LENGTH, false, TYPECLASS_TEXT},
	{"character", "char", ARGS_LENGTH, false, TYPECLASS_TEXT},
	{"citext", "citext", ARGS_NONE, false, TYPECLASS_TEXT},
	{"bytea", "bytea", ARGS_NONE, false, TYPECLASS_OTHER},
	{"date", "date", ARGS_NONE, false, TYPECLASS_OTHER},
	{"time", "time", ARGS_PRECISION, true, TYPECLASS_OTHER},
	{"timetz", "timetz", ARGS_PRECISION, false, TYPECLASS_OTHER},
	{"timestamp", "timestamp", ARGS_PRECISION, true, TYPECLASS_OTHER},
	{"timestamptz", "timestamptz", ARGS_PRECISION, false, TYPECLASS_OTHER},
	{"interval", "interval", ARGS_NONE, false, TYPECLASS_OTHER},
	{"uuid", "uuid", ARGS_NONE, false, TYPECLASS_OTHER},
	{"json", "json", ARGS_NONE, false, TYPECLASS_OTHER},
	{"jsonb", "jsonb", ARGS_NONE, false, TYPECLASS_OTHER},
	{"inet", "inet", ARGS_NONE, false, TYPECLASS_OTHER},
	{"cidr", "cidr", ARGS_NONE, false, TYPECLASS_OTHER},
	{"macaddr", "macaddr", ARGS_NONE, false, TYPECLASS_OTHER},
	{"money", "money", ARGS_NONE, false, TYPECLASS_NUMERIC},
	{"xml", "xml", ARGS_NONE, false, TYPECLASS_OTHER},
	{"tsvector", "tsvector", ARGS_NONE, false, TYPECLASS_OTHER},
	{"bit", "bit", ARGS_LENGTH, false, TYPECLASS_OTHER},
	{"bit varying", "varbit", ARGS_LENGTH, false, TYPECLASS_OTHER},
	{"varbit", "varbit", ARGS_LENGTH, false, TYPECLASS_OTHER},
};

#define NKNOWN (sizeof known / sizeof known[0])

static bool render_user(const ast_type *t, mp_buf *out, mp_buf *msg)
{
	sql_quote_qualified(out, t->schema, t->base);
	if (t->nargs) {
		buf_printf(msg, "a user-defined type takes no arguments");
		return false;
	}
	if (t->array)
		buf_puts(out, "[]");
	return true;
}

static bool is_serial(const ast_type *t, mp_buf *msg, mp_buf *hint)
{
	const char *serial[] = {"serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"};
	for (size_t i = 0; i < sizeof serial / sizeof serial[0]; i++) {
		if (strcasecmp(t->base, serial[i]) == 0) {
			buf_printf(msg, "'%s' cannot be added to an existing table safely: its nextval() default is volatile "
			                "and rewrites the table under ACCESS EXCLUSIVE",
			           t->base);
			buf_puts(hint, "add a bigint column, create the sequence in an `sql` item, and backfill from it");
			return true;
		}
	}
	return false;
}

/* Index into known[], or NKNOWN with the message and a suggestion. */
static size_t find_known(const ast_type *t, mp_buf *msg, mp_buf *hint)
{
	for (size_t k = 0; k < NKNOWN; k++)
		if (strcasecmp(t->base, known[k].name) == 0)
			return k;
	const char *names[NKNOWN];
	for (size_t i = 0; i < NKNOWN; i++)
		names[i] = known[i].name;
	buf_printf(msg, "unknown type '%s'", t->base);
	const char *s = names_suggest(t->base, names, NKNOWN);
	if (s)
		buf_printf(hint, "did you mean '%s'? (quote user-defined types: \"%s\")", s, t->base);
	else
		buf_printf(hint, "quote user-defined types (enums, domains): \"%s\"", t->base);
	return NKNOWN;
}

/* At most one argument, from lo to hi: a length or a precision. */
static bool render_one_arg(const ast_type *t, mp_buf *out, mp_buf *msg, const char *what, long lo, long hi)
{
	if (t->nargs > 1 || (t->nargs == 1 && (t->args[0] < lo || t->args[0] > hi))) {
		buf_printf(msg, "type '%s' takes one %s from %ld to %ld", t->base, what, lo, hi);
		return false;
	}
	if (t->nargs)
		buf_printf(out, "(%ld)", t->args[0]);
	return true;
}

static bool render_numeric_args(const ast_type *t, mp_buf *out, mp_buf *msg)
{
	if (t->nargs >= 1 && (t->args[0] < 1 || t->args[0] > 1000)) {
		buf_printf(msg, "numeric precision must be from 1 to 1000");
		return false;
	}
	if (t->nargs == 2 && (t->args[1] < 0 || t->args[1] > t->args[0])) {
		buf_printf(msg, "numeric scale must be from 0 to the precision (%ld)", t->args[0]);
		return false;
	}
	if (t->nargs == 1)
		buf_printf(out, "(%ld)", t->args[0]);
	else if (t->nargs == 2)
		buf_printf(out, "(%ld,%ld)", t->args[0], t->args[1]);
	return true;
}

static bool render_args(const ast_type *t, size_t k, mp_buf *out, mp_buf *msg)
{
	switch (known[k].args) {
	case ARGS_NONE:
		if (t->nargs) {
			buf_printf(msg, "type '%s' takes no arguments", t->base);
			return false;
		}
		return true;
	case ARGS_LENGTH: return render_one_arg(t, out, msg, "length", 1, 10485760);
	case ARGS_PRECISION: return render_one_arg(t, out, msg, "precision", 0, 6);
	case ARGS_NUMERIC: return render_numeric_args(t, out, msg);
	}
	return true;
}

bool types_render(const ast_type *t, mp_buf *out, type_class *cls, mp_buf *msg, mp_buf *hint)
{
	*cls = TYPECLASS_OTHER;
	if (t->user_defined)
		return render_user(t, out, msg);
	if (is_serial(t, msg, hint))
		return false;
	size_t k = find_known(t, msg, hint);
	if (k == NKNOWN)
		return false;
	*cls = known[k].cls;
	buf_puts(out, known[k].canonical);
	if (!render_args(t, k, out, msg))
		return false;
	if (t->tz) {
		if (!known[k].tz_allowed || t->tz_bad) {
			buf_printf(msg, "'%s' does not apply to type '%s'", t->tz, t->base);
			return false;
		}
		buf_printf(out, " %s", t->tz);
	}
	if (t->array)
		buf_puts(out, "[]");
	return true;
}

long types_max_chars(const ast_type *t)
{
	if (t->user_defined || t->array)
		return -1;
	for (size_t k = 0; k < NKNOWN; k++) {
		if (strcasecmp(t->base, known[k].name) != 0)
			continue;
		bool is_char = strcmp(known[k].canonical, "char") == 0;
		if (!is_char && strcmp(known[k].canonical, "varchar") != 0)
			return -1;
		return t->nargs ? t->args[0] : is_char ? 1 : -1; /* char alone is char(1) */
	}
	return -1;
}

static const char *canonical_of(const ast_type *t)
{
	if (t->user_defined || t->array || t->tz)
		return NULL;
	for (size_t k = 0; k < NKNOWN; k++)
		if (strcasecmp(t->base, known[k].name) == 0)
			return known[k].canonical;
	return NULL;
}

static void type_text(mp_buf *b, const ast_type *t)
{
	mp_buf msg = MP_BUF_INIT, hint = MP_BUF_INIT;
	type_class cls;
	types_render(t, b, &cls, &msg, &hint);
	buf_free(&msg);
	buf_free(&hint);
}

/* The type as sql/coltype.c reads it from a parse tree, so that the
 * compiler and the lock analyzer decide by the same rule. */
static void coltype_of(const char *canonical, const ast_type *t, sql_coltype *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", canonical);
	out->nargs = t->nargs > 2 ? 2 : (int)t->nargs;
	for (int i = 0; i < out->nargs; i++)
		out->args[i] = t->args[i];
}

static const char *in_place_rule(const char *o, const ast_type *old, const char *n, const ast_type *new)
{
	sql_coltype a, b;
	coltype_of(o, old, &a);
	coltype_of(n, new, &b);
	const sql_inplace_rule *r = sql_coltype_in_place(&a, &b);
	return r ? r->rule : NULL;
}

types_change types_change_of(const ast_type *old, const ast_type *new, mp_buf *why)
{
	mp_buf a = MP_BUF_INIT, b = MP_BUF_INIT;
	type_text(&a, old);
	type_text(&b, new);
	types_change r = TYPES_REWRITE;
	const char *o = canonical_of(old), *n = canonical_of(new), *rule = NULL;
	if (strcmp(buf_cstr(&a), buf_cstr(&b)) == 0)
		r = TYPES_SAME;
	else if (o && n && (rule = in_place_rule(o, old, n, new)))
		r = TYPES_IN_PLACE;
	if (r == TYPES_IN_PLACE)
		buf_printf(why, "%s to %s: %s", buf_cstr(&a), buf_cstr(&b), rule);
	else if (r == TYPES_REWRITE)
		buf_printf(why, "%s to %s rewrites the table and its indexes", buf_cstr(&a), buf_cstr(&b));
	buf_free(&a);
	buf_free(&b);
	return r;
}

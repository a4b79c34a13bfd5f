/* Column types read from parse trees, and which type change PostgreSQL makes in the catalog only */
#include "sql/coltype.h"
#include "sql/sqlparse.h"
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

#define IN_PLACE "in place (catalog only: no rewrite, no scan): "
#define RULE_VC_TEXT "varchar to text is binary-coercible"
#define RULE_TEXT_VC "text to varchar is binary-coercible"
#define RULE_LENGTH "the length limit only grows"
#define RULE_PRECISION "the precision only grows, at the same scale"

static const sql_inplace_rule rules[] = {
	{RULE_VC_TEXT, IN_PLACE RULE_VC_TEXT},
	{RULE_TEXT_VC, IN_PLACE RULE_TEXT_VC},
	{RULE_LENGTH, IN_PLACE RULE_LENGTH},
	{RULE_PRECISION, IN_PLACE RULE_PRECISION},
};

/* An A_Const's integer (ival is left out of the JSON when it is 0). */
static bool const_int(const json_t *wrapped, long *out)
{
	json_t *c;
	const char *k = sqlnode_kind(wrapped, &c);
	if (!k || strcmp(k, "A_Const") != 0 || !json_object_get(c, "ival"))
		return false;
	json_t *v = json_object_get(json_object_get(c, "ival"), "ival");
	*out = v ? (long)json_integer_value(v) : 0;
	return true;
}

bool sql_coltype_of(const json_t *tn, sql_coltype *out)
{
	memset(out, 0, sizeof *out);
	json_t *names = sqlnode_get(tn, "names"), *mods = sqlnode_get(tn, "typmods");
	size_t n = json_array_size(names), nm = json_array_size(mods);
	const char *last = n ? sqlnode_string(json_array_get(names, n - 1)) : NULL;
	if (!last || nm > 2 || sqlnode_bool(tn, "pct_type") || strlen(last) >= sizeof out->name)
		return false;
	snprintf(out->name, sizeof out->name, "%s", last);
	for (size_t i = 0; i < nm; i++)
		if (!const_int(json_array_get(mods, i), &out->args[i]))
			return false;
	out->nargs = (int)nm;
	out->array = json_array_size(sqlnode_get(tn, "arrayBounds")) > 0;
	return true;
}

static long scale_of(const sql_coltype *t)
{
	return t->nargs == 2 ? t->args[1] : 0;
}

const sql_inplace_rule *sql_coltype_in_place(const sql_coltype *o, const sql_coltype *n)
{
	if (o->array || n->array)
		return NULL;
	bool o_vc = strcmp(o->name, "varchar") == 0, n_vc = strcmp(n->name, "varchar") == 0;
	if (o_vc && strcmp(n->name, "text") == 0 && !n->nargs)
		return &rules[0];
	if (strcmp(o->name, "text") == 0 && !o->nargs && n_vc && !n->nargs)
		return &rules[1];
	if (o_vc && n_vc && (!n->nargs || (o->nargs && n->args[0] > o->args[0])))
		return &rules[2];
	if (strcmp(o->name, "numeric") == 0 && strcmp(n->name, "numeric") == 0 && o->nargs &&
	    (!n->nargs || (n->args[0] > o->args[0] && scale_of(o) == scale_of(n))))
		return &rules[3];
	return NULL;
}

bool sql_coltype_parse(const char *type_sql, sql_coltype *out)
{
	mp_buf q = MP_BUF_INIT;
	buf_printf(&q, "SELECT NULL::%s", type_sql);
	sql_file *f = NULL;
	sql_parse_error perr;
	mp_error err = {0};
	bool ok = false;
	if (sqlparse_file(buf_cstr(&q), q.len, &f, &perr, &err) == MP_OK && f->nstmts == 1) {
		json_t *target = sqlnode_get(json_array_get(sqlnode_get(f->stmts[0].node, "targetList"), 0), "ResTarget");
		json_t *cast = sqlnode_get(sqlnode_get(target, "val"), "TypeCast");
		ok = cast && sql_coltype_of(sqlnode_get(cast, "typeName"), out);
	}
	sqlparse_free(f);
	buf_free(&q);
	return ok;
}

/* The context of earlier statements (created tables, validated NOT NULL
 * checks) and the relation keys it is indexed by. */
#include "sql/locks_ctx.h"
#include "util/buf.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	char **items; /* grown by MP_VEC_PUSH alone */
	size_t count;
} strset;

struct locks_ctx {
	strset created;       /* relation keys */
	strset checks;        /* validated: "table\ncolumn" */
	strset pending;       /* NOT VALID: "table\nconstraint\ncolumn" */
};

static bool set_has(const strset *s, const char *v)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->items[i], v) == 0)
			return true;
	return false;
}

static void set_add(strset *s, const char *v)
{
	if (set_has(s, v))
		return;
	*MP_VEC_PUSH(s->items, s->count) = xstrdup(v);
}

static void set_free(strset *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->items[i]);
	free(s->items);
}

locks_ctx *locks_ctx_new(void)
{
	return xcalloc(1, sizeof(locks_ctx));
}

void locks_ctx_free(locks_ctx *c)
{
	if (!c)
		return;
	set_free(&c->created);
	set_free(&c->checks);
	set_free(&c->pending);
	free(c);
}

void locks_ctx_begin_file(locks_ctx *c)
{
	/* A table created by an earlier migration exists (and is in use) by the
	 * time this file runs; only this file's own tables are new. */
	set_free(&c->created);
	memset(&c->created, 0, sizeof c->created);
}

bool locks_ctx_created(const locks_ctx *c, const char *key)
{
	return c && key && set_has(&c->created, key);
}

bool locks_ctx_has_notnull_check(const locks_ctx *c, const char *table_key, const char *column)
{
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s\n%s", table_key, column);
	bool r = set_has(&c->checks, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* "schema.rel", or "rel" prefixed by unqualified (NULL: nothing) when the
 * RangeVar names no schema. */
static char *relation_join(const json_t *rv, const char *unqualified)
{
	const char *rel = sqlnode_str(rv, "relname");
	if (!rel)
		return NULL;
	const char *schema = sqlnode_str(rv, "schemaname");
	if (!schema)
		schema = unqualified;
	mp_buf b = MP_BUF_INIT;
	if (schema)
		buf_printf(&b, "%s.", schema);
	buf_puts(&b, rel);
	return buf_detach(&b);
}

char *locks_relation_key(const json_t *rv)
{
	return relation_join(rv, "public");
}

char *locks_relation_name(const json_t *rv)
{
	return relation_join(rv, NULL);
}

/* The column a CHECK proves NOT NULL: `col IS NOT NULL`, alone or as one arm
 * of an AND. */
static const char *check_notnull_column(const json_t *expr)
{
	json_t *in;
	const char *k = sqlnode_kind(expr, &in);
	if (!k)
		return NULL;
	if (strcmp(k, "NullTest") == 0) {
		const char *t = sqlnode_str(in, "nulltesttype");
		json_t *ref;
		const char *rk = sqlnode_kind(sqlnode_get(in, "arg"), &ref);
		json_t *fields = sqlnode_get(ref, "fields");
		if (t && strcmp(t, "IS_NOT_NULL") == 0 && rk && strcmp(rk, "ColumnRef") == 0 && json_array_size(fields) == 1)
			return sqlnode_string(json_array_get(fields, 0));
	} else if (strcmp(k, "BoolExpr") == 0 && sqlnode_str(in, "boolop") &&
	           strcmp(sqlnode_str(in, "boolop"), "AND_EXPR") == 0) {
		json_t *args = sqlnode_get(in, "args");
		for (size_t i = 0; i < json_array_size(args); i++) {
			const char *c = check_notnull_column(json_array_get(args, i));
			if (c)
				return c;
		}
	}
	return NULL;
}

static void note_check(locks_ctx *c, const char *table, const json_t *con)
{
	const char *col = check_notnull_column(sqlnode_get(con, "raw_expr"));
	if (!col)
		return;
	mp_buf b = MP_BUF_INIT;
	if (sqlnode_bool(con, "skip_validation")) {
		buf_printf(&b, "%s\n%s\n%s", table, sqlnode_str(con, "conname") ? sqlnode_str(con, "conname") : "", col);
		set_add(&c->pending, buf_cstr(&b));
	} else {
		buf_printf(&b, "%s\n%s", table, col);
		set_add(&c->checks, buf_cstr(&b));
	}
	buf_free(&b);
}

static void note_validate(locks_ctx *c, const char *table, const char *conname)
{
	size_t tl = strlen(table), cl = strlen(conname);
	for (size_t i = 0; i < c->pending.count; i++) {
		const char *p = c->pending.items[i];
		if (strncmp(p, table, tl) == 0 && p[tl] == '\n' && strncmp(p + tl + 1, conname, cl) == 0 &&
		    p[tl + 1 + cl] == '\n') {
			mp_buf b = MP_BUF_INIT;
			buf_printf(&b, "%s\n%s", table, p + tl + 1 + cl + 1);
			set_add(&c->checks, buf_cstr(&b));
			buf_free(&b);
		}
	}
}

void locks_ctx_update(locks_ctx *c, const sql_stmt *st)
{
	json_t *n = st->node;
	if (st->kind_id == SQL_KIND_CREATE_TABLE || st->kind_id == SQL_KIND_CREATE_TABLE_AS) {
		json_t *rv = sqlnode_get(n, "relation");
		if (!rv) /* CREATE TABLE AS keeps it under "into" */
			rv = sqlnode_get(sqlnode_get(sqlnode_get(n, "into"), "IntoClause"), "rel");
		char *key = locks_relation_key(rv);
		if (key)
			set_add(&c->created, key);
		free(key);
	} else if (st->kind_id == SQL_KIND_ALTER_TABLE) {
		char *key = locks_relation_key(sqlnode_get(n, "relation"));
		if (!key)
			return;
		json_t *cmds = sqlnode_get(n, "cmds");
		for (size_t i = 0; i < json_array_size(cmds); i++) {
			json_t *cmd = sqlnode_get(json_array_get(cmds, i), "AlterTableCmd");
			const char *sub = sqlnode_str(cmd, "subtype");
			json_t *con = sqlnode_get(sqlnode_get(cmd, "def"), "Constraint");
			if (sub && strcmp(sub, "AT_AddConstraint") == 0 && con && sqlnode_str(con, "contype") &&
			    strcmp(sqlnode_str(con, "contype"), "CONSTR_CHECK") == 0)
				note_check(c, key, con);
			else if (sub && strcmp(sub, "AT_ValidateConstraint") == 0 && sqlnode_str(cmd, "name"))
				note_validate(c, key, sqlnode_str(cmd, "name"));
		}
		free(key);
	}
}

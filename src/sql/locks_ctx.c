/* The context of earlier statements (created tables, validated NOT NULL
 * checks, column types) and the relation keys it is indexed by. */
#include "sql/locks_ctx.h"
#include "sql/locks_do.h"
#include "sql/coltype.h"
#include "util/buf.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	char **items; /* grown by MP_VEC_PUSH alone */
	size_t count;
} strset;

/* A name that leads to a relation: an index to its table, a foreign key
 * ("table\nconstraint") to the table it references. */
typedef struct {
	char *key;
	char *schema;  /* as written, NULL when unqualified */
	char *table;
	char *columns; /* foreign keys: "\ncol\ncol\n", the referencing columns */
} relref;

typedef struct {
	relref *items; /* grown by MP_VEC_PUSH alone */
	size_t count;
} refset;

/* A column's type as the statements before left it. */
typedef struct {
	char *key; /* "table\ncolumn" */
	sql_coltype type;
} coltype_entry;

typedef struct {
	coltype_entry *items; /* grown by MP_VEC_PUSH alone */
	size_t count;
} coltype_set;

struct locks_ctx {
	strset created;       /* relation keys */
	strset checks;        /* validated: "table\ncolumn" */
	strset pending;       /* NOT VALID: "table\nconstraint\ncolumn" */
	refset indexes;       /* index key -> its table */
	refset fkeys;         /* "table\nconstraint" -> the referenced table */
	coltype_set types;    /* "table\ncolumn" -> its type, where a statement (or the compiler) said it */
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

static void set_copy(strset *to, const strset *from)
{
	for (size_t i = 0; i < from->count; i++)
		set_add(to, from->items[i]);
}

static const relref *ref_find(const refset *s, const char *key)
{
	for (size_t i = s->count; i-- > 0;)
		if (strcmp(s->items[i].key, key) == 0)
			return &s->items[i];
	return NULL;
}

static void ref_add(refset *s, const char *key, const char *schema, const char *table, const char *columns)
{
	*MP_VEC_PUSH(s->items, s->count) = (relref){xstrdup(key), schema ? xstrdup(schema) : NULL, xstrdup(table),
	                                            xstrdup(columns ? columns : "")};
}

/* Removes the entries whose key is key, or starts with key and a newline (prefix). */
static void ref_remove(refset *s, const char *key, bool prefix)
{
	size_t kl = strlen(key), n = 0;
	for (size_t i = 0; i < s->count; i++) {
		relref *r = &s->items[i];
		bool hit = prefix ? strncmp(r->key, key, kl) == 0 && r->key[kl] == '\n' : strcmp(r->key, key) == 0;
		if (!hit) {
			s->items[n++] = *r;
			continue;
		}
		free(r->key);
		free(r->schema);
		free(r->table);
		free(r->columns);
	}
	s->count = n;
}

static void ref_free(refset *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->items[i].key);
		free(s->items[i].schema);
		free(s->items[i].table);
		free(s->items[i].columns);
	}
	free(s->items);
}

static void ref_copy(refset *to, const refset *from)
{
	for (size_t i = 0; i < from->count; i++)
		ref_add(to, from->items[i].key, from->items[i].schema, from->items[i].table, from->items[i].columns);
}

/* Forgets the entry of key, or (prefix) every entry whose key starts with
 * key: "" forgets all, "table\n" a table's columns. */
static void types_forget(coltype_set *s, const char *key, bool prefix)
{
	size_t kl = strlen(key), n = 0;
	for (size_t i = 0; i < s->count; i++) {
		coltype_entry *e = &s->items[i];
		if (prefix ? strncmp(e->key, key, kl) != 0 : strcmp(e->key, key) != 0) {
			s->items[n++] = *e;
			continue;
		}
		free(e->key);
	}
	s->count = n;
}

static char *column_key(const char *table_key, const char *column)
{
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s\n%s", table_key, column);
	return buf_detach(&b);
}

void locks_ctx_set_column_type(locks_ctx *c, const char *table_key, const char *column, const sql_coltype *t)
{
	char *key = column_key(table_key, column);
	types_forget(&c->types, key, false);
	if (t)
		*MP_VEC_PUSH(c->types.items, c->types.count) = (coltype_entry){key, *t};
	else
		free(key);
}

bool locks_ctx_column_type(const locks_ctx *c, const char *table_key, const char *column, sql_coltype *out)
{
	char *key = column_key(table_key, column);
	bool found = false;
	for (size_t i = 0; c && i < c->types.count && !found; i++)
		if (strcmp(c->types.items[i].key, key) == 0) {
			*out = c->types.items[i].type;
			found = true;
		}
	free(key);
	return found;
}

/* A ColumnDef's type, or forgotten when it cannot be read. */
static void note_coldef_type(locks_ctx *c, const char *table_key, const json_t *coldef)
{
	const char *col = sqlnode_str(coldef, "colname");
	sql_coltype t;
	if (col)
		locks_ctx_set_column_type(c, table_key, col,
		                          sql_coltype_of(sqlnode_get(coldef, "typeName"), &t) ? &t : NULL);
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
	ref_free(&c->indexes);
	ref_free(&c->fkeys);
	types_forget(&c->types, "", true);
	free(c->types.items);
	free(c);
}

locks_ctx *locks_ctx_clone(const locks_ctx *from)
{
	locks_ctx *c = locks_ctx_new();
	set_copy(&c->created, &from->created);
	set_copy(&c->checks, &from->checks);
	set_copy(&c->pending, &from->pending);
	ref_copy(&c->indexes, &from->indexes);
	ref_copy(&c->fkeys, &from->fkeys);
	for (size_t i = 0; i < from->types.count; i++)
		*MP_VEC_PUSH(c->types.items, c->types.count) =
		    (coltype_entry){xstrdup(from->types.items[i].key), from->types.items[i].type};
	return c;
}

static bool ref_get(const refset *s, const char *key, const char **schema, const char **table)
{
	const relref *r = ref_find(s, key);
	if (r) {
		*schema = r->schema;
		*table = r->table;
	}
	return r != NULL;
}

bool locks_ctx_index_table(const locks_ctx *c, const char *index_key, const char **schema, const char **table)
{
	return ref_get(&c->indexes, index_key, schema, table);
}

bool locks_ctx_fkey_next(const locks_ctx *c, const char *table_key, const char *column, size_t *it,
                         const char **schema, const char **table)
{
	size_t tl = strlen(table_key);
	for (; *it < c->fkeys.count; (*it)++) {
		const relref *r = &c->fkeys.items[*it];
		if (strncmp(r->key, table_key, tl) != 0 || r->key[tl] != '\n')
			continue;
		if (column) {
			mp_buf b = MP_BUF_INIT;
			buf_printf(&b, "\n%s\n", column);
			bool has = strstr(r->columns, buf_cstr(&b)) != NULL;
			buf_free(&b);
			if (!has)
				continue;
		}
		*schema = r->schema;
		*table = r->table;
		(*it)++;
		return true;
	}
	return false;
}

bool locks_ctx_fkey_target(const locks_ctx *c, const char *table_key, const char *conname, const char **schema,
                           const char **table)
{
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s\n%s", table_key, conname);
	bool r = ref_get(&c->fkeys, buf_cstr(&b), schema, table);
	buf_free(&b);
	return r;
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

char *locks_relation_key(const json_t *rv)
{
	const char *rel = sqlnode_str(rv, "relname");
	return rel ? sql_relation_key(sqlnode_str(rv, "schemaname"), rel) : NULL;
}

char *locks_relation_name(const json_t *rv)
{
	const char *rel = sqlnode_str(rv, "relname"), *schema = sqlnode_str(rv, "schemaname");
	if (!rel)
		return NULL;
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s%s%s", schema ? schema : "", schema ? "." : "", rel);
	return buf_detach(&b);
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

/* A foreign key: its name (PostgreSQL's table_column_fkey when none is
 * given, for a one-column key) and referencing columns (fk_attrs, or the
 * column it is declared on). */
static void note_fkey(locks_ctx *c, const char *table, const char *relname, const json_t *con, const char *column)
{
	json_t *pk = sqlnode_get(con, "pktable"), *attrs = sqlnode_get(con, "fk_attrs");
	const char *pktable = sqlnode_str(pk, "relname");
	if (!pktable)
		return;
	mp_buf cols = MP_BUF_INIT, key = MP_BUF_INIT;
	buf_putc(&cols, '\n');
	for (size_t i = 0; i < json_array_size(attrs); i++)
		buf_printf(&cols, "%s\n", sqlnode_string(json_array_get(attrs, i)) ? sqlnode_string(json_array_get(attrs, i)) : "");
	if (column)
		buf_printf(&cols, "%s\n", column);
	const char *first = column ? column : json_array_size(attrs) ? sqlnode_string(json_array_get(attrs, 0)) : NULL;
	if (sqlnode_str(con, "conname"))
		buf_printf(&key, "%s\n%s", table, sqlnode_str(con, "conname"));
	else
		buf_printf(&key, "%s\n%s_%s_fkey", table, relname, first ? first : "");
	ref_add(&c->fkeys, buf_cstr(&key), sqlnode_str(pk, "schemaname"), pktable, buf_cstr(&cols));
	buf_free(&cols);
	buf_free(&key);
}

/* Forgets the column types of table key (dropped, renamed, created anew). */
static void forget_table_types(locks_ctx *c, const char *key)
{
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s\n", key);
	types_forget(&c->types, buf_cstr(&b), true);
	buf_free(&b);
}

/* CREATE TABLE's column types and foreign keys, on columns and on the table. */
static void note_create_table(locks_ctx *c, const char *key, const json_t *n)
{
	const char *relname = sqlnode_str(sqlnode_get(n, "relation"), "relname");
	json_t *elts = sqlnode_get(n, "tableElts");
	forget_table_types(c, key);
	for (size_t i = 0; relname && i < json_array_size(elts); i++) {
		json_t *e = json_array_get(elts, i), *in, *con;
		const char *k = sqlnode_kind(e, &in), *t;
		if (k && strcmp(k, "ColumnDef") == 0) {
			note_coldef_type(c, key, in);
			for (size_t it = 0; (con = sqlnode_next_constraint(in, &it, &t));)
				if (strcmp(t, "CONSTR_FOREIGN") == 0)
					note_fkey(c, key, relname, con, sqlnode_str(in, "colname"));
		} else if (k && strcmp(k, "Constraint") == 0 && sqlnode_str(in, "contype") &&
		           strcmp(sqlnode_str(in, "contype"), "CONSTR_FOREIGN") == 0) {
			note_fkey(c, key, relname, in, NULL);
		}
	}
}

/* DROP TABLE forgets the table's foreign keys and column types. */
static void note_drop(locks_ctx *c, const json_t *n)
{
	for (size_t i = 0; i < sqlnode_dropped_tables(n); i++) {
		char *key = sqlnode_dropped_table_key(n, i);
		if (key) {
			ref_remove(&c->fkeys, key, true);
			forget_table_types(c, key);
		}
		free(key);
	}
}

/* An index lives in its table's schema. */
static void note_index(locks_ctx *c, const json_t *n)
{
	json_t *rv = sqlnode_get(n, "relation");
	const char *idx = sqlnode_str(n, "idxname"), *table = sqlnode_str(rv, "relname");
	if (!idx || !table)
		return;
	const char *schema = sqlnode_str(rv, "schemaname");
	char *key = sql_relation_key(schema, idx);
	ref_add(&c->indexes, key, schema, table, NULL);
	free(key);
}

static void note_drop_constraint(locks_ctx *c, const char *table, const char *conname)
{
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s\n%s", table, conname);
	ref_remove(&c->fkeys, buf_cstr(&b), false);
	buf_free(&b);
}

/* A DO block changes what its static statements change, in their order. */
static void update_do(locks_ctx *c, const sql_stmt *st)
{
	sql_do_block b;
	sql_do_block_read(st, &b);
	for (size_t i = 0; i < b.nfiles; i++)
		for (size_t k = 0; k < b.files[i]->nstmts; k++)
			locks_ctx_update(c, &b.files[i]->stmts[k]);
	sql_do_block_free(&b);
}

/* A column's type follows ADD COLUMN, ALTER COLUMN … TYPE and DROP COLUMN. */
static void note_column_cmd(locks_ctx *c, const char *key, const char *sub, const json_t *cmd)
{
	json_t *coldef = sqlnode_get(sqlnode_get(cmd, "def"), "ColumnDef");
	const char *col = sqlnode_str(cmd, "name");
	sql_coltype t;
	if (strcmp(sub, "AT_AddColumn") == 0 && coldef)
		note_coldef_type(c, key, coldef);
	else if (strcmp(sub, "AT_AlterColumnType") == 0 && col)
		locks_ctx_set_column_type(c, key, col, sql_coltype_of(sqlnode_get(coldef, "typeName"), &t) ? &t : NULL);
	else if (strcmp(sub, "AT_DropColumn") == 0 && col)
		locks_ctx_set_column_type(c, key, col, NULL);
}

static void update_alter_table(locks_ctx *c, const json_t *n)
{
	char *key = locks_relation_key(sqlnode_get(n, "relation"));
	if (!key)
		return;
	json_t *cmds = sqlnode_get(n, "cmds");
	for (size_t i = 0; i < json_array_size(cmds); i++) {
		json_t *cmd = sqlnode_get(json_array_get(cmds, i), "AlterTableCmd");
		const char *sub = sqlnode_str(cmd, "subtype");
		json_t *con = sqlnode_get(sqlnode_get(cmd, "def"), "Constraint");
		const char *contype = con ? sqlnode_str(con, "contype") : NULL;
		if (!sub)
			continue;
		note_column_cmd(c, key, sub, cmd);
		if (strcmp(sub, "AT_AddConstraint") == 0 && contype && strcmp(contype, "CONSTR_CHECK") == 0)
			note_check(c, key, con);
		else if (strcmp(sub, "AT_AddConstraint") == 0 && contype && strcmp(contype, "CONSTR_FOREIGN") == 0)
			note_fkey(c, key, sqlnode_str(sqlnode_get(n, "relation"), "relname"), con, NULL);
		else if (strcmp(sub, "AT_DropConstraint") == 0 && sqlnode_str(cmd, "name"))
			note_drop_constraint(c, key, sqlnode_str(cmd, "name"));
		else if (strcmp(sub, "AT_ValidateConstraint") == 0 && sqlnode_str(cmd, "name"))
			note_validate(c, key, sqlnode_str(cmd, "name"));
	}
	free(key);
}

/* A renamed column or table: what was known under either name is forgotten
 * (a later statement's type change is then judged as unknown: a rewrite). */
static void update_rename(locks_ctx *c, const json_t *n)
{
	const char *type = sqlnode_str(n, "renameType"), *sub = sqlnode_str(n, "subname");
	const char *to = sqlnode_str(n, "newname");
	char *key = locks_relation_key(sqlnode_get(n, "relation"));
	if (!key || !type)
		;
	else if (strcmp(type, "OBJECT_COLUMN") == 0 && sub && to) {
		locks_ctx_set_column_type(c, key, sub, NULL);
		locks_ctx_set_column_type(c, key, to, NULL);
	} else if (strcmp(type, "OBJECT_TABLE") == 0) {
		forget_table_types(c, key);
	}
	free(key);
}

void locks_ctx_update(locks_ctx *c, const sql_stmt *st)
{
	json_t *n = st->node;
	if (st->kind_id == SQL_KIND_DO) {
		update_do(c, st);
		return;
	}
	if (st->kind_id == SQL_KIND_INDEX) {
		note_index(c, n);
		return;
	}
	if (st->kind_id == SQL_KIND_DROP) {
		note_drop(c, n);
		return;
	}
	if (st->kind_id == SQL_KIND_CREATE_TABLE || st->kind_id == SQL_KIND_CREATE_TABLE_AS) {
		json_t *rv = sqlnode_get(n, "relation");
		if (!rv) /* CREATE TABLE AS keeps it under "into" */
			rv = sqlnode_get(sqlnode_get(sqlnode_get(n, "into"), "IntoClause"), "rel");
		char *key = locks_relation_key(rv);
		if (key) {
			set_add(&c->created, key);
			if (st->kind_id == SQL_KIND_CREATE_TABLE)
				note_create_table(c, key, n);
		}
		free(key);
	} else if (st->kind_id == SQL_KIND_ALTER_TABLE) {
		update_alter_table(c, n);
	} else if (st->kind_id == SQL_KIND_RENAME) {
		update_rename(c, n);
	}
}

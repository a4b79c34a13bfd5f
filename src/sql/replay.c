/* A migrations folder's tables and columns, replayed from its DDL. */
#include "sql/replay.h"
#include "sql/sqlparse.h"
#include "util/buf.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	char *key;      /* schema.table */
	char **columns; /* grown by MP_VEC_PUSH alone */
	size_t ncolumns;
	bool unknown;   /* something happened to it that cannot be followed */
} rtable;

struct sql_replay {
	rtable *tables;
	size_t ntables;
	bool unknown; /* a statement that may touch any table could not be read */
};

sql_replay *sql_replay_new(void)
{
	return xcalloc(1, sizeof(sql_replay));
}

static void table_clear(rtable *t)
{
	for (size_t i = 0; i < t->ncolumns; i++)
		free(t->columns[i]);
	free(t->columns);
	t->columns = NULL;
	t->ncolumns = 0;
}

void sql_replay_free(sql_replay *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ntables; i++) {
		table_clear(&r->tables[i]);
		free(r->tables[i].key);
	}
	free(r->tables);
	free(r);
}

static rtable *find(const sql_replay *r, const char *key)
{
	for (size_t i = 0; i < r->ntables; i++)
		if (r->tables[i].key && strcmp(r->tables[i].key, key) == 0)
			return &r->tables[i];
	return NULL;
}

static rtable *table_of(sql_replay *r, const json_t *rv, bool create)
{
	const char *name = sqlnode_str(rv, "relname");
	if (!name)
		return NULL;
	char *key = sql_relation_key(sqlnode_str(rv, "schemaname"), name);
	rtable *t = find(r, key);
	if (!t && create) {
		t = MP_VEC_PUSH(r->tables, r->ntables);
		t->key = key;
		return t;
	}
	free(key);
	return t;
}

static long column_index(const rtable *t, const char *col)
{
	for (size_t i = 0; i < t->ncolumns; i++)
		if (strcmp(t->columns[i], col) == 0)
			return (long)i;
	return -1;
}

static void column_add(rtable *t, const char *col)
{
	if (col && column_index(t, col) < 0)
		*MP_VEC_PUSH(t->columns, t->ncolumns) = xstrdup(col);
}

static void column_drop(rtable *t, const char *col)
{
	long i = col ? column_index(t, col) : -1;
	if (i < 0)
		return;
	free(t->columns[i]);
	t->columns[i] = t->columns[--t->ncolumns];
}

static void create_table(sql_replay *r, const json_t *n)
{
	rtable *t = table_of(r, sqlnode_get(n, "relation"), true);
	if (!t)
		return;
	table_clear(t);
	t->unknown = sqlnode_get(n, "inhRelations") != NULL; /* inherited columns */
	json_t *elts = sqlnode_get(n, "tableElts");
	for (size_t i = 0; i < json_array_size(elts); i++) {
		json_t *in;
		const char *k = sqlnode_kind(json_array_get(elts, i), &in);
		if (k && strcmp(k, "ColumnDef") == 0)
			column_add(t, sqlnode_str(in, "colname"));
		else if (k && strcmp(k, "TableLikeClause") == 0)
			t->unknown = true;
	}
}

static void alter_table(sql_replay *r, const json_t *n)
{
	rtable *t = table_of(r, sqlnode_get(n, "relation"), false);
	if (!t)
		return;
	json_t *cmds = sqlnode_get(n, "cmds");
	for (size_t i = 0; i < json_array_size(cmds); i++) {
		json_t *cmd = sqlnode_get(json_array_get(cmds, i), "AlterTableCmd");
		const char *sub = sqlnode_str(cmd, "subtype");
		if (sub && strcmp(sub, "AT_AddColumn") == 0)
			column_add(t, sqlnode_str(sqlnode_get(sqlnode_get(cmd, "def"), "ColumnDef"), "colname"));
		else if (sub && strcmp(sub, "AT_DropColumn") == 0)
			column_drop(t, sqlnode_str(cmd, "name"));
	}
}

static void rename_object(sql_replay *r, const json_t *n)
{
	const char *type = sqlnode_str(n, "renameType"), *to = sqlnode_str(n, "newname");
	rtable *t = table_of(r, sqlnode_get(n, "relation"), false);
	if (!t || !type || !to)
		return;
	if (strcmp(type, "OBJECT_COLUMN") == 0) {
		column_drop(t, sqlnode_str(n, "subname"));
		column_add(t, to);
	} else if (strcmp(type, "OBJECT_TABLE") == 0) {
		const char *schema = sqlnode_str(sqlnode_get(n, "relation"), "schemaname");
		free(t->key);
		t->key = sql_relation_key(schema, to);
	}
}

static void drop_tables(sql_replay *r, const json_t *n)
{
	for (size_t i = 0; i < sqlnode_dropped_tables(n); i++) {
		char *key = sqlnode_dropped_table_key(n, i);
		rtable *t = key ? find(r, key) : NULL;
		if (t) {
			table_clear(t);
			free(t->key);
			t->key = NULL;
		}
		free(key);
	}
}

void sql_replay_file(sql_replay *r, const char *sql)
{
	sql_file *f = NULL;
	sql_parse_error perr;
	mp_error err = {0};
	if (sqlparse_file(sql, strlen(sql), &f, &perr, &err) != MP_OK) {
		r->unknown = true;
		return;
	}
	for (size_t i = 0; i < f->nstmts; i++) {
		const sql_stmt *st = &f->stmts[i];
		const json_t *n = st->node;
		if (st->kind_id == SQL_KIND_CREATE_TABLE)
			create_table(r, n);
		else if (st->kind_id == SQL_KIND_ALTER_TABLE)
			alter_table(r, n);
		else if (st->kind_id == SQL_KIND_RENAME)
			rename_object(r, n);
		else if (st->kind_id == SQL_KIND_DROP)
			drop_tables(r, n);
		else if (st->kind_id == SQL_KIND_DO || st->kind_id == SQL_KIND_CREATE_TABLE_AS)
			r->unknown = true; /* may do anything to any table */
	}
	sqlparse_free(f);
}

int sql_replay_has_column(const sql_replay *r, const char *schema, const char *table, const char *column)
{
	if (r->unknown)
		return -1;
	char *key = sql_relation_key(schema, table);
	const rtable *t = find(r, key);
	free(key);
	if (!t || t->unknown)
		return -1;
	return column_index(t, column) >= 0;
}

/* The lock analyzer: the lock modes and their conflicts, and the locks
 * of every statement kind but ALTER TABLE (locks_alter.c). */
#include "sql/locks.h"
#include "sql/locks_alter.h"
#include "sql/locks_do.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

/* Table 13.2 "Conflicting Lock Modes" of PostgreSQL 15, one bit per mode. */
#define B(m) (1u << (m))
static const unsigned conflict_table[] = {
	[LOCK_NONE] = 0,
	[LOCK_ACCESS_SHARE] = B(LOCK_ACCESS_EXCLUSIVE),
	[LOCK_ROW_SHARE] = B(LOCK_EXCLUSIVE) | B(LOCK_ACCESS_EXCLUSIVE),
	[LOCK_ROW_EXCLUSIVE] = B(LOCK_SHARE) | B(LOCK_SHARE_ROW_EXCLUSIVE) | B(LOCK_EXCLUSIVE) | B(LOCK_ACCESS_EXCLUSIVE),
	[LOCK_SHARE_UPDATE_EXCLUSIVE] = B(LOCK_SHARE_UPDATE_EXCLUSIVE) | B(LOCK_SHARE) | B(LOCK_SHARE_ROW_EXCLUSIVE) |
	                                B(LOCK_EXCLUSIVE) | B(LOCK_ACCESS_EXCLUSIVE),
	[LOCK_SHARE] = B(LOCK_ROW_EXCLUSIVE) | B(LOCK_SHARE_UPDATE_EXCLUSIVE) | B(LOCK_SHARE_ROW_EXCLUSIVE) |
	               B(LOCK_EXCLUSIVE) | B(LOCK_ACCESS_EXCLUSIVE),
	[LOCK_SHARE_ROW_EXCLUSIVE] = B(LOCK_ROW_EXCLUSIVE) | B(LOCK_SHARE_UPDATE_EXCLUSIVE) | B(LOCK_SHARE) |
	                             B(LOCK_SHARE_ROW_EXCLUSIVE) | B(LOCK_EXCLUSIVE) | B(LOCK_ACCESS_EXCLUSIVE),
	[LOCK_EXCLUSIVE] = B(LOCK_ROW_SHARE) | B(LOCK_ROW_EXCLUSIVE) | B(LOCK_SHARE_UPDATE_EXCLUSIVE) | B(LOCK_SHARE) |
	                   B(LOCK_SHARE_ROW_EXCLUSIVE) | B(LOCK_EXCLUSIVE) | B(LOCK_ACCESS_EXCLUSIVE),
	[LOCK_ACCESS_EXCLUSIVE] = 0x1feu,
};
#undef B

bool lock_conflicts(lock_mode a, lock_mode b)
{
	return (conflict_table[a] >> b) & 1u;
}

unsigned lock_blocks(lock_mode m)
{
	unsigned r = 0;
	if (lock_conflicts(m, LOCK_ACCESS_SHARE))
		r |= BLOCKS_READS;
	if (lock_conflicts(m, LOCK_ROW_EXCLUSIVE))
		r |= BLOCKS_WRITES;
	if (lock_conflicts(m, LOCK_ACCESS_EXCLUSIVE))
		r |= BLOCKS_DDL;
	return r;
}

const char *lock_mode_name(lock_mode m)
{
	static const char *names[] = {"none", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
	                              "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
	return names[m];
}

const char *lock_duration_name(lock_duration d)
{
	static const char *names[] = {"metadata", "rows", "full scan", "full rewrite"};
	return names[d];
}

const char *lock_tx_name(lock_tx t)
{
	return t == TX_NONE ? "none" : t == TX_IMPLICIT ? "implicit" : "explicit";
}

/* Referenced tables of FOREIGN KEY constraints in a CREATE TABLE. */
static void create_table_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const json_t *n = st->node;
	json_t *elts = sqlnode_get(n, "tableElts");
	for (size_t i = 0; i < json_array_size(elts); i++) {
		json_t *e = json_array_get(elts, i), *in;
		const char *k = sqlnode_kind(e, &in);
		json_t *cons = k && strcmp(k, "ColumnDef") == 0 ? sqlnode_get(in, "constraints") : NULL;
		json_t *single = k && strcmp(k, "Constraint") == 0 ? in : NULL;
		for (size_t j = 0; j < (single ? 1 : json_array_size(cons)); j++) {
			json_t *con = single ? single : sqlnode_get(json_array_get(cons, j), "Constraint");
			const char *t = sqlnode_str(con, "contype");
			if (t && strcmp(t, "CONSTR_FOREIGN") == 0)
				lock_list_add(c, out, LOCK_SHARE_ROW_EXCLUSIVE, sqlnode_get(con, "pktable"), NULL, DUR_METADATA,
				         "referenced by a new foreign key (adds its triggers)");
		}
	}
	json_t *parents = sqlnode_get(n, "inhRelations");
	if (sqlnode_get(n, "partbound"))
		for (size_t i = 0; i < json_array_size(parents); i++)
			lock_list_add(c, out, LOCK_ACCESS_EXCLUSIVE, sqlnode_get(json_array_get(parents, i), "RangeVar"), NULL,
			         DUR_METADATA, "CREATE TABLE … PARTITION OF locks the parent");
}

/* The dotted name of a DROP's i-th object (a List of names), without its
 * last `skip_last` names. */
static char *drop_object_name(const json_t *objs, size_t i, size_t skip_last)
{
	json_t *items = sqlnode_get(sqlnode_get(json_array_get(objs, i), "List"), "items");
	mp_buf name = MP_BUF_INIT;
	for (size_t k = 0; k + skip_last < json_array_size(items); k++) {
		const char *part = sqlnode_string(json_array_get(items, k));
		buf_printf(&name, "%s%s", k ? "." : "", part ? part : "?");
	}
	return buf_detach(&name);
}

/* The context's key of a dotted name from a DROP's list ("s.i", "i"). */
static char *dotted_key(const char *name)
{
	return strchr(name, '.') ? xstrdup(name) : sql_relation_key(NULL, name);
}

/* The lock falls on the index's table: named when the index was created
 * earlier (the context knows it), else the index stands for it. */
static void drop_index_locks(const locks_ctx *c, const char *name, bool concurrent, lock_list *out)
{
	lock_mode m = concurrent ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_ACCESS_EXCLUSIVE;
	const char *note = concurrent ? "on the index's table; waits for transactions using the index"
	                              : "ACCESS EXCLUSIVE on the index's table too";
	char *key = dotted_key(name);
	const char *schema, *table;
	if (locks_ctx_index_table(c, key, &schema, &table))
		lock_list_add_named(c, out, m, schema, table, DUR_METADATA, note);
	else
		lock_list_add(c, out, m, NULL, name, DUR_METADATA, note);
	free(key);
}

/* A dropped table's foreign keys go with it, off their referenced tables. */
static void drop_table_fkey_locks(const locks_ctx *c, const char *name, lock_list *out)
{
	char *key = dotted_key(name);
	const char *schema, *table;
	for (size_t it = 0; locks_ctx_fkey_next(c, key, NULL, &it, &schema, &table);)
		lock_list_add_named(c, out, LOCK_ACCESS_EXCLUSIVE, schema, table, DUR_METADATA,
		                    "referenced by a foreign key of the dropped table");
	free(key);
}

static void drop_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const json_t *n = st->node;
	const char *type = sqlnode_str(n, "removeType");
	bool concurrent = sqlnode_bool(n, "concurrent");
	json_t *objs = sqlnode_get(n, "objects");
	if (!type)
		return;
	if (strcmp(type, "OBJECT_TRIGGER") == 0 || strcmp(type, "OBJECT_POLICY") == 0 || strcmp(type, "OBJECT_RULE") == 0) {
		/* objects: [table…, name]: dropping one locks its table */
		for (size_t i = 0; i < json_array_size(objs); i++) {
			char *table = drop_object_name(objs, i, 1);
			lock_list_add(c, out, LOCK_ACCESS_EXCLUSIVE, NULL, table, DUR_METADATA, NULL);
			free(table);
		}
		return;
	}
	bool relation = strcmp(type, "OBJECT_TABLE") == 0 || strcmp(type, "OBJECT_INDEX") == 0 ||
	                strcmp(type, "OBJECT_VIEW") == 0 || strcmp(type, "OBJECT_MATVIEW") == 0 ||
	                strcmp(type, "OBJECT_SEQUENCE") == 0 || strcmp(type, "OBJECT_FOREIGN_TABLE") == 0;
	if (!relation)
		return;
	for (size_t i = 0; i < json_array_size(objs); i++) {
		char *name = drop_object_name(objs, i, 0);
		if (strcmp(type, "OBJECT_INDEX") == 0)
			drop_index_locks(c, name, concurrent, out);
		else
			lock_list_add(c, out, LOCK_ACCESS_EXCLUSIVE, NULL, name, DUR_METADATA, NULL);
		if (strcmp(type, "OBJECT_TABLE") == 0)
			drop_table_fkey_locks(c, name, out);
		free(name);
	}
}

/* A statement's reads: where they go, and the statement itself, whose
 * WITH names are not relations. */
typedef struct {
	const locks_ctx *c;
	lock_list *out;
	const json_t *root;
} stmt_reads;

typedef struct {
	const char *name;
	bool found;
} cte_search;

static bool visit_cte(const char *key, json_t *value, void *ctx)
{
	cte_search *s = ctx;
	const char *n = strcmp(key, "CommonTableExpr") == 0 ? sqlnode_str(value, "ctename") : NULL;
	if (n && strcmp(n, s->name) == 0)
		s->found = true;
	return !s->found;
}

static bool names_cte(const json_t *root, const json_t *rv)
{
	cte_search s = {sqlnode_str(rv, "relname"), false};
	if (!s.name || sqlnode_str(rv, "schemaname"))
		return false;
	sqlnode_walk(root, visit_cte, &s);
	return s.found;
}

static void dml_node_locks(const stmt_reads *r, const json_t *n, bool insert);

/* Relations a SELECT or DML statement reads besides its target. */
static void read_locks(const stmt_reads *r, const json_t *j, int depth)
{
	if (depth > 64)
		return;
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			read_locks(r, json_array_get(j, i), depth + 1);
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v) {
		if (strcmp(key, "RangeVar") == 0 && !names_cte(r->root, v))
			lock_list_add(r->c, r->out, LOCK_ACCESS_SHARE, v, NULL, DUR_ROWS, "read");
		else if (strcmp(key, "UpdateStmt") == 0 || strcmp(key, "DeleteStmt") == 0 || strcmp(key, "InsertStmt") == 0)
			dml_node_locks(r, v, strcmp(key, "InsertStmt") == 0); /* WITH x AS (UPDATE …) */
		else if (json_is_object(v) || json_is_array(v))
			read_locks(r, v, depth + 1);
	}
}

static void dml_node_locks(const stmt_reads *r, const json_t *n, bool insert)
{
	bool where = sqlnode_get(n, "whereClause") != NULL;
	lock_duration d = insert || where ? DUR_ROWS : DUR_SCAN;
	lock_list_add(r->c, r->out, LOCK_ROW_EXCLUSIVE, sqlnode_get(n, "relation"), NULL, d,
	              insert  ? NULL
	              : where ? "row locks on matching rows until commit"
	                      : "no WHERE: every row is written and row-locked until commit");
	read_locks(r, sqlnode_get(n, insert ? "selectStmt" : "fromClause"), 0);
	if (!insert)
		read_locks(r, sqlnode_get(n, "usingClause"), 0);
	read_locks(r, sqlnode_get(n, "withClause"), 0);
}

static void dml_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	stmt_reads r = {c, out, st->node};
	dml_node_locks(&r, st->node, st->kind_id == SQL_KIND_INSERT);
}

static void index_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const json_t *n = st->node;
	bool conc = sqlnode_bool(n, "concurrent");
	lock_list_add(c, out, conc ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_SHARE, sqlnode_get(n, "relation"), NULL, DUR_SCAN,
	              conc ? "builds in two scans; waits for older transactions" : "builds the index in one scan");
}

static void truncate_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	json_t *rels = sqlnode_get(st->node, "relations");
	for (size_t i = 0; i < json_array_size(rels); i++)
		lock_list_add(c, out, LOCK_ACCESS_EXCLUSIVE, sqlnode_get(json_array_get(rels, i), "RangeVar"), NULL,
		              DUR_METADATA, "removes every row");
}

static void rename_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const json_t *n = st->node;
	const char *t = sqlnode_str(n, "renameType");
	bool idx = t && strcmp(t, "OBJECT_INDEX") == 0;
	if (sqlnode_get(n, "relation"))
		lock_list_add(c, out, idx ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_ACCESS_EXCLUSIVE, sqlnode_get(n, "relation"),
		              NULL, DUR_METADATA, NULL);
}

/* ALTER TYPE … ADD VALUE / RENAME VALUE: ExclusiveLock on the type itself
 * (pg_locks: locktype object, classid pg_type), none on a table: reads and
 * writes of the tables using the type go on (tests/e2e/ops_enum.sh). */
static void alter_enum_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	json_t *names = sqlnode_get(st->node, "typeName");
	mp_buf name = MP_BUF_INIT;
	for (size_t k = 0; k < json_array_size(names); k++) {
		const char *part = sqlnode_string(json_array_get(names, k));
		buf_printf(&name, "%s%s", k ? "." : "", part ? part : "?");
	}
	lock_list_add(c, out, LOCK_EXCLUSIVE, NULL, buf_cstr(&name), DUR_METADATA,
	              "on the type, not a table: only other changes of the type wait");
	out->items[out->count - 1].object = "type";
	out->items[out->count - 1].new_relation = false;
	buf_free(&name);
}

static void select_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	stmt_reads r = {c, out, st->node};
	read_locks(&r, st->node, 0);
}

/* CREATE VIEW: ACCESS SHARE on what its query names, for the parse only:
 * no row is read, and the view itself is new. */
static void view_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	stmt_reads r = {c, out, st->node};
	size_t first = out->count;
	read_locks(&r, sqlnode_get(st->node, "query"), 0);
	for (size_t i = first; i < out->count; i++) {
		out->items[i].duration = DUR_METADATA;
		free(out->items[i].note);
		out->items[i].note = xstrdup("the view's query is parsed: no row is read");
	}
}

static void vacuum_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const json_t *n = st->node;
	bool vacuum = sqlnode_bool(n, "is_vacuumcmd"), full = sqlnode_option_on(sqlnode_get(n, "options"), "full");
	json_t *rels = sqlnode_get(n, "rels");
	for (size_t i = 0; i < json_array_size(rels); i++)
		lock_list_add(c, out, full ? LOCK_ACCESS_EXCLUSIVE : LOCK_SHARE_UPDATE_EXCLUSIVE,
		              sqlnode_get(sqlnode_get(json_array_get(rels, i), "VacuumRelation"), "relation"), NULL,
		              full ? DUR_REWRITE : DUR_SCAN,
		              full ? "VACUUM FULL writes a new copy of the table" : vacuum ? "VACUUM" : "ANALYZE samples rows");
}

static void cluster_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	lock_list_add(c, out, LOCK_ACCESS_EXCLUSIVE, sqlnode_get(st->node, "relation"), "(every clustered table)",
	              DUR_REWRITE, "CLUSTER writes a new copy of the table in index order");
}

static void reindex_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const json_t *n = st->node;
	bool conc = sqlnode_option_on(sqlnode_get(n, "params"), "concurrently");
	const char *kind = sqlnode_str(n, "kind");
	bool index = kind && strcmp(kind, "REINDEX_OBJECT_INDEX") == 0;
	json_t *rv = sqlnode_get(n, "relation");
	if (conc)
		lock_list_add(c, out, LOCK_SHARE_UPDATE_EXCLUSIVE, rv, sqlnode_str(n, "name"), DUR_SCAN,
		              "builds a new index alongside the old one");
	else
		lock_list_add(c, out, index ? LOCK_ACCESS_EXCLUSIVE : LOCK_SHARE, rv, sqlnode_str(n, "name"), DUR_SCAN,
		              index ? "the index is unusable (reads through it wait); SHARE on its table blocks writes"
		                    : "blocks writes; reads using the indexes being rebuilt wait");
}

static void trigger_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	lock_list_add(c, out, LOCK_SHARE_ROW_EXCLUSIVE, sqlnode_get(st->node, "relation"), NULL, DUR_METADATA, NULL);
}

static void policy_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	lock_list_add(c, out, LOCK_ACCESS_EXCLUSIVE, sqlnode_get(st->node, "table"), NULL, DUR_METADATA, NULL);
}

/* COMMENT ON takes SHARE UPDATE EXCLUSIVE on the commented relation; its
 * name sits in a list whose shape depends on the object type (a column's
 * ends with the column). */
static void comment_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const char *type = sqlnode_str(st->node, "objtype");
	json_t *items = sqlnode_get(sqlnode_get(sqlnode_get(st->node, "object"), "List"), "items");
	size_t n = json_array_size(items), skip = type && strcmp(type, "OBJECT_COLUMN") == 0 ? 1 : 0;
	bool rel = type && (skip || strcmp(type, "OBJECT_TABLE") == 0);
	if (!rel || n < skip + 1) {
		lock_list_add(c, out, LOCK_SHARE_UPDATE_EXCLUSIVE, NULL, "(commented object)", DUR_METADATA, NULL);
		return;
	}
	/* [schema,] table[, column] */
	const char *table = sqlnode_string(json_array_get(items, n - skip - 1));
	const char *schema = n >= skip + 2 ? sqlnode_string(json_array_get(items, n - skip - 2)) : NULL;
	lock_list_add_named(c, out, LOCK_SHARE_UPDATE_EXCLUSIVE, schema, table, DUR_METADATA, NULL);
}

static void refresh_matview_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	bool conc = sqlnode_bool(st->node, "concurrent");
	lock_list_add(c, out, conc ? LOCK_EXCLUSIVE : LOCK_ACCESS_EXCLUSIVE, sqlnode_get(st->node, "relation"), NULL,
	              DUR_REWRITE, "recomputes the whole view");
}

/* LOCK TABLE: the mode as written (LockStmt's mode is PostgreSQL's lock
 * number, 1 to 8, in lock_mode's order). */
static void lock_table_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	static const lock_mode by_number[] = {LOCK_NONE, LOCK_ACCESS_SHARE, LOCK_ROW_SHARE, LOCK_ROW_EXCLUSIVE,
	                                      LOCK_SHARE_UPDATE_EXCLUSIVE, LOCK_SHARE, LOCK_SHARE_ROW_EXCLUSIVE,
	                                      LOCK_EXCLUSIVE, LOCK_ACCESS_EXCLUSIVE};
	json_int_t m = json_integer_value(sqlnode_get(st->node, "mode"));
	json_t *rels = sqlnode_get(st->node, "relations");
	for (size_t i = 0; i < json_array_size(rels); i++)
		lock_list_add(c, out, m >= 1 && m <= 8 ? by_number[m] : LOCK_ACCESS_EXCLUSIVE,
		              sqlnode_get(json_array_get(rels, i), "RangeVar"), NULL, DUR_METADATA,
		              "held until the end of the transaction");
}

/* One handler per statement kind, from stmtkind.h's locks column. */
typedef void lock_handler(const locks_ctx *c, const sql_stmt *st, lock_list *out);
static lock_handler *const handlers[SQL_KIND_COUNT] = {
#define SQL_KIND_LOCKS(id, node, locks_fn, lint_fn) [SQL_KIND_##id] = locks_fn,
	SQL_KINDS(SQL_KIND_LOCKS)
#undef SQL_KIND_LOCKS
};

void locks_analyze(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	if (handlers[st->kind_id])
		handlers[st->kind_id](c, st, out);
}

void locks_tx_states(const sql_file *f, lock_tx *out)
{
	/* each part runs as a file of its own (sqlparse.h) */
	for (size_t p = 0; p < f->nparts; p++) {
		size_t from = f->parts[p], to = sqlparse_part_end(f, p);
		if (to - from == 1) {
			out[from] = TX_NONE;
			continue;
		}
		bool explicit_block = false;
		for (size_t i = from; i < to; i++) {
			const char *kind = sqlnode_str(f->stmts[i].node, "kind");
			bool tx = f->stmts[i].kind_id == SQL_KIND_TRANSACTION && kind;
			if (tx && (strcmp(kind, "TRANS_STMT_BEGIN") == 0 || strcmp(kind, "TRANS_STMT_START") == 0))
				explicit_block = true;
			out[i] = explicit_block ? TX_EXPLICIT : TX_IMPLICIT;
			if (tx && (strcmp(kind, "TRANS_STMT_COMMIT") == 0 || strcmp(kind, "TRANS_STMT_ROLLBACK") == 0))
				explicit_block = false;
		}
	}
}

#include "sql/locks.h"
#include "sql/locks_internal.h"
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

/* ---- context ---------------------------------------------------------- */

typedef struct {
	char **items;
	size_t count, cap;
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
	if (s->count == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->items = xrealloc(s->items, s->cap * sizeof *s->items);
	}
	s->items[s->count++] = xstrdup(v);
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

char *locks_relation_key(const json_t *rv)
{
	const char *rel = sqlnode_str(rv, "relname");
	if (!rel)
		return NULL;
	const char *schema = sqlnode_str(rv, "schemaname");
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s.%s", schema ? schema : "public", rel);
	return buf_detach(&b);
}

char *locks_relation_name(const json_t *rv)
{
	const char *rel = sqlnode_str(rv, "relname");
	if (!rel)
		return NULL;
	const char *schema = sqlnode_str(rv, "schemaname");
	mp_buf b = MP_BUF_INIT;
	if (schema)
		buf_printf(&b, "%s.", schema);
	buf_puts(&b, rel);
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

void locks_ctx_update(locks_ctx *c, const sql_stmt *st)
{
	json_t *n = st->node;
	if (strcmp(st->kind, "CreateStmt") == 0 || strcmp(st->kind, "CreateTableAsStmt") == 0) {
		json_t *rv = sqlnode_get(n, "relation");
		if (!rv) /* CREATE TABLE AS keeps it under "into" */
			rv = sqlnode_get(sqlnode_get(sqlnode_get(n, "into"), "IntoClause"), "rel");
		char *key = locks_relation_key(rv);
		if (key)
			set_add(&c->created, key);
		free(key);
	} else if (strcmp(st->kind, "AlterTableStmt") == 0) {
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

/* ---- volatility ------------------------------------------------------- */

/* Functions pg_proc marks VOLATILE that appear in column defaults. */
static const char *const volatile_funcs[] = {
	"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "clock_timestamp",
	"timeofday", "nextval", "setval", "txid_current", "pg_current_xact_id", "gen_random_bytes", "gen_salt", NULL,
};
/* STABLE or IMMUTABLE: evaluated once for ADD COLUMN, no rewrite (PG 11+). */
static const char *const stable_funcs[] = {
	"now", "statement_timestamp", "transaction_timestamp", "current_setting", "lower", "upper", "length",
	"coalesce", "concat", "to_char", "to_timestamp", "to_date", "date_trunc", "jsonb_build_object",
	"json_build_object", "jsonb_build_array", "json_build_array", "array_fill", "make_interval", "md5",
	"abs", "round", "floor", "ceil", "trim", "btrim", "replace", "substring", "left", "right", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static void walk_volatility(const json_t *j, locks_volatility *vol, const char **func)
{
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			walk_volatility(json_array_get(j, i), vol, func);
		return;
	}
	if (!json_is_object(j))
		return;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v) {
		if (strcmp(key, "FuncCall") == 0) {
			json_t *names = sqlnode_get(v, "funcname");
			const char *name = sqlnode_string(json_array_get(names, json_array_size(names) - 1));
			if (name && in_list(volatile_funcs, name)) {
				if (*vol != VOL_VOLATILE)
					*func = name;
				*vol = VOL_VOLATILE;
			} else if (name && !in_list(stable_funcs, name) && *vol == VOL_STABLE) {
				*vol = VOL_UNKNOWN;
				*func = name;
			}
		}
		walk_volatility(v, vol, func);
	}
}

locks_volatility locks_expr_volatility(const json_t *expr, const char **func)
{
	locks_volatility vol = VOL_STABLE;
	const char *f = NULL;
	walk_volatility(expr, &vol, &f);
	if (func)
		*func = f;
	return vol;
}

const char *locks_add_column_rewrite(const json_t *coldef, locks_volatility *vol, const char **func)
{
	*vol = VOL_STABLE;
	*func = NULL;
	json_t *names = sqlnode_get(sqlnode_get(coldef, "typeName"), "names");
	const char *type = sqlnode_string(json_array_get(names, json_array_size(names) - 1));
	if (type && (strcmp(type, "serial") == 0 || strcmp(type, "bigserial") == 0 || strcmp(type, "smallserial") == 0 ||
	             strcmp(type, "serial4") == 0 || strcmp(type, "serial8") == 0 || strcmp(type, "serial2") == 0)) {
		*vol = VOL_VOLATILE;
		*func = "nextval";
		return "a serial column's default is nextval(), volatile: every row is rewritten";
	}
	json_t *cons = sqlnode_get(coldef, "constraints");
	for (size_t i = 0; i < json_array_size(cons); i++) {
		json_t *con = sqlnode_get(json_array_get(cons, i), "Constraint");
		const char *t = sqlnode_str(con, "contype");
		if (!t)
			continue;
		if (strcmp(t, "CONSTR_IDENTITY") == 0) {
			*vol = VOL_VOLATILE;
			*func = "nextval";
			return "an identity column is filled from a sequence: every row is rewritten";
		}
		if (strcmp(t, "CONSTR_GENERATED") == 0) {
			*vol = VOL_VOLATILE;
			return "a stored generated column is computed for every row: the table is rewritten";
		}
		if (strcmp(t, "CONSTR_DEFAULT") == 0) {
			*vol = locks_expr_volatility(sqlnode_get(con, "raw_expr"), func);
			if (*vol == VOL_VOLATILE)
				return "a volatile default is evaluated for every row: the table is rewritten";
			if (*vol == VOL_UNKNOWN)
				return "a default calling a function of unknown volatility rewrites the table if it is volatile";
		}
	}
	return NULL;
}

/* ---- statements ------------------------------------------------------- */

void locks_add_lock(const locks_ctx *c, lock_list *l, lock_mode m, const json_t *rv, const char *name,
                    lock_duration d, const char *note)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	lock_item *it = &l->items[l->count++];
	memset(it, 0, sizeof *it);
	it->mode = m;
	it->duration = d;
	it->location = rv ? sqlnode_location(rv) : -1;
	it->relation = rv ? locks_relation_name(rv) : NULL;
	it->key = rv ? locks_relation_key(rv) : NULL;
	if (!it->relation) {
		mp_buf key = MP_BUF_INIT;
		buf_printf(&key, "%s%s", name && !strchr(name, '.') ? "public." : "", name ? name : "");
		it->relation = xstrdup(name ? name : "");
		it->key = buf_detach(&key);
	}
	it->new_relation = locks_ctx_created(c, it->key);
	it->note = note ? xstrdup(note) : NULL;
}

void lock_list_free(lock_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].relation);
		free(l->items[i].key);
		free(l->items[i].note);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* Referenced tables of FOREIGN KEY constraints in a CREATE TABLE. */
static void create_table_locks(const locks_ctx *c, const json_t *n, lock_list *out)
{
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
				locks_add_lock(c, out, LOCK_SHARE_ROW_EXCLUSIVE, sqlnode_get(con, "pktable"), NULL, DUR_METADATA,
				         "referenced by a new foreign key (adds its triggers)");
		}
	}
	json_t *parents = sqlnode_get(n, "inhRelations");
	if (sqlnode_get(n, "partbound"))
		for (size_t i = 0; i < json_array_size(parents); i++)
			locks_add_lock(c, out, LOCK_ACCESS_EXCLUSIVE, sqlnode_get(json_array_get(parents, i), "RangeVar"), NULL,
			         DUR_METADATA, "CREATE TABLE … PARTITION OF locks the parent");
}

static void drop_locks(const locks_ctx *c, const json_t *n, lock_list *out)
{
	const char *type = sqlnode_str(n, "removeType");
	bool concurrent = sqlnode_bool(n, "concurrent");
	json_t *objs = sqlnode_get(n, "objects");
	if (!type)
		return;
	if (strcmp(type, "OBJECT_TRIGGER") == 0 || strcmp(type, "OBJECT_POLICY") == 0 || strcmp(type, "OBJECT_RULE") == 0) {
		/* objects: [table…, name]: dropping one locks its table */
		for (size_t i = 0; i < json_array_size(objs); i++) {
			json_t *items = sqlnode_get(sqlnode_get(json_array_get(objs, i), "List"), "items");
			mp_buf name = MP_BUF_INIT;
			for (size_t k = 0; k + 1 < json_array_size(items); k++) {
				const char *s = sqlnode_string(json_array_get(items, k));
				buf_printf(&name, "%s%s", k ? "." : "", s ? s : "?");
			}
			locks_add_lock(c, out, LOCK_ACCESS_EXCLUSIVE, NULL, buf_cstr(&name), DUR_METADATA, NULL);
			buf_free(&name);
		}
		return;
	}
	bool relation = strcmp(type, "OBJECT_TABLE") == 0 || strcmp(type, "OBJECT_INDEX") == 0 ||
	                strcmp(type, "OBJECT_VIEW") == 0 || strcmp(type, "OBJECT_MATVIEW") == 0 ||
	                strcmp(type, "OBJECT_SEQUENCE") == 0 || strcmp(type, "OBJECT_FOREIGN_TABLE") == 0;
	if (!relation)
		return;
	for (size_t i = 0; i < json_array_size(objs); i++) {
		json_t *items = sqlnode_get(sqlnode_get(json_array_get(objs, i), "List"), "items");
		mp_buf name = MP_BUF_INIT;
		for (size_t k = 0; k < json_array_size(items); k++) {
			const char *s = sqlnode_string(json_array_get(items, k));
			buf_printf(&name, "%s%s", k ? "." : "", s ? s : "?");
		}
		if (strcmp(type, "OBJECT_INDEX") == 0)
			locks_add_lock(c, out, concurrent ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_ACCESS_EXCLUSIVE, NULL, buf_cstr(&name),
			         DUR_METADATA,
			         concurrent ? "on the index's table; waits for transactions using the index"
			                    : "ACCESS EXCLUSIVE on the index's table too");
		else
			locks_add_lock(c, out, LOCK_ACCESS_EXCLUSIVE, NULL, buf_cstr(&name), DUR_METADATA, NULL);
		buf_free(&name);
	}
}

/* Relations a SELECT or DML statement reads besides its target. */
static void read_locks(const locks_ctx *c, const json_t *j, lock_list *out, int depth)
{
	if (depth > 64)
		return;
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			read_locks(c, json_array_get(j, i), out, depth + 1);
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v) {
		if (strcmp(key, "RangeVar") == 0)
			locks_add_lock(c, out, LOCK_ACCESS_SHARE, v, NULL, DUR_ROWS, "read");
		else if (json_is_object(v) || json_is_array(v))
			read_locks(c, v, out, depth + 1);
	}
}

static void dml_locks(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	json_t *n = st->node;
	bool where = sqlnode_get(n, "whereClause") != NULL;
	bool insert = strcmp(st->kind, "InsertStmt") == 0;
	lock_duration d = insert || where ? DUR_ROWS : DUR_SCAN;
	locks_add_lock(c, out, LOCK_ROW_EXCLUSIVE, sqlnode_get(n, "relation"), NULL, d,
	         insert ? NULL : where ? "row locks on matching rows until commit"
	                              : "no WHERE: every row is written and row-locked until commit");
	read_locks(c, sqlnode_get(n, insert ? "selectStmt" : "fromClause"), out, 0);
	if (!insert)
		read_locks(c, sqlnode_get(n, "usingClause"), out, 0);
}

void locks_analyze(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const char *k = st->kind;
	json_t *n = st->node;
	if (strcmp(k, "AlterTableStmt") == 0) {
		locks_alter_table(c, n, out);
	} else if (strcmp(k, "IndexStmt") == 0) {
		bool conc = sqlnode_bool(n, "concurrent");
		locks_add_lock(c, out, conc ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_SHARE, sqlnode_get(n, "relation"), NULL, DUR_SCAN,
		         conc ? "builds in two scans; waits for older transactions" : "builds the index in one scan");
	} else if (strcmp(k, "CreateStmt") == 0) {
		create_table_locks(c, n, out);
	} else if (strcmp(k, "DropStmt") == 0) {
		drop_locks(c, n, out);
	} else if (strcmp(k, "TruncateStmt") == 0) {
		json_t *rels = sqlnode_get(n, "relations");
		for (size_t i = 0; i < json_array_size(rels); i++)
			locks_add_lock(c, out, LOCK_ACCESS_EXCLUSIVE, sqlnode_get(json_array_get(rels, i), "RangeVar"), NULL,
			         DUR_METADATA, "removes every row");
	} else if (strcmp(k, "RenameStmt") == 0) {
		const char *t = sqlnode_str(n, "renameType");
		bool idx = t && strcmp(t, "OBJECT_INDEX") == 0;
		if (sqlnode_get(n, "relation"))
			locks_add_lock(c, out, idx ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_ACCESS_EXCLUSIVE, sqlnode_get(n, "relation"),
			         NULL, DUR_METADATA, NULL);
	} else if (strcmp(k, "UpdateStmt") == 0 || strcmp(k, "DeleteStmt") == 0 || strcmp(k, "InsertStmt") == 0) {
		dml_locks(c, st, out);
	} else if (strcmp(k, "SelectStmt") == 0) {
		read_locks(c, n, out, 0);
	} else if (strcmp(k, "VacuumStmt") == 0) {
		bool vacuum = sqlnode_bool(n, "is_vacuumcmd"), full = sqlnode_option_on(sqlnode_get(n, "options"), "full");
		json_t *rels = sqlnode_get(n, "rels");
		for (size_t i = 0; i < json_array_size(rels); i++)
			locks_add_lock(c, out, full ? LOCK_ACCESS_EXCLUSIVE : LOCK_SHARE_UPDATE_EXCLUSIVE,
			         sqlnode_get(sqlnode_get(json_array_get(rels, i), "VacuumRelation"), "relation"), NULL,
			         full ? DUR_REWRITE : DUR_SCAN,
			         full ? "VACUUM FULL writes a new copy of the table" : vacuum ? "VACUUM" : "ANALYZE samples rows");
	} else if (strcmp(k, "ClusterStmt") == 0) {
		locks_add_lock(c, out, LOCK_ACCESS_EXCLUSIVE, sqlnode_get(n, "relation"), "(every clustered table)", DUR_REWRITE,
		         "CLUSTER writes a new copy of the table in index order");
	} else if (strcmp(k, "ReindexStmt") == 0) {
		bool conc = sqlnode_option_on(sqlnode_get(n, "params"), "concurrently");
		const char *kind = sqlnode_str(n, "kind");
		bool index = kind && strcmp(kind, "REINDEX_OBJECT_INDEX") == 0;
		json_t *rv = sqlnode_get(n, "relation");
		if (conc)
			locks_add_lock(c, out, LOCK_SHARE_UPDATE_EXCLUSIVE, rv, sqlnode_str(n, "name"), DUR_SCAN,
			         "builds a new index alongside the old one");
		else
			locks_add_lock(c, out, index ? LOCK_ACCESS_EXCLUSIVE : LOCK_SHARE, rv, sqlnode_str(n, "name"), DUR_SCAN,
			         index ? "the index is unusable (reads through it wait); SHARE on its table blocks writes"
			               : "blocks writes; reads using the indexes being rebuilt wait");
	} else if (strcmp(k, "CreateTrigStmt") == 0) {
		locks_add_lock(c, out, LOCK_SHARE_ROW_EXCLUSIVE, sqlnode_get(n, "relation"), NULL, DUR_METADATA, NULL);
	} else if (strcmp(k, "CreatePolicyStmt") == 0 || strcmp(k, "AlterPolicyStmt") == 0) {
		locks_add_lock(c, out, LOCK_ACCESS_EXCLUSIVE, sqlnode_get(n, "table"), NULL, DUR_METADATA, NULL);
	} else if (strcmp(k, "CommentStmt") == 0) {
		/* COMMENT ON takes SHARE UPDATE EXCLUSIVE on the commented relation;
		 * its name sits in a list whose shape depends on the object type. */
		locks_add_lock(c, out, LOCK_SHARE_UPDATE_EXCLUSIVE, NULL, "(commented object)", DUR_METADATA, NULL);
	} else if (strcmp(k, "RefreshMatViewStmt") == 0) {
		bool conc = sqlnode_bool(n, "concurrent");
		locks_add_lock(c, out, conc ? LOCK_EXCLUSIVE : LOCK_ACCESS_EXCLUSIVE, sqlnode_get(n, "relation"), NULL,
		         DUR_REWRITE, "recomputes the whole view");
	} else if (strcmp(k, "LockStmt") == 0) {
		static const lock_mode by_number[] = {LOCK_NONE, LOCK_ACCESS_SHARE, LOCK_ROW_SHARE, LOCK_ROW_EXCLUSIVE,
		                                      LOCK_SHARE_UPDATE_EXCLUSIVE, LOCK_SHARE, LOCK_SHARE_ROW_EXCLUSIVE,
		                                      LOCK_EXCLUSIVE, LOCK_ACCESS_EXCLUSIVE};
		json_int_t m = json_integer_value(sqlnode_get(n, "mode"));
		json_t *rels = sqlnode_get(n, "relations");
		for (size_t i = 0; i < json_array_size(rels); i++)
			locks_add_lock(c, out, m >= 1 && m <= 8 ? by_number[m] : LOCK_ACCESS_EXCLUSIVE,
			         sqlnode_get(json_array_get(rels, i), "RangeVar"), NULL, DUR_METADATA,
			         "held until the end of the transaction");
	}
}

void locks_tx_states(const sql_file *f, lock_tx *out)
{
	if (f->nstmts == 1) {
		out[0] = TX_NONE;
		return;
	}
	bool explicit_block = false;
	for (size_t i = 0; i < f->nstmts; i++) {
		const char *kind = sqlnode_str(f->stmts[i].node, "kind");
		bool tx = strcmp(f->stmts[i].kind, "TransactionStmt") == 0 && kind;
		if (tx && (strcmp(kind, "TRANS_STMT_BEGIN") == 0 || strcmp(kind, "TRANS_STMT_START") == 0))
			explicit_block = true;
		out[i] = explicit_block ? TX_EXPLICIT : TX_IMPLICIT;
		if (tx && (strcmp(kind, "TRANS_STMT_COMMIT") == 0 || strcmp(kind, "TRANS_STMT_ROLLBACK") == 0))
			explicit_block = false;
	}
}

/* The lint rules over parsed migration SQL: per statement kind, per file,
 * and the migplan-disable comments. */
#include "sql/lint.h"
#include "sql/locks_do.h"
#include "util/buf.h"
#include "migdir/mark.h"
#include "migdir/order.h"
#include "util/fsutil.h"
#include "util/vec.h"

#include <dirent.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const lint_rule rules[LINT_RULE_COUNT] = {
#define LINT_RULE(id, name, severity, why, instead) [LINT_##id] = {name, severity, why, instead},
#include "sql/lint_rulelist.h"
#undef LINT_RULE
};

const lint_rule *lint_rules(size_t *count)
{
	*count = LINT_RULE_COUNT;
	return rules;
}

const lint_rule *lint_rule_get(lint_rule_id id)
{
	return &rules[id];
}

const lint_rule *lint_rule_find(const char *name)
{
	for (size_t i = 0; i < LINT_RULE_COUNT; i++)
		if (strcmp(rules[i].name, name) == 0)
			return &rules[i];
	return NULL;
}

typedef struct {
	locks_ctx *ctx;
	const mp_source *src;
	const sql_file *f;
	diag_list *out;
	bool disabled[LINT_RULE_COUNT];
	const sql_stmt *st;
	const sql_stmt *outer; /* the DO block st stands in, or NULL */
	lock_tx tx;
	bool lock_timeout, timeout_reported, ddl_seen;
	int open_begin; /* offset of an unmatched BEGIN, or -1 */
	size_t *dml;    /* UPDATE/DELETE statements on existing tables */
	size_t ndml;
	mp_buf not_valid; /* "\n<table key>\x1f<constraint>\n" per ADD … NOT VALID in this file */
} lint_run;

static void report_sev(lint_run *r, lint_rule_id rule, diag_severity sev, int loc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void report_sev(lint_run *r, lint_rule_id rule, diag_severity sev, int loc, const char *fmt, ...)
{
	if (r->disabled[rule])
		return;
	/* At the node the finding is about when it lies in the statement; a
	 * statement inside a DO block is reported at the block. */
	mp_span span = r->outer ? r->outer->span : r->st->span;
	if (!r->outer && loc >= span.start && loc < span.end)
		span.start = loc;
	mp_buf b = MP_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_printf(&b, "; instead: %s", rules[rule].instead);
	diag_add_rule(r->out, sev, r->src, span, rules[rule].name, "%s", buf_cstr(&b));
	buf_free(&b);
}

#define report(r, rule, loc, ...) report_sev(r, rule, rules[rule].severity, loc, __VA_ARGS__)

/* `-- migplan-disable a, b: reason` or the same in a C-style comment. */
static void read_disables(lint_run *r)
{
	for (size_t i = 0; i < r->f->ncomments; i++) {
		mp_span c = r->f->comments[i];
		const char *p = r->src->text + c.start + 2, *end = r->src->text + c.end;
		if (r->src->text[c.start] == '/' && end - p >= 2)
			end -= 2;
		p = migdir_disable_rules(p, end);
		if (!p)
			continue;
		for (;;) {
			while (p < end && (isspace((unsigned char)*p) || *p == ','))
				p++;
			const char *name = p;
			while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
				p++;
			if (p == name)
				break;
			char *n = xstrndup(name, (size_t)(p - name));
			const lint_rule *lr = lint_rule_find(n);
			if (lr)
				r->disabled[lr - rules] = true;
			else
				diag_add(r->out, DIAG_WARNING, r->src, (mp_span){(int)(name - r->src->text), (int)(p - r->src->text)},
				         "migplan-disable names an unknown lint rule '%s'", n);
			free(n);
		}
	}
}

static bool str_is(const char *s, const char *v)
{
	return s && strcmp(s, v) == 0;
}

/* The relation a statement names, and whether this file created it (then
 * it is empty and unused: statements on it are not reported). */
typedef struct {
	char *key, *name;
	bool fresh;
} lint_rel;

static lint_rel rel_open(const lint_run *r, const json_t *rv)
{
	lint_rel rel = {locks_relation_key(rv), locks_relation_name(rv), false};
	rel.fresh = locks_ctx_created(r->ctx, rel.key);
	return rel;
}

static void rel_close(lint_rel *rel)
{
	free(rel->key);
	free(rel->name);
}

static void lint_add_column(lint_run *r, const char *table, const json_t *coldef)
{
	const char *col = sqlnode_str(coldef, "colname");
	int loc = sqlnode_location(coldef);
	locks_volatility vol;
	const char *func;
	const char *why = locks_add_column_rewrite(coldef, &vol, &func);
	if (why)
		report_sev(r, LINT_ADDING_VOLATILE_DEFAULT, vol == VOL_VOLATILE ? DIAG_ERROR : DIAG_WARNING, loc,
		           "column \"%s\" of \"%s\": %s%s%s%s", col ? col : "?", table, why, func ? " (" : "",
		           func ? func : "", func ? "())" : "");
	bool not_null = false, has_default = why != NULL;
	json_t *con;
	const char *t;
	for (size_t it = 0; (con = sqlnode_next_constraint(coldef, &it, &t));) {
		if (str_is(t, "CONSTR_NOTNULL") || str_is(t, "CONSTR_PRIMARY"))
			not_null = true;
		if (str_is(t, "CONSTR_DEFAULT") || str_is(t, "CONSTR_IDENTITY") || str_is(t, "CONSTR_GENERATED"))
			has_default = true;
		/* Column syntax has no NOT VALID: the check runs at once, under the
		 * ALTER's lock (and, for REFERENCES, a lock on the other table). */
		if (str_is(t, "CONSTR_FOREIGN") || str_is(t, "CONSTR_CHECK"))
			report(r, LINT_CONSTRAINT_WITHOUT_NOT_VALID, sqlnode_location(con),
			       "%s on new column \"%s\" of \"%s\" is validated against every row at once (column syntax "
			       "has no NOT VALID)%s", str_is(t, "CONSTR_FOREIGN") ? "REFERENCES" : "CHECK", col ? col : "?",
			       table, str_is(t, "CONSTR_FOREIGN") ? ", and it locks the referenced table against writes" : "");
		if (str_is(t, "CONSTR_PRIMARY") || str_is(t, "CONSTR_UNIQUE"))
			report(r, LINT_UNIQUE_WITHOUT_INDEX, sqlnode_location(con),
			       "%s on new column \"%s\" of \"%s\" builds a unique index under ACCESS EXCLUSIVE",
			       str_is(t, "CONSTR_PRIMARY") ? "PRIMARY KEY" : "UNIQUE", col ? col : "?", table);
	}
	if (not_null && !has_default)
		report(r, LINT_ADDING_REQUIRED_COLUMN, loc,
		       "column \"%s\" is added to \"%s\" as NOT NULL without a default: this fails if the table has a row",
		       col ? col : "?", table);
}

static void lint_add_constraint(lint_run *r, const char *key, const char *table, const json_t *con)
{
	const char *t = sqlnode_str(con, "contype");
	int loc = sqlnode_location(con);
	const char *cname = sqlnode_str(con, "conname");
	if (sqlnode_bool(con, "skip_validation") && cname)
		buf_printf(&r->not_valid, "\n%s\x1f%s\n", key, cname);
	if ((str_is(t, "CONSTR_FOREIGN") || str_is(t, "CONSTR_CHECK")) && !sqlnode_bool(con, "skip_validation"))
		report(r, LINT_CONSTRAINT_WITHOUT_NOT_VALID, loc,
		       "%s on \"%s\" is validated against every row while the table is locked",
		       str_is(t, "CONSTR_FOREIGN") ? "FOREIGN KEY" : "CHECK", table);
	if ((str_is(t, "CONSTR_PRIMARY") || str_is(t, "CONSTR_UNIQUE")) && !sqlnode_str(con, "indexname"))
		report(r, LINT_UNIQUE_WITHOUT_INDEX, loc,
		       "%s on \"%s\" builds its index under ACCESS EXCLUSIVE (reads and writes wait)",
		       str_is(t, "CONSTR_PRIMARY") ? "PRIMARY KEY" : "UNIQUE", table);
	/* Unlike UNIQUE there is no way around the lock: an exclusion constraint
	 * cannot be added USING INDEX, NOT VALID or CONCURRENTLY. */
	if (str_is(t, "CONSTR_EXCLUSION"))
		report(r, LINT_ADDING_EXCLUSION_CONSTRAINT, loc,
		       "EXCLUDE on \"%s\" builds its index under ACCESS EXCLUSIVE (reads and writes wait) and has no "
		       "concurrent form", table);
}

static void lint_alter_table(lint_run *r, const json_t *n)
{
	lint_rel rel = rel_open(r, sqlnode_get(n, "relation"));
	const char *key = rel.key, *name = rel.name;
	json_t *cmds = sqlnode_get(n, "cmds");
	for (size_t i = 0; i < json_array_size(cmds) && key; i++) {
		json_t *cmd = sqlnode_get(json_array_get(cmds, i), "AlterTableCmd");
		const char *sub = sqlnode_str(cmd, "subtype"), *col = sqlnode_str(cmd, "name");
		json_t *def = sqlnode_get(cmd, "def");
		if (str_is(sub, "AT_DetachPartition") && sqlnode_bool(sqlnode_get(def, "PartitionCmd"), "concurrent") &&
		    r->tx != TX_NONE)
			report(r, LINT_CONCURRENTLY_IN_TRANSACTION, -1,
			       "DETACH PARTITION CONCURRENTLY cannot run inside a transaction block (%s)",
			       r->tx == TX_EXPLICIT ? "it is inside BEGIN … COMMIT" : "this file has several statements");
		if (rel.fresh)
			continue; /* a table created in this file: empty, and nobody uses it yet */
		if (str_is(sub, "AT_AddColumn"))
			lint_add_column(r, name, sqlnode_get(def, "ColumnDef"));
		else if (str_is(sub, "AT_AddConstraint"))
			lint_add_constraint(r, key, name, sqlnode_get(def, "Constraint"));
		else if (str_is(sub, "AT_ValidateConstraint") && col && r->not_valid.ptr) {
			/* The point of NOT VALID is a short lock; validating in the same
			 * transaction keeps the ADD's lock (SHARE ROW EXCLUSIVE for a
			 * foreign key, ACCESS EXCLUSIVE for a CHECK) during the scan. */
			mp_buf k = MP_BUF_INIT;
			buf_printf(&k, "\n%s\x1f%s\n", key, col);
			if (strstr(r->not_valid.ptr, k.ptr))
				report(r, LINT_CONSTRAINT_WITHOUT_NOT_VALID, -1,
				       "VALIDATE CONSTRAINT \"%s\" runs in the same transaction as its ADD … NOT VALID: the "
				       "ADD's lock on \"%s\", which blocks writes, is held while every row is checked",
				       col, name);
			buf_free(&k);
		}
		else if (str_is(sub, "AT_AlterColumnType"))
			report(r, LINT_CHANGING_COLUMN_TYPE, sqlnode_location(sqlnode_get(def, "ColumnDef")),
			       "changing the type of \"%s\".\"%s\" rewrites the table under ACCESS EXCLUSIVE unless the "
			       "change is binary-coercible", name, col ? col : "?");
		else if (str_is(sub, "AT_SetNotNull") && col && !locks_ctx_has_notnull_check(r->ctx, key, col))
			report(r, LINT_SETTING_NOT_NULL, -1,
			       "SET NOT NULL on \"%s\".\"%s\" scans the whole table under ACCESS EXCLUSIVE: no validated "
			       "CHECK (\"%s\" IS NOT NULL) precedes it", name, col, col);
		else if (str_is(sub, "AT_DropColumn"))
			report(r, LINT_DROP_COLUMN, -1, "dropping \"%s\".\"%s\" loses its data and breaks readers that still use it",
			       name, col ? col : "?");
	}
	rel_close(&rel);
}

static void lint_not_in_tx(lint_run *r, const char *what)
{
	if (r->tx == TX_NONE)
		return;
	report(r, LINT_CONCURRENTLY_IN_TRANSACTION, -1, "%s cannot run inside a transaction block, and %s", what,
	       r->tx == TX_EXPLICIT ? "this one is inside BEGIN … COMMIT"
	                            : "this file has other statements: Prisma runs them all as one transaction");
}

static void lint_drop(lint_run *r, const json_t *n)
{
	const char *type = sqlnode_str(n, "removeType");
	json_t *objs = sqlnode_get(n, "objects");
	if (str_is(type, "OBJECT_INDEX")) {
		if (sqlnode_bool(n, "concurrent"))
			lint_not_in_tx(r, "DROP INDEX CONCURRENTLY");
		else
			report(r, LINT_DROP_INDEX_NON_CONCURRENTLY, -1,
			       "DROP INDEX takes ACCESS EXCLUSIVE on the table: reads and writes wait");
		return;
	}
	if (!str_is(type, "OBJECT_TABLE"))
		return;
	for (size_t i = 0; i < json_array_size(objs); i++) {
		json_t *items = sqlnode_get(sqlnode_get(json_array_get(objs, i), "List"), "items");
		size_t k = json_array_size(items);
		const char *rel = sqlnode_string(json_array_get(items, k - 1));
		const char *schema = k > 1 ? sqlnode_string(json_array_get(items, k - 2)) : "public";
		mp_buf key = MP_BUF_INIT;
		buf_printf(&key, "%s.%s", schema ? schema : "public", rel ? rel : "");
		if (!locks_ctx_created(r->ctx, buf_cstr(&key)))
			report(r, LINT_DROP_TABLE, -1, "dropping table \"%s\" loses its data and breaks readers that still use it",
			       rel ? rel : "?");
		buf_free(&key);
	}
}

static void lint_transaction(lint_run *r, const json_t *n)
{
	const char *k = sqlnode_str(n, "kind");
	if (str_is(k, "TRANS_STMT_BEGIN") || str_is(k, "TRANS_STMT_START")) {
		if (r->open_begin >= 0)
			report(r, LINT_NESTED_TRANSACTION, -1, "BEGIN inside an open transaction is ignored (PostgreSQL only warns)");
		else
			r->open_begin = r->st->span.start;
	} else if (str_is(k, "TRANS_STMT_COMMIT") || str_is(k, "TRANS_STMT_ROLLBACK")) {
		/* With no BEGIN of its own, it ends the transaction Prisma runs the
		 * whole file in: the file is no longer atomic, and a ROLLBACK drops
		 * work Prisma then records as applied. */
		if (r->open_begin < 0)
			report(r, LINT_NESTED_TRANSACTION, -1,
			       str_is(k, "TRANS_STMT_COMMIT")
			           ? "COMMIT with no BEGIN in this file ends the transaction Prisma runs the file in: the "
			             "statements after it are no longer atomic with those before"
			           : "ROLLBACK with no BEGIN in this file undoes the statements before it, yet Prisma "
			             "records the migration as applied");
		r->open_begin = -1;
	}
}

static void lint_lock_timeout(lint_run *r, const lock_list *locks)
{
	for (size_t i = 0; i < locks->count && !r->lock_timeout && !r->timeout_reported; i++) {
		const lock_item *it = &locks->items[i];
		/* An explicit LOCK TABLE counts in any mode: it waits forever for
		 * any conflicting holder and keeps the lock until the file commits. */
		bool explicit_lock = r->st->kind_id == SQL_KIND_LOCK;
		/* a type's lock queues no query on a table (lock_item.object) */
		if ((it->mode < LOCK_SHARE && !explicit_lock) || it->new_relation || it->object)
			continue;
		r->timeout_reported = true; /* once per file: the fix is one line at its top */
		if (it->mode < LOCK_SHARE)
			report(r, LINT_MISSING_LOCK_TIMEOUT, it->location,
			       "this LOCK TABLE waits for %s on \"%s\" with no lock_timeout set earlier in the file: it "
			       "waits as long as any conflicting lock is held, then keeps its own until the file commits",
			       lock_mode_name(it->mode), it->relation);
		else
			report(r, LINT_MISSING_LOCK_TIMEOUT, it->location,
			       "this statement waits for %s on \"%s\" with no lock_timeout set earlier in the file: while "
			       "it waits, every later query on the table queues behind it",
			       lock_mode_name(it->mode), it->relation);
	}
}

static void lint_set(lint_run *r, const json_t *n)
{
	if (!str_is(sqlnode_str(n, "name"), "lock_timeout"))
		return;
	const char *kind = sqlnode_str(n, "kind");
	json_t *arg = sqlnode_get(sqlnode_get(json_array_get(sqlnode_get(n, "args"), 0), "A_Const"), "sval");
	json_t *ival = sqlnode_get(sqlnode_get(json_array_get(sqlnode_get(n, "args"), 0), "A_Const"), "ival");
	const char *s = sqlnode_str(arg, "sval");
	/* 0 (the default) means "wait forever", so it does not count. */
	bool zero = (ival && json_integer_value(sqlnode_get(ival, "ival")) == 0) || (s && strtol(s, NULL, 10) == 0);
	r->lock_timeout = str_is(kind, "VAR_SET_VALUE") && !zero;
}

/* SELECT set_config('lock_timeout', '1s', …), as a DO block writes
 * PERFORM set_config(…): the same as SET for what follows. */
static void lint_set_config(lint_run *r, const json_t *n)
{
	json_t *targets = sqlnode_get(n, "targetList");
	if (json_array_size(targets) != 1)
		return;
	json_t *val = sqlnode_get(sqlnode_get(json_array_get(targets, 0), "ResTarget"), "val");
	json_t *fn = sqlnode_get(val, "FuncCall");
	json_t *names = sqlnode_get(fn, "funcname");
	const char *fname = sqlnode_string(json_array_get(names, json_array_size(names) - 1));
	json_t *args = sqlnode_get(fn, "args");
	if (!str_is(fname, "set_config") || json_array_size(args) < 2)
		return;
	const char *name = sqlnode_str(sqlnode_get(sqlnode_get(json_array_get(args, 0), "A_Const"), "sval"), "sval");
	const char *v = sqlnode_str(sqlnode_get(sqlnode_get(json_array_get(args, 1), "A_Const"), "sval"), "sval");
	if (str_is(name, "lock_timeout") && v)
		r->lock_timeout = strtol(v, NULL, 10) != 0; /* '0': wait forever */
}

static void lint_index(lint_run *r, const json_t *n)
{
	if (sqlnode_bool(n, "concurrent")) {
		lint_not_in_tx(r, "CREATE INDEX CONCURRENTLY");
		return;
	}
	json_t *rv = sqlnode_get(n, "relation");
	lint_rel rel = rel_open(r, rv);
	if (!rel.fresh)
		report(r, LINT_CREATE_INDEX_NON_CONCURRENTLY, sqlnode_location(rv),
		       "CREATE INDEX on existing table \"%s\" holds SHARE: every write waits until the index is built",
		       rel.name);
	rel_close(&rel);
}

static void lint_reindex(lint_run *r, const json_t *n)
{
	if (sqlnode_option_on(sqlnode_get(n, "params"), "concurrently"))
		lint_not_in_tx(r, "REINDEX CONCURRENTLY");
	else
		report(r, LINT_REINDEX_NON_CONCURRENTLY, -1, "REINDEX blocks writes while the index is rebuilt");
}

static void lint_vacuum(lint_run *r, const json_t *n)
{
	if (!sqlnode_bool(n, "is_vacuumcmd"))
		return; /* ANALYZE */
	if (sqlnode_option_on(sqlnode_get(n, "options"), "full"))
		report(r, LINT_VACUUM_FULL, -1, "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE");
	lint_not_in_tx(r, "VACUUM");
}

static void lint_cluster(lint_run *r, const json_t *n)
{
	(void)n;
	report(r, LINT_CLUSTER, -1, "CLUSTER rewrites the table under ACCESS EXCLUSIVE");
}

static void lint_truncate(lint_run *r, const json_t *n)
{
	(void)n;
	report(r, LINT_TRUNCATE_TABLE, -1, "TRUNCATE removes every row and takes ACCESS EXCLUSIVE");
}

static void lint_drop_database(lint_run *r, const json_t *n)
{
	report(r, LINT_DROP_DATABASE, -1, "DROP DATABASE \"%s\" destroys all its data",
	       sqlnode_str(n, "dbname") ? sqlnode_str(n, "dbname") : "?");
}

static void lint_rename(lint_run *r, const json_t *n)
{
	lint_rel rel = rel_open(r, sqlnode_get(n, "relation"));
	const char *t = sqlnode_str(n, "renameType");
	/* A table created in this file: nobody uses the old name yet. */
	if (rel.fresh)
		t = NULL;
	if (str_is(t, "OBJECT_COLUMN"))
		report(r, LINT_RENAME_COLUMN, -1, "renaming \"%s\".\"%s\" to \"%s\" breaks running code that uses the old name",
		       rel.name, sqlnode_str(n, "subname"), sqlnode_str(n, "newname"));
	else if (str_is(t, "OBJECT_TABLE"))
		report(r, LINT_RENAME_TABLE, -1, "renaming \"%s\" to \"%s\" breaks running code that uses the old name",
		       rel.name, sqlnode_str(n, "newname"));
	rel_close(&rel);
}

static void lint_stmt(lint_run *r);

/* The static statements of a DO block, each linted as if it stood alone
 * and reported at the block. */
static void lint_do(lint_run *r, const json_t *n)
{
	(void)n;
	sql_do_block b;
	sql_do_block_read(r->st, &b);
	if (b.error) /* PostgreSQL refuses the block when it runs */
		diag_add(r->out, DIAG_ERROR, r->src, r->st->span, "the DO block's PL/pgSQL does not parse: %s", b.error);
	if (b.dynamic)
		report(r, LINT_DYNAMIC_SQL, -1, "this DO block runs dynamic SQL (EXECUTE): migplan cannot see those statements");
	const sql_stmt *block = r->st;
	r->outer = block;
	/* each in the context of the ones before it in the block; the file's
	 * context takes the whole block after it (lint_file) */
	locks_ctx *outer_ctx = r->ctx;
	r->ctx = locks_ctx_clone(outer_ctx);
	for (size_t i = 0; i < b.nfiles; i++)
		for (size_t k = 0; k < b.files[i]->nstmts; k++) {
			r->st = &b.files[i]->stmts[k];
			lint_stmt(r);
			locks_ctx_update(r->ctx, r->st);
		}
	locks_ctx_free(r->ctx);
	r->ctx = outer_ctx;
	r->outer = NULL;
	r->st = block;
	sql_do_block_free(&b);
}

/* One handler per statement kind, from stmtkind.h's lint column. */
typedef void lint_handler(lint_run *r, const json_t *n);
static lint_handler *const handlers[SQL_KIND_COUNT] = {
#define SQL_KIND_LINT(id, node, locks_fn, lint_fn) [SQL_KIND_##id] = lint_fn,
	SQL_KINDS(SQL_KIND_LINT)
#undef SQL_KIND_LINT
};

/* What the statement's locks tell the file-level rules: DDL seen, and the
 * UPDATE/DELETE statements on existing tables (update-with-ddl). */
static void note_locks(lint_run *r, const lock_list *locks)
{
	sql_kind k = r->st->kind_id;
	bool dml = k == SQL_KIND_UPDATE || k == SQL_KIND_DELETE || k == SQL_KIND_INSERT || k == SQL_KIND_SELECT;
	for (size_t i = 0; i < locks->count && !dml; i++)
		if (locks->items[i].mode >= LOCK_SHARE_UPDATE_EXCLUSIVE && !locks->items[i].new_relation)
			r->ddl_seen = true;
	if ((k == SQL_KIND_UPDATE || k == SQL_KIND_DELETE) && locks->count && !locks->items[0].new_relation &&
	    !r->outer)
		*MP_VEC_PUSH(r->dml, r->ndml) = (size_t)(r->st - r->f->stmts);
}

static void lint_stmt(lint_run *r)
{
	const sql_stmt *st = r->st;
	lock_list locks = {0};
	locks_analyze(r->ctx, st, &locks);
	note_locks(r, &locks);
	/* VACUUM cannot run in a transaction block, so a SET before it in the
	 * same file is impossible: the rule would have no fix. */
	if (!(st->kind_id == SQL_KIND_VACUUM && sqlnode_bool(st->node, "is_vacuumcmd")) &&
	    st->kind_id != SQL_KIND_DO) /* a DO block's statements are checked one by one (lint_do) */
		lint_lock_timeout(r, &locks);
	lock_list_free(&locks);
	if (st->kind_id == SQL_KIND_SELECT)
		lint_set_config(r, st->node);
	if (handlers[st->kind_id])
		handlers[st->kind_id](r, st->node);
}

/* What a part leaves for its end: DML that ran with DDL, an unmatched BEGIN. */
static void lint_part_end(lint_run *r, size_t from, size_t to)
{
	const sql_file *f = r->f;
	if (r->ddl_seen && to - from > 1) {
		for (size_t i = 0; i < r->ndml; i++) {
			r->st = &f->stmts[r->dml[i]];
			bool all = !sqlnode_get(r->st->node, "whereClause");
			report(r, LINT_UPDATE_WITH_DDL, -1,
			       "%s%s runs in the same transaction as DDL in this file: its row locks and the DDL's table "
			       "lock are held until the file commits",
			       all ? "full-table " : "", r->st->kind_id == SQL_KIND_UPDATE ? "UPDATE" : "DELETE");
		}
	}
	if (r->open_begin >= 0) {
		for (size_t i = from; i < to; i++)
			if (f->stmts[i].span.start == r->open_begin)
				r->st = &f->stmts[i];
		report(r, LINT_UNCOMMITTED_TRANSACTION, -1, "this BEGIN has no matching COMMIT or ROLLBACK in the file");
	}
}

/* Each part of a file (sqlparse.h) is committed before the next: what a
 * transaction holds, its settings and its open BEGIN start afresh. */
void lint_file(locks_ctx *ctx, const mp_source *src, const sql_file *f, diag_list *out)
{
	lint_run r = {.ctx = ctx, .src = src, .f = f, .out = out, .open_begin = -1, .not_valid = MP_BUF_INIT};
	lock_tx *tx = xcalloc(f->nstmts ? f->nstmts : 1, sizeof *tx);
	locks_tx_states(f, tx);
	read_disables(&r);
	locks_ctx_begin_file(ctx);
	for (size_t p = 0; p < f->nparts; p++) {
		size_t from = f->parts[p], to = sqlparse_part_end(f, p);
		r.lock_timeout = r.timeout_reported = r.ddl_seen = false;
		r.open_begin = -1;
		r.ndml = 0;
		buf_clear(&r.not_valid);
		for (size_t i = from; i < to; i++) {
			r.st = &f->stmts[i];
			r.tx = tx[i];
			lint_stmt(&r);
			locks_ctx_update(ctx, r.st);
		}
		lint_part_end(&r, from, to);
	}
	free(r.dml);
	buf_free(&r.not_valid);
	free(tx);
}

int lint_source(locks_ctx *ctx, const mp_source *src, diag_list *out)
{
	sql_file *f;
	sql_parse_error perr = {.message = "", .offset = 0};
	mp_error err = {0};
	int rc = sqlparse_file(src->text, src->len, &f, &perr, &err);
	if (rc < 0) {
		if (err.code == MP_EINVAL && perr.message[0]) {
			diag_add(out, DIAG_ERROR, src, (mp_span){perr.offset, perr.offset + 1}, "SQL does not parse: %s",
			         perr.message);
		} else {
			diag_add(out, DIAG_ERROR, src, (mp_span){0, 0}, "%s", err.msg);
		}
		return rc;
	}
	lint_file(ctx, src, f, out);
	sqlparse_free(f);
	return 0;
}

static void push_input(lint_input **in, size_t *n, const char *path, const char *dir, const char *folder)
{
	*in = xrealloc(*in, (*n + 1) * sizeof **in);
	(*in)[*n] = (lint_input){xstrdup(path), dir, folder ? xstrdup(folder) : NULL};
	(*n)++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_dir(const char *dir, lint_input **in, size_t *n, mp_error *err)
{
	char **subs;
	size_t nsubs;
	if (migdir_list(dir, &subs, &nsubs, err) < 0)
		return MP_EIO;
	for (size_t i = 0; i < nsubs; i++) {
		char *sub = fs_join(dir, subs[i]), *file = fs_join(sub, "migration.sql");
		if (fs_exists(file))
			push_input(in, n, file, dir, subs[i]);
		free(sub);
		free(file);
	}
	fs_free_list(subs, nsubs);
	DIR *d = opendir(dir);
	if (!d)
		return mp_error_set(err, MP_EIO, "cannot list %s", dir);
	char **files = NULL;
	size_t nfiles = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0 && e->d_name[0] != '.') {
			char *p = fs_join(dir, e->d_name);
			if (!fs_is_dir(p)) {
				files = xrealloc(files, (nfiles + 1) * sizeof *files);
				files[nfiles++] = p;
			} else {
				free(p);
			}
		}
	}
	closedir(d);
	if (nfiles)
		qsort(files, nfiles, sizeof *files, cmp_str);
	for (size_t i = 0; i < nfiles; i++) {
		push_input(in, n, files[i], dir, NULL);
		free(files[i]);
	}
	free(files);
	return 0;
}

int lint_collect_inputs(char *const *paths, int npaths, lint_input **out, size_t *count, mp_error *err)
{
	static char *const fallback[] = {"prisma/migrations"};
	*out = NULL;
	*count = 0;
	if (npaths == 0) {
		paths = fallback;
		npaths = 1;
	}
	for (int i = 0; i < npaths; i++) {
		int rc = 0;
		if (fs_is_dir(paths[i]))
			rc = collect_dir(paths[i], out, count, err);
		else if (fs_exists(paths[i]))
			push_input(out, count, paths[i], NULL, NULL);
		else
			rc = mp_error_set(err, MP_EIO, "%s: no such file or directory", paths[i]);
		if (rc < 0) {
			lint_free_inputs(*out, *count);
			*out = NULL;
			*count = 0;
			return rc;
		}
	}
	return 0;
}

void lint_free_inputs(lint_input *in, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(in[i].path);
		free(in[i].folder);
	}
	free(in);
}

/* The locks of ALTER TABLE, subcommand by subcommand (locks.c covers every
 * other statement). */
#include "sql/locks_alter.h"
#include "sql/locks_volatility.h"
#include "sql/coltype.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

/* One ALTER TABLE subcommand: the lock it needs on the table (AlterTableGetLockLevel in
 * PostgreSQL 15's tablecmds.c, as documented on the ALTER TABLE page) and its duration. */
typedef struct {
	lock_mode mode;
	lock_duration dur;
	const char *note;
} alter_effect;

static bool sub_is(const char *sub, const char *name)
{
	return strcmp(sub, name) == 0;
}

static alter_effect add_constraint_effect(const locks_ctx *c, const json_t *con, bool fresh, lock_list *out)
{
	const char *t = sqlnode_str(con, "contype");
	/* On a table created in the same file there are no rows to check. */
	bool not_valid = sqlnode_bool(con, "skip_validation") || fresh;
	if (!t)
		return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_METADATA, NULL};
	if (strcmp(t, "CONSTR_FOREIGN") == 0) {
		lock_list_add(c, out, LOCK_SHARE_ROW_EXCLUSIVE, sqlnode_get(con, "pktable"), NULL, not_valid ? DUR_METADATA : DUR_SCAN,
		         "referenced table of the new foreign key");
		return (alter_effect){LOCK_SHARE_ROW_EXCLUSIVE, not_valid ? DUR_METADATA : DUR_SCAN,
		                      fresh       ? "FOREIGN KEY on a table created in this file: no rows to check"
		                      : not_valid ? "FOREIGN KEY NOT VALID: existing rows are not checked"
		                                  : "FOREIGN KEY: every existing row is checked"};
	}
	if (strcmp(t, "CONSTR_CHECK") == 0)
		return (alter_effect){LOCK_ACCESS_EXCLUSIVE, not_valid ? DUR_METADATA : DUR_SCAN,
		                      fresh       ? "CHECK on a table created in this file: no rows to check"
		                      : not_valid ? "CHECK NOT VALID: existing rows are not checked"
		                                  : "CHECK: every existing row is checked"};
	if (strcmp(t, "CONSTR_PRIMARY") == 0 || strcmp(t, "CONSTR_UNIQUE") == 0) {
		if (sqlnode_str(con, "indexname"))
			return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_METADATA,
			                      "USING INDEX: the prebuilt index becomes the constraint"};
		return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_SCAN, "builds a unique index while holding the lock"};
	}
	if (strcmp(t, "CONSTR_EXCLUSION") == 0)
		return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_SCAN, "builds the exclusion index"};
	return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_METADATA, NULL};
}

static alter_effect add_column_effect(const locks_ctx *c, const json_t *coldef, lock_list *out)
{
	locks_volatility vol;
	const char *func;
	const char *why = locks_add_column_rewrite(coldef, &vol, &func);
	alter_effect e = {LOCK_ACCESS_EXCLUSIVE, why && vol == VOL_VOLATILE ? DUR_REWRITE : DUR_METADATA, why};
	json_t *con;
	const char *t;
	for (size_t it = 0; (con = sqlnode_next_constraint(coldef, &it, &t));) {
		if ((strcmp(t, "CONSTR_PRIMARY") == 0 || strcmp(t, "CONSTR_UNIQUE") == 0) && e.dur < DUR_SCAN) {
			e.dur = DUR_SCAN;
			e.note = "builds a unique index while holding the lock";
		} else if (strcmp(t, "CONSTR_FOREIGN") == 0) {
			lock_list_add(c, out, LOCK_SHARE_ROW_EXCLUSIVE, sqlnode_get(con, "pktable"), NULL, DUR_METADATA,
			         "referenced by the new column's foreign key");
		} else if (strcmp(t, "CONSTR_CHECK") == 0 && e.dur < DUR_SCAN) {
			e.dur = DUR_SCAN;
			e.note = "the CHECK is verified on every row";
		}
	}
	return e;
}

/* ALTER COLUMN … TYPE is in place when the column's type before it is known
 * (from earlier statements, or from the spec migc compiled) and the change
 * is one PostgreSQL makes in the catalog only; a USING expression or a new
 * collation is left to the rewrite PostgreSQL may do. */
static alter_effect column_type_effect(const locks_ctx *c, const json_t *cmd, const char *tkey)
{
	json_t *coldef = sqlnode_get(sqlnode_get(cmd, "def"), "ColumnDef");
	const char *col = sqlnode_str(cmd, "name");
	sql_coltype old, new;
	if (col && coldef && !sqlnode_get(coldef, "raw_default") && !sqlnode_get(coldef, "collClause") &&
	    locks_ctx_column_type(c, tkey, col, &old) && sql_coltype_of(sqlnode_get(coldef, "typeName"), &new)) {
		const sql_inplace_rule *r = sql_coltype_in_place(&old, &new);
		if (r)
			return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_METADATA, r->note};
		return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_REWRITE,
		                      "rewrites the table and its indexes: from the column's type before, the change "
		                      "is neither binary-coercible nor a limit that only grows"};
	}
	return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_REWRITE,
	                      "rewrites the table and its indexes unless the change is binary-coercible"};
}

static alter_effect alter_cmd_effect(const locks_ctx *c, const json_t *cmd, const char *tkey, lock_list *out)
{
	const char *sub = sqlnode_str(cmd, "subtype");
	json_t *def = sqlnode_get(cmd, "def");
	if (!sub)
		return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_METADATA, NULL};
	if (sub_is(sub, "AT_AddColumn"))
		return add_column_effect(c, sqlnode_get(def, "ColumnDef"), out);
	if (sub_is(sub, "AT_AlterColumnType"))
		return column_type_effect(c, cmd, tkey);
	if (sub_is(sub, "AT_SetNotNull")) {
		const char *col = sqlnode_str(cmd, "name");
		if (col && locks_ctx_has_notnull_check(c, tkey, col))
			return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_METADATA,
			                      "a validated CHECK (column IS NOT NULL) lets PostgreSQL skip the scan"};
		return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_SCAN, "every row is checked for NULL"};
	}
	if (sub_is(sub, "AT_AddConstraint"))
		return add_constraint_effect(c, sqlnode_get(def, "Constraint"), locks_ctx_created(c, tkey), out);
	if (sub_is(sub, "AT_ValidateConstraint")) {
		/* The check of a foreign key reads the referenced table row by row
		 * (SELECT … FOR KEY SHARE): ROW SHARE there. */
		const char *schema, *table, *con = sqlnode_str(cmd, "name");
		if (con && locks_ctx_fkey_target(c, tkey, con, &schema, &table))
			lock_list_add_named(c, out, LOCK_ROW_SHARE, schema, table, DUR_SCAN,
			                    "referenced table of the foreign key being validated");
		return (alter_effect){LOCK_SHARE_UPDATE_EXCLUSIVE, DUR_SCAN,
		                      "checks existing rows without blocking reads or writes"};
	}
	if (sub_is(sub, "AT_SetStatistics") || sub_is(sub, "AT_ClusterOn") || sub_is(sub, "AT_DropCluster") ||
	    sub_is(sub, "AT_SetRelOptions") || sub_is(sub, "AT_ResetRelOptions") || sub_is(sub, "AT_SetOptions") ||
	    sub_is(sub, "AT_ResetOptions") || sub_is(sub, "AT_DetachPartitionFinalize"))
		return (alter_effect){LOCK_SHARE_UPDATE_EXCLUSIVE, DUR_METADATA, NULL};
	if (sub_is(sub, "AT_AttachPartition"))
		return (alter_effect){LOCK_SHARE_UPDATE_EXCLUSIVE, DUR_SCAN,
		                      "the attached partition is locked ACCESS EXCLUSIVE and scanned unless a "
		                      "constraint proves its bound"};
	if (sub_is(sub, "AT_DetachPartition"))
		return (alter_effect){sqlnode_bool(def ? sqlnode_get(def, "PartitionCmd") : NULL, "concurrent")
		                          ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_ACCESS_EXCLUSIVE,
		                      DUR_METADATA, NULL};
	if (strstr(sub, "Trig"))
		return (alter_effect){LOCK_SHARE_ROW_EXCLUSIVE, DUR_METADATA, NULL};
	if (sub_is(sub, "AT_SetTableSpace") || sub_is(sub, "AT_SetLogged") || sub_is(sub, "AT_SetUnLogged") ||
	    sub_is(sub, "AT_SetAccessMethod"))
		return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_REWRITE, "writes a new copy of the table"};
	if (sub_is(sub, "AT_DropColumn") || sub_is(sub, "AT_DropConstraint")) {
		/* A foreign key that goes (with its column, or by name) takes its
		 * triggers off the referenced table: ACCESS EXCLUSIVE there too. */
		const char *name = sqlnode_str(cmd, "name"), *schema, *table;
		bool column = sub_is(sub, "AT_DropColumn");
		if (column)
			for (size_t it = 0; name && locks_ctx_fkey_next(c, tkey, name, &it, &schema, &table);)
				lock_list_add_named(c, out, LOCK_ACCESS_EXCLUSIVE, schema, table, DUR_METADATA,
				                    "referenced by a foreign key on the dropped column");
		else if (name && locks_ctx_fkey_target(c, tkey, name, &schema, &table))
			lock_list_add_named(c, out, LOCK_ACCESS_EXCLUSIVE, schema, table, DUR_METADATA,
			                    "referenced by the dropped foreign key");
		return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_METADATA,
		                      column ? "the column is hidden, its space reclaimed later" : NULL};
	}
	return (alter_effect){LOCK_ACCESS_EXCLUSIVE, DUR_METADATA, NULL};
}

void locks_alter_table(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const json_t *n = st->node;
	json_t *table = sqlnode_get(n, "relation");
	char *tkey = locks_relation_key(table);
	json_t *cmds = sqlnode_get(n, "cmds");
	size_t self = out->count;
	lock_list_add(c, out, LOCK_NONE, table, NULL, DUR_METADATA, NULL);
	alter_effect acc = {LOCK_NONE, DUR_METADATA, NULL};
	for (size_t i = 0; i < json_array_size(cmds); i++) {
		alter_effect e = alter_cmd_effect(c, sqlnode_get(json_array_get(cmds, i), "AlterTableCmd"), tkey ? tkey : "", out);
		if (e.mode > acc.mode)
			acc.mode = e.mode;
		if (e.dur > acc.dur || (e.dur == acc.dur && !acc.note)) {
			acc.dur = e.dur;
			acc.note = e.note;
		}
	}
	lock_item *it = &out->items[self];
	it->mode = acc.mode;
	it->duration = acc.dur;
	it->note = acc.note ? xstrdup(acc.note) : NULL;
	free(tkey);
}

/* The checked model: what a lifecycle means, with every name resolved and
 * every SQL fragment rendered. The checker (compiler/check.c) builds it from
 * the AST only when there were no errors; the planner (compiler/plan.c) and
 * the operations (ops/) read nothing else. */
#ifndef MIGPLAN_OPS_MODEL_H
#define MIGPLAN_OPS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "grammar/ast.h"

typedef struct {
	const char *schema; /* NULL: unqualified, resolved through search_path
	                     * (so one plan serves every tenant schema) */
	const char *name;
} mdl_table;

/* A column the lifecycle adds: plain add, or the new side of rename/retype. */
typedef struct {
	ast_item_kind kind;      /* ITEM_ADD, or ITEM_RENAME / ITEM_RETYPE for their new side */
	const char *column;
	const char *type;        /* canonical SQL type */
	const char *default_sql; /* rendered literal, or NULL */
	bool default_in_expand;  /* false for rename/retype: set at contract, see plan.c */
	bool enforce_not_null;
	const char *value_sql;   /* backfill value over the row (unqualified columns), or NULL */
	const char *value_new_sql; /* the same over NEW inside the trigger; NULL for user SQL,
	                            * which the trigger evaluates over (SELECT NEW.*) */
	const char *source;      /* old column the value is mapped from, or NULL */
	bool value_is_expr;      /* value is user SQL: the trigger evaluates it over NEW */
	bool value_volatile;     /* value differs at every evaluation (gen_random_uuid()) */
	const char **reads;      /* the columns the value reads: a change to one of them by a
	                          * writer that left this column alone recomputes it */
	size_t nreads;
	bool synced;             /* needs the sync trigger (value comes from other columns,
	                          * or is volatile) */
	const char *reverse_sql; /* reverse_target's value from the new column(s), or NULL */
	const char *reverse_new_sql; /* the same over NEW, or NULL as above */
	const char *reverse_target; /* the old column a write to this one is carried back to */
	const char **reverse_reads; /* the new columns the reverse reads: a statement naming one
	                             * carries the write back */
	size_t nreverse_reads;
	const char *temp_default_sql; /* a constant backfill's value as the column default during
	                               * the window only (no default given): old versions' inserts
	                               * and existing rows read it at no cost */
	bool default_separate;   /* the expand sets the default after adding the column, so that
	                          * existing rows stay NULL for a backfill of another value */
	long batch;
	mp_span span;
} mdl_add;

typedef struct {
	const char *column;
	const char *type;
	const char *default_sql;
	bool not_null;
	const char *refill_sql; /* value to put back on rollback, over the row, or NULL */
	const char *refill_new_sql; /* the same over NEW (the sync trigger's reverse), or NULL */
	const char *refill_note; /* why some values cannot come back, or NULL */
	long refill_batch;       /* rows per batch of the refill: the replacing add's */
	long long window_ms;
} mdl_retire;

typedef struct {
	const char *name;
	bool unique, as_constraint;
	const char **columns;
	size_t ncolumns;
	const char *where_sql;
	const char *method;
	const char *sample_query; /* a query whose plan should use the index */
} mdl_index;

typedef struct {
	const char *name;
	const char **columns;
	size_t ncolumns;
	mdl_table ref;
	const char **ref_columns;
	size_t nref_columns;
	const char *on_delete, *on_update;
} mdl_fk;

typedef struct {
	const char *name;
	const char *expr;
} mdl_check;

/* enforce not null on a column the table already has: its NULLs filled
 * (by a trigger for every write during the window, by batches for the rows
 * there), then NOT NULL through a validated check (ops/fill.c). */
typedef struct {
	const char *column;
	const char *value_sql;     /* the fill over the row: a literal or the user's expression */
	const char *value_new_sql; /* the same over NEW, or NULL for user SQL (evaluated over (SELECT NEW.*)) */
	long batch;
	mp_span span;
} mdl_fill;

typedef struct {
	const char *name;
	const char *up, *down;
	mp_span up_span, down_span; /* the dollar-quoted texts in the spec: compile's lint reports there */
	bool no_transaction;
	bool before_expand;
} mdl_sql;

/* An in-place change of one column (alter): each part is metadata only. */
typedef struct {
	const char *column;
	const char *old_type, *new_type; /* canonical SQL; new_type NULL: type unchanged */
	const char *type_why;            /* why the type change is in place */
	bool down_rewrites;              /* changing back rewrites the table (a narrowing) */
	bool drop_not_null;
	bool set_default, drop_default;
	const char *default_sql, *old_default_sql; /* rendered literals, or NULL */
	const char *comment_sql, *old_comment_sql; /* quoted literals; NULL: none ("IS NULL") */
	bool set_comment;
} mdl_alter;
/* enum TYPE add value / rename value: a change of a type the lifecycle's
 * table has a column of (ops/enum.c). */
typedef struct {
	bool rename;
	mdl_table type;        /* the enum type, qualified only when written so */
	const char *value;     /* added, or renamed from */
	const char *neighbor;  /* add: BEFORE/AFTER this value, or NULL (last) */
	bool after;
	const char *new_value; /* rename: the new label */
} mdl_enum;

typedef struct {
	const char *name;
	const char *id; /* 14 digits */
	const char *spec_path;
	const mp_source *src;
	mdl_table table;
	const char *key;
	long long lock_timeout_ms, statement_timeout_ms, window_ms, watchdog_ms;
	long long batch_time_ms; /* what a backfill batch may hold its locks; 0: migrun's default */
	int max_pending;
	mdl_add *adds;
	size_t nadds;
	mdl_retire *retires;
	size_t nretires;
	mdl_index *indexes;
	size_t nindexes;
	mdl_fk *fks;
	size_t nfks;
	mdl_check *checks;
	size_t nchecks;
	mdl_sql *sqls;
	size_t nsqls;
	mdl_fill *fills;
	size_t nfills;
	mdl_alter *alters;
	size_t nalters;
	mdl_enum *enums;
	size_t nenums;
	/* rename table to NEW (ops/rename_table.c): the table's new name, in the
	 * same schema, or NULL. table keeps the name the lifecycle starts from. */
	const char *new_table;
	const ast_lifecycle *ast;
} mdl_lifecycle;

typedef struct {
	mp_arena arena;
	mdl_lifecycle *lifecycles; /* sorted by id */
	size_t count;
} mdl_model;

void model_free(mdl_model *m);

#endif

/* The syntax tree of a .mig spec, exactly as written. Every node carries the
 * byte span it came from so later stages can point at it. The checker turns
 * this into a model (model.h); nothing here is validated yet. */
#ifndef MIGPLAN_AST_H
#define MIGPLAN_AST_H

#include <stdbool.h>
#include <stddef.h>
#include "util/arena.h"
#include "util/source.h"

typedef struct {
	char *text; /* unquoted, case as written */
	mp_span span;
} ast_name;

typedef enum { LIT_STRING, LIT_NUMBER, LIT_BOOL, LIT_NULL } ast_lit_kind;

typedef struct {
	ast_lit_kind kind;
	char *text; /* string contents unescaped; number as written; "true"/"false" */
	mp_span span;
} ast_literal;

typedef struct {
	char *schema;      /* user types only: "billing"."Role" */
	char *base;        /* word(s) before any arguments, as written */
	bool user_defined; /* quoted: an enum or domain, taken as is */
	int nargs;
	long args[2];
	const char *tz;    /* "with time zone" / "without time zone" / NULL */
	bool tz_bad;       /* WITH <not time> ZONE */
	bool array;
	mp_span span;
} ast_type;

typedef struct {
	bool is_else;
	ast_literal key;
	ast_literal value;
	mp_span span;
} ast_map_entry;

typedef enum { SRC_NONE, SRC_CONST, SRC_COLUMN, SRC_EXPR } ast_src_kind;

/* Where values come from: backfill sources and reverse mappings. */
typedef struct {
	ast_src_kind kind;
	ast_literal constant; /* SRC_CONST */
	ast_name column;      /* SRC_COLUMN */
	ast_map_entry *map;   /* SRC_COLUMN, optional */
	size_t nmap;
	char *expr;           /* SRC_EXPR: raw SQL expression over the row */
	mp_span span;
} ast_source;

typedef enum {
	ITEM_SET,
	ITEM_ADD,
	ITEM_ENFORCE,
	ITEM_RETIRE,
	ITEM_RENAME,
	ITEM_RETYPE,
	ITEM_INDEX,
	ITEM_UNIQUE,
	ITEM_FOREIGN_KEY,
	ITEM_CHECK,
	ITEM_SQL,
	ITEM_ALTER,
	ITEM_ENUM_ADD,
	ITEM_ENUM_RENAME,
	ITEM_RENAME_TABLE, /* rename table to NEW: the lifecycle's table */
} ast_item_kind;

/* Options written twice in one item: how many, and where the first repeat
 * stands, so the checker reports it there. */
typedef struct {
	int count;
	mp_span first;
} ast_repeats;

/* Column options in any order; has_* records that one was written, so the
 * checker can report duplicates at their place. */
typedef struct {
	ast_literal deflt;
	bool has_default;
	bool drop_default; /* alter: no default */
	mp_span drop_default_span;
	char *comment;     /* alter: comment 'text' */
	mp_span comment_span;
	bool not_null, has_nullability;
	mp_span nullability_span;
	ast_source backfill;
	ast_source reverse;
	char *using_expr; /* retype: forward expression */
	mp_span using_span;
	long batch;
	bool has_batch;
	mp_span batch_span;
	char *after; /* retire ... after 72h */
	mp_span after_span;
	ast_repeats repeats;
} ast_colopts;

typedef struct {
	ast_name schema; /* text NULL when not given */
	ast_name name;
	mp_span span;
} ast_qname;

/* index / unique NAME ON (COLUMNS) and its options, in any order. */
typedef struct {
	ast_name *columns;
	size_t ncolumns;
	char *where_expr; /* where $$…$$: a partial index */
	mp_span where_span;
	char *method;     /* using IDENT */
	mp_span method_span;
	bool as_constraint;
	/* From the end of the column list to `constraint`: bison spans the
	 * left-recursive option list, so the options written before are inside. */
	mp_span as_constraint_span;
	char *sample_query; /* explain $$SELECT …$$ */
	mp_span sample_span;
	ast_repeats repeats;
} ast_index_opts;

/* foreign key NAME (COLUMNS) references TABLE (COLUMNS) and its actions. */
typedef struct {
	ast_name *columns;
	size_t ncolumns;
	ast_qname ref_table;
	ast_name *ref_columns;
	size_t nref_columns;
	char *on_delete, *on_update; /* SQL words ("SET NULL"), NULL when not given */
	mp_span on_delete_span, on_update_span;
	ast_repeats repeats;
} ast_fk_opts;

/* enum TYPE add value 'v' [before|after 'w'];  enum TYPE rename value 'v' to 'w'; */
typedef struct {
	ast_qname type;
	ast_literal value;    /* the value added, or the one renamed */
	ast_literal neighbor; /* add: before/after which value; kind LIT_NULL when not given */
	bool after;
	ast_literal new_value; /* rename: its new label */
} ast_enum_opts;

/* check NAME $$EXPR$$ */
typedef struct {
	char *expr;
	mp_span expr_span;
} ast_check_opts;

typedef struct ast_item {
	ast_item_kind kind;
	mp_span span;
	mp_span keyword_span;
	ast_name name;   /* column (add/enforce/retire/alter), old column (rename/retype), object name, setting */
	/* add, retire, rename, retype */
	ast_name target; /* new column (rename/retype), new table name (rename table) */
	ast_type type;
	bool has_type;
	ast_colopts opts;
	ast_type old_type;     /* retype, alter: the old column's type and options */
	ast_colopts old_opts;
	/* set */
	char *value;
	mp_span value_span;
	ast_index_opts index; /* index, unique */
	ast_fk_opts fk;       /* foreign key */
	ast_check_opts check; /* check */
	ast_enum_opts enumv;  /* enum add value, enum rename value */
	/* sql: the texts and their places */
	char *up_sql, *down_sql;
	mp_span up_span, down_span;
	bool no_transaction;
	struct ast_item *next;
} ast_item;

typedef struct ast_lifecycle {
	ast_name name;
	char *id; /* 14 digits as written */
	mp_span id_span;
	ast_qname table;
	ast_item *items;
	mp_span span;
	bool had_errors; /* syntax errors inside: the checker skips it */
	struct ast_lifecycle *next;
} ast_lifecycle;

typedef struct {
	mp_arena arena;
	const mp_source *src;
	ast_lifecycle *lifecycles;
} ast_spec;

#endif

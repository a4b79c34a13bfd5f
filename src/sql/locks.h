/* What a statement locks: for each relation it touches, the table-level lock
 * mode PostgreSQL 15 takes ("Explicit Locking", table 13.2, and the lock
 * level of every ALTER TABLE form in its reference page), what that mode
 * blocks, and how long it is held: a catalog change, work proportional to the
 * rows touched, a full scan or a full rewrite. docs/locks.md is the table in
 * prose, with its sources. */
#ifndef MIGPLAN_LOCKS_H
#define MIGPLAN_LOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include "sql/sqlparse.h"

/* Weakest to strongest, in PostgreSQL's own order. */
typedef enum {
	LOCK_NONE,
	LOCK_ACCESS_SHARE,
	LOCK_ROW_SHARE,
	LOCK_ROW_EXCLUSIVE,
	LOCK_SHARE_UPDATE_EXCLUSIVE,
	LOCK_SHARE,
	LOCK_SHARE_ROW_EXCLUSIVE,
	LOCK_EXCLUSIVE,
	LOCK_ACCESS_EXCLUSIVE,
} lock_mode;

typedef enum {
	DUR_METADATA, /* catalog change only: held for an instant once granted */
	DUR_ROWS,     /* proportional to the rows the statement touches */
	DUR_SCAN,     /* reads the whole table (validation, index build) */
	DUR_REWRITE,  /* writes a new copy of the whole table */
} lock_duration;

enum {
	BLOCKS_READS = 1,  /* SELECT (ACCESS SHARE) waits */
	BLOCKS_WRITES = 2, /* INSERT/UPDATE/DELETE (ROW EXCLUSIVE) waits */
	BLOCKS_DDL = 4,    /* schema changes, VACUUM, index builds wait */
};

typedef struct {
	lock_mode mode;
	char *relation;     /* as written: User, public.User */
	char *key;          /* schema-qualified (public when unqualified) */
	lock_duration duration;
	bool new_relation;  /* created earlier in the same file: nobody uses it yet */
	char *note;         /* why this mode or duration, or NULL */
	int location;       /* byte offset of the relation's name, -1 if none */
} lock_item;

typedef struct {
	lock_item *items;
	size_t count, cap;
} lock_list;

typedef enum {
	TX_NONE,     /* a lone statement: autocommit, outside a transaction block */
	TX_IMPLICIT, /* one of several statements sent as one query (Prisma) */
	TX_EXPLICIT, /* between BEGIN and COMMIT */
} lock_tx;

/* What earlier statements (this file and previous ones) established. */
typedef struct locks_ctx locks_ctx;

locks_ctx *locks_ctx_new(void);
void locks_ctx_free(locks_ctx *c);
/* Starts a new file: tables created by earlier files are no longer new;
 * validated checks stay known. */
void locks_ctx_begin_file(locks_ctx *c);
/* Records the effects of st (tables created, validated NOT NULL checks). */
void locks_ctx_update(locks_ctx *c, const sql_stmt *st);
bool locks_ctx_created(const locks_ctx *c, const char *key);
/* True when a validated CHECK (column IS NOT NULL) exists on table. */
bool locks_ctx_has_notnull_check(const locks_ctx *c, const char *table_key, const char *column);

/* Appends st's locks to out (in the context of earlier statements). */
void locks_analyze(const locks_ctx *c, const sql_stmt *st, lock_list *out);
void lock_list_free(lock_list *l);

/* How Prisma runs each statement of a file: one entry per statement. */
void locks_tx_states(const sql_file *f, lock_tx *out);

const char *lock_mode_name(lock_mode m);
const char *lock_duration_name(lock_duration d);
const char *lock_tx_name(lock_tx t);
unsigned lock_blocks(lock_mode m);
bool lock_conflicts(lock_mode a, lock_mode b);

/* Helpers lint shares. */
char *locks_relation_key(const json_t *rangevar);   /* NULL if not a RangeVar */
char *locks_relation_name(const json_t *rangevar);  /* as written */
typedef enum { VOL_STABLE, VOL_UNKNOWN, VOL_VOLATILE } locks_volatility;
/* Volatility of a default expression; *func names the function that decided. */
locks_volatility locks_expr_volatility(const json_t *expr, const char **func);
/* Why ADD COLUMN rewrites the table (volatile default, serial, identity,
 * stored generated column), or NULL when it does not. def is a ColumnDef. */
const char *locks_add_column_rewrite(const json_t *coldef, locks_volatility *vol, const char **func);

#endif

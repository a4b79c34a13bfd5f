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
/* The analyzer's parts, also API: the lock list types, the context of
 * earlier statements, the volatility of defaults. */
#include "sql/lock_list.h"
#include "sql/locks_ctx.h"
#include "sql/locks_volatility.h"

enum {
	BLOCKS_READS = 1,  /* SELECT (ACCESS SHARE) waits */
	BLOCKS_WRITES = 2, /* INSERT/UPDATE/DELETE (ROW EXCLUSIVE) waits */
	BLOCKS_DDL = 4,    /* schema changes, VACUUM, index builds wait */
};

typedef enum {
	TX_NONE,     /* a lone statement: autocommit, outside a transaction block */
	TX_IMPLICIT, /* one of several statements sent as one query (Prisma) */
	TX_EXPLICIT, /* between BEGIN and COMMIT */
} lock_tx;

/* Appends st's locks to out (in the context of earlier statements). */
void locks_analyze(const locks_ctx *c, const sql_stmt *st, lock_list *out);

/* How Prisma runs each statement of a file: one entry per statement. */
void locks_tx_states(const sql_file *f, lock_tx *out);

const char *lock_mode_name(lock_mode m);
const char *lock_duration_name(lock_duration d);
const char *lock_tx_name(lock_tx t);
unsigned lock_blocks(lock_mode m);
bool lock_conflicts(lock_mode a, lock_mode b);

#endif

/* The locks of a DO block: locks.c's handler for that statement kind, in a
 * file of its own because it parses PL/pgSQL. */
#ifndef MIGPLAN_LOCKS_DO_H
#define MIGPLAN_LOCKS_DO_H

#include "sql/lock_list.h"

/* Appends the locks of the SQL statements in the DO block st (PL/pgSQL
 * only; dynamic EXECUTE cannot be known and adds nothing). When the block
 * commits, its locks are marked batched. */
void locks_do_block(const locks_ctx *c, const sql_stmt *st, lock_list *out);

#endif

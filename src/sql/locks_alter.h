/* The locks of ALTER TABLE, subcommand by subcommand: locks.c's handler for
 * that statement kind, in a file of its own. */
#ifndef MIGPLAN_LOCKS_ALTER_H
#define MIGPLAN_LOCKS_ALTER_H

#include "sql/lock_list.h"

/* Appends the locks of the ALTER TABLE statement st to out. */
void locks_alter_table(const locks_ctx *c, const sql_stmt *st, lock_list *out);

#endif

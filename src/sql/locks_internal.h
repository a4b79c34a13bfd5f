/* Shared between locks.c and locks_alter.c; not part of the module's API. */
#ifndef MIGPLAN_LOCKS_INTERNAL_H
#define MIGPLAN_LOCKS_INTERNAL_H

#include "sql/locks.h"

/* Appends one lock on rv (or on the relation called name when rv is NULL). */
void locks_add_lock(const locks_ctx *c, lock_list *l, lock_mode m, const json_t *rv, const char *name,
                    lock_duration d, const char *note);
/* The locks an ALTER TABLE statement (node n) takes, per subcommand. */
void locks_alter_table(const locks_ctx *c, const json_t *n, lock_list *out);

#endif

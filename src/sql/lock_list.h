/* A statement's locks as a list of lock items, and the one way items are
 * added to it (shared by locks.c and locks_alter.c). The types are part of
 * locks.h's API. */
#ifndef MIGPLAN_LOCK_LIST_H
#define MIGPLAN_LOCK_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include "sql/locks_ctx.h"

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

typedef struct {
	lock_mode mode;
	char *relation;     /* as written: User, public.User */
	char *schema;       /* as written, NULL when unqualified */
	char *table;        /* the relation's own name */
	char *key;          /* schema-qualified (public when unqualified) */
	lock_duration duration;
	bool new_relation;  /* created earlier in the same file: nobody uses it yet */
	bool batched;       /* inside a DO block that commits: released at its next COMMIT */
	char *note;         /* why this mode or duration, or NULL */
	int location;       /* byte offset of the relation's name, -1 if none */
	const char *object; /* NULL: a table lock (relation is a table). "type": a lock on
	                     * the type called relation (ALTER TYPE … ADD/RENAME VALUE takes
	                     * EXCLUSIVE on the type object, no lock on any table), which
	                     * conflicts only with other locks on that type */
} lock_item;

/* Grown by lock_list_add and lock_list_take alone, from {0} (util/vec.h). */
typedef struct {
	lock_item *items;
	size_t count;
} lock_list;

/* Appends one lock on rv (or on the relation called name when rv is NULL);
 * c says whether the relation is new. */
void lock_list_add(const locks_ctx *c, lock_list *l, lock_mode m, const json_t *rv, const char *name,
                   lock_duration d, const char *note);
/* The same for a relation known by its parts (schema NULL: unqualified). */
void lock_list_add_named(const locks_ctx *c, lock_list *l, lock_mode m, const char *schema, const char *table,
                         lock_duration d, const char *note);
/* Moves every item of from to the end of to, leaving from empty. */
void lock_list_take(lock_list *to, lock_list *from);
/* Frees the items and empties l. */
void lock_list_free(lock_list *l);

#endif

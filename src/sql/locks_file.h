/* A file's locks as a step header declares them: each relation and mode
 * once, in the order its statements take them, with how long each one bites
 * in the file's context. The compiler computes every step's lock list with
 * it from the SQL it has just written, so there is one source of lock truth:
 * the same analysis `migc explain` and lint use. */
#ifndef MIGPLAN_LOCKS_FILE_H
#define MIGPLAN_LOCKS_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include "sql/locks.h"

/* How long a lock bites, as a header says it; in order, least to worst. */
typedef enum {
	BITE_BRIEF,          /* catalog only */
	BITE_INDEX_UNUSED,   /* DROP INDEX CONCURRENTLY */
	BITE_BATCH,          /* inside a DO block that commits: a batch at a time */
	BITE_ROWS,           /* the rows a statement writes */
	BITE_SCAN,           /* a full scan */
	BITE_BUILD,          /* CREATE INDEX CONCURRENTLY */
	BITE_BUILD_BLOCKING, /* a plain CREATE INDEX */
	BITE_REWRITE_ALL,    /* every row written while reads are blocked */
} lock_bite;

typedef struct {
	lock_mode mode;
	char *schema; /* as written, NULL when unqualified */
	char *table;
	lock_bite bite;
	lock_mode held; /* the strongest mode held on the table meanwhile */
	const char *object; /* NULL: a table; "type": a lock on the type called table
	                     * (lock_item.object), which the manifest's table locks leave out */
} file_lock;

/* Grown by locks_file_summarize alone, from {0}. */
typedef struct {
	file_lock *items;
	size_t count;
} file_locks;

/* Analyses f's statements in order, updating c as they go. one_transaction:
 * the file runs as one transaction, so a lock is held to its end and bites
 * with the strongest mode taken before it. ACCESS SHARE is left out: every
 * read takes it, and only ACCESS EXCLUSIVE waits for it. */
void locks_file_summarize(locks_ctx *c, const sql_file *f, bool one_transaction, file_locks *out);
/* "brief: catalog only", "held during a full scan; reads and writes go on", … */
const char *lock_bite_text(const file_lock *l);
void file_locks_free(file_locks *l);

#endif

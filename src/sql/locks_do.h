/* A DO block's SQL: its PL/pgSQL parsed by PostgreSQL's own parser into the
 * static statements it runs, for the lock analyzer (locks.c's handler for
 * DO) and lint alike. */
#ifndef MIGPLAN_LOCKS_DO_H
#define MIGPLAN_LOCKS_DO_H

#include <stdbool.h>
#include "sql/lock_list.h"

typedef struct {
	sql_file **files; /* one per embedded statement (PERFORM as SELECT), in order */
	char **texts;     /* each one's text, which its spans index */
	size_t nfiles;
	bool commits;     /* COMMIT or ROLLBACK inside: the block runs in batches */
	bool dynamic;     /* EXECUTE of a string: SQL that cannot be known */
	bool unparsed;    /* not PL/pgSQL, or PostgreSQL's parser refused it */
	char *error;      /* the parser's message when it refused it, or NULL */
} sql_do_block;

/* Reads the DO statement st; free with sql_do_block_free. */
void sql_do_block_read(const sql_stmt *st, sql_do_block *out);
void sql_do_block_free(sql_do_block *b);

/* Appends the locks of the block's statements, batched when it commits;
 * dynamic SQL adds nothing. */
void locks_do_block(const locks_ctx *c, const sql_stmt *st, lock_list *out);

#endif

/* What earlier statements (this file and the files before it) established,
 * as the lock analyzer and lint read it: the tables created in this file
 * (new, so nobody uses them yet), the columns a validated CHECK (col IS NOT
 * NULL) proves not null, the table of each index, the referenced table
 * of each foreign key and the type of each column. Keyed by
 * schema-qualified relation names. Part of locks.h's API; below locks.c, locks_alter.c and lock_list.c. */
#ifndef MIGPLAN_LOCKS_CTX_H
#define MIGPLAN_LOCKS_CTX_H

#include <stdbool.h>
#include "sql/sqlparse.h"
#include "sql/coltype.h"

typedef struct locks_ctx locks_ctx;

locks_ctx *locks_ctx_new(void);
void locks_ctx_free(locks_ctx *c);
/* A copy, to analyse a file (a DOWN) without changing what later files see. */
locks_ctx *locks_ctx_clone(const locks_ctx *c);
/* Starts a new file: tables created by earlier files are no longer new;
 * validated checks stay known. */
void locks_ctx_begin_file(locks_ctx *c);
/* Records the effects of st (tables created, validated NOT NULL checks). */
void locks_ctx_update(locks_ctx *c, const sql_stmt *st);
bool locks_ctx_created(const locks_ctx *c, const char *key);
/* True when a validated CHECK (column IS NOT NULL) exists on table. */
bool locks_ctx_has_notnull_check(const locks_ctx *c, const char *table_key, const char *column);

/* The table of an index created earlier (index_key schema-qualified), and
 * the table a foreign key added earlier references: false when unknown. */
bool locks_ctx_index_table(const locks_ctx *c, const char *index_key, const char **schema, const char **table);
bool locks_ctx_fkey_target(const locks_ctx *c, const char *table_key, const char *conname, const char **schema,
                           const char **table);
/* The referenced tables of table's foreign keys (only those on column when
 * it is not NULL), one per call from *it = 0; false after the last. */
bool locks_ctx_fkey_next(const locks_ctx *c, const char *table_key, const char *column, size_t *it,
                         const char **schema, const char **table);

/* A column's type as the statements before left it (CREATE TABLE, ADD
 * COLUMN, ALTER COLUMN … TYPE), or as the compiler knows it from a spec:
 * false when unknown. set with t NULL forgets it. */
bool locks_ctx_column_type(const locks_ctx *c, const char *table_key, const char *column, sql_coltype *out);
void locks_ctx_set_column_type(locks_ctx *c, const char *table_key, const char *column, const sql_coltype *t);

/* A RangeVar's relation, schema-qualified (public when unqualified): the
 * context's key. NULL if not a RangeVar. */
char *locks_relation_key(const json_t *rangevar);
/* The same as written: User, public.User. */
char *locks_relation_name(const json_t *rangevar);

#endif

/* What the runtime needs to know about a migration file's text without a
 * SQL parser (migrun carries no parser): whether it may run inside our own
 * transaction, which index a CONCURRENTLY build creates, and the DOWN's
 * warnings. The scanner skips comments, string literals, quoted identifiers
 * and dollar-quoted bodies. */
#ifndef MIGPLAN_SQLTEXT_H
#define MIGPLAN_SQLTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when the file can run inside BEGIN ... COMMIT exactly as it runs as
 * one implicit transaction under `prisma migrate deploy`. False for anything
 * that manages transactions itself or refuses a transaction block
 * (CONCURRENTLY, VACUUM, COMMIT, CALL, CREATE DATABASE, ...): such a file is
 * run alone, as Prisma runs it. Errs on the side of false. */
bool sqltext_wrappable(const char *sql);
/* True when the file mentions CONCURRENTLY outside comments and literals. */
bool sqltext_concurrently(const char *sql);
/* For "CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON [ONLY]
 * [schema.]table": the index name and the table's schema (NULL when not
 * written). Returns false for any other statement. */
bool sqltext_created_index(const char *sql, char **name, char **schema);
/* Where each part of a file in parts starts (migdir/mark.h): 0, then the
 * offset of every separator line outside literals and bodies; *n >= 1. Part
 * i is [starts[i], starts[i + 1]) (the separator line is a comment of the
 * part it opens). Free *starts. */
void sqltext_parts(const char *sql, size_t **starts, size_t *n);
/* The text after "-- WARNING:" of every such line; free each and the array. */
void sqltext_warnings(const char *sql, char ***lines, size_t *n);

#endif

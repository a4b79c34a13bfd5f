/* The tables and columns a migrations folder creates, replayed from its
 * migration.sql files with PostgreSQL's parser: CREATE TABLE, ALTER TABLE
 * ADD/DROP/RENAME COLUMN, ALTER TABLE RENAME, DROP TABLE. What cannot be
 * known (a file that does not parse, CREATE TABLE AS/LIKE/INHERITS, a DO
 * block, dynamic SQL) makes the tables it may touch unknown rather than
 * guessed, so a check built on it never reports a column that may exist. */
#ifndef MIGPLAN_SQL_REPLAY_H
#define MIGPLAN_SQL_REPLAY_H

#include <stdbool.h>

typedef struct sql_replay sql_replay;

sql_replay *sql_replay_new(void);
void sql_replay_free(sql_replay *r);
/* Applies one file (NUL-terminated). */
void sql_replay_file(sql_replay *r, const char *sql);
/* 1: the table has the column; 0: the table is known and has not; -1: the
 * table is not known (or what happened to it cannot be). schema NULL means
 * unqualified, taken as public (as Prisma's unqualified DDL is). */
int sql_replay_has_column(const sql_replay *r, const char *schema, const char *table, const char *column);

#endif

/* Does this text parse as PostgreSQL? (libpg_query: the real parser.) */
#ifndef MIGPLAN_SQLCHECK_H
#define MIGPLAN_SQLCHECK_H

#include "buf.h"

/* 0 when sql parses; otherwise non-zero with the parser's message and
 * position written into msg. */
int sqlcheck_parse(const char *sql, mp_buf *msg);
/* Number of top-level statements, or -1 when it does not parse. */
int sqlcheck_count_statements(const char *sql);

#endif

/* Durations as the spec and the manifest write them: 500ms, 30s, 15m, 72h, 2d. */
#ifndef MIGPLAN_DURATION_H
#define MIGPLAN_DURATION_H

#include <stdbool.h>

/* Parses "<digits><unit>" into milliseconds; false on a bad unit or overflow. */
bool duration_parse(const char *text, long long *ms);
/* Shortest exact form ("72h", "1500ms"); out needs 32 bytes. */
void duration_format(long long ms, char out[32]);

/* The same in a form PostgreSQL's GUCs accept (minutes are "min" there). */
void duration_format_pg(long long ms, char out[32]);

#endif

/* A source text with its name. Nodes store byte offsets (as PostgreSQL's
 * parser does); line and column are computed only when reporting. */
#ifndef MIGPLAN_SOURCE_H
#define MIGPLAN_SOURCE_H

#include <stddef.h>
#include "util/error.h"

typedef struct {
	int start; /* byte offset of the first byte */
	int end;   /* byte offset one past the last byte */
} mp_span;

typedef struct {
	char *path; /* as given: what diagnostics show */
	char *name; /* malloc'ed name recorded in generated files, or NULL: path (source_name) */
	char *text; /* NUL-terminated */
	size_t len;
	size_t *line_starts;
	size_t nlines;
} mp_source;

int source_load(const char *path, mp_source **out, mp_error *err);
mp_source *source_from_string(const char *path, const char *text, size_t len);
void source_free(mp_source *src);
/* The name recorded for this source: name when set, else path. */
const char *source_name(const mp_source *src);
/* 1-based line and column (column counts characters, not bytes). */
void source_position(const mp_source *src, int offset, int *line, int *col);
/* The line containing offset, without its newline. */
const char *source_line(const mp_source *src, int offset, size_t *len);

#endif

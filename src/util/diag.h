/* Diagnostics like a compiler's: "file:line:col: error: message", the source
 * line and a caret under the span. One module for the .mig front end, lint
 * and the schema reader, so every finding looks the same. */
#ifndef MIGPLAN_DIAG_H
#define MIGPLAN_DIAG_H

#include <stdbool.h>
#include <stdio.h>
#include "util/source.h"

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_severity;

typedef struct {
	diag_severity severity;
	const mp_source *src; /* borrowed; NULL for diagnostics without a place */
	mp_span span;
	char *rule;           /* lint rule name, or NULL */
	char *message;
} mp_diag;

typedef struct {
	mp_diag *items;
	size_t count, cap;
	int errors, warnings;
} diag_list;

void diag_list_init(diag_list *d);
void diag_list_free(diag_list *d);
void diag_add(diag_list *d, diag_severity sev, const mp_source *src, mp_span span, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_add_rule(diag_list *d, diag_severity sev, const mp_source *src, mp_span span, const char *rule,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Orders diagnostics by file then offset (stable), as a reader expects. */
void diag_sort(diag_list *d);
void diag_print(FILE *out, const mp_diag *dg, bool color);
void diag_print_all(FILE *out, const diag_list *d, bool color);
/* Color only on a terminal and when NO_COLOR is unset. */
bool diag_use_color(FILE *out);
const char *diag_severity_name(diag_severity s);

#endif

/* State shared by the reentrant scanner and the pure parser (no globals, so
 * several specs, or a fuzzer, can parse in one process). */
#ifndef MIGPLAN_PARSE_CTX_H
#define MIGPLAN_PARSE_CTX_H

#include "grammar/ast.h"
#include "util/buf.h"
#include "util/diag.h"

typedef struct {
	ast_spec *spec;
	diag_list *diags;
	const mp_source *src;
	int offset;       /* byte offset of the next unread character */
	int token_start;  /* start of a multi-part token (strings, dollar quotes) */
	mp_buf text;      /* contents of the string being scanned */
	char *dollar_tag; /* $tag$ that closes the current dollar quote */
	int errors_seen; /* diagnostics count when the last lifecycle ended */
} mig_parse_ctx;

#endif

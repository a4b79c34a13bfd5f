/* Tokens and scanner state shared by src/schema/prisma_lexer.l and the
 * schema.prisma parser (prisma_schema.c). */
#ifndef MIGPLAN_PRISMA_LEX_H
#define MIGPLAN_PRISMA_LEX_H

#include "util/buf.h"
#include "util/diag.h"

enum {
	PSL_TOK_EOF = 0,
	/* single characters are their own code: @ { } ( ) [ ] , : = ? . ! */
	PSL_TOK_ATAT = 256,
	PSL_TOK_IDENT,
	PSL_TOK_STRING,
	PSL_TOK_NUMBER,
};

typedef struct {
	diag_list *diags;
	const mp_source *src;
	int offset;      /* byte offset of the next unread character */
	int start, end;  /* the current token's span */
	int token_start; /* start of a string being scanned */
	mp_buf text;     /* identifier, number or unescaped string contents */
} psl_lex_ctx;

#endif

/* The tokens of a JavaScript or TypeScript file as prisma_config.c reads
 * them: enough of ECMAScript's lexical grammar (comments, strings with their
 * escapes, template literals with nested ${}, regular expression literals,
 * numbers, names, punctuators) to find an object literal and skip whatever
 * it does not need, with every bracket paired. Nothing is evaluated. */
#ifndef MIGPLAN_MIGDIR_PRISMA_CONFIG_LEX_H
#define MIGPLAN_MIGDIR_PRISMA_CONFIG_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/source.h"

typedef enum { PCT_IDENT, PCT_STRING, PCT_TEMPLATE, PCT_NUMBER, PCT_REGEX, PCT_PUNCT } pct_kind;

typedef struct {
	pct_kind kind;
	int start, end; /* bytes of the source */
	char *text;     /* IDENT: the name; PUNCT: the punctuator; STRING and TEMPLATE
	                   without ${}: the decoded value (NULL when it holds a NUL) */
	bool subst;     /* TEMPLATE: it has a ${...} */
	bool newline;   /* a line break comes between this token and the one before */
	int match;      /* ( [ {: the index of its partner, and the partner's of it; else -1 */
} pct_token;

typedef struct {
	pct_token *toks;
	size_t n;
	char *error; /* "FILE:LINE:COL: why" when the file is not valid tokens, else NULL */
} pct_list;

/* Tokens of src into *out (freed with pct_list_free); on a lexical error or
 * an unpaired bracket, out->error says where and out->n is 0. */
void pct_tokenize(const mp_source *src, pct_list *out);
void pct_list_free(pct_list *l);

/* A token is the punctuator p / the name id. */
bool pct_is(const pct_token *t, const char *p);
bool pct_is_name(const pct_token *t, const char *id);

#endif

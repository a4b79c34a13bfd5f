/* The scanner's keyword table, built from kwlist.h, and its lookup. */
#include "grammar/keywords.h"
#include "grammar/parse_ctx.h"
#include "grammar/parser.h"

#include <stdlib.h>
#include <strings.h>

typedef struct {
	const char *word;
	int token;
} keyword;

/* In kwlist.h's order, which test_keywords.c checks is sorted. */
static const keyword keywords[] = {
#define MIG_KEYWORD(word, token, category) {word, token},
#include "grammar/kwlist.h"
#undef MIG_KEYWORD
};

static int cmp_kw(const void *key, const void *elem)
{
	return strcasecmp(key, ((const keyword *)elem)->word);
}

int keyword_lookup(const char *word)
{
	const void *hit = bsearch(word, keywords, sizeof keywords / sizeof keywords[0], sizeof keywords[0], cmp_kw);
	return hit ? ((const keyword *)hit)->token : 0;
}

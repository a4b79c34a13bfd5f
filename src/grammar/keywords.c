#include "grammar/keywords.h"
#include "grammar/parse_ctx.h"
#include "grammar/parser.h"

#include <stdlib.h>
#include <strings.h>

typedef struct {
	const char *word;
	int token;
} keyword;

static const keyword keywords[] = {
	{"action", ACTION}, {"add", ADD}, {"after", AFTER}, {"as", AS}, {"at", AT},
	{"backfill", BACKFILL}, {"batch", BATCH}, {"cascade", CASCADE}, {"check", CHECK},
	{"constraint", CONSTRAINT}, {"default", DEFAULT}, {"delete", DELETE}, {"down", DOWN},
	{"else", ELSE}, {"enforce", ENFORCE}, {"explain", EXPLAIN}, {"false", FALSE}, {"foreign", FOREIGN}, {"from", FROM},
	{"index", INDEX}, {"key", KEY}, {"lifecycle", LIFECYCLE}, {"map", MAP}, {"no", NO},
	{"not", NOT}, {"null", NULL_P}, {"on", ON}, {"references", REFERENCES}, {"rename", RENAME},
	{"restrict", RESTRICT}, {"retire", RETIRE}, {"retype", RETYPE}, {"reverse", REVERSE},
	{"set", SET}, {"sql", SQL}, {"to", TO}, {"transaction", TRANSACTION}, {"true", TRUE},
	{"unique", UNIQUE}, {"up", UP}, {"update", UPDATE}, {"using", USING}, {"where", WHERE},
	{"with", WITH}, {"without", WITHOUT}, {"zone", ZONE},
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

/* Names: "did you mean" suggestions and literals rendered as SQL. */
#include "ops/names.h"
#include "util/quote.h"

#include <string.h>
#include <strings.h>

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = (a[i - 1] | 32) == (b[j - 1] | 32) ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

const char *names_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = strlen(word) / 3 + 1;
	if (best_d > 3)
		best_d = 3;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);
		if (d <= best_d && (!best || d < edit_distance(word, best)))
			best = candidates[i];
	}
	return best;
}

void names_render_literal(mp_buf *b, const ast_literal *lit)
{
	switch (lit->kind) {
	case LIT_STRING:
		sql_quote_literal(b, lit->text);
		break;
	case LIT_NUMBER:
		buf_puts(b, lit->text);
		break;
	case LIT_BOOL:
		buf_puts(b, strcasecmp(lit->text, "true") == 0 ? "TRUE" : "FALSE");
		break;
	case LIT_NULL:
		buf_puts(b, "NULL");
		break;
	}
}

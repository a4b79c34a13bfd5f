/* SQL quoting of identifiers and literals (every name and string migplan writes). */
#include "util/quote.h"

#include <string.h>

static void quote_with(mp_buf *b, const char *s, char q)
{
	buf_putc(b, q);
	for (; *s; s++) {
		if (*s == q)
			buf_putc(b, q);
		buf_putc(b, *s);
	}
	buf_putc(b, q);
}

void sql_quote_ident(mp_buf *b, const char *ident)
{
	quote_with(b, ident, '"');
}

void sql_quote_literal(mp_buf *b, const char *text)
{
	quote_with(b, text, '\'');
}

void sql_quote_qualified(mp_buf *b, const char *schema, const char *name)
{
	if (schema) {
		sql_quote_ident(b, schema);
		buf_putc(b, '.');
	}
	sql_quote_ident(b, name);
}

void sql_dollar_tag(mp_buf *tag, const char *body)
{
	for (int i = 0;; i++) {
		buf_clear(tag);
		if (i == 0)
			buf_puts(tag, "$migplan$");
		else
			buf_printf(tag, "$migplan%d$", i);
		if (!strstr(body, buf_cstr(tag)))
			return;
	}
}

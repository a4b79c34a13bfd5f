/* SQL quoting of identifiers and literals (every name and string migplan writes). */
#include "util/quote.h"

#include <stdbool.h>
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

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A literal with a control character is written as an E'' string with
 * escapes, so that every literal stays on one line: in SQL, and in the
 * `--` comments that quote it (a raw newline there would end the comment). */
void sql_quote_literal(mp_buf *b, const char *text)
{
	if (!has_control(text)) {
		quote_with(b, text, '\'');
		return;
	}
	buf_puts(b, "E'");
	for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
		switch (*s) {
		case '\'': buf_puts(b, "\\'"); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			if (*s < 0x20 || *s == 0x7f)
				buf_printf(b, "\\x%02X", *s);
			else
				buf_putc(b, (char)*s);
		}
	}
	buf_putc(b, '\'');
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

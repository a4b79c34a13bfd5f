/* SQL quoting. Every identifier migplan emits is quoted, every literal is a
 * standard-conforming string ('' doubles a quote; backslashes are plain), so
 * names such as  we"ird  or  O'Brien  round-trip unchanged. */
#ifndef MIGPLAN_QUOTE_H
#define MIGPLAN_QUOTE_H

#include "util/buf.h"

void sql_quote_ident(mp_buf *b, const char *ident);
void sql_quote_literal(mp_buf *b, const char *text);
/* "schema"."name"; schema may be NULL. */
void sql_quote_qualified(mp_buf *b, const char *schema, const char *name);
/* A dollar-quote tag that does not occur in body, e.g. $migplan$ or $migplan1$. */
void sql_dollar_tag(mp_buf *tag, const char *body);

#endif

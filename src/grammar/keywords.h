/* The keyword table, built from the one list in kwlist.h (as PostgreSQL's
 * scanner is built from its kwlist.h). */
#ifndef MIGPLAN_KEYWORDS_H
#define MIGPLAN_KEYWORDS_H

/* Token code of a keyword (case-insensitive), or 0 for an identifier. */
int keyword_lookup(const char *word);

/* The parser's name of token code tok, as bison spells it ("add" for
 * ADD, "identifier" for IDENT), or NULL when tok is no token of parser.y.
 * Defined in parser.y; lets tests compare kwlist.h with the grammar. */
const char *mig_parser_token_name(int tok);

#endif

/* The keyword table: one sorted list, as in PostgreSQL's kwlist.h. */
#ifndef MIGPLAN_KEYWORDS_H
#define MIGPLAN_KEYWORDS_H

/* Token code of a keyword (case-insensitive), or 0 for an identifier. */
int keyword_lookup(const char *word);

#endif

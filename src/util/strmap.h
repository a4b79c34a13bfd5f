/* A string -> index hash table (open addressing, FNV-1a) for lookups that
 * were linear scans and so quadratic: the checker's names (10,000 specs
 * spent seconds in strcmp) and migrun status matching ledger rows to
 * folders (10,000 migrations). Keys are borrowed: they must outlive the
 * table. */
#ifndef MIGPLAN_STRMAP_H
#define MIGPLAN_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char **keys;
	size_t *vals;
	size_t cap, n;
} strmap;

#define STRMAP_INIT {NULL, NULL, 0, 0}

/* The value of key, if present. */
bool strmap_get(const strmap *m, const char *key, size_t *val);
/* Adds key -> val; false (and no change) when key is already there. */
bool strmap_put(strmap *m, const char *key, size_t val);
void strmap_free(strmap *m);

#endif

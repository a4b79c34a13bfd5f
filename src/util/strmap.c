/* String-keyed hash map (open addressing) for names, objects and ledger rows. */
#include "util/strmap.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Slot of key, or of the empty slot where it would go. cap is a power of 2
 * and the table is at most half full, so an empty slot always exists. */
static size_t slot_of(const strmap *m, const char *key)
{
	size_t i = (size_t)hash_str(key) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

bool strmap_get(const strmap *m, const char *key, size_t *val)
{
	if (!m->cap)
		return false;
	size_t i = slot_of(m, key);
	if (!m->keys[i])
		return false;
	if (val)
		*val = m->vals[i];
	return true;
}

static void grow(strmap *m)
{
	strmap big = {xcalloc(m->cap ? m->cap * 2 : 64, sizeof *big.keys), NULL, m->cap ? m->cap * 2 : 64, m->n};
	big.vals = xcalloc(big.cap, sizeof *big.vals);
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = slot_of(&big, m->keys[i]);
		big.keys[j] = m->keys[i];
		big.vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	*m = big;
}

bool strmap_put(strmap *m, const char *key, size_t val)
{
	if (2 * (m->n + 1) > m->cap)
		grow(m);
	size_t i = slot_of(m, key);
	if (m->keys[i])
		return false;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return true;
}

void strmap_free(strmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}

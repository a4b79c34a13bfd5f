/* Bump allocator that owns an AST or a parsed schema, freed at once. */
#include "util/arena.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

struct arena_block {
	arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

void *arena_alloc(mp_arena *a, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	arena_block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 16384 ? n : 16384;
		b = xmalloc(sizeof *b + cap);
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(mp_arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(mp_arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_free(mp_arena *a)
{
	while (a->head) {
		arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

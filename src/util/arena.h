/* Bump allocator for the AST: one owner (the spec) frees every node at once. */
#ifndef MIGPLAN_ARENA_H
#define MIGPLAN_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct {
	arena_block *head;
} mp_arena;

void *arena_alloc(mp_arena *a, size_t n); /* zeroed */
char *arena_strndup(mp_arena *a, const char *s, size_t n);
char *arena_strdup(mp_arena *a, const char *s);
void arena_free(mp_arena *a);

#endif

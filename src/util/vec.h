/* Growable arrays in the shape this code base already uses, a pointer and a
 * count, with no capacity field (libgit2's git_array_t, made smaller): room is
 * 8 slots at first and doubles whenever the count reaches a power of two, so a
 * push is amortised O(1). Out of memory aborts, as xrealloc does.
 *
 *   item *v = NULL; size_t n = 0;
 *   item *it = MP_VEC_PUSH(v, n);     // zeroed slot v[n], then n += 1
 *   ... free(v);
 *
 * Only for arrays grown by MP_VEC_PUSH alone from {NULL, 0} (or emptied back
 * to n = 0): the capacity is implied by the count. ITEMS and N are evaluated
 * more than once, so they must be plain lvalues. */
#ifndef MIGPLAN_UTIL_VEC_H
#define MIGPLAN_UTIL_VEC_H

#include <stddef.h>

/* Returns items, reallocated when slot n needs room, with slot n zeroed. */
void *mp_vec_grow(void *items, size_t n, size_t elem);

#define MP_VEC_PUSH(items, n) ((items) = mp_vec_grow((items), (n), sizeof *(items)), &(items)[(n)++])

#endif

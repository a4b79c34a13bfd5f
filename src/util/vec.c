/* Growable arrays: the one growth policy behind MP_VEC_PUSH. */
#include "util/vec.h"

#include <string.h>

#include "util/buf.h"

enum { VEC_MIN = 8 };

void *mp_vec_grow(void *items, size_t n, size_t elem)
{
	/* The capacity for a count n is VEC_MIN up to VEC_MIN, then the next
	 * power of two: it is exceeded exactly when n is 0 or such a power. */
	if (n == 0 || (n >= VEC_MIN && (n & (n - 1)) == 0)) {
		size_t cap = n < VEC_MIN ? VEC_MIN : n * 2;
		items = xrealloc(items, cap * elem);
	}
	memset((char *)items + n * elem, 0, elem);
	return items;
}

/* Prisma's folder order: an emulation of localeCompare for ASCII names. */
#include "migdir/order.h"

#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"

/* Prisma sorts step folders with JavaScript's localeCompare (ICU, root /
 * en collation, non-ignorable punctuation), not bytewise. For printable
 * ASCII that is: compare by primary weight (space, punctuation in this
 * order, digits, letters case-folded), then, when equal, by case from the
 * left (lowercase first). The table was read off Node's own sort. */
static const char collation_primary[] = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

static int primary_weight(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	const char *p = strchr(collation_primary, c);
	return c && p ? (int)(p - collation_primary) : -1;
}

bool migdir_name_collatable(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (primary_weight(*p) < 0)
			return false;
	return true;
}

int migdir_name_compare(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	for (; *x && *y; x++, y++) {
		int d = primary_weight(*x) - primary_weight(*y);
		if (d)
			return d < 0 ? -1 : 1;
	}
	if (*x || *y)
		return *x ? 1 : -1;
	for (x = (const unsigned char *)a, y = (const unsigned char *)b; *x; x++, y++) {
		bool ux = *x >= 'A' && *x <= 'Z', uy = *y >= 'A' && *y <= 'Z';
		if (ux != uy)
			return ux ? 1 : -1;
	}
	/* Equal weights and case for two collatable names means equal names;
	 * only bytes outside the table can tie here. */
	int d = strcmp(a, b);
	return d < 0 ? -1 : d > 0;
}

static int cmp_name(const void *a, const void *b)
{
	return migdir_name_compare(*(char *const *)a, *(char *const *)b);
}

int migdir_list(const char *dir, char ***names, size_t *count, mp_error *err)
{
	int rc = fs_list_subdirs(dir, names, count, err);
	if (rc == MP_OK && *count)
		qsort(*names, *count, sizeof **names, cmp_name);
	return rc;
}

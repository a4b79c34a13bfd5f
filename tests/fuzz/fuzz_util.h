/* What the fuzz targets share: FUZZ_CHECK for their properties, and a scratch directory removed at exit. */
#ifndef MIGPLAN_FUZZ_UTIL_H
#define MIGPLAN_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"

/* abort() rather than assert(): the property is checked whatever NDEBUG
 * says, and the message names it before the sanitizer's stack trace;
 * libFuzzer records the abort as a crash. */
#define FUZZ_CHECK(cond)                                                                      \
	do {                                                                                      \
		if (!(cond)) {                                                                        \
			fprintf(stderr, "fuzz: %s:%d: property does not hold: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                          \
		}                                                                                     \
	} while (0)

static char fuzz_scratch[64];

static inline void fuzz_scratch_remove(void)
{
	mp_error err = {0};
	if (fuzz_scratch[0])
		fs_remove_tree(fuzz_scratch, &err);
}

/* A new directory for the target's files, in memory (/dev/shm) where there
 * is one: a target that writes files each execution runs several times
 * faster there than on disk. NULL when none can be made. */
static inline const char *fuzz_scratch_dir(const char *target)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_scratch, sizeof fuzz_scratch, "%s/migplan-%s-XXXXXX", base, target);
	if (!mkdtemp(fuzz_scratch))
		return NULL;
	atexit(fuzz_scratch_remove);
	return fuzz_scratch;
}

#endif

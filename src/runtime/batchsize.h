/* Backfill batches sized by time, not rows. A batch holds the row locks of
 * every row it updates until its COMMIT, and an application write to one of
 * those rows waits that long: so the size that matters is how long a batch
 * takes, not how many rows it has. The sizer aims each batch at a fraction
 * of a budget, from the measured duration of the last one, growing at most
 * 2x and shrinking at most 4x per batch (one slow batch on a busy machine
 * must not collapse the rate), within [BATCH_MIN_ROWS, cap]. The manifest's
 * `batch` is the cap; batches start small and grow, so the first one cannot
 * be the longest hold of the whole backfill. A budget of 0 keeps every batch
 * at the cap (the manifest's fixed size, as before). Pure: unit-tested. */
#ifndef MIGPLAN_BATCHSIZE_H
#define MIGPLAN_BATCHSIZE_H

#include <stdbool.h>

/* The default budget: what a batch may hold its locks (docs/runtime.md,
 * "Batches sized by time", measured by bench/backfill.sh). */
#define BATCH_TIME_DEFAULT_MS 20
#define BATCH_MIN_ROWS 10
#define BATCH_START_ROWS 200

typedef struct {
	long cap;             /* never more rows per batch */
	long long budget_us;  /* 0: fixed batches of cap rows */
	long size;            /* the next batch's LIMIT */
	long long longest_us; /* the longest batch so far */
	long long batches;    /* batches observed */
} batch_sizer;

void batch_sizer_init(batch_sizer *s, long cap, long long budget_ms);
/* A batch of s->size rows took took_us (from its first write to its COMMIT);
 * full: it had all s->size rows (not the last, shorter one), so its time
 * says how long that many rows take. Sets s->size for the next batch. */
void batch_sizer_observe(batch_sizer *s, long long took_us, bool full);

#endif

/* Backfill batch sizes from measured batch durations (runtime/batchsize.h). */
#include "runtime/batchsize.h"

/* Aim under the budget, not at it: the next batch's rows cost what the last
 * ones did only roughly (other sessions, cache, autovacuum). */
#define AIM_NUM 3
#define AIM_DEN 4

static long clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void batch_sizer_init(batch_sizer *s, long cap, long long budget_ms)
{
	s->cap = cap > 0 ? cap : 1;
	s->budget_us = budget_ms > 0 ? budget_ms * 1000 : 0;
	s->size = s->budget_us && BATCH_START_ROWS < s->cap ? BATCH_START_ROWS : s->cap;
	s->longest_us = 0;
	s->batches = 0;
}

void batch_sizer_observe(batch_sizer *s, long long took_us, bool full)
{
	s->batches++;
	if (took_us > s->longest_us)
		s->longest_us = took_us;
	if (!s->budget_us || !full)
		return;
	if (took_us < 1)
		took_us = 1;
	double want = (double)s->size * (double)(s->budget_us * AIM_NUM / AIM_DEN) / (double)took_us;
	double lo = (double)s->size / 4, hi = (double)s->size * 2;
	want = want < lo ? lo : want > hi ? hi : want;
	s->size = clamp((long)want, BATCH_MIN_ROWS < s->cap ? BATCH_MIN_ROWS : s->cap, s->cap);
}

/* Attempts with a growing pause between them (runtime/retry.h). */
#include "runtime/retry.h"
#include "util/clock.h"

#include <limits.h>

retry_policy retry_doubling(int retries, long long first_ms)
{
	return (retry_policy){retries, first_ms, 0, 2};
}

long long retry_delay_ms(const retry_policy *p, int n)
{
	long long cap = p->max_ms > 0 ? p->max_ms : LLONG_MAX;
	long long d = p->first_ms;
	for (int i = 0; i < n && d < cap; i++)
		d = p->factor > 1 && d > cap / p->factor ? cap : d * p->factor;
	return d < cap ? d : cap;
}

int retry_run(const retry_policy *p, const retry_ops *ops, mp_error *err)
{
	for (int n = 0;; n++) {
		retry_verdict v = RETRY_NO;
		int rc = ops->attempt(ops->ctx, n, &v, err);
		if (rc == MP_OK || v == RETRY_NO || (v == RETRY_POLICY && n >= p->retries))
			return rc;
		long long pause = retry_delay_ms(p, n);
		if (ops->before_pause)
			ops->before_pause(ops->ctx, n, pause, err);
		mp_sleep_ms(pause);
	}
}

/* runtime/retry: the pauses a policy gives, and how many attempts retry_run
 * makes for each verdict (pauses of 0 ms, so nothing sleeps). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <cmocka.h>

#include "runtime/retry.h"

static void test_doubling_pauses(void **state)
{
	(void)state;
	retry_policy p = retry_doubling(3, 500);
	assert_int_equal(p.retries, 3);
	assert_int_equal(retry_delay_ms(&p, 0), 500);
	assert_int_equal(retry_delay_ms(&p, 1), 1000);
	assert_int_equal(retry_delay_ms(&p, 3), 4000);
	/* Far beyond any real count the pause stays at the largest value
	 * instead of overflowing. */
	assert_true(retry_delay_ms(&p, 200) == LLONG_MAX);
	retry_policy capped = {5, 100, 250, 2};
	assert_int_equal(retry_delay_ms(&capped, 1), 200);
	assert_int_equal(retry_delay_ms(&capped, 2), 250);
	assert_int_equal(retry_delay_ms(&capped, 4), 250);
}

typedef struct {
	int calls;
	int pauses;
	int succeed_at;        /* attempt that succeeds; -1 never */
	retry_verdict verdict; /* of a failure */
	int always_until;      /* RETRY_ALWAYS for attempts before this */
} counter;

static int attempt(void *ctx, int n, retry_verdict *v, mp_error *err)
{
	counter *c = ctx;
	c->calls++;
	if (n == c->succeed_at)
		return MP_OK;
	*v = n < c->always_until ? RETRY_ALWAYS : c->verdict;
	return mp_error_set(err, MP_EDB, "attempt %d failed", n);
}

static void pause_seen(void *ctx, int n, long long pause_ms, const mp_error *err)
{
	counter *c = ctx;
	char want[32];
	snprintf(want, sizeof want, "attempt %d failed", n);
	assert_int_equal(pause_ms, 0);
	assert_string_equal(err->msg, want);
	c->pauses++;
}

static int run(counter *c, int retries)
{
	retry_policy p = retry_doubling(retries, 0);
	retry_ops ops = {attempt, pause_seen, c};
	mp_error err;
	return retry_run(&p, &ops, &err);
}

static void test_run_counts_attempts(void **state)
{
	(void)state;
	counter ok = {0, 0, 0, RETRY_POLICY, 0};
	assert_int_equal(run(&ok, 3), MP_OK);
	assert_int_equal(ok.calls, 1);
	counter later = {0, 0, 2, RETRY_POLICY, 0};
	assert_int_equal(run(&later, 3), MP_OK);
	assert_int_equal(later.calls, 3);
	assert_int_equal(later.pauses, 2);
	counter exhausted = {0, 0, -1, RETRY_POLICY, 0};
	assert_int_equal(run(&exhausted, 3), MP_EDB);
	assert_int_equal(exhausted.calls, 4);
	assert_int_equal(exhausted.pauses, 3);
	counter final = {0, 0, -1, RETRY_NO, 0};
	assert_int_equal(run(&final, 3), MP_EDB);
	assert_int_equal(final.calls, 1);
	assert_int_equal(final.pauses, 0);
	/* RETRY_ALWAYS does not count against the policy, but its attempts
	 * still count for the ones after it (as the watchdog's cancels and the
	 * lock retries of a step share one count). */
	counter always = {0, 0, -1, RETRY_POLICY, 5};
	assert_int_equal(run(&always, 1), MP_EDB);
	assert_int_equal(always.calls, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doubling_pauses),
		cmocka_unit_test(test_run_counts_attempts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

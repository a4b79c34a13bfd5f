/* runtime/batchsize: how backfill batch sizes follow measured durations
 * (a budget of 20 ms aimed at 15 ms), start small, grow and shrink within
 * bounds, and stay fixed without a budget. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <cmocka.h>

#include "runtime/batchsize.h"

/* No budget: every batch is the manifest's size, and the longest is kept. */
static void test_fixed_without_budget(void **state)
{
	(void)state;
	batch_sizer z;
	batch_sizer_init(&z, 10000, 0);
	assert_int_equal(z.size, 10000);
	batch_sizer_observe(&z, 165000, true);
	batch_sizer_observe(&z, 90000, true);
	assert_int_equal(z.size, 10000);
	assert_int_equal(z.longest_us, 165000);
	assert_int_equal(z.batches, 2);
}

/* Fast batches grow at most 2x each, up to the cap, never past it. */
static void test_grows_to_cap(void **state)
{
	(void)state;
	batch_sizer z;
	batch_sizer_init(&z, 1000, 20);
	assert_int_equal(z.size, BATCH_START_ROWS);
	batch_sizer_observe(&z, 100, true); /* 200 rows in 0.1 ms */
	assert_int_equal(z.size, 400);
	batch_sizer_observe(&z, 200, true);
	assert_int_equal(z.size, 800);
	batch_sizer_observe(&z, 400, true);
	assert_int_equal(z.size, 1000);
	batch_sizer_observe(&z, 400, true);
	assert_int_equal(z.size, 1000);
}

/* At a steady cost per row the size settles where a batch takes 3/4 of the
 * budget: 10 us a row, 20 ms budget -> 1500 rows. */
static void test_settles_under_budget(void **state)
{
	(void)state;
	batch_sizer z;
	batch_sizer_init(&z, 100000, 20);
	for (int i = 0; i < 20; i++)
		batch_sizer_observe(&z, (long long)z.size * 10, true);
	assert_int_equal(z.size, 1500);
}

/* A slow batch shrinks the next at most 4x, not below the floor; the last,
 * short batch (not full) says nothing about the cost of a full one. */
static void test_shrinks_within_bounds(void **state)
{
	(void)state;
	batch_sizer z;
	batch_sizer_init(&z, 100000, 20);
	z.size = 8000;
	batch_sizer_observe(&z, 2000000, true); /* 2 s: a lock wait, a stall */
	assert_int_equal(z.size, 2000);
	for (int i = 0; i < 10; i++)
		batch_sizer_observe(&z, 2000000, true);
	assert_int_equal(z.size, BATCH_MIN_ROWS);
	batch_sizer_observe(&z, 1, false);
	assert_int_equal(z.size, BATCH_MIN_ROWS);
	assert_int_equal(z.longest_us, 2000000);
}

/* A cap below the start and the floor is the size. */
static void test_small_cap(void **state)
{
	(void)state;
	batch_sizer z;
	batch_sizer_init(&z, 5, 20);
	assert_int_equal(z.size, 5);
	batch_sizer_observe(&z, 1000000, true);
	assert_int_equal(z.size, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_without_budget),
		cmocka_unit_test(test_grows_to_cap),
		cmocka_unit_test(test_settles_under_budget),
		cmocka_unit_test(test_shrinks_within_bounds),
		cmocka_unit_test(test_small_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* max_pending counts pending units: a plain migration is one, all pending
 * steps of one lifecycle together are one; the count is taken when the run
 * starts (gates_pending_units, gates_max_pending_refusal). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/gates.h"

static mf_gate max1 = {.kind = GATE_MAX_PENDING, .value = 1};

static mf_step step(char *lifecycle, char *spec)
{
	mf_step s;
	memset(&s, 0, sizeof s);
	s.lifecycle = lifecycle;
	s.spec = spec;
	s.gates = &max1;
	s.ngates = 1;
	return s;
}

static void test_units(void **state)
{
	(void)state;
	mf_step a1 = step("a", "a.mig"), a2 = step("a", "a.mig"), a3 = step("a", "a.mig");
	mf_step b1 = step("b", "b.mig"), other = step("a", "other.mig");
	folder_mig m[7] = {
		{.name = "0_plain"}, {.name = "1_a_expand", .step = &a1}, {.name = "2_a_backfill", .step = &a2},
		{.name = "3_a_contract", .step = &a3}, {.name = "4_b_expand", .step = &b1}, {.name = "5_plain"},
		{.name = "6_a_of_other_spec", .step = &other},
	};
	mig_folder f = {.migs = m, .n = 7};
	bool p[7] = {false, true, true, true, false, false, false};
	assert_int_equal(gates_pending_units(&f, p), 1); /* one lifecycle, three steps */
	size_t units = 0;
	int limit = -1;
	assert_int_equal(gates_max_pending_refusal(&f, p, 6, 0, -1, &units, &limit), -1);

	bool q[7] = {true, true, true, true, false, false, false};
	assert_int_equal(gates_pending_units(&f, q), 2); /* a plain migration and a lifecycle */
	/* refused at the first gated step even though the plain one comes first */
	assert_int_equal(gates_max_pending_refusal(&f, q, 6, 0, -1, &units, &limit), 1);
	assert_int_equal(units, 2);
	assert_int_equal(limit, 1);
	/* --steps 1 reaches only the plain one: no gate on the way */
	assert_int_equal(gates_max_pending_refusal(&f, q, 6, 1, -1, &units, &limit), -1);
	/* an override of 2 lets it pass */
	assert_int_equal(gates_max_pending_refusal(&f, q, 6, 0, 2, &units, &limit), -1);

	bool r[7] = {false, false, true, true, true, true, true};
	/* a's two steps, b, a plain one, and a lifecycle of the same name in another spec */
	assert_int_equal(gates_pending_units(&f, r), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_units)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

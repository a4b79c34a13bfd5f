/* Folder order as the Prisma CLI sorts it (JavaScript localeCompare under
 * ICU's root/en collation): the pairs below were read off Node's own sort,
 * several of them ones where a bytewise sort disagrees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migdir/folder.h"
#include "migdir/order.h"

static void assert_before(const char *a, const char *b)
{
	if (migdir_name_compare(a, b) >= 0 || migdir_name_compare(b, a) <= 0)
		fail_msg("expected %s before %s", a, b);
}

static void test_order_matches_locale_compare(void **state)
{
	(void)state;
	/* Same-length timestamps: what bytewise order also gives. */
	assert_before("20240101000000_init", "20240102000000_add_user");
	/* Punctuation before digits before letters; bytewise has '_' after digits. */
	assert_before("20240101000000_a_b", "20240101000000_a1");
	assert_before("2024010100000_short", "20240101000000_A");
	assert_before("20240101000000_b", "20240101000000-c");
	assert_before("a b", "a_b");
	assert_before("a-b", "a.b");
	/* Letters ignore case first, then lowercase comes first from the left. */
	assert_before("20240101000000_A", "20240101000000_b");
	assert_before("ab", "aB");
	assert_before("aB", "Ab");
	assert_before("Ab", "AB");
	assert_int_equal(migdir_name_compare("x_Y", "x_Y"), 0);
}

static void test_only_printable_ascii_is_collatable(void **state)
{
	(void)state;
	assert_true(migdir_name_collatable("20240101000000_Add-user.v2 (copy)"));
	assert_false(migdir_name_collatable("20240101000000_caf\xc3\xa9"));
	assert_false(migdir_name_collatable("20240101000000_tab\there"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_matches_locale_compare),
		cmocka_unit_test(test_only_printable_ascii_is_collatable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

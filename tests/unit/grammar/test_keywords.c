/* The one keyword list (src/grammar/kwlist.h) checked against what depends on
 * it, as PostgreSQL's check_keywords.pl checks kwlist.h against gram.y: the
 * order keyword_lookup's bsearch needs, the parser's keyword tokens, the
 * parser's reserved/unreserved split, and the fuzzing dictionary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/keywords.h"
#include "grammar/parse.h"
#include "grammar/parse_ctx.h"
#include "grammar/parser.h"
#include "util/buf.h"
#include "util/fsutil.h"

typedef struct {
	const char *word;
	int token;
	bool unreserved;
} kw;

static const kw list[] = {
#define MIG_KEYWORD(word, token, category) {word, token, category},
#define UNRESERVED true
#define RESERVED false
#include "grammar/kwlist.h"
#undef RESERVED
#undef UNRESERVED
#undef MIG_KEYWORD
};
#define NLIST (sizeof list / sizeof list[0])

static void test_list_is_lower_case_and_sorted_for_bsearch(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLIST; i++) {
		for (const char *p = list[i].word; *p; p++)
			if (!islower((unsigned char)*p))
				fail_msg("keyword '%s' is not lower case", list[i].word);
		if (i && strcmp(list[i - 1].word, list[i].word) >= 0)
			fail_msg("kwlist.h is out of order: '%s' before '%s'", list[i - 1].word, list[i].word);
	}
}

static void test_lookup_finds_every_word_in_any_case(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLIST; i++) {
		char upper[64];
		size_t n = strlen(list[i].word);
		assert_true(n < sizeof upper);
		for (size_t k = 0; k <= n; k++)
			upper[k] = (char)toupper((unsigned char)list[i].word[k]);
		assert_int_equal(keyword_lookup(list[i].word), list[i].token);
		assert_int_equal(keyword_lookup(upper), list[i].token);
	}
	assert_int_equal(keyword_lookup("users"), 0);
	assert_int_equal(keyword_lookup(""), 0);
}

/* The parser's tokens that carry text or punctuation; every other token of
 * parser.y is a keyword, which bison names by its word (parse.error custom
 * gives the aliases unquoted). A new token of either kind fails below until
 * it is added to kwlist.h or here. */
static bool value_token(int tok)
{
	static const int values[] = {IDENT, QIDENT, STRING, INTEGER, DECIMAL, DURATION, SQLTEXT, ARROW};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		if (values[i] == tok)
			return true;
	return false;
}

static void test_every_parser_keyword_is_listed_with_its_own_word(void **state)
{
	(void)state;
	size_t parser_keywords = 0;
	for (int tok = MIG_YYUNDEF + 1; mig_parser_token_name(tok); tok++) {
		if (value_token(tok))
			continue;
		parser_keywords++;
		if (keyword_lookup(mig_parser_token_name(tok)) != tok)
			fail_msg("parser.y's keyword token \"%s\" is not in kwlist.h", mig_parser_token_name(tok));
	}
	assert_int_equal(parser_keywords, NLIST);
	for (size_t i = 0; i < NLIST; i++) {
		const char *name = mig_parser_token_name(list[i].token);
		if (!name || strcmp(name, list[i].word) != 0)
			fail_msg("kwlist.h gives '%s' the token parser.y calls %s", list[i].word, name ? name : "(none)");
	}
}

/* An unreserved keyword still names a column; a reserved one does not. */
static void test_category_matches_the_grammar(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLIST; i++) {
		mp_buf spec = MP_BUF_INIT;
		buf_printf(&spec, "lifecycle l at 20250101000000 on t { add %s int; }\n", list[i].word);
		mp_source *src = source_from_string("kw.mig", buf_cstr(&spec), spec.len);
		diag_list d;
		diag_list_init(&d);
		ast_spec *ast;
		int rc = parse_spec(src, &ast, &d);
		if ((rc == 0) != list[i].unreserved)
			fail_msg("'%s' is %s in kwlist.h but the parser %s it as a column name", list[i].word,
			         list[i].unreserved ? "UNRESERVED" : "RESERVED", rc == 0 ? "accepts" : "refuses");
		ast_spec_free(ast);
		diag_list_free(&d);
		source_free(src);
		buf_free(&spec);
	}
}

static void test_fuzz_dictionary_has_every_keyword(void **state)
{
	(void)state;
	char *dict;
	size_t len;
	mp_error err = {0};
	if (fs_read_file(MIGPLAN_SOURCE_DIR "/tests/fuzz/mig.dict", &dict, &len, &err) != 0)
		fail_msg("cannot read tests/fuzz/mig.dict: %s", err.msg);
	for (size_t i = 0; i < NLIST; i++) {
		char line[160];
		snprintf(line, sizeof line, "\nkw_%s=\"%s\"\n", list[i].word, list[i].word);
		if (!strstr(dict, line))
			fail_msg("tests/fuzz/mig.dict lacks the line kw_%s=\"%s\"", list[i].word, list[i].word);
	}
	free(dict);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_is_lower_case_and_sorted_for_bsearch),
		cmocka_unit_test(test_lookup_finds_every_word_in_any_case),
		cmocka_unit_test(test_every_parser_keyword_is_listed_with_its_own_word),
		cmocka_unit_test(test_category_matches_the_grammar),
		cmocka_unit_test(test_fuzz_dictionary_has_every_keyword),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

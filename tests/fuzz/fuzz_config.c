/* libFuzzer target for prisma.config.ts read without running it (migdir/prisma_config.h). */
/*
 * The input is a config file's text. prisma_config_parse must take any bytes
 * (strings, templates with nested ${}, regular expressions, comments, brackets
 * in any state) without crashing, leaking or recursing without bound; then
 * every key is asked for, as both command lines ask, with a few variables of
 * the environment set and empty. Checks: a value either reads (MP_OK, a string
 * or nothing) or is refused (MP_EINVAL) with one line that starts with the
 * file's name, a line and a column; a key the file does not write reads as
 * nothing; a path key reads as a normal path (fs_path_normalize leaves it as
 * it is) and never as ""; reading the same text twice gives the same answers.
 */
#include "migdir/prisma_config.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NAME "prisma.config.ts"

/* Every key's answer as one text, checking each as it goes. */
static void answers(const char *text, size_t len, mp_buf *out)
{
	prisma_config *c = prisma_config_parse(source_from_string(FILE_NAME, text, len));
	for (int k = 0; k < PRISMA_CONFIG_NKEYS; k++) {
		bool path = k == PRISMA_CONFIG_SCHEMA || k == PRISMA_CONFIG_MIGRATIONS;
		char *v = NULL;
		mp_error err = {0, ""};
		int rc = path ? prisma_config_path(c, (prisma_config_key)k, &v, &err)
		              : prisma_config_string(c, (prisma_config_key)k, &v, &err);
		FUZZ_CHECK(rc == MP_OK || rc == MP_EINVAL);
		if (rc == MP_EINVAL) {
			int line = 0, col = 0;
			FUZZ_CHECK(v == NULL);
			FUZZ_CHECK(sscanf(err.msg, FILE_NAME ":%d:%d: ", &line, &col) == 2 && line >= 1 && col >= 1);
			FUZZ_CHECK(strpbrk(err.msg, "\r\n") == NULL);
			buf_printf(out, "%d refused %s\n", k, err.msg);
			continue;
		}
		if (!prisma_config_has(c, (prisma_config_key)k))
			FUZZ_CHECK(v == NULL);
		if (path && v) {
			char *norm = fs_path_normalize(v);
			FUZZ_CHECK(*v && strcmp(norm, v) == 0);
			free(norm);
		}
		buf_printf(out, "%d value %s\n", k, v ? v : "(none)");
		free(v);
	}
	prisma_config_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* names the seeds use, set, empty and unset */
	setenv("DATABASE_URL", "postgresql://u@h/db", 1);
	setenv("FUZZ_EMPTY", "", 1);
	unsetenv("FUZZ_UNSET");
	mp_buf first = MP_BUF_INIT, second = MP_BUF_INIT;
	answers((const char *)data, size, &first);
	answers((const char *)data, size, &second);
	FUZZ_CHECK(first.len == second.len && strcmp(buf_cstr(&first), buf_cstr(&second)) == 0);
	buf_free(&first);
	buf_free(&second);
	return 0;
}
